// libFuzzer target for the HPA state file reader (YAML or JSON) and the decision it explains.
//
// Input: the bytes of a state file. Seed corpus: state_file_fuzzer_corpus/ (the examples/hpa
// files).
//
// Invariants checked (abort on violation): errors name the source and stay short (found values
// are cut); an explained state has a desired replica count within [0, max(maxReplicas,
// specReplicas)] and renders
// as text and JSON.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crescendo/horizontal/hpa_explain.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr std::string_view kSource = "fuzz.yaml";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = crescendo::hpa::ParseHpaState(text, kSource);
  if (!state.ok()) {
    if (state.status().message().find(kSource) == std::string::npos) std::abort();
    return 0;
  }
  // The controller keeps the current count when it cannot decide, else clamps to maxReplicas.
  const int32_t bound = std::max(state->spec.max_replicas, state->spec_replicas);
  const crescendo::hpa::HpaExplanation explanation = crescendo::hpa::ExplainHpa(*state);
  const int32_t desired = explanation.decision.desired_replicas;
  if (desired < 0 || desired > bound) std::abort();
  if (crescendo::hpa::ExplanationToText(explanation).empty()) std::abort();
  if (crescendo::hpa::ExplanationToJson(explanation).empty()) std::abort();
  return 0;
}
