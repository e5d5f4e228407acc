#!/usr/bin/env bash
# Installs every Debian package Crescendo needs to build, test and run, and the npm packages of
# the browser tests. Non-interactive and idempotent; returns at once when everything is there.
# Run as root (or with sudo available) on Debian 12.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config git python3
  # libraries
  libfmt-dev libspdlog-dev libyaml-cpp-dev nlohmann-json3-dev libcpp-httplib-dev libcli11-dev
  prometheus-cpp-dev libsqlite3-dev libpqxx-dev libssl-dev libcurl4-openssl-dev libeigen3-dev
  libsimdjson-dev zlib1g-dev
  # policy schedules and budgets: IANA time zones with daylight saving (libstdc++ 12 has no tzdb)
  libcctz-dev tzdata
  # CBC (with CLP): the exact placement model and the cover LP bound (src/optimize)
  coinor-libcbc-dev
  # Argon2id hashes of the control plane's bearer tokens (src/security/token.cc)
  libargon2-dev
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # tooling: lint, fuzz
  clang clang-format clang-tidy libclang-rt-14-dev
  # real components used by the integration tests
  prometheus prometheus-alertmanager influxdb postgresql chromium
  # the operations scripts (scripts/ops/: HTTP, JSON, YAML edits) and their bats tests
  # (tests/ops/, which read the SQLite store with sqlite3)
  curl jq yq sqlite3
  bats
)
# Node.js and npm drive the browser tests; this machine kind ships them (NodeSource build, npm
# included), a plain Debian takes its own packages.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install_deps: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep packaged servers from starting as system services: the tests start their own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install_deps: all ${#packages[@]} Debian packages present"
fi

# npm packages of the browser tests (playwright-core drives Debian's Chromium).
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in "$root"/tests/integration/*/ "$root"/tests/ops/dashboard/; do
  # Install again whenever the lock file changed since the last install (a stamp in
  # node_modules records the lock it was installed from).
  if [ -f "$dir/package.json" ] && ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.crescendo-lock"; then
    echo "install_deps: npm ci in ${dir#$root/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error &&
      cp package-lock.json node_modules/.crescendo-lock)
  fi
done
