#!/bin/sh
# Generates a report with `crescendo simulate` and opens it in headless Chromium.
#   run_report_test.sh CRESCENDO_BINARY SOURCE_DIR
# NODE names the Node.js to use (default: node on the PATH), e.g. Debian 12's own 18.x.
# Exit 77 (CTest: skipped) when playwright-core (npm ci here) or Chromium is missing.
set -eu
crescendo="$1"
source_dir="$2"
here="$source_dir/tests/integration/report"
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "*** SKIPPED: playwright-core is not installed: run 'npm ci' in $here ***" >&2
  exit 77
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "*** SKIPPED: no Chromium at ${CHROMIUM:-/usr/bin/chromium} ***" >&2
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$crescendo" simulate --scenario "$source_dir/examples/scenarios/music-streaming.yaml" \
  --duration 3h --strategies kubernetes,target-utilization --no-progress \
  --json "$work/report.json" --report "$work/report.html"
"${NODE:-node}" "$here/check_report.mjs" "$work/report.html"
