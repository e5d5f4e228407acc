#!/usr/bin/env bash
# Builds every *_fuzzer.cc with clang and libFuzzer, then runs each for N seconds (default 60)
# on its seed corpus (the folder <fuzzer>_corpus/ beside it, or examples/ when named there).
set -euo pipefail
seconds="${1:-60}"
build=build/fuzz
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCRESCENDO_FUZZ=ON -DCRESCENDO_BUILD_TESTS=OFF -DCRESCENDO_BUILD_BENCHMARKS=OFF \
  -DCRESCENDO_WERROR=OFF -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address" >/dev/null
mapfile -t fuzzers < <(git ls-files '*_fuzzer.cc' | xargs -r -n1 basename | sed 's/\.cc$//')
if [ ${#fuzzers[@]} -eq 0 ]; then echo "no fuzz targets"; exit 0; fi
cmake --build "$build" -j "$(nproc)" --target "${fuzzers[@]}"
for f in "${fuzzers[@]}"; do
  src=$(git ls-files "*/$f.cc" | head -1)
  corpus_seed="$(dirname "$src")/${f}_corpus"
  work="$build/corpus/$f"
  mkdir -p "$work"
  if [ -d "$corpus_seed" ]; then cp -r "$corpus_seed"/. "$work"/; fi
  # A layer may generate its seed corpus from the project's examples instead of committing it.
  maker="$(dirname "$src")/fuzz_corpus/make_corpus.sh"
  if [ -x "$maker" ] || [ -f "$maker" ]; then bash "$maker" "$work"; corpus_seed="$maker"; fi
  echo "fuzz: $f for ${seconds}s (seed corpus: $corpus_seed)"
  bin=$(find "$build" -type f -name "$f" -perm -u+x | head -1)
  "$bin" -max_total_time="$seconds" -print_final_stats=1 "$work" 2>&1 | tail -n 15
done
