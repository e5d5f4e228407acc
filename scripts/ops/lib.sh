# Shared by the operations scripts in this folder: flags every script takes, the HTTP calls to
# `crescendo serve`, and the exit codes. Sourced, never run.
#
# Exit codes of every script (docs/operations.md):
#   0  done (or, with --dry-run, the change was checked and shown)
#   1  failure while acting: the server does not answer, an unexpected answer, a command failed
#   2  bad usage or bad input, refused before anything was done
#   3  refused by Crescendo: an invalid configuration, a missing grant, a stale version
#   4  the target is not supported by this build (a Kubernetes cluster, until its backend exists)
#   5  verification failed (a corrupt backup, rules that do not pass promtool)
#   6  scaling_alerts.sh status: Crescendo alerts are firing

OPS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$OPS_DIR/../.." && pwd)"
SERVER="${CRESCENDO_SERVER:-http://127.0.0.1:8080}"
TOKEN="${CRESCENDO_TOKEN:-}"
DRY_RUN=0

# The crescendo binary: $CRESCENDO_BIN, else the one on the PATH, else the tree's build.
crescendo_bin() {
  if [ -n "${CRESCENDO_BIN:-}" ]; then echo "$CRESCENDO_BIN"; return; fi
  if command -v crescendo >/dev/null 2>&1; then command -v crescendo; return; fi
  echo "$REPO_ROOT/build/release/app/crescendo"
}

die() {  # die CODE MESSAGE...
  local code="$1"
  shift
  echo "$SCRIPT_NAME: $*" >&2
  exit "$code"
}

need_value() {  # need_value FLAG "$#"
  [ "$2" -ge 2 ] || die 2 "$1 needs a value (see --help)"
}

need_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || die 1 "needs '$t' on the PATH (scripts/install_deps.sh installs it)"
  done
}

# Handles the flags shared by every script; returns 0 when it consumed "$1" (and shifts in the
# caller by SHIFT_BY), 1 when the flag is not a shared one.
SHIFT_BY=0
common_flag() {
  SHIFT_BY=1
  case "$1" in
    --server) need_value "$1" "$#"; SERVER="$2"; SHIFT_BY=2 ;;
    --token) need_value "$1" "$#"; TOKEN="$2"; SHIFT_BY=2 ;;
    --dry-run) DRY_RUN=1 ;;
    --kubeconfig | --context | --cluster)
      die 4 "$1: this build has no Kubernetes backend; the scripts act on \`crescendo serve\` (the simulator) through --server. Nothing was done." ;;
    -h | --help) usage; exit 0 ;;
    *) return 1 ;;
  esac
  return 0
}

check_server() {
  [[ "$SERVER" =~ ^https?://[^/[:space:]]+/?$ ]] ||
    die 2 "--server \"$SERVER\": expected a URL such as http://127.0.0.1:8080"
  SERVER="${SERVER%/}"
}

need_token() {
  [ -n "$TOKEN" ] || die 2 "no token: pass --token crs_... or set CRESCENDO_TOKEN (crescendo token create)"
  [[ "$TOKEN" =~ ^crs_[0-9a-f]{12}_[0-9a-f]{64}$ ]] ||
    die 2 "--token: expected crs_<12 hex digits>_<64 hex digits>, as crescendo token create prints"
}

# api METHOD PATH [BODY_FILE]: the answer's body in $API_BODY, its status in $API_STATUS.
# Exits 1 when the server does not answer.
api() {
  local method="$1" path="$2" body="${3:-}" out
  out="$(mktemp)"
  local args=(-sS -o "$out" -w '%{http_code}' -X "$method" --max-time 30)
  [ -n "$TOKEN" ] && args+=(-H "Authorization: Bearer $TOKEN")
  if [ -n "$body" ]; then
    args+=(-H 'Content-Type: application/json' --data-binary "@$body")
  elif [ "$method" != GET ]; then
    args+=(--data-binary '')  # a Content-Length: 0, which the server wants on POST and PUT
  fi
  if ! API_STATUS="$(curl "${args[@]}" "$SERVER$path" 2>"$out.err")"; then
    local why
    why="$(cat "$out.err")"
    rm -f "$out" "$out.err"
    die 1 "$SERVER does not answer ($why); is \`crescendo serve\` running there?"
  fi
  API_BODY="$(cat "$out")"
  rm -f "$out" "$out.err"
}

# Exits with the scripts' code for a refused answer, quoting the server's message.
api_fail() {  # api_fail WHAT
  local message field
  message="$(jq -r '.message // empty' <<<"$API_BODY" 2>/dev/null || true)"
  field="$(jq -r '.field // empty' <<<"$API_BODY" 2>/dev/null || true)"
  [ -n "$message" ] || message="$API_BODY"
  case "$API_STATUS" in
    400 | 401 | 403 | 404 | 409 | 413 | 429)
      die 3 "$1 refused (HTTP $API_STATUS${field:+, field $field}): $message" ;;
    *) die 1 "$1 failed (HTTP $API_STATUS): $message" ;;
  esac
}

