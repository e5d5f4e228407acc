// ApiServerDouble: a Kubernetes API server double for tests, never part of the product.
//
// It serves, on 127.0.0.1 and a free port, the shapes the Kubernetes API reference documents:
// apps/v1 Deployments (list, watch, PATCH) with their autoscaling/v1 `scale` subresource (GET,
// PUT with optimistic concurrency: a stale metadata.resourceVersion gets 409 Conflict); core/v1
// Pods (list, watch) with the `resize` subresource (PATCH) and `eviction` (POST);
// metrics.k8s.io/v1beta1 PodMetrics; autoscaling/v2 HorizontalPodAutoscalers; events.k8s.io/v1
// Events (POST); coordination.k8s.io/v1 Leases (list, GET, POST, PUT with 409 on a stale
// resourceVersion). Errors are metav1 Status objects with reason and code. Watches stream
// newline-delimited {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":...} events from a
// resourceVersion; one older than the compacted history gets an ERROR event with a 410
// "Expired" Status, as the real server sends it. The VPA's group is not installed (404).
//
// A Deployment owns `spec.replicas` pods named NAME-K, Running and Ready, labelled app=NAME;
// those of AddDeployment started 10 minutes before, those added by a scale-up just now.
//
// Faults: FailNext() answers the next matching requests with a status (429 with Retry-After,
// 409, 500, 503); DropWatches() cuts every open watch connection; Compact() forgets the
// history, so the next watch from an older resourceVersion gets 410; SetMetricsAvailable(false)
// makes metrics.k8s.io answer 503. Slow and dropped connections: StallNext() answers the next
// matching requests only after a delay (longer than the client's timeout, it times out);
// CutNext() announces the whole body in Content-Length, sends half of it and closes the
// connection; SilenceWatches(true) keeps watches open but sends nothing (no events, no
// bookmarks) until SilenceWatches(false); CutWatchesMidEvent() sends half of each watch's next
// event line and closes that watch.
//
// Thread safety: every method may be called from any thread while it serves.
#ifndef CRESCENDO_TESTS_INTEGRATION_KUBERNETES_API_SERVER_DOUBLE_H_
#define CRESCENDO_TESTS_INTEGRATION_KUBERNETES_API_SERVER_DOUBLE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace crescendo::testing {

class ApiServerDouble {
 public:
  ApiServerDouble();  // starts serving
  ~ApiServerDouble();

  std::string url() const;  // "http://127.0.0.1:PORT"
  // Writes a kubeconfig naming this server and a bearer token to `path`.
  void WriteKubeconfig(const std::string& path) const;

  void AddDeployment(const std::string& ns, const std::string& name, int32_t replicas,
                     int64_t cpu_request_millis, const nlohmann::json& annotations);
  // A Deployment, StatefulSet or ReplicaSet (`kind`) with one container "main" and pods
  // labelled app=<name>; `owner_deployment`, for a ReplicaSet, names the Deployment that
  // controls it (an ownerReference with controller: true).
  void AddWorkload(const std::string& kind, const std::string& ns, const std::string& name,
                   int32_t replicas, int64_t cpu_request_millis, const nlohmann::json& annotations,
                   const std::string& owner_deployment = "");
  // An autoscaling/v2 HPA on Deployment `target`; `ours`: labelled managed-by crescendo.
  // `spec` fields replace the defaults (minReplicas 1, maxReplicas 10, no metrics);
  // `api_version` autoscaling/v2 unless given.
  void AddHpa(const std::string& ns, const std::string& name, const std::string& target, bool ours,
              const nlohmann::json& spec = nlohmann::json::object(),
              const std::string& api_version = "autoscaling/v2");
  // Every pod of the Deployment uses this much (container "main").
  void SetUsage(const std::string& ns, const std::string& deployment, int64_t cpu_millis,
                int64_t memory_bytes);
  void SetMetricsAvailable(bool available);

  void FailNext(const std::string& method, const std::string& path_contains, int status, int count,
                int retry_after_seconds = -1);
  void StallNext(const std::string& method, const std::string& path_contains,
                 std::chrono::milliseconds stall, int count);
  void CutNext(const std::string& method, const std::string& path_contains, int count);
  void SilenceWatches(bool silent);
  void CutWatchesMidEvent();
  void DropWatches();
  void Compact();

  struct Request {
    std::chrono::steady_clock::time_point time;
    std::string agent, method, path;
    int status = 0;
  };
  struct Write {  // a successful PUT of a scale subresource
    std::chrono::steady_clock::time_point time;
    std::string agent, ns, name;
    int32_t replicas = 0;
  };
  struct LeaseRecord {  // every successful create or update of a Lease
    std::chrono::steady_clock::time_point time;
    std::string name, holder;
    int64_t duration_seconds = 0;
  };
  std::vector<Request> requests() const;
  std::vector<Write> writes() const;
  std::vector<LeaseRecord> lease_records() const;
  std::vector<nlohmann::json> events() const;
  int32_t Replicas(const std::string& ns, const std::string& name) const;
  nlohmann::json Deployment(const std::string& ns, const std::string& name) const;
  int open_watches() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace crescendo::testing

#endif  // CRESCENDO_TESTS_INTEGRATION_KUBERNETES_API_SERVER_DOUBLE_H_
