// The HorizontalRecommender "kubernetes": the HPA evaluation fed from the engine's context
// through views (no copies of pods, samples or request maps), without the explanation-only
// parts (conditions, steps, pod group names), with the controller's memory and the resolved
// behavior kept per workload.
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/evaluation.h"

namespace crescendo::hpa {
namespace {

// Returns `value` x `scale` as an integer milli-value, rounded up as Quantity.MilliValue()
// rounds, after absorbing binary floating-point noise (0.1 x 1000 is 100, not 101).
int64_t ToMilli(double value, double scale) {
  const double x = value * scale;
  if (!std::isfinite(x)) return x > 0 ? std::numeric_limits<int64_t>::max() : 0;
  const double nearest = std::nearbyint(x);
  const double r =
      std::fabs(x - nearest) <= 1e-9 * std::max(1.0, std::fabs(x)) ? nearest : std::ceil(x);
  if (r >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (r <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(r);
}

// The factor from a WorkloadMetric's unit to milli-units: cpu arrives in millicores.
double MilliScale(const MetricSpec& spec) {
  const bool resource =
      spec.type == MetricSourceType::kResource || spec.type == MetricSourceType::kContainerResource;
  return resource && spec.name == "cpu" ? 1.0 : 1000.0;
}

// The resources the engine's requests hold.
enum class EngineResource { kCpu, kMemory, kOther };

EngineResource EngineResourceOf(std::string_view resource) {
  if (resource == "cpu") return EngineResource::kCpu;
  if (resource == "memory") return EngineResource::kMemory;
  return EngineResource::kOther;
}

// The engine's requests as Kubernetes' request maps hold them: a zero request counts as no
// request; cpu in millicores, memory in milli-bytes.
std::optional<int64_t> RequestMilli(const Resources& r, EngineResource resource) {
  if (resource == EngineResource::kCpu && r.cpu_millis > 0) return r.cpu_millis;
  if (resource == EngineResource::kMemory && r.memory_bytes > 0) return r.memory_bytes * 1000;
  return std::nullopt;
}

// The engine's pods for internal::CalculateRequestsOver(), for the one resource it asks for:
// per-container requests from PodState::containers when given, else one unnamed container with
// PodState::requests (the workload's pod template requests when the pod has none); no pod-level
// requests.
struct EnginePodAccess {
  const WorkloadState* w;
  EngineResource resource;

  size_t size() const { return w->pods.size(); }
  std::string_view PodName(size_t i) const { return w->pods[i].name; }
  bool HasPodLevel(size_t) const { return false; }
  std::optional<int64_t> PodLevel(size_t, std::string_view) const { return std::nullopt; }
  size_t Containers(size_t i) const {
    return w->pods[i].containers.empty() ? 1 : w->pods[i].containers.size();
  }
  std::string_view ContainerName(size_t i, size_t c) const {
    return w->pods[i].containers.empty() ? std::string_view() : w->pods[i].containers[c].name;
  }
  std::optional<int64_t> ContainerRequest(size_t i, size_t c, std::string_view) const {
    const PodState& p = w->pods[i];
    if (!p.containers.empty()) return RequestMilli(p.containers[c].requests, resource);
    return RequestMilli(p.requests == Resources{} ? w->pod_requests : p.requests, resource);
  }
};

class EngineRequests final : public internal::RequestSource {
 public:
  explicit EngineRequests(const WorkloadState& w) : w_(&w) {}
  std::string Requests(std::string_view container, std::string_view resource,
                       bool pod_level_resources, std::vector<int64_t>* requests) const override {
    return internal::CalculateRequestsOver(EnginePodAccess{w_, EngineResourceOf(resource)},
                                           container, resource, pod_level_resources, requests);
  }

 private:
  const WorkloadState* w_;
};

// Per-thread buffers for the views of one call (Recommend() does not nest).
struct Views {
  std::vector<internal::PodView> pods;
  std::vector<internal::SampleView> samples;
  std::vector<int64_t> values;
  std::vector<size_t> sample_ends;  // per metric: end of its samples in `samples`
  std::vector<size_t> value_ends;   // per metric: end of its values in `values`
  std::vector<Status> absent;       // statuses of metrics the engine did not pass
  std::vector<internal::ReadingView> readings;
};

void ViewPods(const WorkloadState& w, Views* v) {
  v->pods.clear();
  v->pods.reserve(w.pods.size());
  for (const PodState& p : w.pods) {
    v->pods.push_back({p.name, p.phase, p.deleting, p.start_time,
                       p.ready ? ConditionStatus::kTrue : ConditionStatus::kFalse,
                       p.ready_transition_time});
  }
}

// Fills v->readings: ctx.metrics[i] read as metrics[i] (samples in milli-units, a missing
// window taken as one minute; Object/External as their value).
void ViewReadings(std::span<const MetricSpec> metrics, std::span<const WorkloadMetric> given,
                  Views* v) {
  v->samples.clear();
  v->values.clear();
  v->sample_ends.clear();
  v->value_ends.clear();
  v->absent.clear();
  v->absent.reserve(metrics.size());  // the readings point into it
  v->readings.clear();
  for (size_t i = 0; i < metrics.size(); ++i) {
    const MetricSpec& spec = metrics[i];
    const double scale = MilliScale(spec);
    const WorkloadMetric* m = i < given.size() ? &given[i] : nullptr;
    const Status* status = nullptr;
    if (m == nullptr) {
      v->absent.push_back(UnavailableError("the engine passed no metric for " + spec.name));
      status = &v->absent.back();
    } else if (spec.type == MetricSourceType::kObject || spec.type == MetricSourceType::kExternal) {
      status = &m->status;
      if (m->value.has_value()) v->values.push_back(ToMilli(*m->value, scale));
    } else {
      status = &m->status;
      for (const PodMetric& p : m->pods) {
        const Duration window = p.window == Duration::zero() ? minutes(1) : p.window;
        v->samples.push_back({p.pod, ToMilli(p.value, scale), p.time, window});
      }
    }
    v->sample_ends.push_back(v->samples.size());
    v->value_ends.push_back(v->values.size());
    v->readings.push_back({status, {}, {}});
  }
  // The spans are taken once the buffers stopped growing.
  size_t sample_begin = 0, value_begin = 0;
  for (size_t i = 0; i < metrics.size(); ++i) {
    const std::span<const internal::SampleView> samples(v->samples);
    const std::span<const int64_t> values(v->values);
    v->readings[i].pods = samples.subspan(sample_begin, v->sample_ends[i] - sample_begin);
    v->readings[i].values_milli = values.subspan(value_begin, v->value_ends[i] - value_begin);
    sample_begin = v->sample_ends[i];
    value_begin = v->value_ends[i];
  }
}

// The controller's memory for one workload (serialized), with its resolved behavior (a cache of
// the spec, rebuilt after a restore).
struct HpaWorkloadState final : StrategyState {
  HpaControllerState state;
  internal::BehaviorCache behaviors;

  void CopyFrom(const StrategyState& other) override {
    const auto& o = static_cast<const HpaWorkloadState&>(other);
    state.initialized = o.state.initialized;
    state.recommendations.assign(o.state.recommendations.begin(), o.state.recommendations.end());
    state.scale_up_events.assign(o.state.scale_up_events.begin(), o.state.scale_up_events.end());
    state.scale_down_events.assign(o.state.scale_down_events.begin(),
                                   o.state.scale_down_events.end());
    state.conditions = o.state.conditions;
    behaviors = o.behaviors;
  }
  nlohmann::json ToJson() const override { return HpaStateToJson(state); }
  size_t Bytes() const override {
    return sizeof(*this) + state.recommendations.capacity() * sizeof(TimestampedRecommendation) +
           (state.scale_up_events.capacity() + state.scale_down_events.capacity()) *
               sizeof(ScaleEvent);
  }
};

class KubernetesHpaRecommender final : public HorizontalRecommender {
 public:
  explicit KubernetesHpaRecommender(HpaControllerSettings settings) : settings_(settings) {}

  std::string_view name() const override { return "kubernetes"; }

  std::unique_ptr<StrategyState> NewState() const override {
    return std::make_unique<HpaWorkloadState>();
  }

  StatusOr<std::unique_ptr<StrategyState>> RestoreState(const nlohmann::json& json) const override {
    auto out = std::make_unique<HpaWorkloadState>();
    CRESCENDO_ASSIGN_OR_RETURN(out->state, HpaStateFromJson(json));
    return std::unique_ptr<StrategyState>(std::move(out));
  }

  Proposal Recommend(const HorizontalContext& ctx, StrategyState& state) const override {
    const WorkloadState& w = *ctx.workload;
    auto& memory = static_cast<HpaWorkloadState&>(state);
    thread_local Views views;
    ViewPods(w, &views);
    ViewReadings(internal::EffectiveMetricsOf(*ctx.spec), ctx.metrics, &views);
    const EngineRequests requests(w);

    internal::EvalInput input;
    input.spec = ctx.spec;
    input.ns = w.id.ns;
    input.target_kind = "Deployment";
    input.target_name = w.id.name;
    input.spec_replicas = w.spec_replicas;
    input.status_replicas = w.status_replicas;
    input.pods = views.pods;
    input.requests = &requests;
    input.readings = views.readings;
    input.now = ctx.now;
    input.explain = false;  // a Proposal carries the trace, not the conditions or steps
    input.behaviors = &memory.behaviors;
    input.store_scale_event = false;  // Commit() records the change that was applied

    HpaDecision d;
    d.state = std::move(memory.state);
    internal::Evaluate(input, settings_, &d);
    memory.state = std::move(d.state);

    Proposal proposal;
    proposal.current_replicas = d.current_replicas;
    proposal.desired_replicas = d.desired_replicas;
    proposal.trace = std::move(d.trace);
    if (!d.status.ok()) {
      proposal.trace.push_back({"kubernetes", static_cast<double>(d.current_replicas),
                                static_cast<double>(d.desired_replicas), d.status.message()});
    }
    return proposal;
  }

  // The controller stores a scale event after a successful scale update
  // (horizontal.go, reconcileAutoscaler -> storeScaleEvent): here, the change the engine applied.
  void Commit(StrategyState& state, int32_t current, int32_t applied,
              Timestamp now) const override {
    auto& memory = static_cast<HpaWorkloadState&>(state);
    const internal::ResolvedBehavior* rules = memory.behaviors.Last();
    if (applied == current || rules == nullptr) return;
    internal::StoreScaleEvent(rules->has_behavior, rules->up, rules->down, current, applied, now,
                              &memory.state);
  }

 private:
  const HpaControllerSettings settings_;
};

}  // namespace

std::unique_ptr<HorizontalRecommender> NewKubernetesHpaRecommender(HpaControllerSettings settings) {
  return std::make_unique<KubernetesHpaRecommender>(settings);
}

}  // namespace crescendo::hpa
