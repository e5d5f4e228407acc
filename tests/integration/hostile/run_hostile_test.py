#!/usr/bin/env python3
"""Hostile-input table: drives the built `crescendo` binary with bad inputs and asserts, for each
row, the exit code, a message naming the problem, one "crescendo ..." prefix, output of bounded
size (quoted input is cut), bounded time and memory, and no internal error or signal.

    run_hostile_test.py CRESCENDO_BINARY SOURCE_DIR
"""
import gzip, os, resource, shutil, socket, subprocess, sys, tempfile, time

crescendo, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
work = tempfile.mkdtemp(prefix="crescendo-hostile-")
samples = os.path.join(source, "examples/vpa/inference-samples.csv")
state = os.path.join(source, "examples/hpa/cpu-unready-pod.yaml")
scenario = os.path.join(source, "examples/scenarios/music-streaming.yaml")
MAX_STDERR = 4096        # bytes: a message, never an echo of the input
MAX_SECONDS = 120        # the sanitizer build is slow; a hostile input must not be
MAX_RSS_KB = 1_500_000   # ASan's shadow memory included


def write(name, content, mode="w"):
    path = os.path.join(work, name)
    with open(path, mode) as f:
        f.write(content)
    return path


def trace(name, rows):
    return write(name, "time,value\n" + "".join(f"{60 * i},{v}\n" for i, v in enumerate(rows)))


def scenario_with(name, service_lines):
    return write(name, "duration: 1h\nservices:\n  - id: prod/t/default/s\n" + service_lines)


