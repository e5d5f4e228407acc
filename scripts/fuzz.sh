#!/usr/bin/env bash
# Builds every *_fuzzer.cc with clang and libFuzzer, then runs each for N seconds (default 60)
# on its seed corpus (the folder <fuzzer>_corpus/ beside it, or the layer's
# fuzz_corpus/make_corpus.sh), and the corpus it grew in earlier runs (build/fuzz/corpus/<fuzzer>).
# Every target runs even when one finds a crash; the script then fails, naming them, and the
# crashing inputs are left in build/fuzz/findings/<fuzzer>/.
#   scripts/fuzz.sh [SECONDS]        (make fuzz FUZZ_SECONDS=N)
set -euo pipefail
seconds="${1:-60}"
build=build/fuzz
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCRESCENDO_FUZZ=ON -DCRESCENDO_BUILD_TESTS=OFF -DCRESCENDO_BUILD_BENCHMARKS=OFF \
  -DCRESCENDO_WERROR=OFF -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address" >/dev/null
mapfile -t fuzzers < <(git ls-files '*_fuzzer.cc' | xargs -r -n1 basename | sed 's/\.cc$//')
if [ ${#fuzzers[@]} -eq 0 ]; then echo "no fuzz targets"; exit 0; fi
cmake --build "$build" -j "$(nproc)" --target "${fuzzers[@]}"
failed=()
for f in "${fuzzers[@]}"; do
  src=$(git ls-files "*/$f.cc" | head -1)
  corpus_seed="$(dirname "$src")/${f}_corpus"
  work="$build/corpus/$f"
  findings="$build/findings/$f"
  mkdir -p "$work" "$findings"
  if [ -d "$corpus_seed" ]; then cp -r "$corpus_seed"/. "$work"/; fi
  # A layer may generate its seed corpus from the project's examples instead of committing it.
  maker="$(dirname "$src")/fuzz_corpus/make_corpus.sh"
  if [ -f "$maker" ]; then bash "$maker" "$work"; corpus_seed="$maker"; fi
  echo "fuzz: $f for ${seconds}s (seed corpus: $corpus_seed)"
  bin=$(find "$build" -type f -name "$f" -perm -u+x | head -1)
  # 10 s per input and 2 GB of memory at most: a slower or larger input is a finding too.
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$findings/" "$work" >"$build/$f.log" 2>&1; then
    failed+=("$f")
  fi
  tail -n 15 "$build/$f.log"
done
if [ ${#failed[@]} -gt 0 ]; then
  # CI shows only the end of the output: repeat each finding's report and input here.
  for f in "${failed[@]}"; do
    echo "---- $f: the finding"
    grep -E -A 12 '^==[0-9]+==ERROR|^ERROR: libFuzzer|^SUMMARY|Deadly signal|ALARM|out-of-memory' \
      "$build/$f.log" | head -n 40 || true
    for input in "$build/findings/$f"/*; do
      [ -f "$input" ] || continue
      echo "input $input ($(stat -c %s "$input") bytes), base64:"
      head -c 4096 "$input" | base64 -w 120
    done
  done
  echo "fuzz: findings in ${failed[*]} (inputs in $build/findings/, logs in $build/*.log)"
  exit 1
fi
echo "fuzz: ${#fuzzers[@]} targets ran ${seconds}s each without a finding"
