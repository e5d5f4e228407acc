#!/bin/sh
# Writes the seed corpus of config_loader_fuzzer into DIR (default: a fresh temporary folder,
# whose path is printed): every file of examples/config and examples/manifests, the whole example
# tree as one multi-document file (a complete valid configuration to mutate), and that tree with
# override variables.
#
#   usage: src/config/fuzz_corpus/make_corpus.sh [DIR]
#   then:  build-fuzz/src/config/config_loader_fuzzer -max_total_time=60 DIR
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
n=0
for f in $(find "$root/examples/config" "$root/examples/manifests" -name '*.yaml' | sort); do
  n=$((n + 1))
  cp "$f" "$out/seed-$n.yaml"
done
all="$out/seed-tree.yaml"
: > "$all"
for f in $(find "$root/examples/config" -name '*.yaml' | sort); do
  printf -- '---\n' >> "$all"
  cat "$f" >> "$all"
done
{
  printf '#env AUTOSCALING_MODE=predictive\n#env MIN_REPLICAS=2\n#env SCALING_INTERVAL=30s\n'
  cat "$all"
} > "$out/seed-tree-env.yaml"
echo "$out"
