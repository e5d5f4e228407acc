#!/usr/bin/env bats
# scripts/ops/scaling_alerts.sh: the rules through promtool, installed into a folder, and the
# firing alerts of a Prometheus that scrapes a running `crescendo serve`.
load helpers

setup_file() {
  start_serve
  PROM_PORT="$(free_port)"
  mkdir -p "$WORK/prom"
  # The shard-without-owner rule with a lower bar, so one alert fires at once.
  cat >"$WORK/prom/always.yaml" <<RULES
groups:
  - name: test
    rules:
      - alert: CrescendoTestTicking
        expr: crescendo_ticks_total > 0
        annotations: {summary: "ticking"}
RULES
  cat >"$WORK/prom/prometheus.yml" <<CONFIG
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$WORK/prom/always.yaml"]
scrape_configs:
  - job_name: crescendo
    static_configs: [{targets: ["${CRESCENDO_SERVER#http://}"]}]
CONFIG
  prometheus --config.file="$WORK/prom/prometheus.yml" --storage.tsdb.path="$WORK/prom/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-lifecycle >"$WORK/prom/log" 2>&1 &
  PROM_PID=$!
  export PROM_PORT PROM_PID
}

teardown_file() {
  kill "$PROM_PID" 2>/dev/null || true
  wait "$PROM_PID" 2>/dev/null || true
  stop_serve
}

@test "help names the actions and the exit codes" {
  run "$OPS/scaling_alerts.sh" --help
  assert_exit 0 "check"
  [[ "$output" == *"6 status: Crescendo alerts fire"* ]]
}

@test "check runs promtool check and test" {
  run "$OPS/scaling_alerts.sh" check
  assert_exit 0 "SUCCESS: 10 rules found"
  [[ "$output" == *"rules checked and unit-tested"* ]]
}

@test "install --dry-run writes nothing; install writes, then is up to date" {
  mkdir -p "$BATS_TEST_TMPDIR/rules"
  run "$OPS/scaling_alerts.sh" install --rules-dir "$BATS_TEST_TMPDIR/rules" --dry-run
  assert_exit 0 "would write $BATS_TEST_TMPDIR/rules/crescendo-alerts.yaml"
  [ ! -e "$BATS_TEST_TMPDIR/rules/crescendo-alerts.yaml" ]
  echo "groups: []" >"$BATS_TEST_TMPDIR/rules/crescendo-alerts.yaml"
  run "$OPS/scaling_alerts.sh" install --rules-dir "$BATS_TEST_TMPDIR/rules" --dry-run
  assert_exit 0 "differs and would be replaced"
  [ "$(cat "$BATS_TEST_TMPDIR/rules/crescendo-alerts.yaml")" = "groups: []" ]
  run "$OPS/scaling_alerts.sh" install --rules-dir "$BATS_TEST_TMPDIR/rules" --prometheus "http://127.0.0.1:$PROM_PORT"
  assert_exit 0 "asked http://127.0.0.1:$PROM_PORT to reload"
  cmp "$REPO/monitoring/prometheus/crescendo-alerts.yaml" "$BATS_TEST_TMPDIR/rules/crescendo-alerts.yaml"
  run "$OPS/scaling_alerts.sh" install --rules-dir "$BATS_TEST_TMPDIR/rules"
  assert_exit 0 "already up to date"
}

@test "bad input is refused" {
  run "$OPS/scaling_alerts.sh"
  assert_exit 2 "give an action"
  run "$OPS/scaling_alerts.sh" check status
  assert_exit 2 "one action at a time"
  run "$OPS/scaling_alerts.sh" install
  assert_exit 2 "needs --rules-dir"
  run "$OPS/scaling_alerts.sh" install --rules-dir /nonexistent
  assert_exit 2 "not a directory"
  run "$OPS/scaling_alerts.sh" status --prometheus "not a url"
  assert_exit 2 "expected a URL"
  run "$OPS/scaling_alerts.sh" status
  assert_exit 2 "needs --prometheus"
}

@test "status lists the firing Crescendo alerts of a Prometheus scraping serve" {
  for i in $(seq 1 150); do
    run "$OPS/scaling_alerts.sh" status --prometheus "http://127.0.0.1:$PROM_PORT"
    [ "$status" -ne 6 ] || break
    sleep 0.2
  done
  assert_exit 6 "CrescendoTestTicking"
  [[ "$output" == *"ticking"* ]]
}
