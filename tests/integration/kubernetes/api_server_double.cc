#include "api_server_double.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace crescendo::testing {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The current time, or `ago_seconds` before it, in RFC 3339.
std::string Now3339(int ago_seconds = 0) {
  std::time_t t = std::time(nullptr) - ago_seconds;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// A metav1 Status, as every error of the API carries it.
Json StatusObject(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", Json::object()},
          {"status", "Failure"}, {"message", message}, {"reason", reason},
          {"code", code}};
}

std::string ReasonOf(int code) {
  switch (code) {
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    default:
      return code >= 500 ? "InternalError" : "BadRequest";
  }
}

// Set by the pre-routing handler for a request whose answer CutNext() cuts: each request is
// routed on one worker thread, so the flag reaches the Reply() of that request only.
thread_local bool cut_this_reply = false;

void Reply(httplib::Response& res, int code, const Json& body) {
  res.status = code;
  if (!cut_this_reply) {
    res.set_content(body.dump(), "application/json");
    return;
  }
  // Content-Length announces the whole body; half of it is sent, then the connection closes.
  cut_this_reply = false;
  auto text = std::make_shared<std::string>(body.dump());
  res.set_content_provider(text->size(), "application/json",
                           [text](size_t offset, size_t, httplib::DataSink& sink) {
                             if (offset > 0) return false;
                             sink.write(text->data(), text->size() / 2);
                             return false;  // abort: httplib closes the connection
                           });
}

void Fail(httplib::Response& res, int code, const std::string& message) {
  Reply(res, code, StatusObject(code, ReasonOf(code), message));
}

// Merges containers[].resources of a strategic merge patch into `containers`, by name.
void MergeContainers(Json& containers, const Json& patch) {
  for (const Json& p : patch) {
    for (Json& c : containers) {
      if (c["name"] != p["name"]) continue;
      for (const char* kind : {"requests", "limits"}) {
        if (!p["resources"].contains(kind)) continue;
        for (const auto& [k, v] : p["resources"][kind].items()) c["resources"][kind][k] = v;
      }
    }
  }
}

}  // namespace

struct ApiServerDouble::State {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mu;
  std::condition_variable cv;
  int64_t rv = 1;
  int64_t compacted = 0;  // watches from below this get 410
  int drop_generation = 0;
  int cut_generation = 0;  // CutWatchesMidEvent(): the next event of each watch is cut
  bool silent = false;     // SilenceWatches(): watches send nothing, not even bookmarks
  int open_watches = 0;
  bool metrics_available = true;
  std::map<std::string, Json> deployments, pods, hpas, leases;  // "ns/name" -> object
  std::map<std::string, Json> statefulsets, replicasets;        // "ns/name" -> object

  // REQUIRES: `resource` is deployments, statefulsets or replicasets.
  std::map<std::string, Json>& Workloads(const std::string& resource) {
    return resource == "deployments"    ? deployments
           : resource == "statefulsets" ? statefulsets
                                        : replicasets;
  }

  // The workload a request's path names (matches: 1 namespace, 2 resource, 3 name).
  struct Target {
    std::string resource, key;
    std::map<std::string, Json>* store;
    std::map<std::string, Json>::iterator it;  // store->end() when there is no such workload
  };
  // REQUIRES: mu held.
  Target TargetOf(const httplib::Request& req) {
    Target t{req.matches[2],
             std::string(req.matches[1]) + "/" + std::string(req.matches[3]),
             nullptr,
             {}};
    t.store = &Workloads(t.resource);
    t.it = t.store->find(t.key);
    return t;
  }
  std::map<std::string, std::pair<int64_t, int64_t>> usage;  // deployment key -> cpu, memory
  struct Change {
    int64_t rv;
    std::string collection, type;
    Json object;
  };
  std::vector<Change> history;
  struct Fault {
    std::string method, path;
    int status, count, retry_after;
    std::chrono::milliseconds stall{0};  // StallNext: answer normally after this long
    bool cut = false;                    // CutNext: cut the answer's body in the middle
  };
  std::vector<Fault> faults;
  int faults_answered = 0, faults_logged = 0;
  std::vector<Request> requests;
  std::vector<Write> writes;
  std::vector<LeaseRecord> lease_records;
  std::vector<Json> events;