good_trace = trace("good.csv", [10, 20, 30, 40, 30, 20])
gz = gzip.compress(open(good_trace, "rb").read() * 200)
truncated = write("truncated.csv.gz", gz[: len(gz) // 2], "wb")
one_gz = gzip.compress(open(good_trace, "rb").read())
trailing = write("trailing.csv.gz", one_gz + b"not gzip at all", "wb")
two_members = write("two.csv.gz", one_gz + gzip.compress(b""), "wb")
os.makedirs(os.path.join(work, "a-directory"), exist_ok=True)
directory = os.path.join(work, "a-directory")
binary = write("binary.csv", bytes(range(256)) * 64 + b"\x00\xff\n1,2\n", "wb")
long_line = write("long-line.csv", "time,value\n0," + "9" * (20 << 20) + "\n")
empty_config = write("empty.yaml", "")
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
busy = f"127.0.0.1:{listener.getsockname()[1]}"

S = ["simulate", "--trace", good_trace, "--no-progress"]
R = ["run", "--duration", "1h", "--no-progress"]
V = ["vpa", "recommend", "--samples", samples]

# (name, args, environment, exit code, text expected in stderr)
CASES = [
    # bounded resources
    ("scenario max_replicas 2e9", ["simulate", "--scenario",
        scenario_with("huge.yaml", "    max_replicas: 2000000000\n    load: {constant: 10}\n")],
        {}, 2, "max_replicas"),
    ("scenario duplicate service id", ["simulate", "--scenario", write("dup.yaml",
        "duration: 1h\nstart: 2026-01-01T00:00:00Z\nservices:\n"
        "  - id: prod/t/default/s\n    load: {constant: 10}\n"
        "  - id: prod/t/default/s\n    load: {constant: 10}\n")],
        {}, 2, "already the id of services[0]"),
    ("scenario max_replicas 1e11", ["simulate", "--scenario",
        scenario_with("wrap.yaml", "    max_replicas: 100000000000\n    load: {constant: 10}\n")],
        {}, 2, "max_replicas"),
    ("simulate replicas 2e9", S + ["--min-replicas", "2000000000", "--max-replicas", "2000000000"],
        {}, 2, "--min-replicas"),
    ("simulate interval 1ns", ["simulate", "--scenario", "music-streaming", "--interval", "1ns",
        "--duration", "1s"], {}, 2, "--interval"),
    ("run interval 1ns", R + ["--interval", "1ns"], {}, 2, "--interval"),
    ("run too many ticks", ["run", "--duration", "100000h", "--interval", "1s"], {}, 2, "ticks"),
    ("simulate too many ticks", ["simulate", "--scenario", write("decade.yaml",
        "start: 2026-01-01T00:00:00Z\nduration: 87600h\ninterval: 1s\nservices:\n  - id: prod/t/default/s\n"
        "    load: {constant: 1}\n")], {}, 2, "ticks"),
    ("trace 20 MB line", ["simulate", "--trace", long_line], {}, 2, "longer than 1 MiB"),
    ("trace binary garbage", ["simulate", "--trace", binary], {}, 2, "binary.csv"),
    # numbers
    ("trace inf", ["simulate", "--trace", trace("inf.csv", [1, 2, "inf", 3])], {}, 2,
        "not a finite number"),
    ("trace 1e300", ["simulate", "--trace", trace("big.csv", [1, 2, "1e300", 3])], {}, 2,
        "out of range"),
    ("trace -nan", ["simulate", "--trace", trace("nan.csv", [1, 2, "-nan", 3])], {}, 2,
        "not a finite number"),
    ("trace time 1e300", ["simulate", "--trace",
        write("t.csv", "time,value\n0,1\n1e300,2\n")], {}, 2, "is not a time"),
    ("scenario constant .inf", ["simulate", "--scenario",
        scenario_with("inf.yaml", "    load: {constant: .inf}\n")], {}, 2, "finite"),
    ("scenario interval 1ns", ["simulate", "--scenario",
        write("tick.yaml", "duration: 1h\ninterval: 1ns\nservices:\n  - id: prod/t/default/s\n"
              "    load: {constant: 1}\n")], {}, 2, "at least 1s"),
    ("samples cpu 1e300", ["vpa", "recommend", "--samples", write("s.csv",
        "timestamp,pod,container,cpu,memory,event\n2026-01-01T00:00:00Z,p,c,1e300,1,\n")],
        {}, 2, "cpu"),
    ("samples json 1e400", ["vpa", "recommend", "--samples", write("s.jsonl",
        '{"timestamp": "2026-01-01T00:00:00Z", "pod": "p", "container": "c", "cpu": 1e400}\n')],
        {}, 2, "not JSON"),
    ("samples time 1e300", ["vpa", "recommend", "--samples", write("t2.csv",
        "timestamp,pod,container,cpu,memory,event\n1e300,p,c,1,1,\n")], {}, 2, "timestamp"),
    ("hpa state 1e400", ["hpa", "explain", "--state", write("state.json",
        '{"hpa": {"spec": {"maxReplicas": 1e400}}}')], {}, 2, "invalid JSON"),
    ("hpa state unknown key", ["hpa", "explain", "--state",
        write("extra.yaml", open(state).read() + "bogus: 1\n")], {}, 2, "bogus"),
    ("hpa autoscaling/v1", ["hpa", "explain", "--state",
        write("v1.yaml", open(state).read().replace("autoscaling/v2", "autoscaling/v1"))],
        {}, 2, "autoscaling/v1"),
    # command-line values
    ("peak-pods -1", S + ["--peak-pods", "-1"], {}, 2, "--peak-pods"),
    ("peak-pods 0", S + ["--peak-pods", "0"], {}, 2, "--peak-pods"),
    ("peak-pods nan", S + ["--peak-pods", "nan"], {}, 2, "--peak-pods"),
    ("target-utilization 0", S + ["--target-utilization", "0"], {}, 2, "--target-utilization"),
    ("target-utilization -5", S + ["--target-utilization", "-5"], {}, 2, "--target-utilization"),
    ("target-utilization 100000", S + ["--target-utilization", "100000"], {}, 2,
        "--target-utilization"),
    ("max-replicas 0", S + ["--max-replicas", "0"], {}, 2, "--max-replicas"),
    ("min above max", S + ["--min-replicas", "5", "--max-replicas", "2"], {}, 2, "above"),
    ("strategies empty", S + ["--strategies", ""], {}, 2, "--strategies"),
    ("strategies duplicate", S + ["--strategies", "kubernetes,kubernetes"], {}, 2, "twice"),
    ("strategies unbalanced", S + ["--strategies", "predictive(quantile=0.9"], {}, 2,
        "without its ')'"),
    ("seed -1", S + ["--seed", "-1"], {}, 2, "--seed"),
    ("run seed -1", R + ["--seed", "-1"], {}, 2, "--seed"),
    ("compress inf", S + ["--compress", "inf"], {}, 2, "--compress"),
    ("run env without config", R + ["--env", "staging"], {}, 2, "--config"),
    ("vpa samples duplicate (out of order ones are sorted)", ["vpa", "recommend", "--samples", write("ooo.csv",
        "timestamp,pod,container,cpu,memory,event\n"
        "2026-11-18T00:10:00Z,p-a,app,0.4,1000000000,\n"
        "2026-11-18T00:00:00Z,p-a,app,0.5,1000000000,\n"
        "2026-11-18T00:10:00Z,p-a,app,0.4,1000000000,\n")],
        {}, 0, "1 sample discarded"),
    ("simulate env without config", ["simulate", "--scenario", "music-streaming", "--env",
        "staging", "--no-progress"], {}, 2, "--env applies to --config"),
    ("simulate configured without config", ["simulate", "--scenario", "music-streaming",
        "--strategies", "configured", "--no-progress"], {}, 2, "expected --config"),
    ("simulate config and trace", S + ["--config", os.path.join(source, "examples/config")],
        {}, 2, "exactly one of"),
    ("simulate config start garbage", ["simulate", "--config",
        os.path.join(source, "examples/policies/release-day"), "--start", "soon",
        "--no-progress"], {}, 2, "--start"),
    ("simulate config past 2200", ["simulate", "--config",
        os.path.join(source, "examples/policies/release-day"), "--start",
        "2199-12-31T00:00:00Z", "--duration", "48h", "--no-progress"], {}, 2, "2200"),
    ("vpa now far future", V + ["--now", "2100-01-01T00:00:00Z"], {}, 2, "nothing to recommend"),
    ("vpa now garbage", V + ["--now", "x" * 5000], {}, 2, "--now"),
    ("empty configuration", ["config", "validate", empty_config], {}, 1, ""),
    # files
    ("trace is a directory", ["simulate", "--trace", directory], {}, 2, "is a directory"),
    ("scenario is a directory", ["simulate", "--scenario", directory], {}, 2, "is a directory"),
    ("state is a directory", ["hpa", "explain", "--state", directory], {}, 2, "is a directory"),
    ("samples is a directory", ["vpa", "recommend", "--samples", directory], {}, 2,
        "is a directory"),
    ("trace missing", ["simulate", "--trace", os.path.join(work, "nope.csv")], {}, 2,
        "no such file"),
    ("truncated gzip", ["simulate", "--trace", truncated], {}, 2, "truncated gzip"),
    ("data after the gzip stream", ["simulate", "--trace", trailing], {}, 2,
        "data after the end of the compressed stream"),
    ("two gzip members read as one", ["simulate", "--trace", two_members, "--no-progress"], {},
        0, ""),
    ("json into a directory", S + ["--json", directory], {}, 2, "is a directory"),
    ("json in a missing folder", S + ["--json", os.path.join(work, "no/such/x.json")], {}, 2,
        "no such directory"),
    ("run json into a directory", R + ["--json", directory], {}, 2, "is a directory"),
    ("export into a directory", ["vpa", "checkpoint", "export", "--samples", samples, "--vpa", "v",
        "-o", directory], {}, 2, "is a directory"),
    # ports
    ("metrics port in use", R + ["--metrics-listen", busy], {}, 2, "port in use"),
    ("metrics address not local", R + ["--metrics-listen", "192.0.2.1:9464"], {}, 2,
        "address not local"),
    ("metrics bad address", R + ["--metrics-listen", "999.1.1.1:x"], {}, 2, "--metrics-listen"),
    # commands
    ("unknown command", ["frobnicate"], {}, 2, "expected one of: config"),
    ("unknown nested command", ["vpa", "bogus"], {}, 2, "recommend, checkpoint, evaluate"),
    ("unknown nested command 2", ["vpa", "checkpoint", "bogus"], {}, 2, "export, import"),
    ("missing nested command", ["config"], {}, 2, "validate, show, import-k8s"),
    ("unknown flag", ["simulate", "--bogus"], {}, 2, "crescendo simulate:"),
    # environment
    ("AUTOSCALING_MODE bogus", ["simulate", "--scenario", "music-streaming", "--duration", "1h"],
        {"AUTOSCALING_MODE": "psychic"}, 2, "AUTOSCALING_MODE"),
    ("MIN_REPLICAS abc", R, {"MIN_REPLICAS": "abc"}, 2, "MIN_REPLICAS"),
    ("MAX_REPLICAS 2e9", R, {"MAX_REPLICAS": "2000000000"}, 2, "MAX_REPLICAS"),
    ("MIN above MAX", R, {"MIN_REPLICAS": "9", "MAX_REPLICAS": "3"}, 2, "MIN_REPLICAS"),
    ("SCALING_INTERVAL 1ns", ["simulate", "--scenario", "music-streaming", "--duration", "1h"],
        {"SCALING_INTERVAL": "1ns"}, 2, "SCALING_INTERVAL"),
    ("TENANT_ISOLATION maybe", R, {"TENANT_ISOLATION": "maybe"}, 2, "TENANT_ISOLATION"),
    ("COST_OPTIMIZATION 2", R, {"COST_OPTIMIZATION": "2"}, 2, "COST_OPTIMIZATION"),
]

if os.geteuid() != 0:  # root writes anywhere: the permission rows need an ordinary user
    locked = os.path.join(work, "locked")
    os.makedirs(locked)
    os.chmod(locked, 0o500)
    unreadable = write("unreadable.csv", "time,value\n")
    os.chmod(unreadable, 0)
    CASES += [
        ("json permission denied", S + ["--json", os.path.join(locked, "x.json")], {}, 2,
            "permission denied"),
        ("trace permission denied", ["simulate", "--trace", unreadable], {}, 2,
            "permission denied"),
    ]

failures = []
for name, args, env, want_exit, want_text in CASES:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("AUTOSCALING_MODE", "SCALING_INTERVAL", "MIN_REPLICAS",
                                "MAX_REPLICAS", "TENANT_ISOLATION", "COST_OPTIMIZATION")}
    environment.update(env)
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([crescendo, *args], stdout=out, stderr=err, env=environment,
                             cwd=work)
        try:
            p.wait(timeout=MAX_SECONDS)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            failures.append(f"{name}: still running after {MAX_SECONDS}s")
            continue
        rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    seconds = time.monotonic() - started
    problems = []
    if p.returncode != want_exit:
        problems.append(f"exit {p.returncode}, expected {want_exit}")
    if want_text not in stderr:
        problems.append(f"stderr lacks {want_text!r}")
    if want_exit == 2 and not stderr.startswith("crescendo"):
        problems.append("stderr does not start with the \"crescendo <command>:\" prefix")
    if len(stderr) > MAX_STDERR:
        problems.append(f"{len(stderr)} bytes on stderr, expected at most {MAX_STDERR}")
    if "internal error" in stderr or "terminate called" in stderr or "Sanitizer" in stderr:
        problems.append("an internal error, exception or sanitizer report")
    if problems:
        failures.append(f"{name}: " + "; ".join(problems) + f"\n    stderr: {stderr[:600]!r}")
    print(f"{'FAIL' if problems else 'ok  '} {name} ({seconds:.1f}s)")
    if os.environ.get("HOSTILE_VERBOSE"):
        print("    " + stderr.strip().replace("\n", "\n    "))

# ru_maxrss of RUSAGE_CHILDREN is the largest child's peak: one bound for the whole table.
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"largest peak memory of a case: {peak / 1024:.0f} MiB")
if peak > MAX_RSS_KB:
    failures.append(f"a case used {peak / 1024:.0f} MiB, expected at most {MAX_RSS_KB / 1024:.0f}")
listener.close()
shutil.rmtree(work, ignore_errors=True)
if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"{len(CASES)} hostile inputs failed cleanly")
