// The `intelligent` horizontal strategy (intelligent_strategy.h): predictive replicas on the
// reference pod, then the joint (replicas, CPU per pod) choice of joint.h.
#include "engine/intelligent/intelligent_strategy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "crescendo/forecast/registry.h"
#include "crescendo/horizontal/predictive.h"

namespace crescendo {
namespace {

using Json = nlohmann::json;

Status StateError(std::string_view field, std::string_view expected) {
  return InvalidArgumentError(fmt::format("intelligent state: {}: expected {}", field, expected));
}

struct IntelligentState final : StrategyState {
  std::unique_ptr<StrategyState> predictive;
  std::unique_ptr<Forecaster> demand;           // the pods' total CPU use, millicores
  std::optional<int64_t> reference_cpu_millis;  // the template's request when first seen
  std::optional<Timestamp> last_miss;           // the last tick the pods used more than asked

  void CopyFrom(const StrategyState& other) override {
    const auto& o = static_cast<const IntelligentState&>(other);
    predictive->CopyFrom(*o.predictive);
    // Restoring a checkpoint of the same spec cannot fail.
    demand->Restore(o.demand->Checkpoint()).IgnoreError();
    reference_cpu_millis = o.reference_cpu_millis;
    last_miss = o.last_miss;
  }
  Json ToJson() const override {
    return {{"predictive", predictive->ToJson()},
            {"demand", Json::parse(demand->Checkpoint())},
            {"reference_cpu_millis",
             reference_cpu_millis ? Json(*reference_cpu_millis) : Json(nullptr)},
            {"last_miss_unix_ns",
             last_miss ? Json(last_miss->time_since_epoch().count()) : Json(nullptr)}};
  }
  size_t Bytes() const override {
    return sizeof(*this) + predictive->Bytes() + demand->StateBytes();
  }
};

// Returns the policy VPA applies to `container`: its own, else the "*" one, else none.
const ContainerResourcePolicy* PolicyFor(const VerticalSpec& spec, std::string_view container) {
  const ContainerResourcePolicy* wildcard = nullptr;
  for (const ContainerResourcePolicy& p : spec.container_policies) {
    if (p.container_name == container) return &p;
    if (p.container_name == "*") wildcard = &p;
  }
  return wildcard;
}

// What VPA lets the joint choice do with the pod's CPU: the sum of the containers' bounds.
struct CpuControl {
  bool controllable = false;
  std::string why_not;
  int64_t min_allowed = 0, max_allowed = 0;  // 0: none
};

CpuControl CpuControlOf(const VerticalSpec& spec, const WorkloadState& w) {
  CpuControl out;
  if (w.template_containers.empty()) {
    out.why_not = "the template's containers are unknown";
    return out;
  }
  bool every_max = true;
  for (const ContainerResources& c : w.template_containers) {
    const ContainerResourcePolicy* p = PolicyFor(spec, c.name);
    if (p != nullptr && (p->mode == ContainerScalingMode::kOff ||
                         std::find(p->controlled_resources.begin(), p->controlled_resources.end(),
                                   "cpu") == p->controlled_resources.end())) {
      out.why_not = "the VPA policy of container " + c.name + " does not control cpu";
      return out;
    }
    const int64_t min = p && p->min_allowed ? p->min_allowed->cpu_millis : 0;
    const int64_t max = p && p->max_allowed ? p->max_allowed->cpu_millis : 0;
    out.min_allowed += min;
    out.max_allowed += max;
    every_max &= max > 0;
  }
  if (!every_max) out.max_allowed = 0;  // one container unbounded: the pod is
  out.controllable = true;
  return out;
}

// Returns the index of the HPA's cpu Resource Utilization metric, if it has one.
std::optional<size_t> CpuUtilizationMetric(const HorizontalSpec& spec) {
  std::span<const MetricSpec> metrics = EffectiveMetrics(spec);
  for (size_t i = 0; i < metrics.size(); ++i) {
    const MetricSpec& m = metrics[i];
    if (m.type == MetricSourceType::kResource && m.name == "cpu" &&
        m.target.type == MetricTargetType::kUtilization && m.target.average_utilization) {
      return i;
    }
  }
  return std::nullopt;
}

int64_t Scaled(int64_t value, double factor) {
  return static_cast<int64_t>(std::llround(static_cast<double>(value) * factor));
}

// Returns `w` with every pod's (and the template's) CPU request brought to `reference`,
// containers in proportion: what the HPA's target was set for.
WorkloadState AtReference(const WorkloadState& w, int64_t reference) {
  WorkloadState view = w;
  auto rescale = [reference](Resources& pod, auto& containers) {
    if (pod.cpu_millis <= 0) return;
    const double factor = static_cast<double>(reference) / static_cast<double>(pod.cpu_millis);
    int64_t left = reference;  // the rounding goes to the last container: the sum is exact
    for (size_t i = 0; i < containers.size(); ++i) {
      int64_t& cpu = containers[i].requests.cpu_millis;
      cpu = i + 1 == containers.size() ? left : Scaled(cpu, factor);
      left -= cpu;
    }
    pod.cpu_millis = reference;
  };
  rescale(view.pod_requests, view.template_containers);
  for (PodState& p : view.pods) rescale(p.requests, p.containers);
  return view;
}

bool DiffersFrom(const WorkloadState& w, int64_t reference) {
  if (w.pod_requests.cpu_millis != reference) return true;
  return std::any_of(w.pods.begin(), w.pods.end(), [reference](const PodState& p) {
    return p.requests.cpu_millis > 0 && p.requests.cpu_millis != reference;
  });
}

// True when the pods that report a use together use more CPU than their requests in force: the
// size the pods were given did not hold the demand (on a full node they would be held to their
// requests' share).
bool OverRequests(const WorkloadState& w, const WorkloadMetric& cpu) {
  double use = 0, requested = 0;
  for (const PodMetric& m : cpu.pods) {
    auto pod = std::find_if(w.pods.begin(), w.pods.end(),
                            [&m](const PodState& p) { return p.name == m.pod; });
    if (pod == w.pods.end() || pod->requests.cpu_millis <= 0) continue;
    use += m.value;
    requested += static_cast<double>(pod->requests.cpu_millis);
  }
  return requested > 0 && use > requested;
}

class IntelligentStrategy final : public HorizontalRecommender {
 public:
  IntelligentStrategy(const IntelligentStrategyOptions& options,
                      std::unique_ptr<HorizontalRecommender> predictive, std::string demand_spec)
      : options_(options),
        predictive_(std::move(predictive)),
        demand_spec_(std::move(demand_spec)) {}

