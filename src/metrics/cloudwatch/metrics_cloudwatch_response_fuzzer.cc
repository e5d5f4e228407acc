// libFuzzer target: the CloudWatch GetMetricData answer parser and the query-line parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "metrics/cloudwatch/cloudwatch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)crescendo::metrics::cloudwatch::ParseGetMetricDataResponse(text);
  (void)crescendo::metrics::cloudwatch::ParseMetricQuery(text);
  return 0;
}
