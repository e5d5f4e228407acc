#!/usr/bin/env bats
# scripts/ops/setup_vpa.sh against a running `crescendo serve`.
load helpers

setup_file() { start_serve; }
teardown_file() { stop_serve; }

@test "help names the flags and the exit codes" {
  run "$OPS/setup_vpa.sh" --help
  assert_exit 0 "--mode MODE"
  [[ "$output" == *"--max-memory"* && "$output" == *"3 refused"* ]]
}

@test "a dry run shows the change and stores nothing" {
  before="$(config_version)"
  run "$OPS/setup_vpa.sh" --service public-api --mode Auto --resources memory --max-memory 2Gi --dry-run
  assert_exit 0 "prod/shared/edge/public-api: vertical.updateMode Off -> Auto"
  [[ "$output" == *"vertical.containerPolicies.*.maxAllowed.memory added 2Gi"* ]]
  [ "$(config_version)" = "$before" ]
}

@test "bad input is refused before anything is sent" {
  run "$OPS/setup_vpa.sh" --mode Auto
  assert_exit 2 "--service NAME is required"
  run "$OPS/setup_vpa.sh" --service public-api --mode Sometimes
  assert_exit 2 'expected Off, Initial, Recreate, InPlaceOrRecreate or Auto'
  run "$OPS/setup_vpa.sh" --service public-api --max-memory lots
  assert_exit 2 "expected a Kubernetes quantity"
  run "$OPS/setup_vpa.sh" --service public-api --resources disk
  assert_exit 2 "expected cpu, memory or cpu,memory"
  run "$OPS/setup_vpa.sh" --service public-api --disable --mode Auto
  assert_exit 2 "--disable takes no other vertical setting"
}

@test "the server refuses bounds that do not validate" {
  before="$(config_version)"
  run "$OPS/setup_vpa.sh" --service public-api --mode Auto --min-memory 8Gi --max-memory 1Gi
  assert_exit 3 "refused (HTTP 400"
  [ "$(config_version)" = "$before" ]
}

@test "turns the VPA on for a service, then off" {
  before="$(config_version)"
  run "$OPS/setup_vpa.sh" --service public-api --mode Recreate --resources memory --min-memory 256Mi --max-memory 2Gi
  assert_exit 0 "stored configuration version $((before + 1))"
  curl -sf -H "Authorization: Bearer $CRESCENDO_TOKEN" "$CRESCENDO_SERVER/api/v1/config" |
    jq -r '.files["services/public-api.yaml"]' | yq -e '.services["public-api"].vertical |
      .enabled == true and .updateMode == "Recreate" and .containerPolicies["*"].maxAllowed.memory == "2Gi"'
  run "$OPS/setup_vpa.sh" --service public-api --disable
  assert_exit 0 "vertical.enabled true -> false"
}
