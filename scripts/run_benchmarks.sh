#!/usr/bin/env bash
# Runs every *_benchmark binary of the build and prints one table.
# Usage: scripts/run_benchmarks.sh [build-dir] [extra google-benchmark flags]
set -euo pipefail
build="${1:-build/release}"
shift || true
mapfile -t benches < <(find "$build/src" -maxdepth 2 -type f -name '*_benchmark' -perm -u+x | sort)
if [ ${#benches[@]} -eq 0 ]; then echo "no benchmarks under $build/src" >&2; exit 1; fi
printf '%-60s %14s %14s %12s  %s\n' "BENCHMARK" "TIME" "CPU" "ITERATIONS" "COUNTERS"
for b in "${benches[@]}"; do
  "$b" --benchmark_format=json --benchmark_min_time=0.2 "$@" 2>/dev/null | python3 -c '
import json, sys
data = json.load(sys.stdin)
for r in data["benchmarks"]:
    if r.get("run_type") == "aggregate" and r.get("aggregate_name") != "mean":
        continue
    skip = {"name","run_name","run_type","repetitions","repetition_index","threads","iterations",
            "real_time","cpu_time","time_unit","family_index","per_family_instance_index",
            "aggregate_name","aggregate_unit","label","error_occurred","error_message"}
    counters = " ".join(f"{k}={v:.4g}" for k, v in r.items() if k not in skip and isinstance(v, (int, float)))
    unit = r.get("time_unit", "ns")
    print(f"{r[\"name\"][:60]:<60} {r[\"real_time\"]:>11.3f} {unit:<2} {r[\"cpu_time\"]:>11.3f} {unit:<2} {r[\"iterations\"]:>12}  {counters} {r.get(\"label\", \"\")}")
'
done
