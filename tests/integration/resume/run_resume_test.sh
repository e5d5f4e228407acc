#!/usr/bin/env bash
# Kill and resume: `crescendo run --checkpoint` stopped with SIGKILL part-way (at a third and at
# two thirds of the run) and started again with the same command makes exactly the decisions of
# an uninterrupted run: the summaries (decisions digest, scaling actions, per-service figures)
# are equal.
#   run_resume_test.sh CRESCENDO_BINARY SOURCE_DIR
set -euo pipefail
exec python3 - "$@" <<'PY'
import json, os, signal, subprocess, sys, tempfile, time

crescendo, source_dir = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="crescendo-resume-")

def tick_of(path):
    try:
        with open(path) as f:
            return json.load(f)["tick"]
    except (OSError, ValueError, KeyError):
        return 0

def summary(path):
    with open(path) as f:
        s = json.load(f)
    for key in ("resumed_from_tick", "state_bytes"):
        s.pop(key, None)
    return s

def case(name, ticks, args):
    a, b, checkpoint = (os.path.join(work, name + x) for x in ("-a.json", "-b.json", ".ckpt"))
    base = [crescendo, "run", *args, "--no-progress"]
    subprocess.run(base + ["--json", a], check=True, stdout=subprocess.DEVNULL)
    kills = []
    for target in (ticks // 3, 2 * ticks // 3):
        p = subprocess.Popen(base + ["--checkpoint", checkpoint, "--json", b],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 300
        while p.poll() is None and tick_of(checkpoint) < target and time.time() < deadline:
            time.sleep(0.002)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills.append(tick_of(checkpoint))
        else:
            sys.exit(f"FAIL {name}: the run ended before tick {target}: "
                     f"{p.stderr.read().decode()}")
    done = subprocess.run(base + ["--checkpoint", checkpoint, "--json", b], check=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    resumed = json.load(open(b))["resumed_from_tick"]
    print(f"{name}: killed with SIGKILL after ticks {kills} of {ticks}; "
          f"the last start resumed after tick {resumed}")
    if resumed < kills[-1]:
        sys.exit(f"FAIL {name}: resumed after tick {resumed}, before the last kill")
    sa, sb = summary(a), summary(b)
    if sa != sb:
        sys.exit(f"FAIL {name}: the resumed run decided differently:\n"
                 f"{json.dumps(sa, indent=1)}\n{json.dumps(sb, indent=1)}")
    print(f"  equal: {sa['decisions']} decisions, digest {sa['decisions_digest']}, "
          f"{sa['scaling_actions']} scaling actions")

case("kubernetes", 2880, ["--duration", "12h", "--interval", "15s", "--seed", "11",
                          "--strategy", "kubernetes"])
case("predictive", 960, ["--duration", "4h", "--interval", "15s", "--seed", "5",
                          "--strategy", "predictive"])
case("config", 960, ["--duration", "4h", "--interval", "15s", "--seed", "3",
                      "--config", os.path.join(source_dir, "examples/config"), "--env", "prod"])
print("kill and resume: every run decided exactly as its uninterrupted twin")
PY