  std::string_view name() const override { return "intelligent"; }

  std::unique_ptr<StrategyState> NewState() const override {
    auto s = std::make_unique<IntelligentState>();
    s->predictive = predictive_->NewState();
    // The spec was created once in NewIntelligentStrategy: creating it again cannot fail.
    s->demand = std::move(CreateForecaster(demand_spec_)).value();
    return s;
  }

  StatusOr<std::unique_ptr<StrategyState>> RestoreState(const Json& json) const override {
    if (!json.is_object()) return StateError("(root)", "an object");
    auto s = std::make_unique<IntelligentState>();
    if (!json.contains("predictive")) return StateError("predictive", "the predictive state");
    CRESCENDO_ASSIGN_OR_RETURN(s->predictive, predictive_->RestoreState(json["predictive"]));
    if (!json.contains("demand")) return StateError("demand", "a forecaster checkpoint");
    s->demand = std::move(CreateForecaster(demand_spec_)).value();
    CRESCENDO_RETURN_IF_ERROR(
        s->demand->Restore(json["demand"].dump()).WithContext("intelligent state: demand"));
    const Json& reference = json.value("reference_cpu_millis", Json());
    if (reference.is_number_integer() && reference.get<int64_t>() > 0) {
      s->reference_cpu_millis = reference.get<int64_t>();
    } else if (!reference.is_null()) {
      return StateError("reference_cpu_millis", "millicores > 0 or null");
    }
    // Absent in checkpoints written before the guard: null.
    const Json& miss = json.value("last_miss_unix_ns", Json());
    if (miss.is_number_integer()) {
      s->last_miss = Timestamp(std::chrono::nanoseconds(miss.get<int64_t>()));
    } else if (!miss.is_null()) {
      return StateError("last_miss_unix_ns", "nanoseconds since the epoch or null");
    }
    return std::unique_ptr<StrategyState>(std::move(s));
  }

