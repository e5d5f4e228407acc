#!/bin/sh
# Starts `crescendo serve` (simulator, a free 127.0.0.1 port, a temporary folder) and opens its
# dashboard in headless Chromium (check_dashboard.mjs).
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
"${NODE:-node}" "$here/check_dashboard.mjs" "http://127.0.0.1:$port/" "$admin" "$tenant" nightowl
