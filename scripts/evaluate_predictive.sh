#!/usr/bin/env bash
# Replays the real traces of ../shared/traces through the kubernetes and predictive strategies
# with `crescendo simulate` and prints, per trace, the change in under-provisioning timeshare
# (tau_U) and pod-seconds, and whether the predictive strategy meets the goal of
# docs/predictive.md: tau_U at least 50% lower with pod-seconds at most 10% higher, or tau_U no
# higher with at least 20% fewer pod-seconds.
#
# Usage: scripts/evaluate_predictive.sh [--quick] [--strategy SPEC] [OUT_DIR]
#   --quick     skip Wikipedia (5.5 years of 15 s ticks: about 30 minutes a strategy)
#   --strategy  the challenger's spec (default "predictive"), e.g. "predictive(quantile=0.95)"
#   OUT_DIR     where the JSON files go (default build/evaluation)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
traces="${CRESCENDO_SHARED_DIR:-$root/../shared}/traces"
bin="$root/build/release/app/crescendo"
quick=0
challenger="predictive"
out="$root/build/evaluation"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --strategy) challenger="$2"; shift ;;
    *) out="$1" ;;
  esac
  shift
done
if [[ ! -d "$traces" ]]; then
  echo "evaluate_predictive: $traces not found: the real traces are needed (see README)" >&2
  exit 2
fi
[[ -x "$bin" ]] || { echo "evaluate_predictive: build first (make build): $bin missing" >&2; exit 2; }
mkdir -p "$out"

run() {  # NAME PATH TIME_COLUMN VALUE_COLUMN
  echo "== $1" >&2
  "$bin" simulate --trace "$2" --time-column "$3" --value-column "$4" --peak-pods 20 \
    --strategies "kubernetes,$challenger" --json "$out/$1.json" --no-progress >&2
}

run nasa "$traces/nasa-http-1995-per-minute/nasa.csv" minute count
for i in 0 1 2 3 4 5 6 7; do
  run "crane-input$i" "$traces/crane-tencent-app-metrics/input$i.csv" ts value
done
if [[ $quick == 0 ]]; then
  run wikipedia "$traces/wikipedia-en-hourly-2010-2015/traces_en_wikipedia.csv" hour \
    en_wikipedia_requests
fi

python3 - "$out" <<'PY'
import glob, json, os, sys


def pct(x):  # two decimals, or two significant digits below 0.1 (Wikipedia's tau_U is 0.009)
    return f"{x:.2f}" if x >= 0.1 or x == 0 else f"{x:.2g}"


print("| trace | strategy | θ_U % | θ_O % | τ_U % | τ_O % | instability % | jitter /min "
      "| SLA violation s | p95 ms | dropped | pod-hours | cost | scaling actions | OOM "
      "| τ_U change | pod-seconds change | goal |")
print("| --- | --- |" + " ---: |" * 15 + " --- |")
met = total = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    runs = json.load(open(path))["strategies"]
    base, new = runs[0], runs[1]
    tb, tn = base["elasticity"]["tau_u"], new["elasticity"]["tau_u"]
    pb, pn = base["pod_seconds"], new["pod_seconds"]
    d_tau = (tn - tb) / tb * 100 if tb > 0 else 0.0
    d_pod = (pn - pb) / pb * 100
    ok = (tn <= 0.5 * tb and d_pod <= 10) or (tn <= tb and d_pod <= -20)
    met += ok
    total += 1
    name = os.path.basename(path)[:-5]
    for r, extra in ((base, "| | | |"), (new, f"| {d_tau:+.0f}% | {d_pod:+.1f}% | {'met' if ok else 'not met'} |")):
        e = r["elasticity"]
        sla = r["sla"]
        print(f"| {name} | {r['name']} | {pct(e['theta_u'])} | {pct(e['theta_o'])} "
              f"| {pct(e['tau_u'])} | {pct(e['tau_o'])} | {pct(e['instability'])} "
              f"| {e['jitter']:.4f} | {sla['violation_seconds']:,.0f} "
              f"| {sla['p95_latency_ms']:.1f} | {sla['dropped_requests']:,.0f} "
              f"| {r['pod_seconds'] / 3600:,.1f} | {r['cost']:,.2f} | {r['scaling_actions']:,} "
              f"| {r['oom_kills']} {extra}")
print(f"\ngoal met on {met} of {total} traces")
PY
