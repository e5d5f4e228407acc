#!/usr/bin/env python3
"""The alerting rules and the Grafana dashboard against real components (see CMakeLists.txt).

Usage: monitoring_test.py CASE CRESCENDO_BINARY SOURCE_DIR
  Alerts   `crescendo serve` on the simulator, a real Prometheus scraping it with the rules of
           monitoring/prometheus/crescendo-alerts.yaml (their `for:` set to 0s, the rest
           unchanged), a real Alertmanager, and a webhook receiver (http.server) in this
           process: an SLA alert of the demo scenario reaches the webhook; the alerts of a
           healthy process do not fire; once serve is stopped, CrescendoDown reaches it too.
  Grafana  the same Prometheus: every query of every panel of monitoring/grafana/crescendo.json
           (variables at their "All" values) returns data.
Everything listens on 127.0.0.1 free ports and lives in a temporary folder; exits non-zero
naming what failed.
"""
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


def wait_for(what, predicate, seconds):
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError as e:
            last = e
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {seconds}s (last: {last})")


class Webhook(http.server.BaseHTTPRequestHandler):
    """Records every Alertmanager notification (its JSON body)."""
    received = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with Webhook.lock:
            Webhook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

    @staticmethod
    def alerts(status="firing"):
        with Webhook.lock:
            return {(a["labels"]["alertname"], a["labels"].get("tenant", ""))
                    for n in Webhook.received for a in n["alerts"] if a["status"] == status}


class Stack:
    def __init__(self, binary, source):
        self.binary, self.source = binary, source
        self.dir = tempfile.mkdtemp(prefix="crescendo_mon_")
        self.procs = {}

    def start(self, name, args, cwd=None):
        log = open(os.path.join(self.dir, name + ".log"), "w")
        self.procs[name] = subprocess.Popen(args, cwd=cwd or self.dir, stdout=log,
                                            stderr=subprocess.STDOUT)

    def log(self, name):
        with open(os.path.join(self.dir, name + ".log")) as f:
            return f.read()[-3000:]

    def up(self):
        # crescendo serve on the simulator, 600 times faster than wall time.
        key = os.path.join(self.dir, "master.key")
        with open(key, "w") as f:
            f.write(os.urandom(32).hex())
        self.serve_port = free_port()
        self.start("serve", [self.binary, "serve", "--store", os.path.join(self.dir, "state.db"),
                             "--config", "examples/config", "--master-key-file", key,
                             "--listen", f"127.0.0.1:{self.serve_port}", "--speed", "600"],
                   cwd=self.source)
        # The webhook receiver.
        self.hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
        threading.Thread(target=self.hook.serve_forever, daemon=True).start()
        # Alertmanager: one route, to the webhook, with no waiting.
        self.am_port = free_port()
        with open(os.path.join(self.dir, "alertmanager.yml"), "w") as f:
            f.write(f"""route:
  receiver: test
  group_by: [alertname, tenant]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: test
    webhook_configs:
      - url: http://127.0.0.1:{self.hook.server_address[1]}/hook
        send_resolved: true
""")
        self.start("alertmanager", [
            "prometheus-alertmanager", "--config.file=alertmanager.yml",
            f"--storage.path={self.dir}/am", f"--web.listen-address=127.0.0.1:{self.am_port}",
            "--cluster.listen-address="])
        # The rules, their `for:` set to 0s so the test need not wait minutes.
        with open(os.path.join(self.source, "monitoring/prometheus/crescendo-alerts.yaml")) as f:
            rules = re.sub(r"(?m)^(\s+)for: \S+$", r"\1for: 0s", f.read())
        with open(os.path.join(self.dir, "rules.yaml"), "w") as f:
            f.write(rules)
        self.prom_port = free_port()
        with open(os.path.join(self.dir, "prometheus.yml"), "w") as f:
            f.write(f"""global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: [rules.yaml]
alerting:
  alertmanagers:
    - static_configs: [{{targets: ["127.0.0.1:{self.am_port}"]}}]
scrape_configs:
  - job_name: crescendo
    static_configs: [{{targets: ["127.0.0.1:{self.serve_port}"]}}]
""")
        self.start("prometheus", [
            "prometheus", "--config.file=prometheus.yml", f"--storage.tsdb.path={self.dir}/tsdb",
            f"--web.listen-address=127.0.0.1:{self.prom_port}"])
        self.prom = f"http://127.0.0.1:{self.prom_port}"
        for name in ("serve", "alertmanager", "prometheus"):
            check(self.procs[name].poll() is None, f"{name} exited: {self.log(name)}")
        wait_for("Prometheus scrapes crescendo serve", lambda: any(
            t["health"] == "up" for t in get_json(self.prom + "/api/v1/targets")["data"]["activeTargets"]),
            60)

    def query(self, expr):
        url = self.prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        answer = get_json(url)
        check(answer["status"] == "success", f"{expr}: {answer}")
        return answer["data"]["result"]

    def firing(self):
        alerts = get_json(self.prom + "/api/v1/alerts")["data"]["alerts"]
        return {a["labels"]["alertname"] for a in alerts if a["state"] == "firing"}

    def close(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
        if hasattr(self, "hook"):
            self.hook.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)


