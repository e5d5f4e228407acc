#include "crescendo/kubernetes/shards.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "kubernetes/api_client.h"
#include "kubernetes/objects.h"

namespace crescendo::kubernetes {
namespace {

constexpr char kMemberPrefix[] = "crescendo-member-";
constexpr char kShardPrefix[] = "crescendo-shard-";

// When a Lease runs out: renewTime + leaseDurationSeconds; the epoch when never renewed.
Timestamp ExpiryOf(const Json& lease) {
  const Json spec = lease.value("spec", Json::object());
  StatusOr<Timestamp> renewed = ParseRfc3339(spec.value("renewTime", ""));
  if (!renewed.ok()) return Timestamp();
  return *renewed + std::chrono::seconds(spec.value("leaseDurationSeconds", 0));
}

struct Held {
  Timestamp acquired;       // local time the acquiring request began
  Timestamp renew_started;  // local time the last successful renewal began
};

class Leases final : public ShardLeases {
 public:
  Leases(std::unique_ptr<ApiClient> client, LeaseOptions options, Clock* clock)
      : client_(std::move(client)), options_(std::move(options)), clock_(clock) {}

  Status Reconcile() override {
    const Timestamp now = clock_->Now();
    std::map<std::string, Json> leases;
    const std::string list =
        fmt::format("/apis/coordination.k8s.io/v1/namespaces/{}/leases", options_.ns);
    CRESCENDO_ASSIGN_OR_RETURN(ApiResponse r, client_->Call("GET", list));
    if (r.status != 200) return StatusFromResponse("GET", list, r);
    Json body = Json::parse(r.body, nullptr, false);
    for (Json& l : body.value("items", Json::array())) {
      std::string name = l["metadata"].value("name", "");  // before the move
      leases[name] = std::move(l);
    }
    const std::string me = kMemberPrefix + options_.identity;
    CRESCENDO_RETURN_IF_ERROR(Hold(me, leases, now, /*shard=*/-1));
    std::vector<std::string> members;
    for (const auto& [name, lease] : leases) {
      if (!name.starts_with(kMemberPrefix)) continue;
      if (name == me || ExpiryOf(lease) > now)
        members.push_back(name.substr(strlen(kMemberPrefix)));
    }
    for (int32_t k = 0; k < options_.shards; ++k) {
      const std::string name = kShardPrefix + std::to_string(k);
      auto it = leases.find(name);
      const std::string holder =
          it == leases.end() ? std::string() : it->second["spec"].value("holderIdentity", "");
      const bool mine = holder == options_.identity;
      const bool free = holder.empty() || ExpiryOf(it->second) <= now;
      if (!mine) Forget(k);  // taken over while we were away
      if (OwnerOf(k, members) == options_.identity) {
        if (mine || free) Hold(name, leases, now, k).IgnoreError();  // lost a race: next round
      } else if (mine) {
        Release(name, it->second, k);
      }
    }
    return Status::Ok();
  }

  bool MayAct(const WorkloadId& workload) const override {
    const Timestamp now = clock_->Now();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = held_.find(ShardOf(workload, options_.shards));
    if (it == held_.end()) return false;
    return WithinFence(now, it->second.renew_started, it->second.acquired, options_.lease_duration,
                       options_.safety_margin, options_.settle);
  }

  std::vector<int32_t> Held() const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int32_t> out;
    for (const auto& [k, h] : held_) out.push_back(k);
    return out;
  }

 private:
  // Creates, takes over or renews Lease `name` for this replica; shard -1 is the member Lease.
  Status Hold(const std::string& name, std::map<std::string, Json>& leases, Timestamp now,
              int32_t shard) {
    const std::string base =
        fmt::format("/apis/coordination.k8s.io/v1/namespaces/{}/leases", options_.ns);
    auto it = leases.find(name);
    Json lease = it != leases.end()
                     ? it->second
                     : Json{{"apiVersion", "coordination.k8s.io/v1"},
                            {"kind", "Lease"},
                            {"metadata", {{"name", name}, {"namespace", options_.ns}}},
                            {"spec", {{"leaseTransitions", 0}}}};
    Json& spec = lease["spec"];
    const bool taking = spec.value("holderIdentity", "") != options_.identity;
    if (taking) {
      spec["holderIdentity"] = options_.identity;
      spec["acquireTime"] = FormatMicroTime(now);
      if (it != leases.end()) spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
    }
    spec["renewTime"] = FormatMicroTime(now);
    spec["leaseDurationSeconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(options_.lease_duration).count();
    const bool create = it == leases.end();
    const std::string path = create ? base : base + "/" + name;
    StatusOr<ApiResponse> r = client_->Call(create ? "POST" : "PUT", path, lease.dump());
    if (!r.ok() || r->status / 100 != 2) {
      if (shard >= 0) Forget(shard);
      return r.ok() ? StatusFromResponse(create ? "POST" : "PUT", path, *r) : r.status();
    }
    leases[name] = Json::parse(r->body, nullptr, false);
    if (shard >= 0) {
      std::lock_guard<std::mutex> lock(mu_);
      auto [h, inserted] = held_.try_emplace(shard, ::crescendo::kubernetes::Held{now, now});
      if (taking || inserted) h->second.acquired = now;
      h->second.renew_started = now;
    }
    return Status::Ok();
  }

  void Release(const std::string& name, Json lease, int32_t shard) {
    Forget(shard);  // stop acting first
    lease["spec"]["holderIdentity"] = "";
    const std::string path =
        fmt::format("/apis/coordination.k8s.io/v1/namespaces/{}/leases/{}", options_.ns, name);
    client_->Call("PUT", path, lease.dump()).status().IgnoreError();
  }

  void Forget(int32_t shard) {
    std::lock_guard<std::mutex> lock(mu_);
    held_.erase(shard);
  }

  std::unique_ptr<ApiClient> client_;
  const LeaseOptions options_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::map<int32_t, ::crescendo::kubernetes::Held> held_;  // guarded by mu_
};

}  // namespace

LeaseRenewer::LeaseRenewer(ShardHolder* leases, Clock* clock, Duration every,
                           std::function<void(const Status&)> on_error)
    : thread_([this, leases, clock, every, on_error = std::move(on_error)] {
        for (Timestamp next = clock->Now(); !stop_; next += every) {
          // Sleep in short steps so the destructor never waits a whole round.
          while (!stop_ && clock->Now() < next) {
            clock->SleepUntil(std::min(next, clock->Now() + std::chrono::milliseconds(50)));
          }
          if (stop_) break;
          Status s = leases->Reconcile();
          if (!s.ok() && on_error) on_error(s);
        }
      }) {}

LeaseRenewer::~LeaseRenewer() {
  stop_ = true;
  thread_.join();
}

StatusOr<std::unique_ptr<ShardLeases>> ShardLeases::Create(const Credentials& credentials,
                                                           const ClientOptions& client,
                                                           LeaseOptions options, Clock* clock) {
  if (options.identity.empty()) return InvalidArgumentError("leases: identity must be set");
  if (options.shards < 1) return InvalidArgumentError("leases: shards must be at least 1");
  CRESCENDO_ASSIGN_OR_RETURN(
      std::unique_ptr<ApiClient> api,
      ApiClient::Create(credentials, client, "crescendo/" + options.identity, clock));
  return std::unique_ptr<ShardLeases>(new Leases(std::move(api), std::move(options), clock));
}

}  // namespace crescendo::kubernetes
