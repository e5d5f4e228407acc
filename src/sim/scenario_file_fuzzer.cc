// libFuzzer target for the scenario file reader: YAML into services, loads, pods, nodes and the
// vertical section, with every field's checks.
//
// Input: the bytes of a scenario file, written to a temporary file (the reader takes a path).
// A `trace:` load may name any file; the reader refuses what is not a regular CSV file.
// Seed corpus: scenario_file_fuzzer_corpus/ (the examples/scenarios files without traces).
//
// Invariants checked (abort on violation): errors are short (quoted input is cut); a loaded
// scenario has at least one service, an interval of at least 1s, start before end, and every
// service's replicas within 0 <= min <= max <= 10000.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crescendo/sim/scenario_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      "/tmp/crescendo-scenario-fuzz-" + std::to_string(getpid()) + ".yaml";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto scenario = crescendo::sim::LoadScenarioFile(path, std::nullopt);
  if (!scenario.ok()) {
    // Errors name the scenario, or the trace file a load names.
    if (scenario.status().message().empty() || scenario.status().message().size() > 2048) {
      std::abort();
    }
    return 0;
  }
  if (scenario->services.empty() || scenario->interval < std::chrono::seconds(1) ||
      scenario->end < scenario->start) {
    std::abort();
  }
  for (const crescendo::sim::SimService& s : scenario->services) {
    const crescendo::HorizontalSpec& h = s.spec.horizontal;
    if (h.min_replicas < 0 || h.min_replicas > h.max_replicas || h.max_replicas > 10000) {
      std::abort();
    }
  }
  return 0;
}
