#!/usr/bin/env bash
# Deploys a configuration directory to `crescendo serve` as a new configuration version.
set -euo pipefail
SCRIPT_NAME="deploy_autoscaling.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME --config DIR [--message TEXT] [--prune] [--dry-run]
                      [--server URL] [--token TOKEN]

Checks the configuration files under DIR (*.yaml, as \`crescendo config validate\` does), then
stores them in \`crescendo serve\` as the next configuration version (PUT /api/v1/config); the
engine applies it at its next tick. Before storing, the server validates the change and this
script prints what it changes (the effective settings, the tenants affected).

  --config DIR     the configuration root (e.g. examples/config)
  --message TEXT   why (kept with the version; default "deploy_autoscaling.sh")
  --prune          also remove the files the server holds that DIR does not have
  --dry-run        check and show the change; store nothing
  --server URL     \`crescendo serve\` (default \$CRESCENDO_SERVER or http://127.0.0.1:8080)
  --token TOKEN    a bearer token with operator on the tenants changed, or admin for global
                   settings (default \$CRESCENDO_TOKEN)

Target: \`crescendo serve\` (the engine on the simulator). A Kubernetes cluster (--kubeconfig,
--context) is refused with exit 4 until the Kubernetes backend exists.
Exit: 0 done, 1 failure, 2 bad input, 3 refused (invalid configuration, grant, stale version),
4 target not supported.
USAGE
}

CONFIG_DIR="" MESSAGE="deploy_autoscaling.sh" PRUNE=0
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --config) need_value "$1" "$#"; CONFIG_DIR="$2"; shift 2 ;;
    --message) need_value "$1" "$#"; MESSAGE="$2"; shift 2 ;;
    --prune) PRUNE=1; shift ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ -n "$CONFIG_DIR" ] || die 2 "--config DIR is required (see --help)"
[ -d "$CONFIG_DIR" ] || die 2 "--config $CONFIG_DIR: not a directory"
check_server
need_token
need_tools curl jq

# The files, relative to the root, as the server will hold them.
mapfile -t FILES < <(cd "$CONFIG_DIR" && find . -type f \( -name '*.yaml' -o -name '*.yml' \) | sed 's|^\./||' | sort)
[ "${#FILES[@]}" -gt 0 ] || die 2 "--config $CONFIG_DIR: no *.yaml files"
if ! report="$("$(crescendo_bin)" config validate "$CONFIG_DIR" 2>&1)"; then
  echo "$report" >&2
  die 3 "--config $CONFIG_DIR: the configuration is invalid (above); nothing was sent"
fi

read_config
files='{}'
for f in "${FILES[@]}"; do
  files="$(jq --arg p "$f" --rawfile t "$CONFIG_DIR/$f" '. + {($p): $t}' <<<"$files")"
done
if [ "$PRUNE" = 1 ]; then
  files="$(jq --argjson have "$CONFIG_JSON" \
    '. as $new | reduce ($have.files | keys[]) as $k ($new; if has($k) then . else . + {($k): null} end)' \
    <<<"$files")"
fi
echo "deploying ${#FILES[@]} files from $CONFIG_DIR to $SERVER (configuration version $BASE_VERSION)"
put_change "$files" "$MESSAGE"
