// libFuzzer target for the usage samples reader (CSV or JSON lines) and the VPA checkpoint
// reader, through the workload model: feed, recommend, export, import, recommend again.
//
// Input: the bytes of a samples file; when it parses as checkpoints instead, it is imported.
// Seed corpus: samples_fuzzer_corpus/.
//
// Invariants checked (abort on violation): errors name the source and stay short (quoted input
// is cut); every recommended amount is >= 0; a model that exported its state imports
// it again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crescendo/vertical/checkpoint.h"
#include "crescendo/vertical/recommender.h"
#include "crescendo/vertical/samples.h"
#include "crescendo/vertical/workload_model.h"

namespace {

constexpr std::string_view kSource = "fuzz.samples";
constexpr size_t kMaxMessageBytes = 1024;

void CheckError(const crescendo::Status& s) {
  if (s.ok()) return;
  if (s.message().find(kSource) == std::string::npos) std::abort();
  if (s.message().size() > kMaxMessageBytes) std::abort();
}

void CheckRecommendation(const crescendo::vertical::PodRecommendation& rec) {
  for (const auto& c : rec.containers) {
    for (const auto* r : {&c.target, &c.lower_bound, &c.upper_bound}) {
      if (r->cpu_millis.value_or(0) < 0 || r->memory_bytes.value_or(0) < 0) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  crescendo::vertical::WorkloadModel model;
  crescendo::Timestamp now;
  auto records = crescendo::vertical::ParseUsageRecords(text, kSource);
  if (records.ok()) {
    if (records->empty()) return 0;
    for (const auto& r : *records) now = std::max(now, r.time);
    model.FeedAll(std::move(*records));
  } else {
    CheckError(records.status());
    auto checkpoints = crescendo::vertical::ParseCheckpointsJson(text, kSource);
    if (!checkpoints.ok()) {
      CheckError(checkpoints.status());
      return 0;
    }
    for (const auto& c : *checkpoints) {
      if (!model.Import(c).ok()) return 0;
      if (c.status.last_sample_start) now = std::max(now, *c.status.last_sample_start);
    }
  }
  model.GarbageCollect(now);
  const auto rec = model.Recommend({.now = now});
  CheckRecommendation(rec);
  (void)crescendo::vertical::RecommendationToJson(rec);
  crescendo::vertical::WorkloadModel again;
  for (const auto& c : model.Export("fuzz", "default", now)) {
    if (crescendo::Status s = again.Import(c); !s.ok()) {
      std::fprintf(stderr, "exported checkpoint does not import: %s\n", s.ToString().c_str());
      std::abort();
    }
  }
  CheckRecommendation(again.Recommend({.now = now}));
  return 0;
}