  Proposal Recommend(const HorizontalContext& ctx, StrategyState& state) const override {
    auto& s = static_cast<IntelligentState&>(state);
    if (!s.reference_cpu_millis && ctx.workload->pod_requests.cpu_millis > 0) {
      s.reference_cpu_millis = ctx.workload->pod_requests.cpu_millis;
    }
    HorizontalContext at_reference = ctx;
    WorkloadState view;
    const bool resized =
        s.reference_cpu_millis && DiffersFrom(*ctx.workload, *s.reference_cpu_millis);
    if (resized) {
      view = AtReference(*ctx.workload, *s.reference_cpu_millis);
      at_reference.workload = &view;
    }
    Proposal proposal = predictive_->Recommend(at_reference, *s.predictive);
    if (resized) {
      proposal.trace.insert(
          proposal.trace.begin(),
          {"reference", 0, 0,
           fmt::format("cpu utilization read against the reference pod ({}m), the size its "
                       "target was set for, not the pods' own requests",
                       *s.reference_cpu_millis)});
    }
    Plan(ctx, at_reference, s, proposal);
    return proposal;
  }

  void Commit(StrategyState& state, int32_t current, int32_t applied,
              Timestamp now) const override {
    predictive_->Commit(*static_cast<IntelligentState&>(state).predictive, current, applied, now);
  }

 private:
  // The demand to cover: the forecast's peak mean and upper bound over the horizon, neither
  // below `load` (the use now).
  struct Demand {
    double mean = 0, upper = 0;
    std::string how;
  };
  Demand Forecast(IntelligentState& s, Timestamp now, double load) const;
  // The joint choice, when the workload's VPA and HPA allow one; sets the proposal's replicas
  // and pod_requests.
  void Plan(const HorizontalContext& ctx, const HorizontalContext& at_reference,
            IntelligentState& s, Proposal& proposal) const;

