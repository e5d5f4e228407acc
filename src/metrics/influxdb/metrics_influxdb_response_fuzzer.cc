// libFuzzer target: the InfluxDB /query parser (single and chunked answers) and the line
// protocol writer fed with the tags it parsed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crescendo/metrics/influxdb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace influxdb = crescendo::metrics::influxdb;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto result = influxdb::ParseQueryResponse(body);
  if (!result.ok()) return 0;
  std::vector<influxdb::Point> points;
  for (const auto& statement : result->results) {
    for (const auto& series : statement.series) {
      for (size_t r = 0; r < series.rows.size() && !series.rows[r].empty(); ++r) {
        points.push_back({series.name, series.tags, {{"v", series.rows[r][0]}}, series.times[r]});
      }
    }
  }
  (void)influxdb::FormatLineProtocol(points);
  return 0;
}
