#!/usr/bin/env bash
# Checks, installs and reads Crescendo's Prometheus alerting rules.
set -euo pipefail
SCRIPT_NAME="scaling_alerts.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RULES="$REPO_ROOT/monitoring/prometheus/crescendo-alerts.yaml"
TESTS="$REPO_ROOT/monitoring/prometheus/crescendo-alerts_test.yaml"

usage() {
  cat <<USAGE
Usage: $SCRIPT_NAME check
       $SCRIPT_NAME install --rules-dir DIR [--prometheus URL] [--dry-run]
       $SCRIPT_NAME status --prometheus URL

Crescendo's alerting rules live in monitoring/prometheus/crescendo-alerts.yaml (ticks late or
failing, the engine holding, decisions held, a metric source down, flapping, a tenant's replica
budget nearly spent, its SLA burning, a shard without an owner, the process down), each with
its runbook; the scrape job of \`crescendo serve\`'s /metrics must be named "crescendo".

  check     \`promtool check rules\` and \`promtool test rules\` (the unit tests beside them)
  install   check, then copy the rules into DIR, a folder your Prometheus's rule_files
            loads (an existing file of the same name is listed with its diff and replaced);
            with --prometheus, ask that Prometheus to reload (POST /-/reload, which needs
            --web.enable-lifecycle); --dry-run shows what would be written
  status    list the Crescendo alerts that fire in the Prometheus at URL (GET /api/v1/alerts)

Target: a Prometheus (any host); the rules read what \`crescendo serve\` exports.
Exit: 0 done (status: no Crescendo alert fires), 1 failure, 2 bad input, 5 the rules fail
promtool, 6 status: Crescendo alerts fire.
USAGE
}

ACTION="" RULES_DIR="" PROM=""
while [ $# -gt 0 ]; do
  if common_flag "$@"; then shift "$SHIFT_BY"; continue; fi
  case "$1" in
    check | install | status)
      [ -z "$ACTION" ] || die 2 "one action at a time (got $ACTION and $1)"
      ACTION="$1"; shift ;;
    --rules-dir) need_value "$1" "$#"; RULES_DIR="$2"; shift 2 ;;
    --prometheus) need_value "$1" "$#"; PROM="$2"; shift 2 ;;
    *) die 2 "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ -n "$ACTION" ] || die 2 "give an action: check, install or status (see --help)"
if [ -n "$PROM" ]; then
  [[ "$PROM" =~ ^https?://[^/[:space:]]+/?$ ]] || die 2 "--prometheus \"$PROM\": expected a URL such as http://127.0.0.1:9090"
  PROM="${PROM%/}"
fi

check_rules() {
  need_tools promtool
  (cd "$(dirname "$RULES")" && promtool check rules "$(basename "$RULES")" && promtool test rules "$(basename "$TESTS")") ||
    die 5 "the rules fail promtool (above)"
}

case "$ACTION" in
  check)
    [ "$DRY_RUN" = 0 ] || die 2 "--dry-run: check changes nothing"
    check_rules
    echo "rules checked and unit-tested: $RULES"
    ;;
  install)
    [ -n "$RULES_DIR" ] || die 2 "install needs --rules-dir DIR (see --help)"
    [ -d "$RULES_DIR" ] || die 2 "--rules-dir $RULES_DIR: not a directory"
    check_rules
    target="$RULES_DIR/$(basename "$RULES")"
    verb="will"
    [ "$DRY_RUN" = 0 ] || verb="would"
    if [ -e "$target" ]; then
      if cmp -s "$RULES" "$target"; then echo "$target is already up to date"; exit 0; fi
      echo "$target differs and $verb be replaced:"
      diff -u "$target" "$RULES" || true
    else
      echo "$verb write $target"
    fi
    if [ "$DRY_RUN" = 1 ]; then echo "dry run: nothing was written"; exit 0; fi
    cp "$RULES" "$target.tmp.$$" && mv "$target.tmp.$$" "$target"
    echo "installed $target"
    if [ -n "$PROM" ]; then
      need_tools curl
      code="$(curl -s -o /dev/null -w '%{http_code}' -X POST --max-time 10 "$PROM/-/reload")" ||
        die 1 "$PROM does not answer"
      [ "$code" = 200 ] || die 1 "$PROM/-/reload answered HTTP $code (is --web.enable-lifecycle set?)"
      echo "asked $PROM to reload its rules"
    fi
    ;;
  status)
    [ "$DRY_RUN" = 0 ] || die 2 "--dry-run: status changes nothing"
    [ -n "$PROM" ] || die 2 "status needs --prometheus URL (see --help)"
    need_tools curl jq
    body="$(curl -sS --max-time 10 "$PROM/api/v1/alerts")" || die 1 "$PROM does not answer"
    firing="$(jq -r '[.data.alerts[] | select(.labels.alertname | startswith("Crescendo"))
      | select(.state == "firing")] | .[] | "\(.labels.alertname) \(.labels | del(.alertname) | to_entries | map("\(.key)=\(.value)") | join(",")): \(.annotations.summary)"' <<<"$body")" ||
      die 1 "$PROM/api/v1/alerts: not the answer of a Prometheus"
    pending="$(jq '[.data.alerts[] | select(.labels.alertname | startswith("Crescendo")) | select(.state == "pending")] | length' <<<"$body")"
    if [ -z "$firing" ]; then
      echo "no Crescendo alert fires ($pending pending)"
      exit 0
    fi
    echo "firing:"
    sed 's/^/  /' <<<"$firing"
    echo "($pending pending; runbooks: $RULES or docs/operations.md)"
    exit 6
    ;;
esac
