#!/usr/bin/env bash
# Restores a store backup, after verifying it in a scratch store.
set -euo pipefail
SCRIPT_NAME="restore_configs.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME --store PATH|URL --from FILE [--dry-run] [--server URL]

Replaces the whole store with a backup written by backup_configs.sh (\`crescendo backup\`),
after verifying it: first the backup is restored into a scratch SQLite store in a temporary
folder (\`crescendo restore\` checks the header, the size, the SHA-256 and that every table fits
the schema) and that copy's audit chain is verified (\`crescendo audit verify\`); only when both
pass is the real store replaced, in one transaction. \`crescendo serve\` must be stopped: the
script refuses while --server answers /healthz.
To put back configuration files saved with backup_configs.sh --config-dir, deploy them with
deploy_autoscaling.sh --config DIR (a new version; the history is kept).

  --store PATH|URL  the store to replace (default \$CRESCENDO_STORE)
  --from FILE       the backup file
  --dry-run         verify the backup only; change nothing
  --server URL      where \`crescendo serve\` would answer (default \$CRESCENDO_SERVER or
                    http://127.0.0.1:8080)

Exit: 0 done (or verified, with --dry-run), 1 failure, 2 bad input, 3 refused (serve runs),
5 the backup failed verification (nothing was changed).
USAGE
}

STORE="${CRESCENDO_STORE:-}" FROM=""
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --store) need_value "$1" "$#"; STORE="$2"; shift 2 ;;
    --from) need_value "$1" "$#"; FROM="$2"; shift 2 ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ -n "$STORE" ] || die 2 "--store PATH|URL (or CRESCENDO_STORE) is required (see --help)"
[ -n "$FROM" ] || die 2 "--from FILE is required (see --help)"
[ -f "$FROM" ] || die 2 "--from $FROM: no such file"
check_server
need_tools curl

bin="$(crescendo_bin)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
echo "verifying $FROM in a scratch store"
if ! out="$("$bin" restore --store "$scratch/verify.db" --from "$FROM" 2>&1)"; then
  echo "$out" >&2
  die 5 "$FROM failed verification (above); $STORE was not changed"
fi
if ! audit="$("$bin" audit verify --store "$scratch/verify.db" 2>&1)"; then
  echo "$audit" >&2
  die 5 "$FROM: its audit chain does not verify (above); $STORE was not changed"
fi
echo "verified: ${out#restored } ; $audit"
if [ "$DRY_RUN" = 1 ]; then
  echo "dry run: $STORE was not changed"
  exit 0
fi
if curl -s -o /dev/null --max-time 3 "$SERVER/healthz"; then
  die 3 "\`crescendo serve\` answers at $SERVER: stop it before restoring (it keeps the store open and would overwrite the restored state); nothing was changed"
fi
"$bin" restore --store "$STORE" --from "$FROM" || die 1 "crescendo restore failed (above)"
