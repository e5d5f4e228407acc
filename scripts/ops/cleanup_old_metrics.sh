#!/usr/bin/env bash
# Deletes old decisions and metric samples from `crescendo serve`'s store, listing them first.
set -euo pipefail
SCRIPT_NAME="cleanup_old_metrics.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME --older-than DURATION [--dry-run] [--server URL] [--token TOKEN]

Deletes the decisions (with their traces) and the sealed metric samples older than DURATION
before the engine's newest tick (simulated time, as \`crescendo serve --retention\` counts).
It always lists first what it will delete, per workload and per tenant (POST
/api/v1/retention?dry_run=1), then deletes what is older than the cutoff it listed (though
the engine ticked since) and prints how many rows went; the deletion is in the audit log.
Needs a global admin token.

  --older-than DURATION   e.g. 90m, 72h, 7d, 1h30m (at least 1s)
  --dry-run               list only; delete nothing
  --server URL, --token TOKEN   as in every script

Target: \`crescendo serve\`; a cluster exits 4 until the Kubernetes backend exists.
Exit: 0 done, 1 failure, 2 bad input, 3 refused by the server (grant, no tick yet).
USAGE
}

OLDER=""
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --older-than) need_value "$1" "$#"; OLDER="$2"; shift 2 ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ -n "$OLDER" ] || die 2 "--older-than DURATION is required (see --help)"
parse_duration --older-than "$OLDER"
check_server
need_token
need_tools curl jq

api POST "/api/v1/retention?older_than_seconds=$SECONDS_OUT&dry_run=1"
[ "$API_STATUS" = 200 ] || api_fail "listing what is older than $OLDER"
echo "newest tick $(jq -r .newest_tick <<<"$API_BODY"); deleting what is older than $(jq -r .cutoff <<<"$API_BODY") ($OLDER before it):"
jq -r '(.decisions | to_entries[] | "  \(.value) decisions of \(.key)"),
       (.metric_samples | to_entries[] | "  \(.value) metric samples of tenant \(.key)")' <<<"$API_BODY"
echo "  $(jq -r .would_delete <<<"$API_BODY") rows in all (plus those of workloads no longer configured)"
if [ "$DRY_RUN" = 1 ]; then
  echo "dry run: nothing was deleted"
  exit 0
fi
# Delete with the cutoff listed above, though the engine ticked since.
cutoff="$(jq -r .cutoff <<<"$API_BODY")"
before="$(date -u -d "$cutoff" +%s)" || die 1 "the server answered a cutoff date cannot read: $cutoff"
api POST "/api/v1/retention?before_unix_seconds=$before"
[ "$API_STATUS" = 200 ] || api_fail "deleting what is older than $OLDER"
echo "deleted $(jq -r .deleted <<<"$API_BODY") rows older than $(jq -r .cutoff <<<"$API_BODY")"
