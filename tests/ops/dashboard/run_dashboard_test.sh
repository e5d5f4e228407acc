#!/bin/sh
# Starts `crescendo serve` (simulator, a free 127.0.0.1 port, a temporary folder) and opens its
# dashboard in headless Chromium (check_dashboard.mjs); then checks that SIGTERM stops serve
# promptly while an event stream is open.
#   run_dashboard_test.sh CRESCENDO_BINARY SOURCE_DIR
# NODE names the Node.js to use (default: node on the PATH; 18 or later).
# Exit 77 (CTest: skipped) when playwright-core (npm ci here) or Chromium is missing.
set -eu
crescendo="$1"
source_dir="$2"
here="$source_dir/tests/ops/dashboard"
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "*** SKIPPED: playwright-core is not installed: run 'npm ci' in $here ***" >&2
  exit 77
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "*** SKIPPED: no Chromium at ${CHROMIUM:-/usr/bin/chromium} ***" >&2
  exit 77
fi
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
openssl rand -hex 32 >"$work/master.key"
admin=$("$crescendo" token create --store "$work/state.db" --name dashboard-admin --grant admin)
tenant=$("$crescendo" token create --store "$work/state.db" --name nightowl-ops --grant operator:nightowl)
viewer=$("$crescendo" token create --store "$work/state.db" --name dashboard-viewer --grant viewer)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd "$source_dir"
"$crescendo" serve --store "$work/state.db" --config examples/config --master-key-file "$work/master.key" \
  --listen "127.0.0.1:$port" --speed 120 >"$work/serve.log" 2>&1 &
pid=$!
i=0
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then cat "$work/serve.log" >&2; exit 1; fi
  sleep 0.1
done
"${NODE:-node}" "$here/check_dashboard.mjs" "http://127.0.0.1:$port/" "$admin" "$tenant" nightowl "$viewer"

# SIGTERM with an event stream open: serve ends the stream and exits within 5 s.
curl -sN -H "Authorization: Bearer $viewer" "http://127.0.0.1:$port/api/v1/events" >"$work/stream.txt" &
curl_pid=$!
i=0
until grep -q '^event: snapshot' "$work/stream.txt"; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then echo "FAIL no snapshot on the event stream" >&2; exit 1; fi
  sleep 0.1
done
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -gt 50 ]; then echo "FAIL serve still runs 5 s after SIGTERM with a stream open" >&2; exit 1; fi
  sleep 0.1
done
wait "$pid" || { echo "FAIL serve exited with $? after SIGTERM" >&2; exit 1; }
pid=""
wait "$curl_pid" || true
echo "ok   SIGTERM stopped serve in $((i / 10)).$((i % 10)) s with an event stream open"
tail -n 1 "$work/serve.log"
