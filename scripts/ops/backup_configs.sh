#!/usr/bin/env bash
# Backs up Crescendo's state: the whole store (`crescendo backup`) or the configuration's files.
set -euo pipefail
SCRIPT_NAME="backup_configs.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME --store PATH|URL --to FILE [--force] [--dry-run]
       $SCRIPT_NAME --config-dir DIR [--version N] [--force] [--dry-run] [--server URL] [--token TOKEN]

First form: writes a consistent snapshot of the whole store (configuration versions, decisions,
checkpoints, audit log, tokens, wrapped data keys) with \`crescendo backup\`: a header with its
SHA-256 and size, then the tables, written atomically. Safe while \`crescendo serve\` runs.
restore_configs.sh puts it back.
Second form: writes the files of the newest configuration version (or --version N) from
\`crescendo serve\` (GET /api/v1/config) under DIR, with VERSION holding the version number;
deploy_autoscaling.sh --config DIR deploys them again. Needs a global viewer token.

  --store PATH|URL  the store \`crescendo serve\` uses (default \$CRESCENDO_STORE)
  --to FILE         the backup file (refused when it exists, unless --force)
  --config-dir DIR  where to write the configuration files (refused when not empty, unless
                    --force)
  --version N       the configuration version to save (default: the newest)
  --dry-run         say what would be written; write nothing
  --server URL, --token TOKEN   as in every script (second form)

Target: the store (SQLite file or PostgreSQL URL) or \`crescendo serve\`; a cluster exits 4.
Exit: 0 done, 1 failure, 2 bad input, 3 refused by the server, 4 target not supported.
USAGE
}

STORE="${CRESCENDO_STORE:-}" TO="" DIR="" VERSION="" FORCE=0
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    --store) need_value "$1" "$#"; STORE="$2"; shift 2 ;;
    --to) need_value "$1" "$#"; TO="$2"; shift 2 ;;
    --config-dir) need_value "$1" "$#"; DIR="$2"; shift 2 ;;
    --version) need_value "$1" "$#"; VERSION="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done

if [ -n "$DIR" ]; then
  [ -z "$TO" ] || die 2 "--to and --config-dir are two forms; give one (see --help)"
  [ -z "$VERSION" ] || check_int --version "$VERSION" 1 1000000000
  if [ -e "$DIR" ] && [ ! -d "$DIR" ]; then die 2 "--config-dir $DIR: exists and is not a directory"; fi
  if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ "$FORCE" = 0 ]; then
    die 2 "--config-dir $DIR: not empty (pass --force to write over its files)"
  fi
  check_server
  need_token
  need_tools curl jq
  api GET "/api/v1/config${VERSION:+/versions/$VERSION}"
  [ "$API_STATUS" = 200 ] || api_fail "reading the configuration"
  version="$(jq -r .version <<<"$API_BODY")"
  mapfile -t files < <(jq -r '.files | keys[]' <<<"$API_BODY")
  for f in "${files[@]}"; do
    [[ "$f" != /* && "$f" != *..* ]] || die 1 "the server sent an unsafe file path \"$f\""
  done
  if [ "$DRY_RUN" = 1 ]; then
    echo "dry run: would write configuration version $version (${#files[@]} files) to $DIR:"
    printf '  %s\n' "${files[@]}"
    exit 0
  fi
  for f in "${files[@]}"; do
    mkdir -p "$DIR/$(dirname "$f")"
    jq -j --arg p "$f" '.files[$p]' <<<"$API_BODY" >"$DIR/$f"
  done
  echo "$version" >"$DIR/VERSION"
  echo "wrote configuration version $version (${#files[@]} files) to $DIR"
  exit 0
fi

[ -n "$STORE" ] || die 2 "--store PATH|URL (or CRESCENDO_STORE) is required, or --config-dir DIR (see --help)"
[ -n "$TO" ] || die 2 "--to FILE is required (see --help)"
if [[ "$STORE" != postgres://* && "$STORE" != postgresql://* ]] && [ ! -f "$STORE" ]; then
  die 2 "--store $STORE: no such SQLite file (a typo would create an empty store)"
fi
[ -d "$(dirname "$TO")" ] || die 2 "--to $TO: the directory $(dirname "$TO") does not exist"
[ ! -e "$TO" ] || [ "$FORCE" = 1 ] || die 2 "--to $TO: exists (pass --force to replace it)"
if [ "$DRY_RUN" = 1 ]; then
  echo "dry run: would write a backup of the store $STORE to $TO with \`$(crescendo_bin) backup\`"
  exit 0
fi
"$(crescendo_bin)" backup --store "$STORE" --to "$TO" || die 1 "crescendo backup failed (above)"
