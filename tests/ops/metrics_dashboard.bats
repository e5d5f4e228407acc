#!/usr/bin/env bats
# scripts/ops/metrics_dashboard.sh against a running `crescendo serve`.
load helpers

setup_file() { start_serve; }
teardown_file() { stop_serve; }

@test "help says it is read-only" {
  run "$OPS/metrics_dashboard.sh" --help
  assert_exit 0 "Read-only"
}

@test "--dry-run is refused: it changes nothing" {
  run "$OPS/metrics_dashboard.sh" --dry-run
  assert_exit 2 "this script changes nothing"
}

@test "bad input is refused" {
  run "$OPS/metrics_dashboard.sh" --interval 0
  assert_exit 2 '--interval "0"'
  run "$OPS/metrics_dashboard.sh" --server http://127.0.0.1:1
  assert_exit 1 "does not answer"
}

@test "summarises ticks, tenants and workloads from /metrics" {
  run "$OPS/metrics_dashboard.sh"
  assert_exit 0 "0 failed"
  [[ "$output" =~ ticks\ [1-9][0-9]*\ recorded ]]
  [[ "$output" =~ harmonia\ +[0-9]+\ +400 ]]  # the enterprise tier's replica quota
  [[ "$output" == *"nightowl/audio-analysis-worker"* && "$output" == *"source sim: up"* ]]
  [[ "$output" == *"holding: no"* ]]
}
