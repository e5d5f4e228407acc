#!/usr/bin/env python3
"""Integration tests of `crescendo serve` and the control plane commands (see CMakeLists.txt).

Usage: controlplane_test.py CASE CRESCENDO_BINARY SOURCE_DIR
Each case starts its own servers on 127.0.0.1 with free ports in a temporary folder and stops
them; it exits non-zero with a message naming what failed.
"""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class Env:
    def __init__(self, binary, source):
        self.binary = binary
        self.source = source
        self.dir = tempfile.mkdtemp(prefix="crescendo_cp_")
        os.chmod(self.dir, 0o755)
        self.key = os.path.join(self.dir, "master.key")
        with open(self.key, "w") as f:
            f.write(os.urandom(32).hex() + "\n")
        self.procs = []

    def run(self, *args, ok=True):
        r = subprocess.run([self.binary, *args], capture_output=True, text=True, cwd=self.source)
        if ok:
            check(r.returncode == 0, f"crescendo {' '.join(args)}: exit {r.returncode}: {r.stderr}")
        return r

    def token(self, store, *grants):
        args = ["token", "create", "--store", store, "--name", "-".join(grants) or "none"]
        for g in grants:
            args += ["--grant", g]
        return self.run(*args).stdout.strip()

    def serve(self, store, port, *extra, config=True):
        args = [self.binary, "serve", "--store", store, "--listen", f"127.0.0.1:{port}",
                "--master-key-file", self.key, *extra]
        if config:
            args += ["--config", "examples/config"]
        log = open(os.path.join(self.dir, f"serve-{port}-{len(self.procs)}.log"), "w")
        p = subprocess.Popen(args, cwd=self.source, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def request(port, method, path, token=None, body=None, tls=None):
    conn = (http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=10) if tls
            else http.client.HTTPConnection("127.0.0.1", port, timeout=10))
    headers = {"Authorization": "Bearer " + token} if token else {}
    data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    conn.close()
    try:
        return r.status, json.loads(text)
    except ValueError:
        return r.status, text


def wait_ready(port, proc, seconds=30, tls=None, want=200):
    deadline = time.time() + seconds
    while time.time() < deadline:
        check(proc.poll() is None, f"serve exited with {proc.returncode}")
        try:
            status, _ = request(port, "GET", "/readyz", tls=tls)
            if status == want:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"/readyz did not answer {want} within {seconds}s")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    check(code == 0, f"serve exited with {code} after SIGTERM")


def change_own_tenant(port, token, reader=None):
    """Flips harmonia's minReplicas between 3 and 4 as `token` (the configuration is read as
    `reader`, default `token`); returns the response."""
    _, cfg = request(port, "GET", "/api/v1/config", reader or token)
    text = cfg["files"]["tenants.yaml"]
    at = text.find("minReplicas: ", text.find("harmonia:")) + len("minReplicas: ")
    text = text[:at] + ("4" if text[at] == "3" else "3") + text[at + 1:]
    return request(port, "PUT", "/api/v1/config", token,
                   {"base_version": cfg["version"], "files": {"tenants.yaml": text},
                    "message": "flip harmonia minReplicas"})


# The catalogue `serve --metrics-catalogue` reads in case_sqlite: audio_queue_length is marked
# sensitive (stored sealed), active_streams explicitly not (not stored), and the scenario's other
# business metrics are not in it (not stored).
CATALOGUE = """metrics:
  audio_queue_length:
    kind: business
    unit: count
    sensitive: true
    queries: {prometheus: 'sum(rabbitmq_queue_messages_ready{queue="audio"})'}
  active_streams:
    kind: business
    unit: count
    sensitive: false
    queries: {prometheus: 'sum(active_streams)'}
  cpu:
    kind: system
    unit: millicores
    queries: {prometheus: 'sum(rate(container_cpu_usage_seconds_total[1m]))'}
"""


