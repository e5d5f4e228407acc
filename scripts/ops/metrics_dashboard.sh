#!/usr/bin/env bash
# A terminal dashboard of Crescendo's own metrics (GET /metrics of `crescendo serve`).
set -euo pipefail
SCRIPT_NAME="metrics_dashboard.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME [--count N] [--interval SECONDS] [--server URL]

Reads \`crescendo serve\`'s /metrics (no token needed) and prints, per round: ticks recorded and
failed, seconds since the last tick against the tick period, whether the engine holds every
workload, decisions by direction, the metric sources' state, each tenant's replicas against its
replica quota, its simulated cost and the share of service-time over capacity; then each
workload's replicas and load. Also names the Grafana dashboard (monitoring/grafana/crescendo.json)
and the alerting rules (monitoring/prometheus/crescendo-alerts.yaml). Read-only.

  --count N           rounds (1..100000, default 1)
  --interval SECONDS  between rounds (1..3600, default 5)
  --server URL        \`crescendo serve\` (default \$CRESCENDO_SERVER or http://127.0.0.1:8080)

Exit: 0 done, 1 the server does not answer, 2 bad input.
USAGE
}

COUNT=1 INTERVAL=5
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --count) need_value "$1" "$#"; COUNT="$2"; shift 2 ;;
    --interval) need_value "$1" "$#"; INTERVAL="$2"; shift 2 ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ "$DRY_RUN" = 0 ] || die 2 "--dry-run: this script changes nothing"
check_int --count "$COUNT" 1 100000
check_int --interval "$INTERVAL" 1 3600
check_server
need_tools curl awk

for ((round = 1; round <= COUNT; round++)); do
  api GET /metrics
  [ "$API_STATUS" = 200 ] || die 1 "GET $SERVER/metrics answered HTTP $API_STATUS"
  echo "== $(date -u +%H:%M:%S) $SERVER/metrics"
  awk -v now="$(date +%s)" '
    /^#/ { next }
    { split($0, a, " "); name = a[1]; value = a[2]; base = name; sub(/\{.*/, "", base)
      labels = name; if (index(labels, "{")) { sub(/^[^{]*\{/, "", labels); sub(/\}$/, "", labels) } else labels = ""
      v[name] = value; b[base] += value }
    function label(l, key,   m) { if (match(l, key "=\"[^\"]*\"")) { m = substr(l, RSTART + length(key) + 2, RLENGTH - length(key) - 3); return m } return "" }
    /^crescendo_tenant_replicas\{/ { t = label(labels, "tenant"); rep[t] = value; tenants[t] = 1 }
    /^crescendo_tenant_replica_quota\{/ { quota[label(labels, "tenant")] = value }
    /^crescendo_tenant_cost_total\{/ { cost[label(labels, "tenant")] = value }
    /^crescendo_tenant_seconds_over_target_total\{/ { over[label(labels, "tenant")] = value }
    /^crescendo_tenant_service_seconds_total\{/ { total[label(labels, "tenant")] = value }
    /^crescendo_workload_replicas\{/ { w = label(labels, "tenant") "/" label(labels, "service"); wr[w] = value }
    /^crescendo_workload_load_rps\{/ { w = label(labels, "tenant") "/" label(labels, "service"); wl[w] = value }
    /^crescendo_decisions_total\{/ { dir[label(labels, "direction")] = value }
    /^crescendo_metric_source_up\{/ { src[label(labels, "source")] = value }
    END {
      last = v["crescendo_last_tick_timestamp_seconds"]
      printf "ticks %d recorded, %d failed; last tick %s ago (period %.2fs); holding: %s\n",
        b["crescendo_ticks_total"], b["crescendo_tick_failures_total"],
        (last > 0 ? sprintf("%.1fs", now - last) : "never"), v["crescendo_tick_period_seconds"],
        (v["crescendo_engine_holding"] == 1 ? "YES (the store does not answer)" : "no")
      printf "decisions: up %d, down %d, hold %d; held (not applied) %d\n", dir["up"], dir["down"], dir["hold"], b["crescendo_decisions_held_total"]
      for (s in src) printf "source %s: %s\n", s, (src[s] == 1 ? "up" : "DOWN")
      printf "%-14s %9s %7s %7s %12s %11s\n", "TENANT", "REPLICAS", "QUOTA", "USED", "COST", "OVER CAP"
      for (t in tenants) printf "%-14s %9d %7s %7s %12.2f %10.3f%%\n", t, rep[t], (quota[t] ? quota[t] : "-"),
        (quota[t] ? sprintf("%.0f%%", 100 * rep[t] / quota[t]) : "-"), cost[t], (total[t] > 0 ? 100 * over[t] / total[t] : 0)
      printf "%-34s %9s %12s\n", "WORKLOAD", "REPLICAS", "LOAD RPS"
      for (w in wr) printf "%-34s %9d %12.1f\n", w, wr[w], wl[w]
    }' <<<"$API_BODY"
  [ "$round" -eq "$COUNT" ] || sleep "$INTERVAL"
done
echo "Grafana: import $REPO_ROOT/monitoring/grafana/crescendo.json; alerts: $REPO_ROOT/monitoring/prometheus/crescendo-alerts.yaml"
