#!/usr/bin/env bats
# scripts/ops/configure_hpa.sh against a running `crescendo serve`.
load helpers

setup_file() { start_serve; }
teardown_file() { stop_serve; }

@test "help names the flags and the exit codes" {
  run "$OPS/configure_hpa.sh" --help
  assert_exit 0 "--service NAME"
  [[ "$output" == *"--cpu-utilization"* && "$output" == *"3 refused"* ]]
}

@test "a dry run shows the change and stores nothing" {
  before="$(config_version)"
  run "$OPS/configure_hpa.sh" --service playlist-generator --max 33 --dry-run
  assert_exit 0 "prod/harmonia/harmonia/playlist-generator: horizontal.maxReplicas 40 -> 33"
  [[ "$output" == *"tenants affected: harmonia"* ]]
  [ "$(config_version)" = "$before" ]
}

@test "bad input is refused before anything is sent" {
  run "$OPS/configure_hpa.sh" --max 3
  assert_exit 2 "--service NAME is required"
  run "$OPS/configure_hpa.sh" --service playlist-generator
  assert_exit 2 "nothing to change"
  run "$OPS/configure_hpa.sh" --service playlist-generator --min 0
  assert_exit 2 '--min "0": expected an integer from 1 to 10000'
  run "$OPS/configure_hpa.sh" --service playlist-generator --min 9 --max 3
  assert_exit 2 "--min 9 is above --max 3"
  run "$OPS/configure_hpa.sh" --service "Bad_Name" --max 3
  assert_exit 2 "expected a name"
  run "$OPS/configure_hpa.sh" --service no-such-service --max 3
  assert_exit 2 "no file of configuration version"
  run "$OPS/configure_hpa.sh" --service playlist-generator --cpu-utilization 150
  assert_exit 2 "from 1 to 100"
}

@test "the server refuses a change that does not validate" {
  before="$(config_version)"
  run "$OPS/configure_hpa.sh" --service playlist-generator --min 50
  assert_exit 3 "refused (HTTP 400"
  [[ "$output" == *"minReplicas"* ]]
  [ "$(config_version)" = "$before" ]
}

@test "a tenant operator changes its own service, not another tenant's" {
  run "$OPS/configure_hpa.sh" --service playlist-generator --max 38 --token "$OPERATOR_TOKEN" --dry-run
  assert_exit 0 "horizontal.maxReplicas 40 -> 38"
  run "$OPS/configure_hpa.sh" --service public-api --max 38 --token "$OPERATOR_TOKEN" --dry-run
  assert_exit 3 "HTTP 403"
  [[ "$output" == *"needs operator on shared"* ]]
  run "$OPS/configure_hpa.sh" --service public-api --max 38 --token "$VIEWER_TOKEN" --dry-run
  assert_exit 3 "HTTP 403"
}

@test "sets the bounds and the CPU target of one environment" {
  before="$(config_version)"
  run "$OPS/configure_hpa.sh" --service playlist-generator --min 4 --max 36 --cpu-utilization 55
  assert_exit 0 "stored configuration version $((before + 1))"
  [[ "$output" == *"horizontal.maxReplicas 40 -> 36"* && "$output" == *"horizontal.minReplicas 3 -> 4"* ]]
  curl -sf -H "Authorization: Bearer $CRESCENDO_TOKEN" \
    "$CRESCENDO_SERVER/api/v1/tenants/harmonia/services" |
    jq -e '.services[] | select(.service == "playlist-generator") | .min_replicas == 4 and .max_replicas == 36'
}
