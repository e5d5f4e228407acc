// The controller's memory as the engine checkpoints it: exact (timestamps in nanoseconds since
// the Unix epoch) and compact (arrays, not objects, for the logs).
#include <fmt/format.h>

#include "crescendo/horizontal/kubernetes_hpa.h"

namespace crescendo::hpa {
namespace {

using Json = nlohmann::json;

Status FieldError(std::string_view field, std::string_view expected) {
  return InvalidArgumentError(fmt::format("hpa state: {}: expected {}", field, expected));
}

StatusOr<const Json*> Member(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end()) return FieldError(key, "to be present");
  return &*it;
}

bool IsInt(const Json& j) { return j.is_number_integer(); }

StatusOr<std::vector<TimestampedRecommendation>> RecommendationsFromJson(const Json& json) {
  if (!json.is_array()) return FieldError("recommendations", "an array");
  std::vector<TimestampedRecommendation> out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const Json& r = json[i];
    if (!r.is_array() || r.size() != 2 || !IsInt(r[0]) || !IsInt(r[1])) {
      return FieldError(fmt::format("recommendations[{}]", i), "[replicas, unix_nanos]");
    }
    out.push_back({r[0].get<int32_t>(), Timestamp(Duration(r[1].get<int64_t>()))});
  }
  return out;
}

StatusOr<std::vector<ScaleEvent>> EventsFromJson(const Json& json, const char* field) {
  if (!json.is_array()) return FieldError(field, "an array");
  std::vector<ScaleEvent> out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const Json& e = json[i];
    if (!e.is_array() || e.size() != 3 || !IsInt(e[0]) || !IsInt(e[1]) || !e[2].is_boolean()) {
      return FieldError(fmt::format("{}[{}]", field, i), "[replica_change, unix_nanos, outdated]");
    }
    out.push_back(
        {e[0].get<int32_t>(), Timestamp(Duration(e[1].get<int64_t>())), e[2].get<bool>()});
  }
  return out;
}

Json EventsToJson(const std::vector<ScaleEvent>& events) {
  Json out = Json::array();
  for (const ScaleEvent& e : events) {
    out.push_back({e.replica_change, e.timestamp.time_since_epoch().count(), e.outdated});
  }
  return out;
}

}  // namespace

nlohmann::json HpaStateToJson(const HpaControllerState& state) {
  Json recommendations = Json::array();
  for (const TimestampedRecommendation& r : state.recommendations) {
    recommendations.push_back({r.replicas, r.timestamp.time_since_epoch().count()});
  }
  return {{"initialized", state.initialized},
          {"recommendations", std::move(recommendations)},
          {"scale_up_events", EventsToJson(state.scale_up_events)},
          {"scale_down_events", EventsToJson(state.scale_down_events)}};
}

StatusOr<HpaControllerState> HpaStateFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return FieldError("(root)", "an object");
  HpaControllerState state;
  CRESCENDO_ASSIGN_OR_RETURN(const Json* initialized, Member(json, "initialized"));
  if (!initialized->is_boolean()) return FieldError("initialized", "true or false");
  state.initialized = initialized->get<bool>();
  CRESCENDO_ASSIGN_OR_RETURN(const Json* recs, Member(json, "recommendations"));
  CRESCENDO_ASSIGN_OR_RETURN(state.recommendations, RecommendationsFromJson(*recs));
  CRESCENDO_ASSIGN_OR_RETURN(const Json* up, Member(json, "scale_up_events"));
  CRESCENDO_ASSIGN_OR_RETURN(state.scale_up_events, EventsFromJson(*up, "scale_up_events"));
  CRESCENDO_ASSIGN_OR_RETURN(const Json* down, Member(json, "scale_down_events"));
  CRESCENDO_ASSIGN_OR_RETURN(state.scale_down_events, EventsFromJson(*down, "scale_down_events"));
  return state;
}

}  // namespace crescendo::hpa