# Reads a positive Go-style duration (90s, 30m, 72h, 7d, 1h30m) as whole seconds into $SECONDS_OUT.
parse_duration() {  # parse_duration FLAG TEXT
  local text="$2" total=0 n unit
  [[ "$text" =~ ^([0-9]+[smhd])+$ ]] || die 2 "$1 \"$text\": expected a duration such as 90s, 30m, 72h, 7d or 1h30m"
  while [[ "$text" =~ ^([0-9]+)([smhd])(.*)$ ]]; do
    n=$((10#${BASH_REMATCH[1]}))
    unit="${BASH_REMATCH[2]}"
    text="${BASH_REMATCH[3]}"
    case "$unit" in
      s) total=$((total + n)) ;;
      m) total=$((total + n * 60)) ;;
      h) total=$((total + n * 3600)) ;;
      d) total=$((total + n * 86400)) ;;
    esac
  done
  [ "$total" -gt 0 ] || die 2 "$1 \"$2\": must be longer than 0s"
  SECONDS_OUT="$total"
}

# Checks that TEXT is an integer in [MIN, MAX].
check_int() {  # check_int FLAG TEXT MIN MAX
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
    die 2 "$1 \"$2\": expected an integer from $3 to $4"
}

# Checks a DNS-label name (tenants, services).
check_name() {  # check_name FLAG TEXT
  [[ "$2" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] ||
    die 2 "$1 \"$2\": expected a name of lowercase letters, digits and '-' (at most 63)"
}

# Reads the newest configuration: $CONFIG_JSON (the API's answer) and $BASE_VERSION (0: none).
read_config() {
  api GET /api/v1/config
  case "$API_STATUS" in
    200) CONFIG_JSON="$API_BODY"; BASE_VERSION="$(jq -r .version <<<"$API_BODY")" ;;
    404) CONFIG_JSON='{"files":{}}'; BASE_VERSION=0 ;;
    *) api_fail "reading the configuration" ;;
  esac
}

# Sends a configuration change (a JSON object of path -> text or null) as `crescendo serve`
# validates it: first with dry_run=1, printing what would change; then, without --dry-run,
# for real. The server's checks are those of `crescendo config validate`.
put_change() {  # put_change FILES_JSON MESSAGE
  local body
  body="$(mktemp)"
  jq -n --argjson files "$1" --arg message "$2" --argjson base "$BASE_VERSION" \
    '{base_version: $base, files: $files, message: $message}' >"$body"
  api PUT "/api/v1/config?dry_run=1" "$body"
  [ "$API_STATUS" = 200 ] || { rm -f "$body"; api_fail "the change"; }
  local diff
  diff="$(jq -r .diff <<<"$API_BODY")"
  echo "configuration version $BASE_VERSION -> $(jq -r .version <<<"$API_BODY") would change:"
  if [ -n "$diff" ]; then sed 's/^/  /' <<<"$diff"; else echo "  (no effective setting)"; fi
  echo "tenants affected: $(jq -r '.tenants | if length == 0 then "none" else join(", ") end' <<<"$API_BODY")$(jq -r 'if .global then " (and global settings)" else "" end' <<<"$API_BODY")"
  if [ "$DRY_RUN" = 1 ]; then
    rm -f "$body"
    echo "dry run: nothing was stored"
    return 0
  fi
  api PUT /api/v1/config "$body"
  rm -f "$body"
  [ "$API_STATUS" = 201 ] || api_fail "the change"
  echo "stored configuration version $(jq -r .version <<<"$API_BODY"); the engine applies it at its next tick"
}

# Finds the file of the configuration that defines services.<SERVICE>: $SERVICE_FILE.
find_service_file() {  # find_service_file SERVICE
  local path
  SERVICE_FILE=""
  while IFS= read -r path; do
    if jq -r --arg p "$path" '.files[$p]' <<<"$CONFIG_JSON" |
      yq -e --arg s "$1" '.services | has($s)' >/dev/null 2>&1; then
      SERVICE_FILE="$path"
      return 0
    fi
  done < <(jq -r '.files | keys[]' <<<"$CONFIG_JSON")
  die 2 "--service $1: no file of configuration version $BASE_VERSION defines services.$1 (services: $(jq -r '.services | map(split("/")[3]) | unique | join(", ")' <<<"$CONFIG_JSON"))"
}

# Applies the jq FILTER to services.<SERVICE> of its file and sends the change (put_change).
edit_service() {  # edit_service SERVICE FILTER MESSAGE [--arg NAME VALUE]...
  local service="$1" filter="$2" message="$3"
  shift 3
  read_config
  [ "$BASE_VERSION" != 0 ] || die 3 "the server holds no configuration yet: deploy one with deploy_autoscaling.sh"
  find_service_file "$service"
  local text
  text="$(jq -r --arg p "$SERVICE_FILE" '.files[$p]' <<<"$CONFIG_JSON" |
    yq -y --arg s "$service" "$@" ".services[\$s] |= ($filter)")" ||
    die 1 "cannot edit $SERVICE_FILE"
  echo "editing services.$service in $SERVICE_FILE (comments in that file are not kept)"
  put_change "$(jq -n --arg p "$SERVICE_FILE" --arg t "$text" '{($p): $t}')" "$message"
}
