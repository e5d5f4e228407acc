# Shared by the bats tests of scripts/ops/: starts one `crescendo serve` per test file on the
# simulator (a free 127.0.0.1 port, a temporary folder, the example configuration) and stops it.
# CRESCENDO_BIN names the binary (CTest passes it); default: the tree's build.

REPO="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
OPS="$REPO/scripts/ops"
export CRESCENDO_BIN="${CRESCENDO_BIN:-$REPO/build/release/app/crescendo}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the server; exports CRESCENDO_SERVER, CRESCENDO_TOKEN (global admin), OPERATOR_TOKEN
# (operator of harmonia, global viewer), VIEWER_TOKEN (viewer of nightowl), STORE, WORK, SERVE_PID.
start_serve() {
  WORK="$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/crescendo_ops.XXXXXX")"
  STORE="$WORK/state.db"
  openssl rand -hex 32 >"$WORK/master.key"
  CRESCENDO_TOKEN="$("$CRESCENDO_BIN" token create --store "$STORE" --name ops --grant admin)"
  OPERATOR_TOKEN="$("$CRESCENDO_BIN" token create --store "$STORE" --name op --grant operator:harmonia --grant viewer)"
  VIEWER_TOKEN="$("$CRESCENDO_BIN" token create --store "$STORE" --name view --grant viewer:nightowl)"
  local port
  port="$(free_port)"
  (cd "$REPO" && exec "$CRESCENDO_BIN" serve --store "$STORE" --config examples/config \
    --master-key-file "$WORK/master.key" --listen "127.0.0.1:$port" --speed "${SERVE_SPEED:-600}" \
    >"$WORK/serve.log" 2>&1) &
  SERVE_PID=$!
  CRESCENDO_SERVER="http://127.0.0.1:$port"
  export WORK STORE CRESCENDO_TOKEN OPERATOR_TOKEN VIEWER_TOKEN SERVE_PID CRESCENDO_SERVER
  local i
  for i in $(seq 1 100); do
    if curl -sf "$CRESCENDO_SERVER/readyz" >/dev/null 2>&1 &&
      curl -s "$CRESCENDO_SERVER/metrics" | grep -q '^crescendo_ticks_total [1-9]'; then
      return 0
    fi
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; return 1; }
    sleep 0.1
  done
  echo "crescendo serve did not become ready: $(cat "$WORK/serve.log")" >&2
  return 1
}

stop_serve() {
  if [ -n "${SERVE_PID:-}" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID"
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  [ -z "${WORK:-}" ] || rm -rf "$WORK"
}

# Asserts that the last `run` exited with CODE and printed (stdout and stderr) TEXT.
assert_exit() {  # assert_exit CODE [TEXT]
  if [ "$status" -ne "$1" ]; then
    echo "expected exit $1, got $status; output:" >&2
    echo "$output" >&2
    return 1
  fi
  if [ $# -ge 2 ] && [[ "$output" != *"$2"* ]]; then
    echo "expected the output to contain: $2; output:" >&2
    echo "$output" >&2
    return 1
  fi
}

# The newest configuration version number.
config_version() {
  curl -sf -H "Authorization: Bearer $CRESCENDO_TOKEN" "$CRESCENDO_SERVER/api/v1/config" | jq .version
}

# Copies examples/config to $BATS_TEST_TMPDIR/NAME and applies the sed EXPRESSION to FILE in it.
edited_config() {  # edited_config NAME FILE EXPRESSION
  cp -r "$REPO/examples/config" "$BATS_TEST_TMPDIR/$1"
  sed -i "$3" "$BATS_TEST_TMPDIR/$1/$2"
}