  // REQUIRES: mu held. Stamps a new resourceVersion on `object`, stores it and records it.
  void Put(const std::string& collection, std::map<std::string, Json>& store, Json object,
           const std::string& type) {
    object["metadata"]["resourceVersion"] = std::to_string(++rv);
    const std::string key = object["metadata"]["namespace"].get<std::string>() + "/" +
                            object["metadata"]["name"].get<std::string>();
    if (type == "DELETED") {
      store.erase(key);
    } else {
      store[key] = object;
    }
    history.push_back({rv, collection, type, std::move(object)});
    cv.notify_all();
  }

  // A Running, Ready pod of Deployment `d` that started `age_seconds` ago.
  Json MakePod(const Json& d, int index, int age_seconds) {
    const std::string name = d["metadata"]["name"];
    Json spec = d["spec"]["template"]["spec"];
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata",
             {{"name", name + "-" + std::to_string(index)},
              {"namespace", d["metadata"]["namespace"]},
              {"uid", name + "-pod-" + std::to_string(index)},
              {"labels", {{"app", name}}}}},
            {"spec", spec},
            {"status",
             {{"phase", "Running"},
              {"startTime", Now3339(age_seconds)},
              {"conditions",
               Json::array(
                   {{{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", Now3339()}}})},
              {"containerStatuses",
               Json::array({{{"name", "main"}, {"restartCount", 0}, {"ready", true}}})}}}};
  }

  // REQUIRES: mu held. Makes the workload's pods match spec.replicas.
  // New pods started `age_seconds` ago (workloads added by the test are long settled).
  void Reconcile(const std::string& resource, const std::string& key, int age_seconds = 0) {
    std::map<std::string, Json>& store = Workloads(resource);
    Json d = store.at(key);
    const int32_t want = d["spec"]["replicas"];
    const std::string prefix = key + "-";
    int have = 0;
    for (auto& [k, p] : pods) have += k.rfind(prefix, 0) == 0 ? 1 : 0;
    for (int i = have; i < want; ++i) Put("pods", pods, MakePod(d, i, age_seconds), "ADDED");
    for (int i = have - 1; i >= want; --i) {
      auto it = pods.find(prefix + std::to_string(i));
      if (it != pods.end()) Put("pods", pods, it->second, "DELETED");
    }
    if (d["status"]["replicas"] != want) {
      d["status"]["replicas"] = want;
      d["status"]["readyReplicas"] = want;
      Put(resource, store, d, "MODIFIED");
    }
  }

  Json List(const std::string& kind, const std::map<std::string, Json>& store) const {
    Json items = Json::array();
    for (const auto& [k, v] : store) items.push_back(v);
    return {{"kind", kind},
            {"apiVersion", "v1"},
            {"metadata", {{"resourceVersion", std::to_string(rv)}}},
            {"items", items}};
  }

  void Serve(const std::string& collection, const std::string& kind,
             std::map<std::string, Json>& store, const httplib::Request& req,
             httplib::Response& res);
  void Routes();
};

void ApiServerDouble::State::Serve(const std::string& collection, const std::string& kind,
                                   std::map<std::string, Json>& store, const httplib::Request& req,
                                   httplib::Response& res) {
  std::unique_lock<std::mutex> lock(mu);
  if (req.get_param_value("watch") != "1" && req.get_param_value("watch") != "true") {
    Reply(res, 200, List(kind, store));
    return;
  }
  const int64_t from = std::stoll(req.get_param_value("resourceVersion").empty()
                                      ? "0"
                                      : req.get_param_value("resourceVersion"));
  const int timeout =
      req.has_param("timeoutSeconds") ? std::stoi(req.get_param_value("timeoutSeconds")) : 300;
  const bool bookmarks = req.get_param_value("allowWatchBookmarks") == "true";
  struct Stream {
    int64_t cursor;
    int generation, cut_generation;
    Clock::time_point end, last_sent;
    bool expired;
  };
  auto s = std::make_shared<Stream>(Stream{from, drop_generation, cut_generation,
                                           Clock::now() + std::chrono::seconds(timeout),
                                           Clock::now(), from < compacted});
  open_watches++;
  res.set_chunked_content_provider(
      "application/json",
      [this, s, collection, bookmarks](size_t, httplib::DataSink& sink) {
        std::unique_lock<std::mutex> l(mu);
        auto send = [&](const Json& event) {
          const std::string line = event.dump() + "\n";
          sink.write(line.data(), line.size());
          s->last_sent = Clock::now();
        };
        if (s->expired) {
          send({{"type", "ERROR"},
                {"object", StatusObject(410, "Expired",
                                        "too old resource version: " + std::to_string(s->cursor) +
                                            " (" + std::to_string(compacted) + ")")}});
          sink.done();
          return true;
        }
        cv.wait_for(l, std::chrono::milliseconds(200));
        if (drop_generation != s->generation) return false;  // cut the connection
        if (silent) return true;                             // connected, sending nothing
        auto first = std::upper_bound(history.begin(), history.end(), s->cursor,
                                      [](int64_t v, const Change& c) { return v < c.rv; });
        for (auto it = first; it != history.end(); ++it) {
          const Change& c = *it;
          if (c.collection != collection) {
            s->cursor = c.rv;
            continue;
          }
          if (cut_generation != s->cut_generation) {
            // Half of the event's line, no newline, and the connection closes.
            const std::string line = Json{{"type", c.type}, {"object", c.object}}.dump();
            sink.write(line.data(), line.size() / 2);
            return false;
          }
          s->cursor = c.rv;
          send({{"type", c.type}, {"object", c.object}});
        }
        if (Clock::now() >= s->end) {
          sink.done();
          return true;
        }
        if (bookmarks && Clock::now() - s->last_sent > std::chrono::seconds(1)) {
          s->cursor = std::max(s->cursor, rv);
          send({{"type", "BOOKMARK"},
                {"object",
                 {{"kind", "Bookmark"},
                  {"metadata", {{"resourceVersion", std::to_string(s->cursor)}}}}}});
        }
        return true;
      },
      [this](bool) {
        std::lock_guard<std::mutex> l(mu);
        open_watches--;
      });
}

void ApiServerDouble::State::Routes() {
  server.new_task_queue = [] { return new httplib::ThreadPool(96); };
  server.set_tcp_nodelay(true);  // else Nagle and delayed ACKs add 40 ms to each answer
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu);
    cut_this_reply = false;
    for (Fault& f : faults) {
      if (f.count <= 0 || f.method != req.method || req.path.find(f.path) == std::string::npos) {
        continue;
      }
      f.count--;
      if (f.stall.count() > 0 || f.cut) {
        const std::chrono::milliseconds stall = f.stall;
        cut_this_reply = f.cut;
        lock.unlock();
        std::this_thread::sleep_for(stall);
        return httplib::Server::HandlerResponse::Unhandled;  // then answered as usual
      }
      Fail(res, f.status, "injected by the test");
      if (f.retry_after >= 0) res.set_header("Retry-After", std::to_string(f.retry_after));
      // httplib 0.11 reports a pre-routing answer to the logger twice: the id keeps one.
      res.set_header("X-Fault-Id", std::to_string(++faults_answered));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    if (res.status == 0) return;
    if (res.has_header("X-Fault-Id")) {
      const int id = std::stoi(res.get_header_value("X-Fault-Id"));
      if (id <= faults_logged) return;
      faults_logged = id;
    }
    requests.push_back(
        {Clock::now(), req.get_header_value("User-Agent"), req.method, req.path, res.status});
  });
  server.Get("/apis/apps/v1/deployments", [this](const auto& req, auto& res) {
    Serve("deployments", "DeploymentList", deployments, req, res);
  });
  server.Get("/apis/apps/v1/statefulsets", [this](const auto& req, auto& res) {
    Serve("statefulsets", "StatefulSetList", statefulsets, req, res);
  });
  server.Get("/apis/apps/v1/replicasets", [this](const auto& req, auto& res) {
    Serve("replicasets", "ReplicaSetList", replicasets, req, res);
  });
  server.Get("/api/v1/pods",
             [this](const auto& req, auto& res) { Serve("pods", "PodList", pods, req, res); });
  server.Get("/apis/autoscaling/v2/horizontalpodautoscalers", [this](const auto& req, auto& res) {
    Serve("hpas", "HorizontalPodAutoscalerList", hpas, req, res);
  });
  const std::string workload =
      R"(/apis/apps/v1/namespaces/([^/]+)/(deployments|statefulsets|replicasets)/([^/]+))";
  const std::string scale = workload + "/scale";
  server.Get(scale, [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    const Target t = TargetOf(req);
    if (t.it == t.store->end()) return Fail(res, 404, t.resource + ".apps not found");
    const Json& d = t.it->second;
    Reply(res, 200,
          {{"kind", "Scale"},
           {"apiVersion", "autoscaling/v1"},
           {"metadata",
            {{"name", d["metadata"]["name"]},
             {"namespace", d["metadata"]["namespace"]},
             {"uid", d["metadata"]["uid"]},
             {"resourceVersion", d["metadata"]["resourceVersion"]}}},
           {"spec", {{"replicas", d["spec"]["replicas"]}}},
           {"status",
            {{"replicas", d["status"]["replicas"]},
             {"selector", "app=" + d["metadata"]["name"].get<std::string>()}}}});
  });
  server.Put(scale, [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    const Target t = TargetOf(req);
    const std::string& resource = t.resource;
    const std::string& key = t.key;
    std::map<std::string, Json>& store = *t.store;
    const auto it = t.it;
    if (it == store.end()) return Fail(res, 404, resource + ".apps not found");
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body["spec"]["replicas"].is_number()) {
      return Fail(res, 400, "expected a Scale with spec.replicas");
    }
    const Json& rv_sent = body["metadata"]["resourceVersion"];
    if (rv_sent.is_string() && rv_sent != it->second["metadata"]["resourceVersion"]) {
      return Reply(res, 409,
                   StatusObject(409, "Conflict",
                                "Operation cannot be fulfilled on " + resource + ".apps \"" +
                                    std::string(req.matches[3]) +
                                    "\": the object has been modified; please apply your "
                                    "changes to the latest version and try again"));
    }
    Json d = it->second;
    d["spec"]["replicas"] = body["spec"]["replicas"];
    Put(resource, store, d, "MODIFIED");
    writes.push_back({Clock::now(), req.get_header_value("User-Agent"), req.matches[1],
                      req.matches[3], body["spec"]["replicas"].get<int32_t>()});
    Reconcile(resource, key);
    body["metadata"]["resourceVersion"] = store[key]["metadata"]["resourceVersion"];
    Reply(res, 200, body);
  });
  server.Patch(workload, [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    const Target t = TargetOf(req);
    if (t.it == t.store->end()) return Fail(res, 404, t.resource + ".apps not found");
    Json patch = Json::parse(req.body, nullptr, false);
    Json d = t.it->second;
    MergeContainers(d["spec"]["template"]["spec"]["containers"],
                    patch["spec"]["template"]["spec"]["containers"]);
    Put(t.resource, *t.store, d, "MODIFIED");
    Reply(res, 200, (*t.store)[t.key]);
  });
  server.Patch(R"(/api/v1/namespaces/([^/]+)/pods/([^/]+)/resize)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard<std::mutex> lock(mu);
                 const std::string key =
                     std::string(req.matches[1]) + "/" + std::string(req.matches[2]);
                 auto it = pods.find(key);
                 if (it == pods.end()) return Fail(res, 404, "pods not found");
                 Json patch = Json::parse(req.body, nullptr, false);
                 Json p = it->second;
                 MergeContainers(p["spec"]["containers"], patch["spec"]["containers"]);
                 Put("pods", pods, p, "MODIFIED");
                 Reply(res, 200, pods[key]);
               });
  server.Post(R"(/api/v1/namespaces/([^/]+)/pods/([^/]+)/eviction)",
              [this](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard<std::mutex> lock(mu);
                auto it =
                    pods.find(std::string(req.matches[1]) + "/" + std::string(req.matches[2]));
                if (it == pods.end()) return Fail(res, 404, "pods not found");
                Put("pods", pods, it->second, "DELETED");
                Reply(res, 201, {{"kind", "Status"}, {"status", "Success"}, {"code", 201}});
              });
  server.Get(
      R"(/apis/metrics.k8s.io/v1beta1/namespaces/([^/]+)/pods)",
      [this](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(mu);
        if (!metrics_available) {
          return Fail(res, 503,
                      "the server is currently unable to handle the request (get "
                      "pods.metrics.k8s.io)");
        }
        Json items = Json::array();
        for (const auto& [key, pod] : pods) {
          if (pod["metadata"]["namespace"] != std::string(req.matches[1])) continue;
          auto u = usage.find(std::string(req.matches[1]) + "/" +
                              pod["metadata"]["labels"]["app"].get<std::string>());
          if (u == usage.end()) continue;
          items.push_back(
              {{"kind", "PodMetrics"},
               {"apiVersion", "metrics.k8s.io/v1beta1"},
               {"metadata",
                {{"name", pod["metadata"]["name"]},
                 {"namespace", pod["metadata"]["namespace"]},
                 {"labels", pod["metadata"]["labels"]}}},
               {"timestamp", Now3339()},
               {"window", "30s"},
               {"containers", Json::array({{{"name", "main"},
                                            {"usage",
                                             {{"cpu", std::to_string(u->second.first) + "m"},
                                              {"memory", std::to_string(u->second.second)}}}}})}});
        }
        Reply(res, 200,
              {{"kind", "PodMetricsList"},
               {"apiVersion", "metrics.k8s.io/v1beta1"},
               {"metadata", Json::object()},
               {"items", items}});
      });
  server.Post(R"(/apis/events.k8s.io/v1/namespaces/([^/]+)/events)",
              [this](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard<std::mutex> lock(mu);
                Json e = Json::parse(req.body, nullptr, false);
                if (!e.is_object() || e.value("reason", "").empty() || !e.contains("regarding") ||
                    !e.contains("eventTime") || e.value("reportingController", "").empty()) {
                  return Fail(res, 422,
                              "Event is invalid: reason, regarding, eventTime and "
                              "reportingController are required");
                }
                events.push_back(e);
                Reply(res, 201, e);
              });
  const std::string leases_path = R"(/apis/coordination.k8s.io/v1/namespaces/([^/]+)/leases)";
  server.Get(leases_path, [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    std::map<std::string, Json> in_ns;
    for (const auto& [k, v] : leases) {
      if (v["metadata"]["namespace"] == std::string(req.matches[1])) in_ns[k] = v;
    }
    Reply(res, 200, List("LeaseList", in_ns));
  });
  auto record_lease = [this](const Json& lease) {
    lease_records.push_back({Clock::now(), lease["metadata"]["name"],
                             lease["spec"].value("holderIdentity", ""),
                             lease["spec"].value("leaseDurationSeconds", 0)});
  };
  server.Post(leases_path, [this, record_lease](const httplib::Request& req,
                                                httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    Json lease = Json::parse(req.body, nullptr, false);
    const std::string key = std::string(req.matches[1]) + "/" + lease["metadata"].value("name", "");
    if (leases.count(key)) return Fail(res, 409, "leases.coordination.k8s.io already exists");
    lease["metadata"]["namespace"] = std::string(req.matches[1]);
    Put("leases", leases, lease, "ADDED");
    record_lease(leases[key]);
    Reply(res, 201, leases[key]);
  });
  server.Get(leases_path + "/([^/]+)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = leases.find(std::string(req.matches[1]) + "/" + std::string(req.matches[2]));
    if (it == leases.end()) return Fail(res, 404, "leases.coordination.k8s.io not found");
    Reply(res, 200, it->second);
  });
  server.Put(leases_path + "/([^/]+)", [this, record_lease](const httplib::Request& req,
                                                            httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    const std::string key = std::string(req.matches[1]) + "/" + std::string(req.matches[2]);
    auto it = leases.find(key);
    if (it == leases.end()) return Fail(res, 404, "leases.coordination.k8s.io not found");
    Json lease = Json::parse(req.body, nullptr, false);
    if (lease["metadata"]["resourceVersion"] != it->second["metadata"]["resourceVersion"]) {
      return Fail(res, 409,
                  "Operation cannot be fulfilled on leases.coordination.k8s.io: "
                  "the object has been modified");
    }
    Put("leases", leases, lease, "MODIFIED");
    record_lease(leases[key]);
    Reply(res, 200, leases[key]);
  });
}

