// Usage samples for `crescendo vpa recommend`: CSV or JSON lines.
//
// CSV: a header row naming the columns, in any order: timestamp, pod, container, cpu, memory,
// event (required), and optionally cpu_request and memory_request. Fields may be double-quoted.
// JSON lines: one object per line with the same names; cpu, memory and event may be null or
// absent. The format is JSON lines when the first non-blank character is '{'.
//
//   timestamp       RFC 3339 ("2026-11-27T18:00:00Z") or unix seconds ("1795888800", "1.5e9")
//   pod, container  non-empty names; samples of all pods are aggregated per container name
//   cpu             cores used (>= 0), or empty when the row has no CPU sample
//   memory          bytes used (>= 0), or empty; on an `oom` row the memory at the OOM kill
//   event           empty, or "oom"
//   cpu_request     cores requested, weighting CPU samples as VPA does (default: none, 0.1 core)
//   memory_request  bytes requested (informational)
//
// Thread safety: pure functions.
#ifndef CRESCENDO_VERTICAL_SAMPLES_H_
#define CRESCENDO_VERTICAL_SAMPLES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::vertical {

struct UsageRecord {
  Timestamp time;
  std::string pod;
  std::string container;
  std::optional<double> cpu_cores;
  std::optional<double> memory_bytes;
  bool oom = false;
  std::optional<double> cpu_request_cores;
  std::optional<double> memory_request_bytes;
  int line = 0;  // 1-based line in the source
};

// Parses `text`. Errors: InvalidArgument "<source>:<line>: <field>: found ..., expected ..." for
// a missing or unknown column, a malformed time or number, a negative amount, an unknown event,
// an `oom` row without memory, or a row with neither cpu nor memory.
StatusOr<std::vector<UsageRecord>> ParseUsageRecords(std::string_view text,
                                                     std::string_view source);

// Parses a timestamp given as RFC 3339 or unix seconds. Errors: InvalidArgument.
StatusOr<Timestamp> ParseTimestamp(std::string_view text);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_SAMPLES_H_
