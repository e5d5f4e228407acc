#!/usr/bin/env bash
# clang-format (check only) on every source, clang-tidy on files changed against origin/main
# (or the last commit), and the layering test.
set -uo pipefail
build="${1:-build/release}"
status=0
mapfile -t files < <(git ls-files '*.cc' '*.h')
echo "lint: clang-format --dry-run on ${#files[@]} files"
clang-format --dry-run --Werror "${files[@]}" || status=1
base=$(git rev-parse --verify -q origin/main || git rev-parse HEAD~1 2>/dev/null || echo "")
if [ -n "$base" ]; then
  mapfile -t changed < <(git diff --name-only --diff-filter=AM "$base" -- '*.cc' | grep -v '_fuzzer.cc$')
  if [ ${#changed[@]} -gt 0 ]; then
    echo "lint: clang-tidy on ${#changed[@]} changed files"
    # The compile database carries GCC-only flags (-Wno-error=restrict); clang must not fail on them.
    clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option "${changed[@]}" || status=1
  fi
fi
echo "lint: layering"
python3 tools/check_layering.py --root . || status=1
echo "lint: npm engines accept Debian 12's Node.js"
python3 tools/check_node_engines.py --root . || status=1
exit $status