ApiServerDouble::ApiServerDouble() : state_(std::make_unique<State>()) {
  state_->Routes();
  state_->port = state_->server.bind_to_any_port("127.0.0.1");
  state_->thread = std::thread([this] { state_->server.listen_after_bind(); });
  while (!state_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

ApiServerDouble::~ApiServerDouble() {
  DropWatches();
  state_->server.stop();
  state_->thread.join();
}

std::string ApiServerDouble::url() const {
  return "http://127.0.0.1:" + std::to_string(state_->port);
}

void ApiServerDouble::WriteKubeconfig(const std::string& path) const {
  std::ofstream out(path);
  out << "apiVersion: v1\nkind: Config\ncurrent-context: double\n"
      << "clusters:\n- name: double\n  cluster:\n    server: " << url() << "\n"
      << "users:\n- name: crescendo\n  user:\n    token: test-token\n"
      << "contexts:\n- name: double\n  context:\n    cluster: double\n    user: crescendo\n";
}

void ApiServerDouble::AddDeployment(const std::string& ns, const std::string& name,
                                    int32_t replicas, int64_t cpu_request_millis,
                                    const Json& annotations) {
  AddWorkload("Deployment", ns, name, replicas, cpu_request_millis, annotations);
}

void ApiServerDouble::AddWorkload(const std::string& kind, const std::string& ns,
                                  const std::string& name, int32_t replicas,
                                  int64_t cpu_request_millis, const Json& annotations,
                                  const std::string& owner_deployment) {
  const std::string resource = kind == "Deployment"    ? "deployments"
                               : kind == "StatefulSet" ? "statefulsets"
                                                       : "replicasets";
  std::lock_guard<std::mutex> lock(state_->mu);
  Json container = {
      {"name", "main"},
      {"image", "registry.example/app:1"},
      {"resources",
       {{"requests", {{"cpu", std::to_string(cpu_request_millis) + "m"}, {"memory", "128Mi"}}},
        {"limits", Json::object()}}}};
  Json d = {{"apiVersion", "apps/v1"},
            {"kind", kind},
            {"metadata",
             {{"name", name},
              {"namespace", ns},
              {"uid", ns + "-" + name},
              {"annotations", annotations.is_object() ? annotations : Json::object()}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", {{"app", name}}}}},
              {"template",
               {{"metadata", {{"labels", {{"app", name}}}}},
                {"spec", {{"containers", Json::array({container})}}}}}}},
            {"status", {{"replicas", 0}}}};
  if (!owner_deployment.empty()) {
    d["metadata"]["ownerReferences"] = Json::array({{{"apiVersion", "apps/v1"},
                                                     {"kind", "Deployment"},
                                                     {"name", owner_deployment},
                                                     {"uid", ns + "-" + owner_deployment},
                                                     {"controller", true}}});
  }
  state_->Put(resource, state_->Workloads(resource), d, "ADDED");
  state_->Reconcile(resource, ns + "/" + name, /*age_seconds=*/600);
}

void ApiServerDouble::AddHpa(const std::string& ns, const std::string& name,
                             const std::string& target, bool ours, const Json& spec,
                             const std::string& api_version) {
  std::lock_guard<std::mutex> lock(state_->mu);
  Json labels = ours ? Json{{"app.kubernetes.io/managed-by", "crescendo"}} : Json::object();
  Json full = {
      {"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", target}}},
      {"minReplicas", 1},
      {"maxReplicas", 10}};
  full.update(spec);
  state_->Put("hpas", state_->hpas,
              {{"apiVersion", api_version},
               {"kind", "HorizontalPodAutoscaler"},
               {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
               {"spec", full}},
              "ADDED");
}

void ApiServerDouble::SetUsage(const std::string& ns, const std::string& deployment,
                               int64_t cpu_millis, int64_t memory_bytes) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->usage[ns + "/" + deployment] = {cpu_millis, memory_bytes};
}

