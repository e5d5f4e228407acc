#include "crescendo/vertical/checkpoint.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace crescendo::vertical {
namespace {

using nlohmann::json;

constexpr const char* kApiVersion = "autoscaling.k8s.io/v1";
constexpr const char* kKind = "VerticalPodAutoscalerCheckpoint";

json TimeJson(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  // metav1.Time marshals with whole seconds.
  return FormatRfc3339(std::chrono::floor<std::chrono::seconds>(*t));
}

json HistogramJson(const HistogramCheckpoint& h) {
  json j = json::object();
  j["referenceTimestamp"] = TimeJson(h.reference_timestamp);
  if (!h.bucket_weights.empty()) {
    json weights = json::object();
    for (const auto& [bucket, weight] : h.bucket_weights) weights[std::to_string(bucket)] = weight;
    j["bucketWeights"] = std::move(weights);
  }
  if (h.total_weight != 0) j["totalWeight"] = h.total_weight;
  return j;
}

json CheckpointJson(const VpaCheckpoint& c) {
  json status = json::object();
  status["lastUpdateTime"] = TimeJson(c.status.last_update_time);
  if (!c.status.version.empty()) status["version"] = c.status.version;
  status["cpuHistogram"] = HistogramJson(c.status.cpu_histogram);
  status["memoryHistogram"] = HistogramJson(c.status.memory_histogram);
  status["firstSampleStart"] = TimeJson(c.status.first_sample_start);
  status["lastSampleStart"] = TimeJson(c.status.last_sample_start);
  if (c.status.total_samples_count != 0) status["totalSamplesCount"] = c.status.total_samples_count;
  json metadata = {{"name", c.name}};
  if (!c.ns.empty()) metadata["namespace"] = c.ns;
  return {{"apiVersion", kApiVersion},
          {"kind", kKind},
          {"metadata", std::move(metadata)},
          {"spec", {{"vpaObjectName", c.vpa_object_name}, {"containerName", c.container_name}}},
          {"status", std::move(status)}};
}

// Parsing context: names the source and the item in every error.
struct Where {
  std::string_view source;
  std::string item;
  Status Error(const std::string& field, const std::string& what) const {
    return InvalidArgumentError(std::string(source) + ": " + item + ": " + field + ": " + what);
  }
};

// Returns "found <the value as JSON>", cut to 60 bytes so a huge value is not echoed back.
std::string Found(const json& j) {
  constexpr size_t kMax = 60;
  std::string text = j.dump(-1, ' ', /*ensure_ascii=*/true, json::error_handler_t::replace);
  if (text.size() <= kMax) return "found " + text;
  return "found " + text.substr(0, kMax) + "... (" + std::to_string(text.size()) + " bytes)";
}

StatusOr<std::optional<Timestamp>> ParseTime(const json& parent, const char* key,
                                             const std::string& field, const Where& w) {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return std::optional<Timestamp>();
  if (!it->is_string()) return w.Error(field, Found(*it) + ", expected an RFC 3339 time or null");
  auto t = ParseRfc3339(it->get<std::string>());
  if (!t.ok()) return w.Error(field, t.status().message());
  return std::optional<Timestamp>(*t);
}

StatusOr<HistogramCheckpoint> ParseHistogram(const json& parent, const char* key,
                                             const std::string& field, const Where& w) {
  HistogramCheckpoint h;
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return h;
  if (!it->is_object()) return w.Error(field, Found(*it) + ", expected an object");
  CRESCENDO_ASSIGN_OR_RETURN(h.reference_timestamp, ParseTime(*it, "referenceTimestamp",
                                                              field + ".referenceTimestamp", w));
  if (auto tw = it->find("totalWeight"); tw != it->end() && !tw->is_null()) {
    if (!tw->is_number() || !std::isfinite(tw->get<double>()) || tw->get<double>() < 0) {
      return w.Error(field + ".totalWeight", Found(*tw) + ", expected a finite number >= 0");
    }
    h.total_weight = tw->get<double>();
  }
  auto bw = it->find("bucketWeights");
  if (bw == it->end() || bw->is_null()) return h;
  if (!bw->is_object())
    return w.Error(field + ".bucketWeights", Found(*bw) + ", expected an object");
  for (const auto& [bucket_text, weight] : bw->items()) {
    const std::string f = field + ".bucketWeights[" + Found(bucket_text).substr(6) + "]";
    size_t used = 0;
    int bucket = 0;
    try {
      bucket = std::stoi(bucket_text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != bucket_text.size())
      return w.Error(f, "expected an integer bucket index");
    if (!weight.is_number_unsigned() ||
        weight.get<uint64_t>() > std::numeric_limits<uint32_t>::max()) {
      return w.Error(f, Found(weight) + ", expected an integer weight in [0, 4294967295]");
    }
    h.bucket_weights[bucket] = weight.get<uint32_t>();
  }
  return h;
}

StatusOr<std::string> ParseString(const json& parent, const char* key, const std::string& field,
                                  const Where& w) {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return std::string();
  if (!it->is_string()) return w.Error(field, Found(*it) + ", expected a string");
  return it->get<std::string>();
}

StatusOr<CheckpointStatus> ParseStatus(const json& item, const Where& w) {
  CheckpointStatus s;
  auto it = item.find("status");
  if (it == item.end() || !it->is_object()) return w.Error("status", "missing, expected an object");
  const json& st = *it;
  CRESCENDO_ASSIGN_OR_RETURN(s.version, ParseString(st, "version", "status.version", w));
  CRESCENDO_ASSIGN_OR_RETURN(s.last_update_time,
                             ParseTime(st, "lastUpdateTime", "status.lastUpdateTime", w));
  CRESCENDO_ASSIGN_OR_RETURN(s.first_sample_start,
                             ParseTime(st, "firstSampleStart", "status.firstSampleStart", w));
  CRESCENDO_ASSIGN_OR_RETURN(s.last_sample_start,
                             ParseTime(st, "lastSampleStart", "status.lastSampleStart", w));
  CRESCENDO_ASSIGN_OR_RETURN(s.cpu_histogram,
                             ParseHistogram(st, "cpuHistogram", "status.cpuHistogram", w));
  CRESCENDO_ASSIGN_OR_RETURN(s.memory_histogram,
                             ParseHistogram(st, "memoryHistogram", "status.memoryHistogram", w));
  if (auto c = st.find("totalSamplesCount"); c != st.end() && !c->is_null()) {
    if (!c->is_number_integer() || c->get<int64_t>() < 0) {
      return w.Error("status.totalSamplesCount", Found(*c) + ", expected a non-negative integer");
    }
    s.total_samples_count = c->get<int64_t>();
  }
  return s;
}

StatusOr<VpaCheckpoint> ParseCheckpoint(const json& item, Where w) {
  if (!item.is_object()) return w.Error("", Found(item) + ", expected a checkpoint object");
  auto api = item.find("apiVersion");
  if (api != item.end() && *api != kApiVersion) {
    return w.Error("apiVersion", Found(*api) + ", expected \"" + kApiVersion + "\"");
  }
  auto kind = item.find("kind");
  if (kind != item.end() && *kind != kKind) {
    return w.Error("kind", Found(*kind) + ", expected \"" + kKind + "\"");
  }
  VpaCheckpoint c;
  if (auto m = item.find("metadata"); m != item.end() && m->is_object()) {
    CRESCENDO_ASSIGN_OR_RETURN(c.name, ParseString(*m, "name", "metadata.name", w));
    CRESCENDO_ASSIGN_OR_RETURN(c.ns, ParseString(*m, "namespace", "metadata.namespace", w));
    if (!c.name.empty()) w.item += " (" + c.name + ")";
  }
  auto spec = item.find("spec");
  if (spec == item.end() || !spec->is_object())
    return w.Error("spec", "missing, expected an object");
  CRESCENDO_ASSIGN_OR_RETURN(c.vpa_object_name,
                             ParseString(*spec, "vpaObjectName", "spec.vpaObjectName", w));
  CRESCENDO_ASSIGN_OR_RETURN(c.container_name,
                             ParseString(*spec, "containerName", "spec.containerName", w));
  if (c.container_name.empty())
    return w.Error("spec.containerName", "missing, expected a container name");
  CRESCENDO_ASSIGN_OR_RETURN(c.status, ParseStatus(item, w));
  return c;
}

}  // namespace

CheckpointStatus SaveToCheckpoint(const AggregateContainerState& state, Timestamp now) {
  CheckpointStatus s;
  s.last_update_time = now;
  s.version = kCheckpointVersion;
  s.cpu_histogram = state.cpu().SaveToCheckpoint();
  s.memory_histogram = state.memory_peaks().SaveToCheckpoint();
  s.first_sample_start = state.first_sample_start();
  s.last_sample_start = state.last_sample_start();
  s.total_samples_count = state.total_samples_count();
  return s;
}

Status LoadFromCheckpoint(const CheckpointStatus& checkpoint, AggregateContainerState* state) {
  if (checkpoint.version != kCheckpointVersion) {
    return FailedPreconditionError("checkpoint version \"" + checkpoint.version +
                                   "\" is not supported, expected \"" + kCheckpointVersion + "\"");
  }
  state->set_sample_span(checkpoint.first_sample_start, checkpoint.last_sample_start,
                         checkpoint.total_samples_count);
  CRESCENDO_RETURN_IF_ERROR(state->mutable_memory_peaks()
                                .LoadFromCheckpoint(checkpoint.memory_histogram)
                                .WithContext("memoryHistogram"));
  return state->mutable_cpu()
      .LoadFromCheckpoint(checkpoint.cpu_histogram)
      .WithContext("cpuHistogram");
}

std::string CheckpointsToJson(const std::vector<VpaCheckpoint>& checkpoints, int indent) {
  if (checkpoints.size() == 1) return CheckpointJson(checkpoints[0]).dump(indent);
  json items = json::array();
  for (const VpaCheckpoint& c : checkpoints) items.push_back(CheckpointJson(c));
  json list = {{"apiVersion", kApiVersion},
               {"kind", "VerticalPodAutoscalerCheckpointList"},
               {"items", std::move(items)}};
  return list.dump(indent);
}

StatusOr<std::vector<VpaCheckpoint>> ParseCheckpointsJson(std::string_view text,
                                                          std::string_view source) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // syntax, or a number out of range
    return InvalidArgumentError(std::string(source) + ": not JSON (" +
                                std::string(e.what()).substr(0, 160) +
                                "); expected a VerticalPodAutoscalerCheckpoint or a list of them");
  }
  const json* items = &root;
  if (root.is_object() && root.contains("items")) items = &root["items"];
  std::vector<VpaCheckpoint> result;
  if (!items->is_array()) {
    CRESCENDO_ASSIGN_OR_RETURN(VpaCheckpoint c,
                               ParseCheckpoint(*items, Where{source, "checkpoint"}));
    result.push_back(std::move(c));
    return result;
  }
  for (size_t i = 0; i < items->size(); ++i) {
    Where w{source, "items[" + std::to_string(i) + "]"};
    CRESCENDO_ASSIGN_OR_RETURN(VpaCheckpoint c, ParseCheckpoint((*items)[i], w));
    result.push_back(std::move(c));
  }
  return result;
}

}  // namespace crescendo::vertical
