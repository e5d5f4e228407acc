// KubernetesCluster: the informers, the backend over their cache, the metrics.k8s.io source.
#include <fmt/format.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "crescendo/horizontal/hpa_explain.h"
#include "crescendo/kubernetes/kubernetes.h"
#include "crescendo/vertical/vpa_manifest.h"
#include "kubernetes/api_client.h"
#include "kubernetes/informer.h"
#include "kubernetes/objects.h"

namespace crescendo::kubernetes {
namespace {

constexpr char kModeAnnotation[] = "crescendo.io/mode";
constexpr char kTenantAnnotation[] = "crescendo.io/tenant";
constexpr char kMinAnnotation[] = "crescendo.io/min-replicas";
constexpr char kMaxAnnotation[] = "crescendo.io/max-replicas";
// The workload kinds Crescendo scales and resizes: each has spec.replicas, spec.selector,
// spec.template and the `scale` subresource (apps/v1).
struct Kind {
  const char* kind;      // "Deployment"
  const char* resource;  // "deployments"
  // Only objects no Deployment controls are workloads (ReplicaSets, see OwnedByDeployment).
  bool standalone_only = false;
};
constexpr Kind kDeployment{"Deployment", "deployments"};
constexpr Kind kStatefulSet{"StatefulSet", "statefulsets"};
constexpr Kind kReplicaSet{"ReplicaSet", "replicasets", true};
constexpr Kind kKinds[] = {kDeployment, kStatefulSet, kReplicaSet};
constexpr char kNoSuchWorkload[] = "no such Deployment, StatefulSet or standalone ReplicaSet";
constexpr char kPods[] = "/api/v1/pods";
constexpr char kHpas[] = "/apis/autoscaling/v2/horizontalpodautoscalers";
constexpr char kVpas[] = "/apis/autoscaling.k8s.io/v1/verticalpodautoscalers";

std::string Annotation(const Json& object, const char* key) {
  const Json& a = object["metadata"].value("annotations", Json::object());
  auto it = a.find(key);
  return it != a.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int32_t IntAnnotation(const Json& object, const char* key, int32_t fallback) {
  const std::string v = Annotation(object, key);
  try {
    return v.empty() ? fallback : std::stoi(v);
  } catch (...) {
    return fallback;
  }
}

std::string CollectionPath(const Kind& k) { return fmt::format("/apis/apps/v1/{}", k.resource); }

std::string WorkloadPath(const Kind& k, const std::string& ns, const std::string& name) {
  return fmt::format("/apis/apps/v1/namespaces/{}/{}/{}", ns, k.resource, name);
}

// A ReplicaSet whose controller is a Deployment belongs to that Deployment: scaling it would
// fight the Deployment controller, so only standalone ReplicaSets are workloads.
bool OwnedByDeployment(const Json& object) {
  const Json& meta = object["metadata"];
  for (const Json& ref : meta.value("ownerReferences", Json::array())) {
    if (ref.value("controller", false) && ref.value("kind", "") == "Deployment") return true;
  }
  return false;
}

// The workload an HPA or VPA (`ref`: its scaleTargetRef or targetRef) targets, as
// "namespace/name", and whether it is Crescendo's own (labelled
// app.kubernetes.io/managed-by=crescendo); nullopt when its target is not a workload kind.
struct AutoscalerTarget {
  std::string key;
  bool owned = false;
};
std::optional<AutoscalerTarget> TargetOf(const Json& autoscaler, const char* ref) {
  const Json& meta = autoscaler["metadata"];
  const Json target = autoscaler.value("spec", Json::object()).value(ref, Json::object());
  const std::string target_kind = target.value("kind", "");
  bool workload = false;
  for (const Kind& k : kKinds) workload |= target_kind == k.kind;
  if (!workload) return std::nullopt;
  const Json labels = meta.value("labels", Json::object());
  return AutoscalerTarget{meta.value("namespace", "") + "/" + target.value("name", ""),
                          labels.value("app.kubernetes.io/managed-by", "") == "crescendo"};
}

// A workload object and its kind (null object: none).
struct Found {
  Json object;
  const Kind* kind = nullptr;
};

class Cluster;
using PodIndex = std::map<std::string, std::vector<Json>>;  // namespace -> pods

class Backend final : public ClusterBackend {
 public:
  explicit Backend(Cluster* cluster) : cluster_(cluster) {}
  std::string_view name() const override { return "kubernetes"; }
  StatusOr<ClusterSnapshot> Snapshot() override;
  Status SetReplicas(const WorkloadId& workload, int32_t replicas) override;
  Status SetResources(const WorkloadId& workload, const ResourceUpdate& update) override;

 private:
  Cluster* cluster_;
};

class PodMetricsSource final : public MetricSource {
 public:
  explicit PodMetricsSource(Cluster* cluster) : cluster_(cluster) {}
  std::string_view name() const override { return "kubernetes-metrics"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override;

 private:
  Cluster* cluster_;
};

class Cluster final : public KubernetesCluster {
 public:
  explicit Cluster(KubernetesOptions options, std::unique_ptr<ApiClient> client)
      : options_(std::move(options)),
        client_(std::move(client)),
        deployments_(client_.get(), CollectionPath(kDeployment)),
        statefulsets_(client_.get(), CollectionPath(kStatefulSet), /*optional=*/true),
        replicasets_(client_.get(), CollectionPath(kReplicaSet), /*optional=*/true),
        pods_(client_.get(), kPods),
        hpas_(client_.get(), kHpas, /*optional=*/true),
        vpas_(client_.get(), kVpas, /*optional=*/true),
        backend_(this),
        metrics_(std::make_shared<PodMetricsSource>(this)) {}

  Status Start() {
    CRESCENDO_RETURN_IF_ERROR(deployments_.Start());
    CRESCENDO_RETURN_IF_ERROR(statefulsets_.Start());
    CRESCENDO_RETURN_IF_ERROR(replicasets_.Start());
    CRESCENDO_RETURN_IF_ERROR(pods_.Start());
    CRESCENDO_RETURN_IF_ERROR(hpas_.Start());
    return vpas_.Start();
  }

  ClusterBackend& backend() override { return backend_; }
  std::shared_ptr<MetricSource> metrics() override { return metrics_; }
  void SetFence(WriteFence fence) override {
    std::lock_guard<std::mutex> lock(mu_);
    fence_ = std::move(fence);
  }
  ClientStats stats() const override { return client_->stats(); }

  std::vector<ManagedWorkload> Workloads() const override {
    std::map<std::string, std::string> foreign = ForeignAutoscalers();
    std::map<std::string, ManagedWorkload> owned = OwnedAutoscalers();
    std::vector<ManagedWorkload> out;
    std::set<std::string> seen;  // one workload per namespace and name: the first kind wins
    for (const Kind& k : kKinds) {
      InformerOf(k).ForEach([&](const Json& d) {
        if (k.standalone_only && OwnedByDeployment(d)) return;
        auto imported = owned.find(KeyOf(d));
        std::optional<ManagedWorkload> w =
            Managed(d, imported != owned.end() && imported->second.horizontal.has_value());
        if (!w || !seen.insert(KeyOf(d)).second) return;
        w->kind = k.kind;
        if (imported != owned.end()) {
          w->horizontal = std::move(imported->second.horizontal);
          w->vertical = std::move(imported->second.vertical);
          w->import_error = std::move(imported->second.import_error);
          if (w->mode.empty() && w->horizontal) w->mode = "kubernetes";
        }
        auto it = foreign.find(KeyOf(d));
        if (it != foreign.end()) {
          w->foreign_autoscaler = true;
          w->autoscaler = it->second;
        }
        out.push_back(std::move(*w));
      });
    }
    return out;
  }

  // The workload `id` names: its Deployment, else StatefulSet, else standalone ReplicaSet.
  Found Workload(const WorkloadId& id) const {
    const std::string key = id.ns + "/" + id.name;
    for (const Kind& k : kKinds) {
      Json object = InformerOf(k).Get(key);
      if (object.is_null() || (k.standalone_only && OwnedByDeployment(object))) continue;
      return {std::move(object), &k};
    }
    return {};
  }

  // Every pod, by namespace: built once per snapshot or metrics read, so a tick costs one pass
  // over the pods instead of one per workload.
  PodIndex PodsByNamespace() const {
    PodIndex index;
    pods_.ForEach(
        [&](const Json& pod) { index[pod["metadata"].value("namespace", "")].push_back(pod); });
    return index;
  }

  // The pods of `index` the deployment's selector matches, in its namespace.
  static std::vector<const Json*> Select(const Json& deployment, const PodIndex& index) {
    std::vector<const Json*> out;
    auto it = index.find(deployment["metadata"].value("namespace", ""));
    if (it == index.end()) return out;
    const Json& selector = deployment["spec"].value("selector", Json::object());
    for (const Json& pod : it->second) {
      if (SelectorMatches(selector, pod["metadata"].value("labels", Json::object()))) {
        out.push_back(&pod);
      }
    }
    return out;
  }

  // Why a write to `id` may not happen now, or OK.
  Status MayWrite(const WorkloadId& id) const {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (fence_ && !fence_(id)) {
        return FailedPreconditionError(id.ToString() +
                                       ": this replica does not hold the workload's shard lease");
      }
    }
    std::map<std::string, std::string> foreign = ForeignAutoscalers();
    auto it = foreign.find(id.ns + "/" + id.name);
    if (it != foreign.end()) {
      return FailedPreconditionError(id.ToString() + ": managed by " + it->second +
                                     ", which Crescendo does not own; not changed");
    }
    return Status::Ok();
  }

  void PostEvent(const Found& workload, std::string reason, std::string action, std::string note) {
    const Json& meta = workload.object["metadata"];
    EventFields f{meta.value("namespace", ""),
                  meta.value("name", ""),
                  meta.value("uid", ""),
                  workload.kind->kind,
                  std::move(reason),
                  std::move(action),
                  std::move(note),
                  options_.identity,
                  clock().Now()};
    const std::string path = fmt::format("/apis/events.k8s.io/v1/namespaces/{}/events", f.ns);
    StatusOr<ApiResponse> r = client_->Call("POST", path, EventOf(f).dump());
    if (r.ok() && r->status / 100 == 2) client_->CountEvent();
  }

  // The workload's identity and bounds, when Crescendo manages it: annotated, named in the
  // configuration, or (`owned_hpa`) targeted by an HPA labelled as Crescendo's.
  std::optional<ManagedWorkload> Managed(const Json& d, bool owned_hpa) const {
    const Json& meta = d["metadata"];
    const std::string ns = meta.value("namespace", "");
    const std::string name = meta.value("name", "");
    const std::string mode = Annotation(d, kModeAnnotation);
    bool named = false;
    for (const WorkloadId& w : options_.workloads) named |= w.ns == ns && w.name == name;
    if (mode.empty() && !named && !owned_hpa) return std::nullopt;
    ManagedWorkload w;
    const std::string tenant = Annotation(d, kTenantAnnotation);
    w.id = {options_.environment, tenant.empty() ? ns : tenant, ns, name};
    w.mode = mode;
    w.min_replicas = IntAnnotation(d, kMinAnnotation, 1);
    w.max_replicas = IntAnnotation(d, kMaxAnnotation, 10);
    return w;
  }

  // "namespace/name" -> the starting specs of the HPA and VPA labelled
  // app.kubernetes.io/managed-by=crescendo that target it, decoded by the one HPA decoder
  // (hpa::DecodeHpa) and the one VPA decoder (vertical::ParseVpaManifest; JSON is YAML).
  std::map<std::string, ManagedWorkload> OwnedAutoscalers() const {
    std::map<std::string, ManagedWorkload> out;
    hpas_.ForEach([&](const Json& a) {
      const std::optional<AutoscalerTarget> target = TargetOf(a, "scaleTargetRef");
      if (!target || !target->owned) return;
      const std::string& key = target->key;
      StatusOr<hpa::HpaObject> decoded = hpa::DecodeHpa(a, "HorizontalPodAutoscaler " + KeyOf(a));
      if (decoded.ok()) {
        out[key].horizontal = decoded->spec;
      } else {
        out[key].import_error = decoded.status().message();
      }
    });
    vpas_.ForEach([&](const Json& a) {
      const std::optional<AutoscalerTarget> target = TargetOf(a, "targetRef");
      if (!target || !target->owned) return;
      const std::string& key = target->key;
      StatusOr<VerticalSpec> decoded =
          vertical::ParseVpaManifest(a.dump(), "VerticalPodAutoscaler " + KeyOf(a));
      if (decoded.ok()) {
        out[key].vertical = *std::move(decoded);
      } else {
        out[key].import_error = decoded.status().message();
      }
    });
    return out;
  }

  // "namespace/name" -> "HorizontalPodAutoscaler ns/name" for every HPA or VPA that targets a
  // Deployment, StatefulSet or ReplicaSet and is not labelled
  // app.kubernetes.io/managed-by=crescendo.
  std::map<std::string, std::string> ForeignAutoscalers() const {
    std::map<std::string, std::string> out;
    auto add = [&out](const Json& a, const char* kind, const char* ref) {
      const std::optional<AutoscalerTarget> target = TargetOf(a, ref);
      if (target && !target->owned) out[target->key] = std::string(kind) + " " + KeyOf(a);
    };
    hpas_.ForEach([&](const Json& a) { add(a, "HorizontalPodAutoscaler", "scaleTargetRef"); });
    vpas_.ForEach([&](const Json& a) { add(a, "VerticalPodAutoscaler", "targetRef"); });
    return out;
  }

  ApiClient& client() { return *client_; }
  Clock& clock() { return client_->clock(); }
  const KubernetesOptions& options() const { return options_; }
  ~Cluster() override {
    deployments_.Stop();
    statefulsets_.Stop();
    replicasets_.Stop();
    pods_.Stop();
    hpas_.Stop();
    vpas_.Stop();
  }

 private:
  KubernetesOptions options_;
  std::unique_ptr<ApiClient> client_;
  const Informer& InformerOf(const Kind& k) const {
    return &k == &kKinds[0] ? deployments_ : &k == &kKinds[1] ? statefulsets_ : replicasets_;
  }

  Informer deployments_, statefulsets_, replicasets_, pods_, hpas_, vpas_;
  Backend backend_;
  std::shared_ptr<PodMetricsSource> metrics_;
  mutable std::mutex mu_;
  WriteFence fence_;  // guarded by mu_
};

StatusOr<ClusterSnapshot> Backend::Snapshot() {
  ClusterSnapshot snapshot;
  snapshot.time = cluster_->clock().Now();
  const PodIndex pods = cluster_->PodsByNamespace();
  for (const ManagedWorkload& m : cluster_->Workloads()) {
    const Found f = cluster_->Workload(m.id);
    if (f.kind == nullptr) continue;
    WorkloadState w = WorkloadStateOf(f.object);
    w.id = m.id;
    for (const Json* pod : Cluster::Select(f.object, pods)) w.pods.push_back(PodStateOf(*pod));
    snapshot.workloads.push_back(std::move(w));
  }
  return snapshot;
}

Status Backend::SetReplicas(const WorkloadId& workload, int32_t replicas) {
  CRESCENDO_RETURN_IF_ERROR(cluster_->MayWrite(workload));
  const Found d = cluster_->Workload(workload);
  if (d.kind == nullptr) return NotFoundError(workload.ToString() + ": " + kNoSuchWorkload);
  const std::string path = WorkloadPath(*d.kind, workload.ns, workload.name) + "/scale";
  ApiClient& client = cluster_->client();
  for (int attempt = 0; attempt <= cluster_->options().conflict_retries; ++attempt) {
    // Read the scale, then write it back with the resourceVersion read: a concurrent change
    // answers 409 Conflict, and the loop reads again (optimistic concurrency).
    CRESCENDO_ASSIGN_OR_RETURN(ApiResponse got, client.Call("GET", path));
    if (got.status != 200) return StatusFromResponse("GET", path, got);
    Json scale = Json::parse(got.body, nullptr, false);
    if (!scale.is_object()) return InvalidArgumentError("GET " + path + ": expected a Scale");
    const int32_t before = scale.value("spec", Json::object()).value("replicas", 0);
    if (before == replicas) return Status::Ok();
    CRESCENDO_RETURN_IF_ERROR(cluster_->MayWrite(workload));  // fencing at apply time
    CRESCENDO_ASSIGN_OR_RETURN(ApiResponse put,
                               client.Call("PUT", path, ScaleWithReplicas(scale, replicas).dump()));
    if (put.status == 409) continue;
    if (put.status / 100 != 2) return StatusFromResponse("PUT", path, put);
    cluster_->PostEvent(d, replicas > before ? "ScaledUp" : "ScaledDown", "Scale",
                        fmt::format("Crescendo set replicas from {} to {}", before, replicas));
    return Status::Ok();
  }
  return Status(StatusCode::kAborted, fmt::format("PUT {}: 409 Conflict {} times in a row", path,
                                                  cluster_->options().conflict_retries + 1));
}

Status Backend::SetResources(const WorkloadId& workload, const ResourceUpdate& update) {
  CRESCENDO_RETURN_IF_ERROR(cluster_->MayWrite(workload));
  const Found d = cluster_->Workload(workload);
  if (d.kind == nullptr) return NotFoundError(workload.ToString() + ": " + kNoSuchWorkload);
  const WorkloadState state = WorkloadStateOf(d.object);
  for (const ContainerResources& c : update.containers) {
    bool known = false;
    for (const ContainerResources& t : state.template_containers) known |= t.name == c.name;
    if (!known) return NotFoundError(workload.ToString() + ": no container " + c.name);
    if (c.requests.cpu_millis < 0 || c.requests.memory_bytes < 0) {
      return InvalidArgumentError(workload.ToString() + ": negative request for " + c.name);
    }
  }
  ApiClient& client = cluster_->client();
  const Json pod_patch = ContainersPatch(update.containers);
  const std::string path = WorkloadPath(*d.kind, workload.ns, workload.name);
  CRESCENDO_ASSIGN_OR_RETURN(ApiResponse r,
                             client.Call("PATCH", path, WrapInTemplate(pod_patch).dump(),
                                         "application/strategic-merge-patch+json"));
  if (r.status / 100 != 2) return StatusFromResponse("PATCH", path, r);
  int in_place = 0, evicted = 0;
  if (update.method != ResizeMethod::kTemplateOnly) {
    std::map<std::string, PodState> pods;
    const PodIndex index = cluster_->PodsByNamespace();  // outlives the pointers into it
    for (const Json* p : Cluster::Select(d.object, index)) {
      PodState s = PodStateOf(*p);
      pods[s.name] = s;
    }
    for (const std::string& name : update.pods) {
      auto it = pods.find(name);
      if (it == pods.end()) continue;  // unknown names are skipped
      const std::string pod_path = fmt::format("/api/v1/namespaces/{}/pods/{}", workload.ns, name);
      const bool resize = update.method == ResizeMethod::kInPlaceOrRecreate &&
                          it->second.resize != ResizeStatus::kInfeasible;
      StatusOr<ApiResponse> a =
          resize ? client.Call("PATCH", pod_path + "/resize", pod_patch.dump(),
                               "application/strategic-merge-patch+json")
                 : client.Call("POST", pod_path + "/eviction",
                               Json{{"apiVersion", "policy/v1"},
                                    {"kind", "Eviction"},
                                    {"metadata", {{"name", name}, {"namespace", workload.ns}}}}
                                   .dump());
      if (!a.ok() || a->status / 100 != 2) continue;  // a refused eviction (PDB) waits
      (resize ? in_place : evicted)++;
    }
  }
  cluster_->PostEvent(d, in_place > 0 ? "ResizedInPlace" : "Resized", "Resize",
                      fmt::format("Crescendo set the pod template's resources; {} pods resized "
                                  "in place, {} evicted",
                                  in_place, evicted));
  return Status::Ok();
}

StatusOr<std::vector<WorkloadMetric>> PodMetricsSource::Read(const MetricRequest& request) {
  const bool cpu = request.metric == "cpu";
  std::vector<WorkloadMetric> out(request.workloads.size());
  for (WorkloadMetric& m : out) {
    m.metric = request.metric;
    m.time = request.now;
  }
  if (!cpu && request.metric != "memory") {
    for (WorkloadMetric& m : out) {
      m.status = NotFoundError("kubernetes-metrics serves cpu and memory, not " + request.metric);
    }
    return out;
  }
  // One list per namespace: PodMetrics of every pod in it.
  std::map<std::string, StatusOr<Json>> by_namespace;
  for (const WorkloadId& id : request.workloads) {
    if (by_namespace.count(id.ns)) continue;
    const std::string path = fmt::format("/apis/metrics.k8s.io/v1beta1/namespaces/{}/pods", id.ns);
    StatusOr<ApiResponse> r = cluster_->client().Call("GET", path);
    if (!r.ok()) {
      by_namespace.emplace(id.ns, r.status());
    } else if (r->status != 200) {
      by_namespace.emplace(id.ns, StatusFromResponse("GET", path, *r));
    } else {
      by_namespace.emplace(id.ns, Json::parse(r->body, nullptr, false));
    }
  }
  // PodMetrics by namespace and pod name, and the pods by namespace.
  std::map<std::string, std::map<std::string, const Json*>> samples;
  for (const auto& [ns, list] : by_namespace) {
    if (!list.ok() || !list->is_object() || !list->contains("items")) continue;
    for (const Json& pm : (*list)["items"]) {
      samples[ns][pm["metadata"].value("name", "")] = &pm;
    }
  }
  const PodIndex pods = cluster_->PodsByNamespace();
  auto names = std::make_shared<NameStore>();  // the pod and container names of the answer
  for (size_t i = 0; i < request.workloads.size(); ++i) {
    const WorkloadId& id = request.workloads[i];
    const StatusOr<Json>& list = by_namespace.at(id.ns);
    if (!list.ok()) {
      out[i].status = UnavailableError(list.status().message());
      continue;
    }
    const Found d = cluster_->Workload(id);
    if (d.kind == nullptr) {
      out[i].status = NotFoundError(id.ToString() + ": " + kNoSuchWorkload);
      continue;
    }
    for (const Json* pod : Cluster::Select(d.object, pods)) {
      const std::string name = (*pod)["metadata"].value("name", "");
      auto found = samples[id.ns].find(name);
      if (found == samples[id.ns].end()) continue;  // no sample yet (a new or unready pod)
      const Json& pm = *found->second;
      StatusOr<Timestamp> t = ParseRfc3339(pm.value("timestamp", ""));
      StatusOr<Duration> window = ParseDuration(pm.value("window", "0s"));
      for (const Json& c : pm.value("containers", Json::array())) {
        const Resources usage = ResourcesOf(c.value("usage", Json::object()));
        out[i].pods.push_back({names->Add(name),
                               static_cast<double>(cpu ? usage.cpu_millis : usage.memory_bytes),
                               t.ok() ? *t : request.now, window.ok() ? *window : Duration(0),
                               names->Add(c.value("name", ""))});
      }
    }
    if (!out[i].pods.empty()) out[i].names = names;
    if (out[i].pods.empty()) {
      out[i].status = UnavailableError(id.ToString() +
                                       ": metrics.k8s.io has no PodMetrics for "
                                       "any of its pods");
    }
  }
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<KubernetesCluster>> KubernetesCluster::Connect(KubernetesOptions options) {
  static RealClock real_clock;
  Clock* clock = options.clock != nullptr ? options.clock : &real_clock;
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client,
                             ApiClient::Create(options.credentials, options.client,
                                               "crescendo/" + options.identity, clock));
  auto cluster = std::make_unique<Cluster>(std::move(options), std::move(client));
  Status started = cluster->Start();
  if (!started.ok()) {
    return UnavailableError(started.message()).WithContext("connecting to the API server");
  }
  return std::unique_ptr<KubernetesCluster>(std::move(cluster));
}

std::vector<ApiCall> RequiredApiCalls() {
  std::vector<ApiCall> calls = {
      {"apps", "deployments", "list"},
      {"apps", "deployments", "watch"},
      {"apps", "deployments", "patch"},
      {"apps", "deployments/scale", "get"},
      {"apps", "deployments/scale", "update"},
      {"apps", "statefulsets", "list"},
      {"apps", "statefulsets", "watch"},
      {"apps", "statefulsets", "patch"},
      {"apps", "statefulsets/scale", "get"},
      {"apps", "statefulsets/scale", "update"},
      {"apps", "replicasets", "list"},
      {"apps", "replicasets", "watch"},
      {"apps", "replicasets", "patch"},
      {"apps", "replicasets/scale", "get"},
      {"apps", "replicasets/scale", "update"},
      {"", "pods", "list"},
      {"", "pods", "watch"},
      {"", "pods/resize", "patch"},
      {"", "pods/eviction", "create"},
      {"autoscaling", "horizontalpodautoscalers", "list"},
      {"autoscaling", "horizontalpodautoscalers", "watch"},
      {"autoscaling.k8s.io", "verticalpodautoscalers", "list"},
      {"autoscaling.k8s.io", "verticalpodautoscalers", "watch"},
      {"metrics.k8s.io", "pods", "list"},
      {"events.k8s.io", "events", "create"},
      {"coordination.k8s.io", "leases", "list"},
      {"coordination.k8s.io", "leases", "create"},
      {"coordination.k8s.io", "leases", "update"},
  };
  std::sort(calls.begin(), calls.end());
  return calls;
}

}  // namespace crescendo::kubernetes