void ApiServerDouble::SetMetricsAvailable(bool available) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->metrics_available = available;
}

void ApiServerDouble::FailNext(const std::string& method, const std::string& path_contains,
                               int status, int count, int retry_after_seconds) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->faults.push_back({method, path_contains, status, count, retry_after_seconds});
}

void ApiServerDouble::StallNext(const std::string& method, const std::string& path_contains,
                                std::chrono::milliseconds stall, int count) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->faults.push_back({method, path_contains, 0, count, -1, stall, false});
}

void ApiServerDouble::CutNext(const std::string& method, const std::string& path_contains,
                              int count) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->faults.push_back({method, path_contains, 0, count, -1, {}, true});
}

void ApiServerDouble::SilenceWatches(bool silent) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->silent = silent;
  state_->cv.notify_all();
}

void ApiServerDouble::CutWatchesMidEvent() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->cut_generation++;
  state_->cv.notify_all();
}

void ApiServerDouble::DropWatches() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->drop_generation++;
  state_->cv.notify_all();
}

void ApiServerDouble::Compact() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->compacted = ++state_->rv;
  state_->history.clear();
}

std::vector<ApiServerDouble::Request> ApiServerDouble::requests() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->requests;
}
std::vector<ApiServerDouble::Write> ApiServerDouble::writes() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->writes;
}
std::vector<ApiServerDouble::LeaseRecord> ApiServerDouble::lease_records() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->lease_records;
}
std::vector<Json> ApiServerDouble::events() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->events;
}
int32_t ApiServerDouble::Replicas(const std::string& ns, const std::string& name) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (const char* resource : {"deployments", "statefulsets", "replicasets"}) {
    const auto& store = state_->Workloads(resource);
    auto it = store.find(ns + "/" + name);
    if (it != store.end()) return it->second["spec"]["replicas"];
  }
  ADD_FAILURE() << "no workload " << ns << "/" << name;
  return -1;
}
Json ApiServerDouble::Deployment(const std::string& ns, const std::string& name) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->deployments.at(ns + "/" + name);
}
int ApiServerDouble::open_watches() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->open_watches;
}

}  // namespace crescendo::testing
