#include "vertical/vpa/vpa_state.h"

#include <utility>

#include "vertical/json_fields.h"
#include "vertical/map_copy.h"

namespace crescendo::vertical {
namespace {

namespace jf = json_fields;

constexpr int64_t kVersion = 1;
// The bytes of a std::map node besides its value (libstdc++: colour and three links).
constexpr size_t kMapNodeBytes = 32;

int64_t UnixNs(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp FromUnixNs(int64_t ns) { return Timestamp(Duration(ns)); }

nlohmann::json OptionalTimeJson(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(UnixNs(*t)) : nlohmann::json(nullptr);
}

StatusOr<std::optional<Timestamp>> ReadOptionalTime(const nlohmann::json& json,
                                                    std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(std::optional<int64_t> ns, jf::NullableInt(json, key));
  if (!ns) return std::optional<Timestamp>();
  return std::optional<Timestamp>(FromUnixNs(*ns));
}

size_t HeapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

nlohmann::json ContainerWatchJson(const ContainerWatch& c) {
  nlohmann::json json = nlohmann::json::object();
  json["name"] = c.name;
  json["restarts"] = c.restarts;
  json["last_oom_kill_unix_ns"] = OptionalTimeJson(c.last_oom_kill);
  json["memory_request_bytes"] = c.memory_request_bytes;
  json["instance_start_unix_ns"] = UnixNs(c.instance_start);
  json["quick_oom"] = c.quick_oom;
  return json;
}

StatusOr<ContainerWatch> ReadContainerWatch(const nlohmann::json& json) {
  ContainerWatch c;
  CRESCENDO_ASSIGN_OR_RETURN(c.name, jf::String(json, "name"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t restarts, jf::Int(json, "restarts"));
  if (restarts < 0 || restarts > INT32_MAX) {
    return InvalidArgumentError("restarts: " + std::to_string(restarts) +
                                " is outside [0, 2147483647]");
  }
  c.restarts = static_cast<int32_t>(restarts);
  CRESCENDO_ASSIGN_OR_RETURN(c.last_oom_kill, ReadOptionalTime(json, "last_oom_kill_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(c.memory_request_bytes, jf::Int(json, "memory_request_bytes"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t start, jf::Int(json, "instance_start_unix_ns"));
  c.instance_start = FromUnixNs(start);
  CRESCENDO_ASSIGN_OR_RETURN(c.quick_oom, jf::Bool(json, "quick_oom"));
  return c;
}

nlohmann::json PodWatchJson(const PodWatch& pod) {
  nlohmann::json containers = nlohmann::json::array();
  for (const ContainerWatch& c : pod.containers) containers.push_back(ContainerWatchJson(c));
  nlohmann::json json = nlohmann::json::object();
  json["resize_seen_unix_ns"] = OptionalTimeJson(pod.resize_seen);
  json["containers"] = std::move(containers);
  return json;
}

StatusOr<PodWatch> ReadPodWatch(const nlohmann::json& json) {
  PodWatch pod;
  CRESCENDO_ASSIGN_OR_RETURN(pod.resize_seen, ReadOptionalTime(json, "resize_seen_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* containers, jf::Array(json, "containers"));
  for (size_t i = 0; i < containers->size(); ++i) {
    StatusOr<ContainerWatch> c = ReadContainerWatch((*containers)[i]);
    if (!c.ok()) return c.status().WithContext("containers[" + std::to_string(i) + "]");
    pod.containers.push_back(*std::move(c));
  }
  return pod;
}

Status Restore(const nlohmann::json& json, VpaState& state) {
  CRESCENDO_RETURN_IF_ERROR(jf::ExpectObject(json));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t version, jf::Int(json, "version"));
  if (version != kVersion) {
    return InvalidArgumentError("version: found " + std::to_string(version) + ", expected " +
                                std::to_string(kVersion));
  }
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* model, jf::Object(json, "model"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t last_gc, jf::Int(json, "last_gc_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* pods, jf::Object(json, "pods"));
  CRESCENDO_RETURN_IF_ERROR(state.model().FromExactJson(*model).WithContext("model"));
  for (const auto& [name, value] : pods->items()) {
    StatusOr<PodWatch> pod = ReadPodWatch(value);
    if (!pod.ok()) return pod.status().WithContext("pods: " + name);
    state.pods().emplace(name, *std::move(pod));
  }
  state.set_last_gc(FromUnixNs(last_gc));
  if (json.contains("last_run_unix_ns")) {
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<int64_t> last_run,
                               jf::NullableInt(json, "last_run_unix_ns"));
    if (last_run) state.set_last_run(FromUnixNs(*last_run));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<VpaState>> VpaState::FromJson(const nlohmann::json& json) {
  auto state = std::make_unique<VpaState>();
  CRESCENDO_RETURN_IF_ERROR(Restore(json, *state));
  return state;
}

void VpaState::CopyFrom(const StrategyState& other) {
  const auto& from = static_cast<const VpaState&>(other);
  model_.CopyFrom(from.model_);
  CopyMapReusing(pods_, from.pods_);
  last_gc_ = from.last_gc_;
  last_run_ = from.last_run_;
  listed_pods_ = from.listed_pods_;
  // The references are `from`'s model's: its generation, not this model's, so FeedTick refills
  // them; copied for the shape, so that the copy's Bytes() is the original's.
  feed_cache_ = from.feed_cache_;
}

nlohmann::json VpaState::ToJson() const {
  nlohmann::json pods = nlohmann::json::object();
  for (const auto& [name, pod] : pods_) pods[name] = PodWatchJson(pod);
  nlohmann::json json = nlohmann::json::object();
  json["version"] = kVersion;
  json["model"] = model_.ToExactJson();
  json["last_gc_unix_ns"] = UnixNs(last_gc_);
  json["last_run_unix_ns"] =
      last_run_ ? nlohmann::json(UnixNs(*last_run_)) : nlohmann::json(nullptr);
  json["pods"] = std::move(pods);
  return json;
}

size_t VpaState::Bytes() const {
  size_t bytes = sizeof(*this) - sizeof(model_) + model_.MemoryUsageBytes();
  for (const auto& [name, pod] : pods_) {
    bytes += kMapNodeBytes + sizeof(name) + sizeof(pod) + HeapBytes(name) +
             pod.containers.capacity() * sizeof(ContainerWatch);
    for (const ContainerWatch& c : pod.containers) bytes += HeapBytes(c.name);
  }
  // The listed names by their length, not capacity: a copy reuses whatever buffers it had.
  for (const std::string& name : listed_pods_) {
    bytes += sizeof(name) + (name.size() > 15 ? name.size() + 1 : 0);
  }
  bytes += feed_cache_.refs.size() * sizeof(WorkloadModel::ContainerRef) +
           feed_cache_.watches.size() * sizeof(PodWatch*);
  return bytes;
}

}  // namespace crescendo::vertical
