#!/usr/bin/env bash
# Shows what the autoscaler is doing: each service's replicas and its latest decision.
set -euo pipefail
SCRIPT_NAME="monitor_scaling.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME [--tenant NAME] [--count N] [--interval SECONDS] [--json]
                      [--server URL] [--token TOKEN]

Prints, for every service of the tenants the token may see (or of --tenant), its replica
bounds and its latest decision (replicas before -> after, applied or not, its simulated time
and the trace's last step), from GET /api/v1/tenants/{t}/services. Repeats --count times
(default 1), --interval seconds apart (default 5). Read-only: it changes nothing.

  --tenant NAME       only this tenant
  --count N           rounds to print (1..100000)
  --interval SECONDS  between rounds (1..3600)
  --json              print each round as one JSON object {"tenants": {t: [services]}}
  --server URL, --token TOKEN   as in every script (a viewer grant is enough)

Target: \`crescendo serve\`; a cluster exits 4 until the Kubernetes backend exists.
Exit: 0 done, 1 failure, 2 bad input, 3 refused by the server (grant, unknown tenant).
USAGE
}

TENANT="" COUNT=1 INTERVAL=5 JSON=0
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --tenant) need_value "$1" "$#"; TENANT="$2"; shift 2 ;;
    --count) need_value "$1" "$#"; COUNT="$2"; shift 2 ;;
    --interval) need_value "$1" "$#"; INTERVAL="$2"; shift 2 ;;
    --json) JSON=1; shift ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ "$DRY_RUN" = 0 ] || die 2 "--dry-run: this script changes nothing"
[ -z "$TENANT" ] || check_name --tenant "$TENANT"
check_int --count "$COUNT" 1 100000
check_int --interval "$INTERVAL" 1 3600
check_server
need_token
need_tools curl jq

for ((round = 1; round <= COUNT; round++)); do
  if [ -n "$TENANT" ]; then
    tenants=("$TENANT")
  else
    api GET /api/v1/tenants
    [ "$API_STATUS" = 200 ] || api_fail "listing tenants"
    mapfile -t tenants < <(jq -r '.tenants[].name' <<<"$API_BODY")
  fi
  all='{}'
  for t in "${tenants[@]}"; do
    api GET "/api/v1/tenants/$t/services"
    [ "$API_STATUS" = 200 ] || api_fail "listing the services of $t"
    all="$(jq --arg t "$t" --argjson s "$API_BODY" '. + {($t): $s.services}' <<<"$all")"
  done
  if [ "$JSON" = 1 ]; then
    jq -c '{tenants: .}' <<<"$all"
  else
    echo "== $(date -u +%H:%M:%S) $SERVER"
    jq -r '
      ["TENANT", "SERVICE", "MIN", "MAX", "REPLICAS", "APPLIED", "TICK", "SIMULATED TIME", "LAST STEP"],
      (to_entries[] | .key as $t | .value[] |
        [$t, .service, .min_replicas, .max_replicas,
         (if .last_decision then "\(.last_decision.current_replicas) -> \(.last_decision.desired_replicas)" else "-" end),
         (.last_decision.applied // "-"), (.last_decision.tick // "-"), (.last_decision.time // "-"),
         (if (.last_decision.trace | type) == "array" and (.last_decision.trace | length) > 0
          then (.last_decision.trace[-1] | "\(.step): \(.reason)") else "-" end)])
      | @tsv' <<<"$all" | column -t -s $'\t'
  fi
  [ "$round" -eq "$COUNT" ] || sleep "$INTERVAL"
done
