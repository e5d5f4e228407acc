// The HorizontalRecommender "kubernetes": EvaluateHpa() fed from the engine's context, with the
// controller's memory kept per workload.
#include <cmath>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "crescendo/horizontal/kubernetes_hpa.h"

namespace crescendo::hpa {
namespace {

// Returns `value` x `scale` as an integer milli-value, rounded up as Quantity.MilliValue()
// rounds, after absorbing binary floating-point noise (0.1 x 1000 is 100, not 101).
int64_t ToMilli(double value, double scale) {
  const double x = value * scale;
  if (!std::isfinite(x)) return x > 0 ? std::numeric_limits<int64_t>::max() : 0;
  const double nearest = std::nearbyint(x);
  const double r = std::fabs(x - nearest) <= 1e-9 * std::max(1.0, std::fabs(x)) ? nearest
                                                                                : std::ceil(x);
  if (r >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (r <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(r);
}

// The factor from a WorkloadMetric's unit to milli-units: cpu arrives in millicores.
double MilliScale(const MetricSpec& spec) {
  const bool resource = spec.type == MetricSourceType::kResource ||
                        spec.type == MetricSourceType::kContainerResource;
  return resource && spec.name == "cpu" ? 1.0 : 1000.0;
}

std::map<std::string, int64_t> RequestsMilli(const Resources& r) {
  std::map<std::string, int64_t> m;  // a zero request counts as no request
  if (r.cpu_millis > 0) m["cpu"] = r.cpu_millis;
  if (r.memory_bytes > 0) m["memory"] = r.memory_bytes * 1000;
  return m;
}

std::vector<HpaPod> PodsOf(const WorkloadState& w) {
  std::vector<HpaPod> pods;
  pods.reserve(w.pods.size());
  for (const PodState& p : w.pods) {
    HpaPod pod;
    pod.name = p.name;
    pod.phase = p.phase;
    pod.deleting = p.deleting;
    pod.start_time = p.start_time;
    pod.ready = p.ready ? ConditionStatus::kTrue : ConditionStatus::kFalse;
    pod.ready_transition_time = p.ready_transition_time;
    for (const ContainerState& c : p.containers) {
      pod.containers.push_back({c.name, RequestsMilli(c.requests)});
    }
    if (pod.containers.empty()) {
      const Resources& r = p.requests == Resources{} ? w.pod_requests : p.requests;
      pod.containers.push_back({"", RequestsMilli(r)});
    }
    pods.push_back(std::move(pod));
  }
  return pods;
}

MetricReading ReadingOf(const MetricSpec& spec, const WorkloadMetric* m) {
  MetricReading reading;
  if (m == nullptr) {
    reading.fetch_status = UnavailableError("the engine passed no metric for " + spec.name);
    return reading;
  }
  reading.fetch_status = m->status;
  const double scale = MilliScale(spec);
  if (spec.type == MetricSourceType::kObject || spec.type == MetricSourceType::kExternal) {
    if (m->value.has_value()) reading.values_milli.push_back(ToMilli(*m->value, scale));
    return reading;
  }
  reading.pods.reserve(m->pods.size());
  for (const PodMetric& p : m->pods) {
    const Duration window = p.window == Duration::zero() ? minutes(1) : p.window;
    reading.pods.push_back({p.pod, ToMilli(p.value, scale), p.time, window});
  }
  return reading;
}

class KubernetesHpaRecommender final : public HorizontalRecommender {
 public:
  explicit KubernetesHpaRecommender(HpaControllerSettings settings) : settings_(settings) {}

  std::string_view name() const override { return "kubernetes"; }

  Proposal Recommend(const HorizontalContext& ctx) override {
    const WorkloadState& w = *ctx.workload;
    const std::vector<MetricSpec> specs = EffectiveMetrics(*ctx.spec);
    std::vector<MetricReading> readings;
    readings.reserve(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      readings.push_back(ReadingOf(specs[i], i < ctx.metrics.size() ? &ctx.metrics[i] : nullptr));
    }
    const std::vector<HpaPod> pods = PodsOf(w);
    HpaInput input;
    input.spec = ctx.spec;
    input.ns = w.id.ns;
    input.scale_target.name = w.id.name;
    input.spec_replicas = w.spec_replicas;
    input.status_replicas = w.status_replicas;
    input.pods = pods;
    input.readings = readings;
    input.now = ctx.now;

    HpaDecision d = EvaluateHpa(input, TakeState(w.id), settings_);
    Proposal proposal;
    proposal.current_replicas = d.current_replicas;
    proposal.desired_replicas = d.desired_replicas;
    proposal.trace = std::move(d.trace);
    if (!d.status.ok()) {
      proposal.trace.push_back({"kubernetes", static_cast<double>(d.current_replicas),
                                static_cast<double>(d.desired_replicas), d.status.message()});
    }
    PutState(w.id, std::move(d.state));
    return proposal;
  }

 private:
  HpaControllerState TakeState(const WorkloadId& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(id);
    if (it == states_.end()) return {};
    HpaControllerState s = std::move(it->second);
    return s;
  }

  void PutState(const WorkloadId& id, HpaControllerState state) {
    std::lock_guard<std::mutex> lock(mu_);
    states_[id] = std::move(state);
  }

  const HpaControllerSettings settings_;
  std::mutex mu_;
  std::unordered_map<WorkloadId, HpaControllerState, WorkloadIdHash> states_;
};

}  // namespace

std::unique_ptr<HorizontalRecommender> NewKubernetesHpaRecommender(
    HpaControllerSettings settings) {
  return std::make_unique<KubernetesHpaRecommender>(settings);
}

}  // namespace crescendo::hpa
