// ExplainHpa and its JSON and text forms.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "crescendo/horizontal/hpa_explain.h"
#include "horizontal/kubernetes/metric_evaluator.h"

namespace crescendo::hpa {
namespace {

using Json = nlohmann::json;

std::string MilliQuantity(int64_t milli) { return Quantity::FromMilli(milli).ToString(); }

Json Selector(const std::map<std::string, std::string>& labels) {
  return Json{{"matchLabels", labels}};
}

Json Identifier(const MetricSpec& spec) {
  Json id{{"name", spec.name}};
  if (!spec.selector.empty()) id["selector"] = Selector(spec.selector);
  return id;
}

Json Current(const MetricValueStatus& v) {
  Json c = Json::object();
  if (v.average_utilization.has_value()) c["averageUtilization"] = *v.average_utilization;
  if (v.average_value_milli.has_value()) c["averageValue"] = MilliQuantity(*v.average_value_milli);
  if (v.value_milli.has_value()) c["value"] = MilliQuantity(*v.value_milli);
  return c;
}

// autoscaling/v2 MetricStatus; an invalid metric leaves Kubernetes' zero value.
Json MetricStatus(const MetricSpec& spec, const MetricEvaluation& e) {
  if (!e.valid) return Json{{"type", ""}};
  const std::string type(internal::MetricSourceTypeName(spec.type));
  Json status{{"type", type}};
  switch (spec.type) {
    case MetricSourceType::kResource:
      status["resource"] = {{"name", spec.name}, {"current", Current(e.current)}};
      break;
    case MetricSourceType::kContainerResource:
      status["containerResource"] = {
          {"name", spec.name}, {"container", spec.container}, {"current", Current(e.current)}};
      break;
    case MetricSourceType::kPods:
      status["pods"] = {{"metric", Identifier(spec)}, {"current", Current(e.current)}};
      break;
    case MetricSourceType::kObject: {
      Json object{{"metric", Identifier(spec)}, {"current", Current(e.current)}};
      if (spec.target.type == MetricTargetType::kValue) {  // Kubernetes omits it for AverageValue
        object["describedObject"] = {{"kind", spec.described_object.kind},
                                     {"name", spec.described_object.name},
                                     {"apiVersion", spec.described_object.api_version}};
      }
      status["object"] = object;
      break;
    }
    case MetricSourceType::kExternal:
      status["external"] = {{"metric", Identifier(spec)}, {"current", Current(e.current)}};
      break;
  }
  return status;
}

Json Optional(const std::optional<double>& v) { return v.has_value() ? Json(*v) : Json(nullptr); }

Json MetricDetail(const MetricSpec& spec, const MetricEvaluation& e) {
  return Json{
      {"index", e.index},
      {"type", internal::MetricSourceTypeName(spec.type)},
      {"name", spec.name},
      {"description", e.description},
      {"valid", e.valid},
      {"proposedReplicas", e.valid ? Json(e.proposed_replicas) : Json(nullptr)},
      {"usageRatio", Optional(e.usage_ratio)},
      {"adjustedRatio", Optional(e.adjusted_ratio)},
      {"podGroups",
       {{"ready", e.pod_groups.ready},
        {"unready", e.pod_groups.unready},
        {"missing", e.pod_groups.missing},
        {"ignored", e.pod_groups.ignored}}},
      {"steps", e.steps},
      {"error", e.valid ? Json(nullptr) : Json(e.error)},
  };
}

Json History(const HpaControllerState& s) {
  Json recs = Json::array(), up = Json::array(), down = Json::array();
  for (const TimestampedRecommendation& r : s.recommendations) {
    recs.push_back({{"timestamp", FormatRfc3339(r.timestamp)}, {"replicas", r.replicas}});
  }
  for (auto [events, out] :
       {std::pair{&s.scale_up_events, &up}, std::pair{&s.scale_down_events, &down}}) {
    for (const ScaleEvent& e : *events) {
      out->push_back(
          {{"timestamp", FormatRfc3339(e.timestamp)}, {"replicaChange", e.replica_change}});
    }
  }
  return Json{{"recommendations", recs}, {"scaleUpEvents", up}, {"scaleDownEvents", down}};
}

std::string Ratio(const std::optional<double>& r) {
  return r.has_value() ? fmt::format("{:.4f}", *r) : "-";
}

}  // namespace

HpaExplanation ExplainHpa(HpaState state) {
  HpaInput in;
  in.spec = &state.spec;
  in.ns = state.ns;
  in.scale_target = state.scale_target;
  in.spec_replicas = state.spec_replicas;
  in.status_replicas = state.status_replicas;
  in.selector = state.selector;
  in.pods = state.pods;
  in.readings = state.readings;
  in.proposed_replicas = state.proposed_replicas;
  in.now = state.now;
  HpaDecision d = EvaluateHpa(in, state.memory, state.settings);
  return HpaExplanation{std::move(state), std::move(d)};
}

std::string ExplanationToJson(const HpaExplanation& x) {
  const HpaDecision& d = x.decision;
  const std::span<const MetricSpec> specs = crescendo::EffectiveMetrics(x.state.spec);
  Json current = Json::array(), metrics = Json::array(), conditions = Json::array(),
       trace = Json::array();
  for (const MetricEvaluation& e : d.metrics) {
    current.push_back(MetricStatus(specs[e.index], e));
    metrics.push_back(MetricDetail(specs[e.index], e));
  }
  for (const HpaCondition& c : d.state.conditions) {
    conditions.push_back({{"type", c.type},
                          {"status", ConditionStatusName(c.status)},
                          {"reason", c.reason},
                          {"message", c.message},
                          {"lastTransitionTime", FormatRfc3339(c.last_transition_time)}});
  }
  for (const TraceEntry& t : d.trace) {
    trace.push_back(
        {{"step", t.step}, {"before", t.before}, {"after", t.after}, {"reason", t.reason}});
  }
  Json out{
      {"hpa", x.state.ns + "/" + x.state.name},
      {"now", FormatRfc3339(x.state.now)},
      {"currentReplicas", d.current_replicas},
      {"desiredReplicas", d.desired_replicas},
      {"proposedReplicas",
       d.proposed_replicas.has_value() ? Json(*d.proposed_replicas) : Json(nullptr)},
      {"rescale", d.rescale},
      {"rescaleReason", d.rescale_reason},
      {"currentMetrics", current},
      {"metrics", metrics},
      {"conditions", conditions},
      {"trace", trace},
      {"error", d.status.ok() ? Json(nullptr) : Json(d.status.message())},
      {"history", History(d.state)},
  };
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string ExplanationToText(const HpaExplanation& x) {
  const HpaDecision& d = x.decision;
  const std::span<const MetricSpec> specs = crescendo::EffectiveMetrics(x.state.spec);
  std::string out =
      fmt::format("HPA {}/{} -> {} {} at {}\n", x.state.ns, x.state.name, x.state.scale_target.kind,
                  x.state.scale_target.name, FormatRfc3339(x.state.now));
  out += fmt::format("Replicas: current {}, proposed {}, desired {}{}\n", d.current_replicas,
                     d.proposed_replicas.has_value() ? std::to_string(*d.proposed_replicas) : "-",
                     d.desired_replicas,
                     d.rescale ? " (rescale: " + d.rescale_reason + ")" : " (no change)");
  if (!d.status.ok()) out += "Error: " + d.status.message() + "\n";
  if (!d.metrics.empty()) out += "Metrics:\n";
  for (const MetricEvaluation& e : d.metrics) {
    out += fmt::format("  [{}] {} {}: ", e.index,
                       internal::MetricSourceTypeName(specs[e.index].type), specs[e.index].name);
    out += e.valid ? fmt::format("{} replicas (ratio {}, adjusted {})\n", e.proposed_replicas,
                                 Ratio(e.usage_ratio), Ratio(e.adjusted_ratio))
                   : "invalid: " + e.error + "\n";
    for (const std::string& step : e.steps) out += "      " + step + "\n";
    for (auto [label, names] :
         {std::pair{"unready", &e.pod_groups.unready}, std::pair{"missing", &e.pod_groups.missing},
          std::pair{"ignored", &e.pod_groups.ignored}}) {
      if (!names->empty()) out += fmt::format("      {}: {}\n", label, fmt::join(*names, ", "));
    }
  }
  out += "Conditions:\n";
  for (const HpaCondition& c : d.state.conditions) {
    out += fmt::format("  {:<15} {:<6} {:<26} {}\n", c.type, ConditionStatusName(c.status),
                       c.reason, c.message);
  }
  out += "Trace:\n";
  for (const TraceEntry& t : d.trace) {
    out += fmt::format("  {}: {} -> {}  {}\n", t.step, t.before, t.after, t.reason);
  }
  return out;
}

}  // namespace crescendo::hpa