def case_alerts(stack):
    # The demo scenario runs its services over capacity for more than 14.4% of their time.
    got = wait_for("CrescendoSlaBurning reaches the webhook through Alertmanager",
                   lambda: {t for (a, t) in Webhook.alerts() if a == "CrescendoSlaBurning"}, 120)
    print("SLA alerts delivered for tenants:", sorted(got))
    with Webhook.lock:
        sample = next(a for n in Webhook.received for a in n["alerts"]
                      if a["labels"]["alertname"] == "CrescendoSlaBurning")
    check("runbook" in sample["annotations"] and "Load exceeds ready capacity"
          in sample["annotations"]["runbook"], f"no runbook in {sample}")
    # A healthy process: none of these fires.
    healthy = {"CrescendoDown", "CrescendoTicksLate", "CrescendoTicksFailing",
               "CrescendoEngineHolding", "CrescendoMetricSourceDown",
               "CrescendoShardWithoutOwner", "CrescendoDecisionsHeld"}
    firing = stack.firing()
    check(not (firing & healthy), f"alerts of a healthy serve fire: {firing & healthy}")
    # Stop serve: the scrape fails, CrescendoDown reaches the webhook.
    stack.procs["serve"].send_signal(signal.SIGTERM)
    check(stack.procs["serve"].wait(timeout=30) == 0, "serve did not stop cleanly")
    wait_for("CrescendoDown reaches the webhook",
             lambda: any(a == "CrescendoDown" for (a, _) in Webhook.alerts()), 60)
    print("CrescendoDown delivered after serve stopped")


def grafana_queries(dashboard):
    def walk(panels):
        for p in panels:
            yield p
            yield from walk(p.get("panels", []))
    for p in walk(dashboard["panels"]):
        for t in p.get("targets", []):
            yield p["title"], t["expr"]


def case_grafana(stack):
    with open(os.path.join(stack.source, "monitoring/grafana/crescendo.json")) as f:
        dashboard = json.load(f)
    queries = list(grafana_queries(dashboard))
    check(len(queries) >= 15, f"only {len(queries)} queries in the dashboard")
    variables = {"$instance": ".*", "$tenant": ".*", "$__rate_interval": "1m"}
    for v in dashboard["templating"]["list"]:
        if v["type"] == "query":
            check(stack.query(v["definition"].replace("label_values(", "group by (" + v["name"] + ") (")
                              .replace(", " + v["name"] + ")", ")")),
                  f"variable {v['name']}: no values")

    def substitute(expr):
        for k, v in variables.items():
            expr = expr.replace(k, v)
        check("$" not in expr, f"an unknown variable in {expr}")
        return expr

    # Rates need two scrapes of a changing counter: wait until every query has data.
    deadline = time.time() + 90
    while True:
        empty = [(t, e) for (t, e) in queries if not stack.query(substitute(e))]
        if not empty or time.time() > deadline:
            break
        time.sleep(1)
    check(not empty, "panels without data: " + "; ".join(f"{t}: {e}" for t, e in empty))
    print(f"{len(queries)} queries of {len({t for t, _ in queries})} panels return data")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("Alerts", "Grafana"):
        print(__doc__, file=sys.stderr)
        return 2
    for tool in ("prometheus", "prometheus-alertmanager"):
        if shutil.which(tool) is None:
            print(f"*** SKIPPED: {tool} is not installed ***", file=sys.stderr)
            return 77
    stack = Stack(os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]))
    try:
        stack.up()
        {"Alerts": case_alerts, "Grafana": case_grafana}[sys.argv[1]](stack)
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        for name in stack.procs:
            print(f"--- {name} log ---\n{stack.log(name)}", file=sys.stderr)
        return 1
    finally:
        stack.close()
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
