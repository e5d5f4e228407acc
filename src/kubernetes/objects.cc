#include "kubernetes/objects.h"

#include <fmt/format.h>

#include <algorithm>

#include "crescendo/base/quantity.h"

namespace crescendo::kubernetes {
namespace {

const Json& Field(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Text(const Json& j, const char* key) {
  const Json& v = Field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

Timestamp TimeOf(const Json& j, const char* key) {
  StatusOr<Timestamp> t = ParseRfc3339(Text(j, key));
  return t.ok() ? *t : Timestamp();
}

int64_t Amount(const Json& amounts, const char* key, bool milli) {
  const Json& v = Field(amounts, key);
  if (!v.is_string()) return 0;
  StatusOr<Quantity> q = Quantity::Parse(v.get<std::string>());
  if (!q.ok()) return 0;
  return milli ? q->MilliValue() : q->Value();
}

std::vector<ContainerResources> ContainersOf(const Json& pod_spec) {
  std::vector<ContainerResources> out;
  const Json& containers = Field(pod_spec, "containers");
  if (!containers.is_array()) return out;
  for (const Json& c : containers) {
    const Json& res = Field(c, "resources");
    out.push_back(
        {Text(c, "name"), ResourcesOf(Field(res, "requests")), ResourcesOf(Field(res, "limits"))});
  }
  return out;
}

ResizeStatus ResizeOf(const Json& conditions) {
  if (!conditions.is_array()) return ResizeStatus::kNone;
  for (const Json& c : conditions) {
    if (Text(c, "status") != "True") continue;
    const std::string type = Text(c, "type");
    if (type == "PodResizeInProgress") return ResizeStatus::kInProgress;
    if (type == "PodResizePending") {
      return Text(c, "reason") == "Infeasible" ? ResizeStatus::kInfeasible
                                               : ResizeStatus::kDeferred;
    }
  }
  return ResizeStatus::kNone;
}

PodPhase PhaseOf(const std::string& phase) {
  if (phase == "Pending") return PodPhase::kPending;
  if (phase == "Running") return PodPhase::kRunning;
  if (phase == "Succeeded") return PodPhase::kSucceeded;
  if (phase == "Failed") return PodPhase::kFailed;
  return PodPhase::kUnknown;
}

bool ExpressionMatches(const Json& e, const Json& labels) {
  const std::string key = Text(e, "key");
  const std::string op = Text(e, "operator");
  const bool has = labels.is_object() && labels.contains(key);
  const std::string value = has ? Text(labels, key.c_str()) : std::string();
  const Json& values = Field(e, "values");
  const bool in =
      values.is_array() && std::find(values.begin(), values.end(), value) != values.end();
  if (op == "In") return has && in;
  if (op == "NotIn") return !has || !in;
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  return false;
}

}  // namespace

Resources ResourcesOf(const Json& amounts) {
  return {Amount(amounts, "cpu", true), Amount(amounts, "memory", false)};
}

Json AmountsJson(const Resources& r) {
  Json j = Json::object();
  if (r.cpu_millis > 0) j["cpu"] = Quantity::FromMilli(r.cpu_millis).ToString();
  if (r.memory_bytes > 0) j["memory"] = Quantity::FromInt(r.memory_bytes).ToString();
  return j;
}

PodState PodStateOf(const Json& pod) {
  PodState p;
  const Json& meta = Field(pod, "metadata");
  const Json& status = Field(pod, "status");
  p.name = Text(meta, "name");
  p.deleting = !Field(meta, "deletionTimestamp").is_null();
  p.phase = PhaseOf(Text(status, "phase"));
  p.start_time = TimeOf(status, "startTime");
  const Json& conditions = Field(status, "conditions");
  if (conditions.is_array()) {
    for (const Json& c : conditions) {
      if (Text(c, "type") != "Ready") continue;
      p.ready = Text(c, "status") == "True";
      p.ready_transition_time = TimeOf(c, "lastTransitionTime");
    }
  }
  p.resize = ResizeOf(conditions);
  for (const ContainerResources& spec : ContainersOf(Field(pod, "spec"))) {
    ContainerState c;
    c.name = spec.name;
    c.requests = spec.requests;
    c.limits = spec.limits;
    const Json& statuses = Field(status, "containerStatuses");
    for (const Json& s : statuses.is_array() ? statuses : Json::array()) {
      if (Text(s, "name") != c.name) continue;
      c.restarts = Field(s, "restartCount").is_number() ? s["restartCount"].get<int32_t>() : 0;
      const Json& in_force = Field(s, "resources");  // set once the kubelet reports it
      if (in_force.is_object()) {
        c.requests = ResourcesOf(Field(in_force, "requests"));
        c.limits = ResourcesOf(Field(in_force, "limits"));
      }
      const Json& terminated = Field(Field(s, "lastState"), "terminated");
      if (Text(terminated, "reason") == "OOMKilled") {
        c.last_oom_kill = TimeOf(terminated, "finishedAt");
      }
    }
    p.requests.cpu_millis += c.requests.cpu_millis;
    p.requests.memory_bytes += c.requests.memory_bytes;
    p.containers.push_back(std::move(c));
  }
  return p;
}

WorkloadState WorkloadStateOf(const Json& workload) {
  WorkloadState w;
  const Json& spec = Field(workload, "spec");
  const Json& replicas = Field(spec, "replicas");
  w.spec_replicas = replicas.is_number() ? replicas.get<int32_t>() : 1;  // the API's default
  const Json& status_replicas = Field(Field(workload, "status"), "replicas");
  w.status_replicas = status_replicas.is_number() ? status_replicas.get<int32_t>() : 0;
  w.template_containers = ContainersOf(Field(Field(spec, "template"), "spec"));
  for (const ContainerResources& c : w.template_containers) {
    w.pod_requests.cpu_millis += c.requests.cpu_millis;
    w.pod_requests.memory_bytes += c.requests.memory_bytes;
  }
  return w;
}

bool SelectorMatches(const Json& selector, const Json& labels) {
  const Json& match = Field(selector, "matchLabels");
  const Json& expressions = Field(selector, "matchExpressions");
  const bool empty =
      (!match.is_object() || match.empty()) && (!expressions.is_array() || expressions.empty());
  if (empty) return false;
  if (match.is_object()) {
    for (const auto& [key, value] : match.items()) {
      if (!labels.is_object() || !labels.contains(key) || labels[key] != value) return false;
    }
  }
  if (expressions.is_array()) {
    for (const Json& e : expressions) {
      if (!ExpressionMatches(e, labels)) return false;
    }
  }
  return true;
}

Json ScaleWithReplicas(const Json& scale, int32_t replicas) {
  Json out = {{"apiVersion", "autoscaling/v1"},
              {"kind", "Scale"},
              {"metadata", Field(scale, "metadata")},
              {"spec", {{"replicas", replicas}}}};
  return out;
}

Json ContainersPatch(const std::vector<ContainerResources>& containers) {
  Json list = Json::array();
  for (const ContainerResources& c : containers) {
    Json resources = Json::object();
    Json requests = AmountsJson(c.requests);
    Json limits = AmountsJson(c.limits);
    if (!requests.empty()) resources["requests"] = requests;
    if (!limits.empty()) resources["limits"] = limits;
    list.push_back({{"name", c.name}, {"resources", resources}});
  }
  return {{"spec", {{"containers", list}}}};
}

Json WrapInTemplate(const Json& pod_patch) { return {{"spec", {{"template", pod_patch}}}}; }

std::string FormatMicroTime(Timestamp t) {
  const int64_t ns = t.time_since_epoch().count();
  const int64_t seconds = ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000;
  const int64_t micros = (ns - seconds * 1000000000) / 1000;
  std::string whole = FormatRfc3339(Timestamp(std::chrono::seconds(seconds)));
  whole.pop_back();  // the 'Z'
  return fmt::format("{}.{:06d}Z", whole, micros);
}

Json EventOf(const EventFields& f) {
  const int64_t ns = f.time.time_since_epoch().count();
  return {{"apiVersion", "events.k8s.io/v1"},
          {"kind", "Event"},
          {"metadata", {{"name", fmt::format("{}.{:x}", f.name, ns)}, {"namespace", f.ns}}},
          {"eventTime", FormatMicroTime(f.time)},
          {"reportingController", "crescendo.io/autoscaler"},
          {"reportingInstance", f.instance},
          {"action", f.action},
          {"reason", f.reason},
          {"regarding",
           {{"apiVersion", "apps/v1"},
            {"kind", f.kind},
            {"namespace", f.ns},
            {"name", f.name},
            {"uid", f.uid}}},
          {"note", f.note},
          {"type", "Normal"}};
}

}  // namespace crescendo::kubernetes
