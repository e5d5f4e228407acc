#!/usr/bin/env bats
# scripts/ops/monitor_scaling.sh against a running `crescendo serve`.
load helpers

setup_file() { start_serve; }
teardown_file() { stop_serve; }

@test "help says it is read-only" {
  run "$OPS/monitor_scaling.sh" --help
  assert_exit 0 "Read-only"
}

@test "--dry-run is refused: it changes nothing" {
  run "$OPS/monitor_scaling.sh" --dry-run
  assert_exit 2 "this script changes nothing"
}

@test "bad input is refused" {
  run "$OPS/monitor_scaling.sh" --count 0
  assert_exit 2 '--count "0"'
  run "$OPS/monitor_scaling.sh" --tenant "../etc"
  assert_exit 2 "expected a name"
  run "$OPS/monitor_scaling.sh" --server ftp://x
  assert_exit 2 "expected a URL"
  run "$OPS/monitor_scaling.sh" --server http://127.0.0.1:1
  assert_exit 1 "does not answer"
  run "$OPS/monitor_scaling.sh" --tenant nosuch
  assert_exit 3 "HTTP 404"
}

@test "shows every visible tenant's services with their latest decision" {
  run "$OPS/monitor_scaling.sh"
  assert_exit 0 "TENANT"
  for s in "harmonia  *playlist-generator" "nightowl  *audio-analysis-worker" "kinderklang"; do
    [[ "$output" =~ $s ]] || { echo "missing $s in: $output" >&2; return 1; }
  done
}

@test "a tenant's token sees only that tenant, and updates as ticks pass" {
  run "$OPS/monitor_scaling.sh" --token "$VIEWER_TOKEN" --json --count 2 --interval 1
  assert_exit 0
  [ "$(wc -l <<<"$output")" = 2 ]
  first="$(sed -n 1p <<<"$output")"
  second="$(sed -n 2p <<<"$output")"
  jq -e '.tenants | keys == ["nightowl"]' <<<"$first"
  jq -e --argjson a "$first" '.tenants.nightowl[0].last_decision.tick > $a.tenants.nightowl[0].last_decision.tick' <<<"$second"
  run "$OPS/monitor_scaling.sh" --token "$VIEWER_TOKEN" --tenant harmonia
  assert_exit 3 "HTTP 403"
}
