#!/usr/bin/env bash
# Turns on (or off) a service's vertical autoscaling in `crescendo serve`'s configuration.
set -euo pipefail
SCRIPT_NAME="setup_vpa.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME --service NAME [--mode MODE] [--container NAME] [--resources LIST]
                  [--min-cpu Q] [--max-cpu Q] [--min-memory Q] [--max-memory Q]
                  [--disable] [--message TEXT] [--dry-run] [--server URL] [--token TOKEN]

Sets services.NAME.vertical (VPA semantics: updateMode and containerPolicies) in the file of
the newest configuration version that defines the service, and stores it as a new version.
\`crescendo serve\` validates the change as \`crescendo config validate\` does (modes, quantities,
minAllowed <= maxAllowed) and this script prints what it changes before storing it.

  --service NAME     the service
  --mode MODE        Off, Initial, Recreate, InPlaceOrRecreate or Auto (default Off:
                     recommendations only)
  --container NAME   the container policy to set (default "*", every container)
  --resources LIST   controlledResources: cpu, memory or cpu,memory
  --min-cpu Q, --max-cpu Q, --min-memory Q, --max-memory Q
                     minAllowed / maxAllowed (Kubernetes quantities: 250m, 2, 512Mi, 4Gi)
  --disable          vertical.enabled: false
  --message TEXT     why (kept with the version)
  --dry-run          check and show the change; store nothing
  --server URL, --token TOKEN   as in every script

Target: \`crescendo serve\` (the simulator); a cluster exits 4 until the Kubernetes backend
exists. The edited file loses its comments.
Exit: 0 done, 1 failure, 2 bad input, 3 refused by the server, 4 target not supported.
USAGE
}

SERVICE="" MESSAGE="" MODE="" CONTAINER="*" RESOURCES="" DISABLE=0
declare -A BOUNDS=()
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --service) need_value "$1" "$#"; SERVICE="$2"; shift 2 ;;
    --message) need_value "$1" "$#"; MESSAGE="$2"; shift 2 ;;
    --mode) need_value "$1" "$#"; MODE="$2"; shift 2 ;;
    --container) need_value "$1" "$#"; CONTAINER="$2"; shift 2 ;;
    --resources) need_value "$1" "$#"; RESOURCES="$2"; shift 2 ;;
    --min-cpu | --max-cpu | --min-memory | --max-memory)
      need_value "$1" "$#"; BOUNDS["$1"]="$2"; shift 2 ;;
    --disable) DISABLE=1; shift ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ -n "$SERVICE" ] || die 2 "--service NAME is required (see --help)"
check_name --service "$SERVICE"
[ "$CONTAINER" = "*" ] || check_name --container "$CONTAINER"
case "$MODE" in
  "" | Off | Initial | Recreate | InPlaceOrRecreate | Auto) ;;
  *) die 2 "--mode \"$MODE\": expected Off, Initial, Recreate, InPlaceOrRecreate or Auto" ;;
esac
case "$RESOURCES" in
  "" | cpu | memory | cpu,memory | memory,cpu) ;;
  *) die 2 "--resources \"$RESOURCES\": expected cpu, memory or cpu,memory" ;;
esac
for flag in "${!BOUNDS[@]}"; do
  [[ "${BOUNDS[$flag]}" =~ ^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$ ]] ||
    die 2 "$flag \"${BOUNDS[$flag]}\": expected a Kubernetes quantity such as 250m, 2, 512Mi or 4Gi"
done
check_server
need_token
need_tools curl jq yq

if [ "$DISABLE" = 1 ]; then
  [ -z "$MODE$RESOURCES${!BOUNDS[*]}" ] || die 2 "--disable takes no other vertical setting"
  filter='.vertical.enabled = false'
  what="disable"
else
  filter=".vertical.enabled = true | .vertical.updateMode = \"${MODE:-Off}\""
  what="mode ${MODE:-Off}"
  policy='.vertical.containerPolicies[$c]'
  if [ -n "$RESOURCES" ]; then
    filter+=" | $policy.controlledResources = (\"$RESOURCES\" | split(\",\"))"
    what+=", resources $RESOURCES"
  fi
  for flag in "${!BOUNDS[@]}"; do
    key="${flag#--}"
    side="${key%%-*}Allowed"
    resource="${key#*-}"
    filter+=" | $policy.$side.$resource = \"${BOUNDS[$flag]}\""
    what+=", $side.$resource ${BOUNDS[$flag]}"
  done
fi
edit_service "$SERVICE" "$filter" "${MESSAGE:-setup_vpa.sh: $SERVICE: $what}" --arg c "$CONTAINER"