def await_simulation(port, token, sim_id, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        status, run = request(port, "GET", f"/api/v1/simulations/{sim_id}", token)
        check(status == 200, f"simulation {sim_id}: {status} {run}")
        if run["state"] != "running":
            return run
        time.sleep(0.2)
    raise AssertionError(f"simulation {sim_id} still running after {seconds}s")


def check_simulations(env, port, admin, operator, viewer):
    """What-if runs through serve's simulator: a scenario, a proposed change, refusals."""
    status, run = request(port, "POST", "/api/v1/simulations", operator,
                          {"scenario": "config", "tenant": "harmonia",
                           "strategies": ["kubernetes", "predictive"], "duration_seconds": 3600})
    check(status == 201 and run["state"] == "running", f"start: {status} {run}")
    done = await_simulation(port, env.harmonia_viewer, run["id"])
    names = [s["name"] for s in done["report"]["strategies"]]
    check(done["state"] == "done" and names == ["kubernetes", "predictive"], f"report: {done}")
    ids = set(done["report"]["trace"]["services"])
    check(ids and all("/harmonia/" in i for i in ids), f"not harmonia's services only: {ids}")
    # The generated scenario of `crescendo simulate --scenario music-streaming` (its tenants are
    # free, premium and enterprise): every service, so a global operator's.
    status, run = request(port, "POST", "/api/v1/simulations", admin,
                          {"scenario": "music-streaming", "strategies": ["kubernetes"],
                           "duration_seconds": 3600, "seed": 7})
    check(status == 201, f"start music-streaming: {status} {run}")
    done = await_simulation(port, admin, run["id"])
    check(done["state"] == "done" and len(done["report"]["trace"]["services"]) == 8,
          f"music-streaming report: {json.dumps(done)[:400]}")
    # The current configuration with harmonia's minReplicas raised: validated, not stored.
    _, cfg = request(port, "GET", "/api/v1/config", admin)
    text = cfg["files"]["tenants.yaml"]
    at = text.find("minReplicas: ", text.find("harmonia:")) + len("minReplicas: ")
    text = text[:at] + "9" + text[at + 1:]
    status, run = request(port, "POST", "/api/v1/simulations", operator,
                          {"scenario": "config", "tenant": "harmonia", "files": {"tenants.yaml": text},
                           "strategies": ["kubernetes"], "duration_seconds": 1800})
    check(status == 201, f"start with a change: {status} {run}")
    done = await_simulation(port, admin, run["id"])
    check(done["state"] == "done" and done["report"]["trace"]["services"],
          f"report of a change: {json.dumps(done)[:400]}")
    check(request(port, "GET", "/api/v1/config", admin)[1]["version"] == cfg["version"],
          "a simulated change was stored")
    refused = [
        (operator, {"scenario": "config", "tenant": "harmonia", "strategies": ["nope"],
                    "duration_seconds": 60}, 400, "strategies[0]"),
        (operator, {"scenario": "music-streaming", "tenant": "harmonia",
                    "strategies": ["kubernetes"], "duration_seconds": 60}, 400, "tenant"),
        (operator, {"scenario": "config", "tenant": "harmonia",
                    "files": {"tiers.yaml": "tiers: {free: {priority: high}}"},
                    "strategies": ["kubernetes"], "duration_seconds": 60}, 400, None),
        (operator, {"scenario": "music-streaming", "strategies": ["kubernetes"],
                    "duration_seconds": 60}, 403, ""),
        (viewer, {"scenario": "music-streaming", "tenant": "nightowl",
                  "strategies": ["kubernetes"], "duration_seconds": 60}, 403, ""),
        (admin, {"scenario": "music-streaming", "strategies": ["kubernetes"],
                 "duration_seconds": 10 ** 9}, 400, "duration_seconds"),
        (admin, {"scenario": "atlantis", "strategies": ["kubernetes"],
                 "duration_seconds": 60}, 400, "scenario"),
    ]
    for token, body, want, field in refused:
        status, err = request(port, "POST", "/api/v1/simulations", token, body)
        check(status == want and (field is None or err["field"] == field),
              f"refused simulation {body}: {status} {err}")
    status, listed = request(port, "GET", "/api/v1/simulations", viewer)
    check(status == 200 and listed["simulations"] == [], f"nightowl sees harmonia's runs: {listed}")
    print("simulations: a scenario, a proposed change, and", len(refused), "refusals")


def case_sqlite(env):
    store = os.path.join(env.dir, "state.db")
    admin = env.token(store, "admin")
    operator = env.token(store, "operator:harmonia")
    viewer = env.token(store, "viewer:nightowl")
    env.harmonia_viewer = env.token(store, "viewer:harmonia")
    catalogue = os.path.join(env.dir, "catalogue.yaml")
    with open(catalogue, "w") as f:
        f.write(CATALOGUE)
    port = free_port()
    p = env.serve(store, port, "--speed", "120", "--metrics-catalogue", catalogue)
    wait_ready(port, p)
    # Real sockets: the public endpoints, the API, the error shapes.
    check(request(port, "GET", "/healthz")[0] == 200, "/healthz")
    status, metrics = request(port, "GET", "/metrics")
    check(status == 200 and "crescendo_tick_duration_seconds" in metrics, "/metrics")
    status, doc = request(port, "GET", "/openapi.json")
    with open(os.path.join(env.source, "api/openapi.json")) as f:
        check(status == 200 and doc == json.load(f), "/openapi.json differs from api/openapi.json")
    status, err = request(port, "GET", "/api/v1/config")
    check(status == 401 and set(err) >= {"code", "message", "field"}, f"no token: {status} {err}")
    check(request(port, "GET", "/api/v1/config", viewer)[0] == 403, "tenant viewer read config")
    check(request(port, "GET", "/api/v1/tenants/nightowl/services", viewer)[0] == 200, "own")
    check(request(port, "GET", "/api/v1/tenants/harmonia/services", viewer)[0] == 403, "other")
    big = json.dumps({"base_version": 1, "files": {"a.yaml": "x" * (2 << 20)}})
    status, err = request(port, "PUT", "/api/v1/config", admin, big)
    check(status == 413, f"huge body: {status} {err}")
    # A tenant operator changes its own tenant; the engine applies the new version.
    status, created = change_own_tenant(port, operator, reader=admin)
    check(status == 201 and created["tenants"] == ["harmonia"], f"operator change: {status} {created}")
    deadline = time.time() + 20
    while time.time() < deadline:
        with open(os.path.join(env.dir, f"serve-{port}-0.log")) as f:
            if "applied configuration version 2" in f.read():
                break
        time.sleep(0.2)
    else:
        raise AssertionError("the engine did not apply configuration version 2")
    # An invalid change: refused with located errors, nothing stored.
    _, cfg = request(port, "GET", "/api/v1/config", admin)
    tiers = cfg["files"]["tiers.yaml"].replace("priority: 100", "priority: high", 1)
    status, err = request(port, "PUT", "/api/v1/config", admin,
                          {"base_version": cfg["version"], "files": {"tiers.yaml": tiers}})
    check(status == 400 and err["field"].startswith("tiers.yaml:6:15"), f"invalid: {status} {err}")
    check(request(port, "GET", "/api/v1/config", admin)[1]["version"] == cfg["version"], "stored")
    # Decisions with opened traces, sensitive metrics opened for the caller.
    _, services = request(port, "GET", "/api/v1/tenants/harmonia/services", admin)
    name = services["services"][0]["service"]
    status, decisions = request(port, "GET",
                                f"/api/v1/tenants/harmonia/services/{name}/decisions?limit=5", admin)
    check(status == 200 and decisions["decisions"] and
          isinstance(decisions["decisions"][0]["trace"], list), f"decisions: {decisions}")
    # The latest recommendation of each of harmonia's services: horizontal, and vertical per
    # container for those sized vertically; a viewer of harmonia reads them, nightowl's cannot.
    recommendations = []
    for s in services["services"]:
        status, rec = request(port, "GET", f"/api/v1/tenants/harmonia/services/{s['service']}"
                              "/recommendations", env.harmonia_viewer)
        check(status == 200 and isinstance(rec["horizontal"]["trace"], list) and
              rec["horizontal"]["desired_replicas"] >= 1, f"recommendation: {status} {rec}")
        recommendations.append(rec)
    sized = [r["vertical"] for r in recommendations if r["vertical"]]
    check(sized and all(isinstance(v["trace"], list) and v["update"] for v in sized),
          f"no vertical recommendation: {json.dumps(recommendations)[:600]}")
    bounded = [c for v in sized for c in v["containers"] if "lowerBound" in c]
    check(bounded, f"no container with VPA bounds: {json.dumps(sized)[:600]}")
    for c in bounded:  # the VPA recommendation of each resource it covers
        for resource in c["target"]:
            check(0 < c["lowerBound"][resource] <= c["upperBound"][resource] and
                  c["target"][resource] > 0, f"bounds of {c}")
    status, _ = request(port, "GET", f"/api/v1/tenants/harmonia/services/{name}/recommendations",
                        viewer)
    check(status == 403, f"nightowl's viewer read harmonia's recommendation: {status}")
    check_simulations(env, port, admin, operator, viewer)
    # A long run in flight when serve stops is cancelled: serve still stops cleanly.
    status, run = request(port, "POST", "/api/v1/simulations", admin,
                          {"scenario": "music-streaming", "strategies": ["kubernetes", "predictive"],
                           "duration_seconds": 48 * 3600})
    check(status == 201, f"long run: {status} {run}")
    stop(p)
    # The database holds no plaintext value of a metric the catalogue marks sensitive, nor any
    # trace text (of decisions and recommendations).
    p = env.serve(store, port, "--speed", "3000", "--metrics-catalogue", catalogue)
    wait_ready(port, p)
    time.sleep(4)
    values = set()
    for tenant in ("harmonia", "nightowl", "kinderklang"):
        _, m = request(port, "GET", f"/api/v1/tenants/{tenant}/metrics?limit=1000", admin)
        stored = {x["metric"] for x in m["metrics"]}
        check(stored <= {"audio_queue_length"}, f"{tenant}: stored metrics not marked sensitive: {stored}")
        values |= {x["value"] for x in m["metrics"] if len(x["value"]) >= 5}
    reasons = {t["reason"] for d in decisions["decisions"] for t in d["trace"] if len(t["reason"]) > 12}
    for rec in recommendations:
        for part in ("horizontal", "vertical"):
            for t in (rec[part] or {}).get("trace", []):
                if len(t["reason"]) > 12:
                    reasons.add(t["reason"])
    stop(p)
    check(len(values) >= 3, f"too few distinctive sensitive values to test: {sorted(values)[:5]}")
    data = b""
    for suffix in ("", "-wal"):
        if os.path.exists(store + suffix):
            with open(store + suffix, "rb") as f:
                data += f.read()
    leaked = [v for v in values if v.encode() in data] + [r for r in reasons if r.encode() in data]
    check(not leaked, f"plaintext in the database file: {leaked[:3]}")
    check(len(data) > 0, "empty database")
    print(f"no plaintext: {len(values)} sensitive values and {len(reasons)} trace reasons "
          f"absent from {len(data)} bytes of database")
    r = env.run("audit", "verify", "--store", store)
    check("intact" in r.stdout, r.stdout)
    lines = env.run("audit", "export", "--store", store).stdout.splitlines()
    actions = [json.loads(line)["action"] for line in lines]
    for action in ("token.create", "config.change", "auth.denied", "auth.login", "decision.applied",
                   "simulation.start"):
        check(action in actions, f"no {action} in the audit export")


def case_faults(env):
    store = os.path.join(env.dir, "state.db")
    admin = env.token(store, "admin")
    port = free_port()
    rng = random.Random(7)
    for round_ in range(4):
        p = env.serve(store, port, "--speed", "600")
        wait_ready(port, p)
        stop_flag = threading.Event()

        def changes():
            while not stop_flag.is_set():
                try:
                    change_own_tenant(port, admin)
                except (OSError, ValueError, KeyError, http.client.HTTPException):
                    return
        t = threading.Thread(target=changes)
        t.start()
        time.sleep(0.5 + rng.random())
        p.kill()  # SIGKILL mid-change and mid-tick
        p.wait()
        stop_flag.set()
        t.join()
        db = sqlite3.connect(store)
        versions = db.execute("SELECT COUNT(*), MAX(version) FROM config_versions").fetchone()
        changes_audited = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'config.change'").fetchone()[0]
        check(versions[0] == versions[1] == changes_audited,
              f"round {round_}: versions {versions} vs audited changes {changes_audited}")
        tick = db.execute("SELECT MAX(tick) FROM checkpoints").fetchone()[0]
        decided = db.execute("SELECT MAX(tick) FROM decisions").fetchone()[0]
        check(tick == decided, f"round {round_}: checkpoint tick {tick} vs decisions {decided}")
        applied = db.execute("SELECT COUNT(*) FROM decisions WHERE applied = 1 AND "
                             "desired_replicas != current_replicas").fetchone()[0]
        audited = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'decision.applied'").fetchone()[0]
        check(applied == audited, f"round {round_}: {applied} applied, {audited} audited")
        db.close()
        r = env.run("audit", "verify", "--store", store)
        check("intact" in r.stdout, f"round {round_}: {r.stdout}")
        print(f"round {round_}: killed at tick {tick}, {versions[0]} versions, chain intact")
    p = env.serve(store, port, "--speed", "600")
    wait_ready(port, p)
    stop(p)
    with open(os.path.join(env.dir, f"serve-{port}-4.log")) as f:
        check("resumed the engine from the checkpoint" in f.read(), "no resume after restart")


def case_backup(env):
    store = os.path.join(env.dir, "state.db")
    admin = env.token(store, "admin")
    port = free_port()
    p = env.serve(store, port, "--speed", "300")
    wait_ready(port, p)
    time.sleep(1)
    backup = os.path.join(env.dir, "backup.json")
    env.run("backup", "--store", store, "--to", backup)  # while the server runs
    status, created = change_own_tenant(port, admin)
    check(status == 201, f"change after backup: {status}")
    stop(p)
    db = sqlite3.connect(store)
    before = db.execute("SELECT MAX(version) FROM config_versions").fetchone()[0]
    db.close()
    # A corrupt backup (one byte changed, then truncated) changes nothing.
    with open(backup, "rb") as f:
        good = f.read()
    for name, bad in (("flipped", good[:-10] + bytes([good[-10] ^ 1]) + good[-9:]),
                      ("truncated", good[: len(good) // 2]), ("not a backup", b"{}\n{}")):
        path = os.path.join(env.dir, "bad.json")
        with open(path, "wb") as f:
            f.write(bad)
        r = env.run("restore", "--store", store, "--from", path, ok=False)
        check(r.returncode == 1 and "nothing was changed" in r.stderr, f"{name}: {r.stderr}")
        db = sqlite3.connect(store)
        check(db.execute("SELECT MAX(version) FROM config_versions").fetchone()[0] == before,
              f"{name}: the store changed")
        db.close()
    env.run("restore", "--store", store, "--from", backup)
    db = sqlite3.connect(store)
    after = db.execute("SELECT MAX(version) FROM config_versions").fetchone()[0]
    db.close()
    check(after == before - 1, f"restored version {after}, expected {before - 1}")
    r = env.run("audit", "verify", "--store", store)
    check("intact" in r.stdout, r.stdout)
    # Key rotation: new data keys and a new master key; old values still open.
    new_key = os.path.join(env.dir, "next.key")
    with open(new_key, "w") as f:
        f.write(os.urandom(32).hex())
    env.run("keys", "rotate", "--store", store, "--master-key-file", env.key,
            "--new-master-key-file", new_key)
    env.key = new_key
    p = env.serve(store, port, "--speed", "300")
    wait_ready(port, p)
    _, m = request(port, "GET", "/api/v1/tenants/harmonia/metrics?limit=1000", admin)
    sealed = [x for x in m["metrics"] if x["value"].startswith("sealed")]
    check(m["metrics"] and not sealed, f"values do not open after rotation: {sealed[:2]}")
    stop(p)


def pg_cmd(user, *args):
    if os.geteuid() == 0:
        return subprocess.run(["runuser", "-u", user, "--", *args], capture_output=True, text=True)
    return subprocess.run(list(args), capture_output=True, text=True)


def case_postgres(env):
    bindir = "/usr/lib/postgresql/15/bin"
    check(os.path.exists(os.path.join(bindir, "initdb")), "PostgreSQL 15 is not installed")
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    data = os.path.join(env.dir, "pg")
    os.makedirs(data)
    if os.geteuid() == 0:
        shutil.chown(data, user)
    r = pg_cmd(user, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "crescendo")
    check(r.returncode == 0, f"initdb: {r.stderr}")
    pg_port = free_port()
    opts = f"-p {pg_port} -k {data} -c listen_addresses=127.0.0.1"

    def pg(action):
        r = pg_cmd(user, f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-w", "-l",
                   os.path.join(data, "log"), action)
        check(r.returncode == 0, f"pg_ctl {action}: {r.stderr}{r.stdout}")
    pg("start")
    try:
        url = f"postgresql://crescendo@127.0.0.1:{pg_port}/postgres"
        admin = env.token(url, "admin")
        port = free_port()
        p = env.serve(url, port, "--speed", "120")
        wait_ready(port, p)
        status, created = change_own_tenant(port, admin)
        check(status == 201, f"change on PostgreSQL: {status} {created}")
        time.sleep(1)
        pg("stop")
        wait_ready(port, p, want=503)
        status, body = request(port, "GET", "/readyz")
        print("PostgreSQL stopped: /readyz", status, body)
        pg("start")
        wait_ready(port, p)
        stop(p)
        r = env.run("audit", "verify", "--store", url)
        check("intact" in r.stdout, r.stdout)
        backup = os.path.join(env.dir, "pg-backup.json")
        env.run("backup", "--store", url, "--to", backup)
        env.run("restore", "--store", url, "--from", backup)
        r = env.run("audit", "verify", "--store", url)
        check("intact" in r.stdout, r.stdout)
        # The same chain checks run on PostgreSQL: alter an entry behind the store's back.
        r = pg_cmd(user, "psql", "-h", "127.0.0.1",
                   "-p", str(pg_port), "-U", "crescendo", "-d", "postgres", "-c",
                   "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
        check(r.returncode == 0, f"psql: {r.stderr}")
        r = env.run("audit", "verify", "--store", url, ok=False)
        check(r.returncode == 1 and "entry 2: altered" in r.stdout, r.stdout)
    finally:
        pg_cmd(user, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop")


def case_tls(env):
    """mTLS identities: a client certificate whose CN or alternative name is bound gets its
    grants; an unbound or untrusted one gets 401; without one, bearer tokens work."""
    d = env.dir
    def ssl_run(*args):
        r = subprocess.run(["openssl", *args], capture_output=True, text=True, cwd=d)
        check(r.returncode == 0, f"openssl {args[0]}: {r.stderr}")
    for ca in ("ca", "rogue-ca"):
        ssl_run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key", "-out",
                f"{ca}.pem", "-days", "1", "-subj", f"/CN=crescendo test {ca}")
    # name, CN, extensions, signing CA
    certs = [("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\n", "ca"),
             ("client", "ci", "extendedKeyUsage=clientAuth\n", "ca"),
             ("san", "someone-else", "extendedKeyUsage=clientAuth\nsubjectAltName=DNS:deploy.example.com\n", "ca"),
             ("stranger", "stranger", "extendedKeyUsage=clientAuth\n", "ca"),
             ("rogue", "ci", "extendedKeyUsage=clientAuth\n", "rogue-ca")]
    for name, cn, ext, ca in certs:
        ssl_run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                f"{name}.csr", "-subj", f"/CN={cn}")
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(ext)
        ssl_run("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", "1", "-extfile", f"{name}.ext")
    store = os.path.join(d, "state.db")
    admin = env.token(store, "admin")
    env.run("identity", "bind", "--store", store, "--subject", "ci", "--name", "ci robot",
            "--grant", "viewer:harmonia")
    env.run("identity", "bind", "--store", store, "--subject", "deploy.example.com",
            "--grant", "operator:nightowl")
    listed = env.run("identity", "list", "--store", store).stdout
    check("deploy.example.com" in listed and "viewer:harmonia" in listed, listed)
    port = free_port()
    p = env.serve(store, port, "--tls-cert", f"{d}/server.pem", "--tls-key", f"{d}/server.key",
                  "--tls-client-ca", f"{d}/ca.pem")

    def client(name=None):
        ctx = ssl.create_default_context(cafile=f"{d}/ca.pem")
        if name:
            ctx.load_cert_chain(f"{d}/{name}.pem", f"{d}/{name}.key")
        return ctx
    wait_ready(port, p, tls=client("client"))
    cases = [  # certificate, token, path, status, whoami name
        ("client", None, "/api/v1/whoami", 200, "ci robot"),
        ("client", None, "/api/v1/tenants/harmonia/services", 200, None),
        ("client", None, "/api/v1/tenants/nightowl/services", 403, None),
        ("san", None, "/api/v1/whoami", 200, "deploy.example.com"),
        ("san", None, "/api/v1/tenants/nightowl/services", 200, None),
        ("stranger", None, "/api/v1/whoami", 401, None),
        ("rogue", None, "/api/v1/whoami", 401, None),
        ("rogue", admin, "/api/v1/whoami", 401, None),
        (None, admin, "/api/v1/whoami", 200, "admin"),
        (None, None, "/api/v1/whoami", 401, None),
        ("client", admin, "/api/v1/whoami", 200, "admin"),
        (None, None, "/healthz", 200, None),
    ]
    for cert, token, path, want, who in cases:
        status, body = request(port, "GET", path, token, tls=client(cert))
        check(status == want, f"{cert} {'+ token ' if token else ''}{path}: {status} {body}")
        if who:
            check(body["name"] == who, f"{cert}: whoami {body}")
    status, body = request(port, "GET", "/api/v1/whoami", tls=client("rogue"))
    check("not verified" in body["message"], f"untrusted: {body}")
    try:
        request(port, "GET", "/healthz")  # plain HTTP to the TLS port
        raise AssertionError("plain HTTP was served on the TLS port")
    except (ConnectionError, http.client.HTTPException, OSError):
        pass
    stop(p)
    actions = [json.loads(line) for line in env.run("audit", "export", "--store", store).stdout.splitlines()]
    logins = {a["target"] for a in actions if a["action"] == "auth.login"}
    check({"certificate ci", "certificate deploy.example.com"} <= logins, f"logins: {logins}")
    check(any(a["action"] == "identity.bind" for a in actions), "identity.bind not audited")
    print(f"mTLS: {len(cases)} cases")


def case_load(env):
    store = os.path.join(env.dir, "state.db")
    tokens = [env.token(store, "viewer") for _ in range(4)]
    port = free_port()
    p = env.serve(store, port, "--speed", "60", "--rate-limit", "1000")
    wait_ready(port, p)
    time.sleep(1)
    # Each token's first use verifies its Argon2id hash (a login, ~0.1-0.3 s by design); later
    # uses hit the verified-token cache. Log in first, so the figure is that of steady reads.
    for t in tokens:
        t0 = time.perf_counter()
        check(request(port, "GET", "/api/v1/whoami", t)[0] == 200, "login")
        print(f"login (Argon2id verification): {(time.perf_counter() - t0) * 1e3:.0f} ms")
    _, services = request(port, "GET", "/api/v1/tenants/harmonia/services", tokens[0])
    name = services["services"][0]["service"]
    paths = ["/api/v1/tenants/harmonia/services", f"/api/v1/tenants/harmonia/services/{name}/decisions?limit=10",
             "/api/v1/tenants", "/api/v1/config/versions", "/api/v1/tenants/nightowl/metrics?limit=10"]
    rate, seconds, workers = 500, 10, 8  # fewer connections than the server's 32 threads
    latencies, errors, lock = [], [], threading.Lock()
    start = time.perf_counter() + 0.5

    def worker(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        token = tokens[k % len(tokens)]
        n = k
        while True:
            due = start + n / rate  # open loop: request n is due at n/rate, whatever came before
            if due > start + seconds:
                break
            time.sleep(max(0, due - time.perf_counter()))
            t0 = time.perf_counter()
            try:
                conn.request("GET", paths[n % len(paths)], headers={"Authorization": "Bearer " + token})
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            # latency from when the request was due, so a stalled server is not hidden
            elapsed = time.perf_counter() - min(due, t0) if due <= t0 else time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(n)
            n += workers
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop(p)
    latencies.sort()
    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3
    print(f"load: {len(latencies)} read requests at {rate}/s for {seconds}s on loopback, "
          f"{len(errors)} errors; latency p50 {pct(0.5):.2f} ms, p99 {pct(0.99):.2f} ms, "
          f"max {latencies[-1] * 1e3:.2f} ms")
    check(len(latencies) >= rate * seconds * 0.99, f"only {len(latencies)} requests sent")
    check(not errors, f"{len(errors)} requests failed")


CASES = {"Sqlite": case_sqlite, "Faults": case_faults, "Backup": case_backup,
         "Postgres": case_postgres, "Tls": case_tls, "Load": case_load}


def main():
    case, binary, source = sys.argv[1], sys.argv[2], sys.argv[3]
    env = Env(binary, source)
    try:
        CASES[case](env)
    except AssertionError as e:
        print(f"FAILED {case}: {e}", file=sys.stderr)
        for name in sorted(os.listdir(env.dir)):
            if name.startswith("serve-"):
                with open(os.path.join(env.dir, name)) as f:
                    print(f"--- {name}\n{f.read()[-2000:]}", file=sys.stderr)
        return 1
    finally:
        env.close()
    print(f"PASSED {case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
