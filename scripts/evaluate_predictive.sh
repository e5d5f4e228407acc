#!/usr/bin/env bash
# Replays the real traces of ../shared/traces through the kubernetes and predictive strategies
# with `crescendo simulate` and prints, per trace, the change in under-provisioning timeshare
# (tau_U) and pod-seconds, and whether the predictive strategy meets the goal of
# docs/predictive.md: tau_U at least 50% lower with pod-seconds at most 10% higher, or tau_U no
# higher with at least 20% fewer pod-seconds.
#
# Usage: scripts/evaluate_predictive.sh [--quick] [--more] [--strategy SPEC] [OUT_DIR]
#   --quick     skip Wikipedia (5.5 years of 15 s ticks: about 30 minutes a strategy)
#   --more      also the Azure 2019 cluster, two Borg tasks and three Bitbrains VMs
#   --strategy  the challenger's spec (default "predictive"), e.g. "predictive(quantile=0.95)"
#   OUT_DIR     where the JSON files go (default build/evaluation)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
traces="${CRESCENDO_SHARED_DIR:-$root/../shared}/traces"
bin="$root/build/release/app/crescendo"
quick=0
more=0
challenger="predictive"
out="$root/build/evaluation"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --more) more=1 ;;
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

run() {  # NAME PATH TIME_COLUMN VALUE_COLUMN [more simulate flags]
  echo "== $1" >&2
  local name="$1" path="$2" time_column="$3" value_column="$4"
  shift 4
  "$bin" simulate --trace "$path" --time-column "$time_column" --value-column "$value_column" \
    --peak-pods 20 --strategies "kubernetes,$challenger" --json "$out/$name.json" \
    --no-progress "$@" >&2
}

run nasa "$traces/nasa-http-1995-per-minute/nasa.csv" minute count
for i in 0 1 2 3 4 5 6 7; do
  run "crane-input$i" "$traces/crane-tencent-app-metrics/input$i.csv" ts value
done
if [[ $more == 1 ]]; then
  run azure2019-cluster "$traces/datacenter-aggregate-utilization/azure2019_v2_vm_cluster_sum_300s.csv" \
    timestamp cpu_usage
  for task in 115 159; do
    run "borg-job113-task$task" "$(ls "$traces"/google-borg-2019-task-usage/job113/"$task"-*.csv.gz)" \
      time avg_cpu_usage --time-unit us
  done
  for vm in 1 10 11; do
    run "bitbrains-vm$vm" "$traces/bitbrains-rnd-2013/2013-8/$vm.csv.gz" "Timestamp [ms]" \
      "CPU usage [MHZ]"
  done
fi
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
    ok = (tb > 0 and tn <= 0.5 * tb and d_pod <= 10) or (tn <= tb and d_pod <= -20)
    verdict = "met" if ok else "n/a: kubernetes never short" if tb == 0 else "not met"
    met += ok
    total += tb > 0 or ok
    name = os.path.basename(path)[:-5]
    for r, extra in ((base, "| | | |"), (new, f"| {d_tau:+.0f}% | {d_pod:+.1f}% | {verdict} |")):
        e = r["elasticity"]
        sla = r["sla"]
        print(f"| {name} | {r['name']} | {pct(e['theta_u'])} | {pct(e['theta_o'])} "
              f"| {pct(e['tau_u'])} | {pct(e['tau_o'])} | {pct(e['instability'])} "
              f"| {e['jitter']:.4f} | {sla['violation_seconds']:,.0f} "
              f"| {sla['p95_latency_ms']:.1f} | {sla['dropped_requests']:,.0f} "
              f"| {r['pod_seconds'] / 3600:,.1f} | {r['cost']:,.2f} | {r['scaling_actions']:,} "
              f"| {r['oom_kills']} {extra}")
print(f"\ngoal met on {met} of {total} traces where it applies")
PY
