#!/usr/bin/env bash
# Changes a service's horizontal autoscaling settings in `crescendo serve`'s configuration.
set -euo pipefail
SCRIPT_NAME="configure_hpa.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME --service NAME [--env ENV] [--min N] [--max N] [--cpu-utilization PCT]
                   [--disable | --enable] [--message TEXT] [--dry-run] [--server URL] [--token TOKEN]

Sets the service's horizontal settings for one environment (services.NAME.perEnvironment.ENV.
horizontal, which wins over the service's defaults) in the file of the newest configuration
version that defines it, and stores the result as a new version. \`crescendo serve\` validates
the change as \`crescendo config validate\` does (e.g. minReplicas <= maxReplicas, tier quotas)
and this script prints what it changes before storing it.

  --service NAME          the service (its key under services:)
  --env ENV               the environment (default prod, the one \`crescendo serve\` runs)
  --min N, --max N        minReplicas, maxReplicas (1..10000)
  --cpu-utilization PCT   target average CPU utilization (1..100)
  --disable, --enable     horizontal.enabled
  --message TEXT          why (kept with the version)
  --dry-run               check and show the change; store nothing
  --server URL, --token TOKEN   as in every script (\$CRESCENDO_SERVER, \$CRESCENDO_TOKEN)

Target: \`crescendo serve\` (the simulator); a cluster (--kubeconfig) exits 4 until the
Kubernetes backend exists. The edited file loses its comments (the YAML is rewritten).
Exit: 0 done, 1 failure, 2 bad input, 3 refused by the server, 4 target not supported.
USAGE
}

SERVICE="" MESSAGE="" ENV_NAME="prod" MIN="" MAX="" CPU="" ENABLED=""
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --service) need_value "$1" "$#"; SERVICE="$2"; shift 2 ;;
    --message) need_value "$1" "$#"; MESSAGE="$2"; shift 2 ;;
    --env) need_value "$1" "$#"; ENV_NAME="$2"; shift 2 ;;
    --min) need_value "$1" "$#"; MIN="$2"; shift 2 ;;
    --max) need_value "$1" "$#"; MAX="$2"; shift 2 ;;
    --cpu-utilization) need_value "$1" "$#"; CPU="$2"; shift 2 ;;
    --disable) ENABLED=false; shift ;;
    --enable) ENABLED=true; shift ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ -n "$SERVICE" ] || die 2 "--service NAME is required (see --help)"
check_name --service "$SERVICE"
check_name --env "$ENV_NAME"
[ -n "$MIN$MAX$CPU$ENABLED" ] || die 2 "nothing to change: give --min, --max, --cpu-utilization, --enable or --disable"
[ -z "$MIN" ] || check_int --min "$MIN" 1 10000
[ -z "$MAX" ] || check_int --max "$MAX" 1 10000
[ -z "$CPU" ] || check_int --cpu-utilization "$CPU" 1 100
if [ -n "$MIN" ] && [ -n "$MAX" ] && [ "$MIN" -gt "$MAX" ]; then
  die 2 "--min $MIN is above --max $MAX"
fi
check_server
need_token
need_tools curl jq yq

filter='.'
what=()
[ -z "$MIN" ] || { filter+=" | .perEnvironment[\$env].horizontal.minReplicas = ($MIN)"; what+=("minReplicas $MIN"); }
[ -z "$MAX" ] || { filter+=" | .perEnvironment[\$env].horizontal.maxReplicas = ($MAX)"; what+=("maxReplicas $MAX"); }
[ -z "$CPU" ] || { filter+=" | .perEnvironment[\$env].horizontal.metrics.cpu = {utilization: $CPU}"; what+=("cpu utilization $CPU%"); }
[ -z "$ENABLED" ] || { filter+=" | .perEnvironment[\$env].horizontal.enabled = $ENABLED"; what+=("enabled $ENABLED"); }
edit_service "$SERVICE" "$filter" "${MESSAGE:-configure_hpa.sh: $SERVICE in $ENV_NAME: ${what[*]}}" --arg env "$ENV_NAME"
