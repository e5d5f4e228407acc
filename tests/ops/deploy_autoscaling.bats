#!/usr/bin/env bats
# scripts/ops/deploy_autoscaling.sh against a running `crescendo serve`.
load helpers

setup_file() { start_serve; }
teardown_file() { stop_serve; }

@test "help names the flags and the exit codes" {
  run "$OPS/deploy_autoscaling.sh" --help
  assert_exit 0 "--config DIR"
  [[ "$output" == *"4 target not supported"* ]]
}

@test "a dry run shows the change and stores nothing" {
  edited_config config services/public-api.yaml 's/maxReplicas: 80/maxReplicas: 66/'
  before="$(config_version)"
  run "$OPS/deploy_autoscaling.sh" --config "$BATS_TEST_TMPDIR/config" --dry-run
  assert_exit 0 "horizontal.maxReplicas 80 -> 66"
  [[ "$output" == *"dry run: nothing was stored"* ]]
  [ "$(config_version)" = "$before" ]
}

@test "bad input is refused before anything is sent" {
  run "$OPS/deploy_autoscaling.sh"
  assert_exit 2 "--config DIR is required"
  run "$OPS/deploy_autoscaling.sh" --config /nonexistent
  assert_exit 2 "not a directory"
  run "$OPS/deploy_autoscaling.sh" --config "$REPO/examples/config" --bogus
  assert_exit 2 'unknown argument "--bogus"'
  run "$OPS/deploy_autoscaling.sh" --config "$REPO/examples/config" --token nope
  assert_exit 2 "expected crs_"
  run "$OPS/deploy_autoscaling.sh" --config "$REPO/examples/config" --kubeconfig ~/.kube/config
  assert_exit 4 "no Kubernetes backend"
}

@test "an invalid configuration is refused with its located error" {
  edited_config bad tiers.yaml 's/priority: 100/priority: 5000/'
  before="$(config_version)"
  run "$OPS/deploy_autoscaling.sh" --config "$BATS_TEST_TMPDIR/bad"
  assert_exit 3 "tiers.yaml:"
  [ "$(config_version)" = "$before" ]
}

@test "a tenant operator may not deploy another tenant's change" {
  edited_config other tenants.yaml 's/maxReplicas: 12/maxReplicas: 11/'
  run "$OPS/deploy_autoscaling.sh" --config "$BATS_TEST_TMPDIR/other" --token "$OPERATOR_TOKEN"
  assert_exit 3 "HTTP 403"
  [[ "$output" == *"needs operator on kinderklang"* ]]
}

@test "deploys a changed directory as the next version" {
  edited_config config2 services/public-api.yaml 's/maxReplicas: 80/maxReplicas: 64/'
  before="$(config_version)"
  run "$OPS/deploy_autoscaling.sh" --config "$BATS_TEST_TMPDIR/config2" --message "bats deploy"
  assert_exit 0 "stored configuration version $((before + 1))"
  [ "$(config_version)" = "$((before + 1))" ]
  curl -sf -H "Authorization: Bearer $CRESCENDO_TOKEN" "$CRESCENDO_SERVER/api/v1/config" |
    jq -e '.message == "bats deploy" and (.files["services/public-api.yaml"] | contains("maxReplicas: 64"))'
}
