// The Kubernetes cluster behind the engine: a ClusterBackend and a MetricSource over the REST API.
//
// KubernetesCluster::Connect() lists and then watches Deployments and Pods (resourceVersion,
// allowWatchBookmarks, a fresh list after 410 Gone or a dropped watch) into a cache that
// Snapshot() reads without a round trip. SetReplicas() reads and writes the `scale`
// subresource with the read resourceVersion (409 Conflict: read again and retry, a bounded
// number of times); SetResources() patches the pods' `resize` subresource for
// kInPlaceOrRecreate (Kubernetes 1.33+), evicts pods for kRecreate, and always patches the pod
// template. Every applied change is reported as an events.k8s.io/v1 Event with a reason. Every
// request passes a client-side token bucket (qps, burst) and is retried with exponential
// backoff and jitter on 429 (honouring Retry-After) and 5xx.
//
// Which workloads: those named in KubernetesOptions::workloads, and those annotated
// `crescendo.io/mode`. A workload targeted by a HorizontalPodAutoscaler or
// VerticalPodAutoscaler that Crescendo does not own (no label `app.kubernetes.io/managed-by:
// crescendo`) is reported by Workloads() with `foreign_autoscaler` set, and every write to it
// is refused with FailedPrecondition.
//
// Errors (ClusterBackend's): Unavailable when the API server cannot be reached or keeps
// answering 429/5xx; NotFound for a workload not in the cache; InvalidArgument for a request
// the server rejects (422, 400); PermissionDenied for 403; FailedPrecondition for a write the
// fence refuses (a shard lease not held) or a foreign autoscaler; Aborted when 409 persists.
//
// Thread safety: KubernetesCluster's methods may be called from any thread; backend() follows
// ClusterBackend's contract (engine thread), metrics() allows concurrent Read().
#ifndef CRESCENDO_KUBERNETES_KUBERNETES_H_
#define CRESCENDO_KUBERNETES_KUBERNETES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/cluster/cluster_backend.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/ids.h"

