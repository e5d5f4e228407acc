// Builders shared by the Kubernetes HPA tests and benchmarks: pods in a handful of readiness
// states and their metric samples, around a fixed `kNow`.
#ifndef CRESCENDO_SRC_HORIZONTAL_KUBERNETES_HPA_TEST_UTIL_H_
#define CRESCENDO_SRC_HORIZONTAL_KUBERNETES_HPA_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cctype>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/replica_calculator.h"

namespace crescendo::hpa::testing {

inline const Timestamp kNow = FromUnixSeconds(1'800'000'000);

// How a test pod looks to the HPA.
enum class Kind {
  kReady,     // running, ready for an hour
  kUnready,   // running, never ready since it started 10 minutes ago
  kHot,       // running, ready, started a minute ago: CPU samples still initializing
  kPending,   // not scheduled yet
  kFailed,    // failed
  kDeleting,  // running, but being deleted
};

struct PodSpecRow {
  int64_t request_milli = 2000;        // request of resource `cpu` (one container "app")
  std::optional<int64_t> usage_milli;  // the pod's sample; unset: no sample
  Kind kind = Kind::kReady;
};

inline std::string PodName(size_t i) { return "pod-" + std::to_string(i); }

inline HpaPod MakePod(const std::string& name, int64_t request_milli, Kind kind,
                      const std::string& resource = "cpu") {
  HpaPod pod;
  pod.name = name;
  pod.containers.push_back({"app", {{resource, request_milli}}});
  pod.phase = PodPhase::kRunning;
  pod.ready = ConditionStatus::kTrue;
  pod.start_time = kNow - hours(1);
  pod.ready_transition_time = kNow - minutes(59);
  switch (kind) {
    case Kind::kReady:
      break;
    case Kind::kUnready:
      pod.ready = ConditionStatus::kFalse;
      pod.start_time = kNow - minutes(10);
      pod.ready_transition_time = *pod.start_time;
      break;
    case Kind::kHot:
      pod.start_time = kNow - minutes(1);
      pod.ready_transition_time = kNow - seconds(30);
      break;
    case Kind::kPending:
      pod.phase = PodPhase::kPending;
      pod.ready = ConditionStatus::kFalse;
      pod.start_time.reset();
      break;
    case Kind::kFailed:
      pod.phase = PodPhase::kFailed;
      pod.ready = ConditionStatus::kFalse;
      break;
    case Kind::kDeleting:
      pod.deleting = true;
      break;
  }
  return pod;
}

inline PodSample Sample(const std::string& pod, int64_t value_milli) {
  return PodSample{pod, value_milli, kNow - seconds(10), minutes(1)};
}

struct PodsAndSamples {
  std::vector<HpaPod> pods;
  std::vector<PodSample> samples;
};

inline PodsAndSamples Build(const std::vector<PodSpecRow>& rows,
                            const std::string& resource = "cpu") {
  PodsAndSamples out;
  for (size_t i = 0; i < rows.size(); ++i) {
    out.pods.push_back(MakePod(PodName(i), rows[i].request_milli, rows[i].kind, resource));
    if (rows[i].usage_milli.has_value())
      out.samples.push_back(Sample(PodName(i), *rows[i].usage_milli));
  }
  return out;
}

// `n` ready pods named pod-0.. with `request_milli` and one sample each of `usage_milli`.
inline PodsAndSamples ReadyPods(size_t n, int64_t request_milli, int64_t usage_milli) {
  std::vector<PodSpecRow> rows(n, PodSpecRow{request_milli, usage_milli, Kind::kReady});
  return Build(rows);
}

// The calculator's context over `pods` at kNow with Kubernetes' default periods.
inline internal::CalcContext Context(std::span<const HpaPod> pods, internal::Tolerances t = {}) {
  return internal::CalcContext{pods, t, minutes(5), seconds(30), true, kNow};
}

inline constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
inline constexpr int32_t kMaxInt32 = std::numeric_limits<int32_t>::max();

// Checks a calculator result: the error when one is expected, else replicas and usage.
inline void ExpectCalc(const internal::CalcResult& r, const std::string& want_error,
                       int32_t want_replicas, int64_t want_usage) {
  if (!want_error.empty()) {
    EXPECT_EQ(r.error, want_error);
    return;
  }
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.replicas, want_replicas);
  EXPECT_EQ(r.usage_milli, want_usage);
}

// A gtest parameter name from the case's `name`.
template <typename T>
std::string CaseName(const ::testing::TestParamInfo<T>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace crescendo::hpa::testing

#endif  // CRESCENDO_SRC_HORIZONTAL_KUBERNETES_HPA_TEST_UTIL_H_
