// Informer: one resource's objects, kept current by list and watch (client-go's Reflector).
//
// Start() lists (all pages, `limit` and `continue`) and then a thread watches from the list's
// resourceVersion with allowWatchBookmarks: ADDED and MODIFIED replace an object, DELETED
// removes it, BOOKMARK only moves the resourceVersion. When the server ends the watch or the
// connection drops, the thread watches again from the last resourceVersion; on 410 Gone
// (an HTTP answer or an ERROR event whose Status has code 410, reason Expired) it lists afresh.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
//
// Thread safety: every method may be called from any thread.
#ifndef CRESCENDO_KUBERNETES_INFORMER_H_
#define CRESCENDO_KUBERNETES_INFORMER_H_

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "kubernetes/api_client.h"

namespace crescendo::kubernetes {

class Informer {
 public:
  // `path`: the collection, e.g. "/apis/apps/v1/deployments". `optional`: a 404 on the first
  // list (an API group not installed, such as the VPA's CRD) leaves the informer empty.
  Informer(ApiClient* client, std::string path, bool optional = false);
  ~Informer();

  // Lists and starts watching. Errors: the first list's (Unavailable, PermissionDenied...).
  Status Start();
  void Stop();

  // Calls `fn` with every object, under the informer's lock (keep it short).
  void ForEach(const std::function<void(const nlohmann::json&)>& fn) const;
  // Returns the object "namespace/name", or null when absent.
  nlohmann::json Get(const std::string& key) const;
  // Returns a number that changes whenever the cache changes.
  uint64_t generation() const { return generation_.load(); }
  std::string resource_version() const;

 private:
  Status List();
  void Loop();
  // Applies one watch line; false: stop this watch (an ERROR event). Sets *gone on 410.
  bool Apply(std::string_view line, bool* gone);

  ApiClient* client_;
  const std::string path_;
  const bool optional_;
  bool absent_ = false;  // optional and not served
  mutable std::mutex mu_;
  std::map<std::string, nlohmann::json> objects_;  // guarded by mu_
  std::string resource_version_;                   // guarded by mu_
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Returns "namespace/name" of an object.
std::string KeyOf(const nlohmann::json& object);

}  // namespace crescendo::kubernetes

#endif  // CRESCENDO_KUBERNETES_INFORMER_H_
