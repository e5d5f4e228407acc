// libFuzzer target: the metric catalogue's YAML loader and the query-template renderer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crescendo/metrics/catalogue.h"
#include "crescendo/metrics/query_template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto catalogue = crescendo::metrics::MetricCatalogue::Parse(text, "fuzz.yaml");
  if (catalogue.ok()) (void)catalogue->CheckStandard();
  (void)crescendo::metrics::RenderTemplate(text, {{"selector", "a=\"b\""}, {"window", "1m"}});
  return 0;
}