namespace crescendo::kubernetes {

// Where the API server is and how to authenticate to it. PEM data is held decoded.
struct Credentials {
  std::string server;  // "https://10.0.0.1:6443"; http:// only for tests
  std::string ca_file;
  std::string ca_data;
  bool insecure_skip_tls_verify = false;
  std::string token;       // bearer token
  std::string token_file;  // read on every request (rotated service-account tokens)
  std::string client_certificate_file;
  std::string client_certificate_data;
  std::string client_key_file;
  std::string client_key_data;
  std::string origin;  // where these came from, for messages ("kubeconfig FILE, context C")
};

// Reads a kubeconfig: the context `context` (empty: current-context), its cluster (server,
// certificate-authority(-data), insecure-skip-tls-verify) and user (token, tokenFile,
// client-certificate(-data), client-key(-data)). Relative file paths are taken from the
// kubeconfig's folder, as kubectl does.
// Errors: NotFound when the file cannot be read; InvalidArgument naming the file, the field
// (e.g. "contexts[name=dev].context.cluster") and what was expected.
StatusOr<Credentials> LoadKubeconfig(const std::string& path, std::string_view context = "");

// The in-cluster service account: `dir` holds token and ca.crt
// (/var/run/secrets/kubernetes.io/serviceaccount), the server is
// https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (pass the variables' values).
// Errors: FailedPrecondition when a variable is unset or the token is missing.
StatusOr<Credentials> InClusterCredentials(const std::string& dir, const char* service_host,
                                           const char* service_port);

struct ClientOptions {
  // client-go's rest.Config defaults are 5 qps, burst 10; kube-controller-manager (the HPA's
  // home) runs with --kube-api-qps 20 and --kube-api-burst 30. Crescendo posts Events too.
  double qps = 20;
  int32_t burst = 40;
  int32_t max_attempts = 6;  // per request, on 429, 5xx and transport errors
  Duration initial_backoff = std::chrono::milliseconds(100);
  Duration max_backoff = std::chrono::seconds(10);
  Duration request_timeout = std::chrono::seconds(15);
  Duration watch_timeout = std::chrono::minutes(5);  // timeoutSeconds of one watch request
  // A watch that receives nothing for this long is given up and started again from its last
  // resourceVersion (a stream that went silent: a dead proxy, a half-open connection). The API
  // server sends a bookmark about every minute to a watch that allows them (the watch cache's
  // defaultBookmarkFrequency = time.Minute, k8s.io/apiserver/pkg/storage/cacher/cacher.go), so
  // three minutes is three missed bookmarks. 0: never.
  Duration watch_idle_timeout = std::chrono::minutes(3);
  uint64_t seed = 1;  // backoff jitter
};

struct KubernetesOptions {
  Credentials credentials;
  ClientOptions client;
  std::string environment = "prod";    // WorkloadId::environment of every workload
  std::string identity = "crescendo";  // Event reportingInstance, User-Agent, lease holder
  // Workloads managed regardless of annotations (environment ignored when matching).
  std::vector<WorkloadId> workloads;
  int32_t conflict_retries = 5;  // 409 on scale: read again and retry this many times
  Clock* clock = nullptr;        // null: the real clock (event times, backoff sleeps)
};

// A workload the cluster offers for management.
struct ManagedWorkload {
  WorkloadId id;  // tenant: annotation crescendo.io/tenant, else the namespace
  std::string kind = "Deployment";
  std::string mode;                 // crescendo.io/mode, or "" when only configured by name
  int32_t min_replicas = 1;         // crescendo.io/min-replicas, or the foreign HPA's
  int32_t max_replicas = 10;        // crescendo.io/max-replicas, or the foreign HPA's
  bool foreign_autoscaler = false;  // an HPA or VPA not owned by Crescendo targets it
  std::string autoscaler;           // "HorizontalPodAutoscaler ns/name" when foreign
  // Imported starting specs: those of an HPA and a VPA labelled
  // app.kubernetes.io/managed-by=crescendo that target it (such an HPA also makes the workload
  // managed, in mode crescendo.io/mode or else "kubernetes"). An owned object that does not
  // decode leaves its spec unset and says why in `import_error`.
  std::optional<HorizontalSpec> horizontal;
  std::optional<VerticalSpec> vertical;
  std::string import_error;
};

// Counters of what the client went through, for logs and tests.
struct ClientStats {
  int64_t requests = 0;
  int64_t retries = 0;    // 429, 5xx and transport retries
  int64_t throttled = 0;  // 429 answers
  int64_t conflicts = 0;  // 409 answers
  int64_t relists = 0;    // lists after the first, per resource
  int64_t watch_restarts = 0;
  int64_t events = 0;  // Events posted
};

// Whether a write to `workload` may happen now (the shard fence); true: allowed.
using WriteFence = std::function<bool(const WorkloadId& workload)>;

class KubernetesCluster {
 public:
  // Lists Deployments, Pods and autoscalers and starts the watches.
  // Errors: Unavailable when the first list fails; the client's errors otherwise.
  static StatusOr<std::unique_ptr<KubernetesCluster>> Connect(KubernetesOptions options);
  virtual ~KubernetesCluster() = default;

  // The backend over the cache; owned by this object.
  virtual ClusterBackend& backend() = 0;
  // The MetricSource "kubernetes-metrics": metrics.k8s.io/v1beta1 PodMetrics, metrics "cpu"
  // (millicores) and "memory" (bytes), one PodMetric per container.
  virtual std::shared_ptr<MetricSource> metrics() = 0;
  // The workloads named in the options or annotated, as the cache holds them now.
  virtual std::vector<ManagedWorkload> Workloads() const = 0;
  // Writes to a workload for which `fence` returns false are refused (FailedPrecondition).
  virtual void SetFence(WriteFence fence) = 0;
  virtual ClientStats stats() const = 0;
};

// One call the backend makes: RBAC's apiGroup, resource (with subresource: "deployments/scale")
// and verb. The deploy/ ClusterRole grants exactly these.
struct ApiCall {
  std::string group;  // "" for the core group
  std::string resource;
  std::string verb;
  friend auto operator<=>(const ApiCall&, const ApiCall&) = default;
};

// Returns every call KubernetesCluster and ShardLeases make, sorted.
std::vector<ApiCall> RequiredApiCalls();

}  // namespace crescendo::kubernetes

#endif  // CRESCENDO_KUBERNETES_KUBERNETES_H_
