// Proposal and Decision: what each step of the tick proposes for a workload, and why.
//
// Every step of the pipeline appends one TraceEntry (step, value before, value after, reason),
// so every decision can be explained by the CLI and the API.
//
// Cost: the engine builds one Decision and a few trace entries per workload on every tick, so a
// step can view a string literal instead of copying it (TraceText::Static), and a decision
// shares its workload's id with the engine instead of copying it (SharedWorkloadId).
//
// Thread safety: value types. A SharedWorkloadId's id is immutable, so copies may be read and
// destroyed from any thread.
#ifndef CRESCENDO_MODEL_DECISION_H_
#define CRESCENDO_MODEL_DECISION_H_

#include <fmt/core.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"

namespace crescendo {

// The text of a trace step: either its own string, or a view of text with static storage
// duration (a string literal) that is never copied. Reads as a std::string_view (with the
// std::string members callers use); converts to a std::string where one is needed. Constructing
// from a pointer, a view or a string copies (or moves) the text: only Static() views.
class TraceText {
 public:
  TraceText() = default;
  TraceText(const char* text) : owned_(text) {}               // NOLINT: implicit, like std::string
  TraceText(std::string_view text) : owned_(text) {}          // NOLINT
  TraceText(const std::string& text) : owned_(text) {}        // NOLINT
  TraceText(std::string&& text) : owned_(std::move(text)) {}  // NOLINT

  // Returns a text that views `text` without copying it.
  // REQUIRES: `text` has static storage duration (a string literal, a constexpr array).
  static TraceText Static(std::string_view text) {
    TraceText t;
    t.static_data_ = text.data();
    t.static_size_ = text.size();
    return t;
  }

  std::string_view view() const {
    return static_data_ != nullptr ? std::string_view(static_data_, static_size_)
                                   : std::string_view(owned_);
  }
  operator std::string_view() const { return view(); }          // NOLINT: reads as a view
  operator std::string() const { return std::string(view()); }  // NOLINT
  std::string str() const { return std::string(view()); }

  static constexpr size_t npos = std::string_view::npos;

  bool empty() const { return view().empty(); }
  size_t size() const { return view().size(); }
  const char* data() const { return view().data(); }
  size_t find(std::string_view s, size_t pos = 0) const { return view().find(s, pos); }
  size_t find(char c, size_t pos = 0) const { return view().find(c, pos); }
  size_t rfind(std::string_view s, size_t pos = npos) const { return view().rfind(s, pos); }
  bool starts_with(std::string_view s) const { return view().starts_with(s); }
  bool ends_with(std::string_view s) const { return view().ends_with(s); }
  // Returns a copy of the text from `pos`, at most `n` characters (as std::string::substr).
  std::string substr(size_t pos, size_t n = npos) const {
    return std::string(view().substr(pos, n));
  }

  friend bool operator==(const TraceText& a, const TraceText& b) { return a.view() == b.view(); }
  friend bool operator==(const TraceText& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const TraceText& a, const char* b) { return a.view() == b; }
  friend bool operator==(const TraceText& a, const std::string& b) { return a.view() == b; }
  friend auto operator<=>(const TraceText& a, const TraceText& b) { return a.view() <=> b.view(); }
  friend std::string operator+(const std::string& a, const TraceText& b) {
    return a + std::string(b.view());
  }
  friend std::string operator+(const TraceText& a, const std::string& b) {
    return std::string(a.view()) + b;
  }
  friend std::ostream& operator<<(std::ostream& out, const TraceText& t) { return out << t.view(); }

 private:
  const char* static_data_ = nullptr;  // non-null: the text is static (Static())
  size_t static_size_ = 0;
  std::string owned_;  // the text when it is not static
};

struct TraceEntry {
  TraceText step;      // e.g. "recommend", "bounds", "ScaleDownStabilized"
  double before = 0;   // replicas (or the step's value) before the step
  double after = 0;    // after the step
  std::string reason;  // human-readable, e.g. "cpu 180% of target 70%"
};

// A workload's id shared, immutable, between the engine and the decisions it reports: copying
// one copies a pointer, and the id lives as long as any copy (a decision may outlive the tick and
// the engine). Reads as a const WorkloadId (`*id`, `id->name`, or a `const WorkloadId&`).
// Default-constructed, it holds an empty id.
class SharedWorkloadId {
 public:
  SharedWorkloadId();
  SharedWorkloadId(WorkloadId id);  // NOLINT: implicit, so a WorkloadId assigns as before
  explicit SharedWorkloadId(std::shared_ptr<const WorkloadId> id);
  SharedWorkloadId& operator=(WorkloadId id) { return *this = SharedWorkloadId(std::move(id)); }

  const WorkloadId& get() const { return *id_; }
  const WorkloadId& operator*() const { return *id_; }
  const WorkloadId* operator->() const { return id_.get(); }
  operator const WorkloadId&() const { return *id_; }  // NOLINT: reads as the id
  // Returns "environment/tenant/namespace/name".
  std::string ToString() const { return id_->ToString(); }

  friend bool operator==(const SharedWorkloadId& a, const SharedWorkloadId& b) {
    return a.id_ == b.id_ || *a.id_ == *b.id_;
  }
  friend bool operator==(const SharedWorkloadId& a, const WorkloadId& b) { return *a.id_ == b; }

 private:
  std::shared_ptr<const WorkloadId> id_;  // never null
};

// A proposal for one workload, refined by each step of the tick.
struct Proposal {
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  std::optional<Resources> pod_requests;  // vertical proposal, when any
  // The forecast of the scaling metric's load at the provisioning horizon the recommender used,
  // in the metric's unit (requests/s, cpu millicores, ...); set only by forecasting strategies
  // (predictive, intelligent) when they had a forecast this tick.
  std::optional<double> forecast_load;
  std::vector<TraceEntry> trace;

  // Sets desired_replicas to `replicas` and records the step.
  void Record(TraceText step, int32_t replicas, std::string reason);
};

// The outcome of one tick for one workload.
struct Decision {
  SharedWorkloadId workload;
  Timestamp time;
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  std::optional<Resources> pod_requests;
  bool applied = false;  // true when the backend accepted the change
  Status status;         // non-OK when a step failed; the workload kept its replicas
  // The proposal's forecast_load: the scaling metric's forecast load at the horizon used, in the
  // metric's unit; empty when the strategy made no forecast.
  std::optional<double> forecast_load;
  std::vector<TraceEntry> trace;

  // Returns a one-line explanation, e.g. "3 -> 5: recommend(3->6: ...), bounds(6->5: max 5)".
  std::string Explain() const;
};

}  // namespace crescendo

// Formats a TraceText as its text.
template <>
struct fmt::formatter<crescendo::TraceText> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const crescendo::TraceText& t, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(t.view(), ctx);
  }
};

#endif  // CRESCENDO_MODEL_DECISION_H_
