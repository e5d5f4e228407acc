#!/usr/bin/env bats
# scripts/ops/restore_configs.sh: verifies a backup in a scratch store before it replaces.
load helpers

setup_file() {
  start_serve
  "$CRESCENDO_BIN" backup --store "$STORE" --to "$WORK/good.backup" >/dev/null
  export BACKUP_BYTES="$(wc -c <"$WORK/good.backup")"
}
teardown_file() { stop_serve; }

@test "help says it verifies before it replaces" {
  run "$OPS/restore_configs.sh" --help
  assert_exit 0 "verifying it"
  [[ "$output" == *"5 the backup failed verification"* ]]
}

@test "a dry run verifies and changes nothing" {
  before="$(sha256sum "$STORE")"
  run "$OPS/restore_configs.sh" --store "$STORE" --from "$WORK/good.backup" --dry-run
  assert_exit 0 "verified: $WORK/good.backup"
  [[ "$output" == *"audit log intact"* && "$output" == *"was not changed"* ]]
}

@test "bad input is refused" {
  run "$OPS/restore_configs.sh" --from "$WORK/good.backup"
  assert_exit 2 "--store PATH|URL"
  run "$OPS/restore_configs.sh" --store "$STORE"
  assert_exit 2 "--from FILE is required"
  run "$OPS/restore_configs.sh" --store "$STORE" --from /nonexistent
  assert_exit 2 "no such file"
}

@test "a corrupt backup fails verification and the store is untouched" {
  cp "$WORK/good.backup" "$BATS_TEST_TMPDIR/bad.backup"
  # Flip one byte of the tables (after the header line).
  offset=$(( $(head -1 "$BATS_TEST_TMPDIR/bad.backup" | wc -c) + 10 ))
  printf 'X' | dd of="$BATS_TEST_TMPDIR/bad.backup" bs=1 seek="$offset" conv=notrunc 2>/dev/null
  cp "$STORE" "$BATS_TEST_TMPDIR/copy.db"
  run "$OPS/restore_configs.sh" --store "$BATS_TEST_TMPDIR/copy.db" --from "$BATS_TEST_TMPDIR/bad.backup"
  assert_exit 5 "checksum mismatch"
  [[ "$output" == *"was not changed"* ]]
}

@test "refuses while serve answers; restores once it is stopped" {
  run "$OPS/restore_configs.sh" --store "$STORE" --from "$WORK/good.backup"
  assert_exit 3 "stop it before restoring"
  # Change the configuration after the backup, stop serve, restore: the change is gone.
  "$OPS/configure_hpa.sh" --service playlist-generator --max 35 >/dev/null
  [ "$(config_version)" = 2 ]
  server="$CRESCENDO_SERVER"
  stop_serve_only() { kill -TERM "$SERVE_PID"; while kill -0 "$SERVE_PID" 2>/dev/null; do sleep 0.1; done; }
  stop_serve_only
  run "$OPS/restore_configs.sh" --store "$STORE" --from "$WORK/good.backup" --server "$server"
  assert_exit 0 "restored $WORK/good.backup"
  [ "$(sqlite3 "$STORE" 'SELECT MAX(version) FROM config_versions')" = 1 ]
  run "$CRESCENDO_BIN" audit verify --store "$STORE"
  assert_exit 0 "audit log intact"
}
