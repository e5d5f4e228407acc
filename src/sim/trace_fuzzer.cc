// libFuzzer target for the trace reader: CSV (plain or gzip) into rows, the two-pass summary
// (step, gaps, peak) and the load replayed from it.
//
// Input: the bytes of a trace file, written to a temporary file (the reader takes a path; a
// gzip magic number makes it a compressed trace). Seed corpus: trace_fuzzer_corpus/.
//
// Invariants checked (abort on violation): every error carries a message that names the file
// and is at most a few hundred bytes (quoted input is cut); a summarized trace has finite
// values >= 0, first <= last, and replays finite loads >= 0.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crescendo/sim/trace.h"

namespace {

constexpr size_t kMaxMessageBytes = 1024;

void CheckError(const crescendo::Status& s, const std::string& path) {
  if (s.ok()) return;
  if (s.message().find(path) == std::string::npos) std::abort();
  if (s.message().size() > kMaxMessageBytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/crescendo-trace-fuzz-" + std::to_string(getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  crescendo::sim::TraceLoadOptions options;
  options.trace.path = path;
  crescendo::StatusOr<crescendo::sim::TraceSummary> summary =
      crescendo::sim::SummarizeTrace(options.trace);
  if (!summary.ok()) {
    CheckError(summary.status(), path);
    return 0;
  }
  if (!std::isfinite(summary->peak_value) || summary->peak_value < 0 ||
      !std::isfinite(summary->mean_value) || summary->last < summary->first) {
    std::abort();
  }
  auto load = crescendo::sim::TraceLoad::Open(options, *summary);
  if (!load.ok()) {
    CheckError(load.status(), path);
    return 0;
  }
  const crescendo::Timestamp start = (*load)->start();
  const crescendo::Duration span = (*load)->end() - start;
  for (int k = 0; k <= 16; ++k) {
    auto rps = (*load)->RpsAt(start + span * k / 16);
    if (!rps.ok()) {
      CheckError(rps.status(), path);
      return 0;
    }
    if (*rps && (!std::isfinite(**rps) || **rps < 0)) std::abort();
  }
  return 0;
}
