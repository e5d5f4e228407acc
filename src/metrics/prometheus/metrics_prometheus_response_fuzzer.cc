// libFuzzer target: the Prometheus query-response parser must never crash, whatever the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "metrics/prometheus/prometheus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto result = crescendo::metrics::prometheus::ParseQueryResponse(body);
  if (result.ok()) {
    for (const auto& series : result->series) (void)series.Label("pod");
  }
  return 0;
}