  const IntelligentStrategyOptions options_;
  const std::unique_ptr<HorizontalRecommender> predictive_;
  const std::string demand_spec_;
};

IntelligentStrategy::Demand IntelligentStrategy::Forecast(IntelligentState& s, Timestamp now,
                                                          double load) const {
  if (Status u = s.demand->Update(now, load); !u.ok()) {
    return {load, load, "use now (" + u.message() + ")"};
  }
  StatusOr<crescendo::Forecast> f =
      s.demand->Forecast(now, options_.horizon, std::min<Duration>(options_.horizon, minutes(1)));
  if (!f.ok() || f->points.empty()) {
    return {load, load, "use now (forecast: " + f.status().message() + ")"};
  }
  Demand d{load, load, ""};
  for (const ForecastPoint& p : f->points) {
    d.mean = std::max(d.mean, p.mean);
    d.upper = std::max(d.upper, p.upper);
  }
  d.how = fmt::format("the {} forecast (mean, P{:.0f})", FormatDuration(options_.horizon),
                      options_.quantile * 100);
  return d;
}

void IntelligentStrategy::Plan(const HorizontalContext& ctx, const HorizontalContext& at_reference,
                               IntelligentState& s, Proposal& proposal) const {
  const int32_t replicas = proposal.desired_replicas;
  auto keep = [&](const std::string& why) {
    proposal.trace.push_back({"joint", static_cast<double>(replicas), static_cast<double>(replicas),
                              "pod size kept: " + why});
  };
  if (ctx.vertical == nullptr) return;  // not sized vertically: replicas only
  const std::optional<size_t> metric = CpuUtilizationMetric(*ctx.spec);
  if (!metric) return keep("the HPA does not scale on cpu utilization");
  const CpuControl control = CpuControlOf(*ctx.vertical, *ctx.workload);
  if (!control.controllable) return keep(control.why_not);
  if (!s.reference_cpu_millis) return keep("the template has no cpu request");
  StatusOr<predictive::LoadSignal> signal = predictive::ReadLoadSignal(at_reference, *metric);
  if (!signal.ok()) return keep("no cpu usage this tick (" + signal.status().message() + ")");

  double busiest = 0;
  for (const PodMetric& p : at_reference.metrics[*metric].pods)
    busiest = std::max(busiest, p.value);
  if (OverRequests(*ctx.workload, ctx.metrics[*metric])) s.last_miss = ctx.now;
  const Demand demand = Forecast(s, ctx.now, signal->load);
  intelligent::JointInput in;
  in.cpu_demand_millis = demand.mean;
  in.cpu_demand_upper_millis = demand.upper;
  in.target_utilization = *EffectiveMetrics(*ctx.spec)[*metric].target.average_utilization / 100.0;
  in.min_replicas = ctx.spec->min_replicas;
  in.max_replicas = ctx.spec->max_replicas;
  in.replica_floor = replicas;
  in.reference_cpu_millis = *s.reference_cpu_millis;
  const intelligent::GuardVerdict guard =
      intelligent::GuardJoint({.cpu_use_millis = signal->load,
                               .forecast_mean_millis = demand.mean,
                               .current_cpu_millis = ctx.workload->pod_requests.cpu_millis,
                               .reference_cpu_millis = *s.reference_cpu_millis,
                               .last_miss = s.last_miss,
                               .now = ctx.now,
                               .miss_hold = options_.miss_hold,
                               .rising_tolerance = options_.rising_tolerance});
  in.cpu_floor_millis =
      std::max({options_.pod_min_cpu_millis,
                static_cast<int64_t>(std::ceil(busiest * (1 + options_.usage_margin))),
                guard.min_cpu_millis});
  in.min_allowed_cpu_millis = control.min_allowed;
  in.max_allowed_cpu_millis = control.max_allowed;
  in.memory_bytes_per_pod = ctx.workload->pod_requests.memory_bytes;
  in.prices = options_.prices;
  const intelligent::JointChoice choice = intelligent::ChooseJoint(in);
  if (!guard.reason.empty()) {
    proposal.trace.push_back(
        {"guard", static_cast<double>(replicas), static_cast<double>(replicas), guard.reason});
  }
  proposal.Record("joint", choice.replicas, "demand from " + demand.how + ": " + choice.reason);
  proposal.pod_requests = Resources{choice.cpu_millis, ctx.workload->pod_requests.memory_bytes};
}

}  // namespace

StatusOr<std::unique_ptr<HorizontalRecommender>> NewIntelligentStrategy(
    const IntelligentStrategyOptions& options) {
  if (!(options.quantile > 0.5 && options.quantile < 1)) {
    return InvalidArgumentError(
        fmt::format("intelligent: quantile = {}: expected a number in (0.5, 1)", options.quantile));
  }
  if (options.horizon <= Duration::zero() || !(options.usage_margin >= 0) ||
      options.pod_min_cpu_millis < 0 || options.miss_hold < Duration::zero() ||
      !(options.rising_tolerance >= 0)) {
    return InvalidArgumentError(
        "intelligent: horizon must be positive, usage_margin, pod_min_cpu_millis, miss_hold and "
        "rising_tolerance >= 0");
  }
  CRESCENDO_ASSIGN_OR_RETURN(ForecasterSpec spec, ParseForecasterSpec(options.demand_forecaster));
  if (!spec.params.contains("interval")) {
    spec.params["interval"] = fmt::format("{:g}", 2 * options.quantile - 1);
  }
  const std::string demand_spec = FormatForecasterSpec(spec);
  CRESCENDO_RETURN_IF_ERROR(
      CreateForecaster(demand_spec).status().WithContext("intelligent demand forecaster"));
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<PredictiveStrategy> predictive,
                             NewPredictiveStrategy(options.predictive));
  return std::unique_ptr<HorizontalRecommender>(
      new IntelligentStrategy(options, std::move(predictive), demand_spec));
}

std::unique_ptr<HorizontalRecommender> NewDefaultIntelligentStrategy() {
  // The default options are valid (intelligent_strategy_test checks it).
  return std::move(NewIntelligentStrategy(IntelligentStrategyOptions{})).value();
}

}  // namespace crescendo
