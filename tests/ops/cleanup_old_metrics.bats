#!/usr/bin/env bats
# scripts/ops/cleanup_old_metrics.sh against a running `crescendo serve`.
load helpers

setup_file() { start_serve; }
teardown_file() { stop_serve; }

decision_rows() { sqlite3 "$STORE" 'SELECT COUNT(*) FROM decisions'; }

@test "help says it lists before it deletes" {
  run "$OPS/cleanup_old_metrics.sh" --help
  assert_exit 0 "lists first what it will delete"
}

@test "a dry run lists per workload and tenant and deletes nothing" {
  sleep 1  # 600x: ten simulated minutes
  before="$(decision_rows)"
  run "$OPS/cleanup_old_metrics.sh" --older-than 5m --dry-run
  assert_exit 0 "decisions of prod/harmonia/harmonia/playlist-generator"
  [[ "$output" == *"metric samples of tenant harmonia"* && "$output" == *"dry run: nothing was deleted"* ]]
  [ "$(decision_rows)" -ge "$before" ]
}

@test "bad input is refused" {
  run "$OPS/cleanup_old_metrics.sh"
  assert_exit 2 "--older-than DURATION is required"
  for bad in 0s 5 -5m 5x "1h 2m"; do
    run "$OPS/cleanup_old_metrics.sh" --older-than "$bad"
    assert_exit 2 "--older-than"
  done
  run "$OPS/cleanup_old_metrics.sh" --older-than 5m --token "$OPERATOR_TOKEN"
  assert_exit 3 "HTTP 403"
}

@test "lists, then deletes what is older, and the audit log records it" {
  sleep 1
  run "$OPS/cleanup_old_metrics.sh" --older-than 2m
  assert_exit 0 "rows in all"
  [[ "$output" =~ deleted\ [1-9][0-9]*\ rows\ older\ than ]]
  cutoff="$(grep -o 'older than [0-9TZ:-]*' <<<"${output##*deleted}" | cut -d' ' -f3)"
  listed="$(grep -o 'deleting what is older than [0-9TZ:-]*' <<<"$output" | cut -d' ' -f6)"
  [ "$cutoff" = "$listed" ]  # it deletes what it listed, though the engine ticked since
  oldest="$(sqlite3 "$STORE" 'SELECT MIN(time_ns) FROM decisions')"
  [ "$oldest" -ge "$(( $(date -d "$cutoff" +%s) * 1000000000 ))" ]
  [ "$(sqlite3 "$STORE" "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.delete'")" = 1 ]
}
