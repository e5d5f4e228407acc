#!/usr/bin/env bats
# scripts/ops/backup_configs.sh against a running `crescendo serve` and its store.
load helpers

setup_file() { start_serve; }
teardown_file() { stop_serve; }

@test "help names both forms and the exit codes" {
  run "$OPS/backup_configs.sh" --help
  assert_exit 0 "--store PATH|URL --to FILE"
  [[ "$output" == *"--config-dir DIR"* ]]
}

@test "a dry run writes nothing" {
  run "$OPS/backup_configs.sh" --store "$STORE" --to "$BATS_TEST_TMPDIR/b.backup" --dry-run
  assert_exit 0 "dry run: would write a backup of the store"
  [ ! -e "$BATS_TEST_TMPDIR/b.backup" ]
  run "$OPS/backup_configs.sh" --config-dir "$BATS_TEST_TMPDIR/cfg" --dry-run
  assert_exit 0 "would write configuration version 1 (10 files)"
  [[ "$output" == *"services/public-api.yaml"* ]]
  [ ! -e "$BATS_TEST_TMPDIR/cfg" ]
}

@test "bad input is refused" {
  run "$OPS/backup_configs.sh" --to "$BATS_TEST_TMPDIR/x"
  assert_exit 2 "--store PATH|URL"
  run "$OPS/backup_configs.sh" --store "$WORK/typo.db" --to "$BATS_TEST_TMPDIR/x"
  assert_exit 2 "no such SQLite file"
  [ ! -e "$WORK/typo.db" ]
  run "$OPS/backup_configs.sh" --store "$STORE" --to /nonexistent/dir/x
  assert_exit 2 "does not exist"
  touch "$BATS_TEST_TMPDIR/exists"
  run "$OPS/backup_configs.sh" --store "$STORE" --to "$BATS_TEST_TMPDIR/exists"
  assert_exit 2 "exists (pass --force"
  run "$OPS/backup_configs.sh" --config-dir "$BATS_TEST_TMPDIR/c" --version abc
  assert_exit 2 '--version "abc"'
  run "$OPS/backup_configs.sh" --config-dir "$BATS_TEST_TMPDIR/c" --version 99
  assert_exit 3 "HTTP 404"
}

@test "backs up the store while serve runs, and saves the configuration's files" {
  run "$OPS/backup_configs.sh" --store "$STORE" --to "$BATS_TEST_TMPDIR/state.backup"
  assert_exit 0 "backup written to $BATS_TEST_TMPDIR/state.backup"
  head -1 "$BATS_TEST_TMPDIR/state.backup" | jq -e '.sha256 | length == 64'
  run "$OPS/backup_configs.sh" --config-dir "$BATS_TEST_TMPDIR/cfg"
  assert_exit 0 "wrote configuration version 1 (10 files)"
  [ "$(cat "$BATS_TEST_TMPDIR/cfg/VERSION")" = 1 ]
  diff -r -x VERSION "$REPO/examples/config" "$BATS_TEST_TMPDIR/cfg"
}
