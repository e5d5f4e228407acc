#include "crescendo/store/shard_locks.h"

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace crescendo::store {
namespace {

constexpr int64_t kMemberKey = 2147483647;  // (N, 2^31 - 1): the members' shared lock
// The one-bigint-key lock serialising CREATE TABLE IF NOT EXISTS between replicas (two sessions
// creating the same table at once can both pass the IF NOT EXISTS check): FNV-1a of the name.
constexpr char kCreateLockName[] = "crescendo_shard_members";

using Rows = std::vector<std::vector<std::string>>;

// The namespace's key: 31 bits of FNV-1a, so it reads back from pg_locks.classid (an oid) as is.
int64_t NamespaceKey(const std::string& ns) {
  return static_cast<int64_t>(shards_internal::Fnv1a(ns) & 0x7fffffffull);
}

// "{1,2,3}": an int[] literal.
std::string IntArray(const std::vector<int32_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "}";
}

std::string Trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

struct HeldShard {
  Timestamp acquired;  // when the round that took the lock began
  Timestamp verified;  // when the last round whose queries all succeeded began
};

class Locks final : public ShardHolder {
 public:
  Locks(ShardLockOptions options, Clock* clock)
      : options_(std::move(options)), clock_(clock), key_(NamespaceKey(options_.ns)) {}
  ~Locks() override { Disconnect(); }

  // Connects and joins when not connected. Errors: Unavailable, FailedPrecondition.
  Status Connect() {
    if (conn_ != nullptr) return Status::Ok();
    const std::string timeout_seconds = std::to_string(std::max<int64_t>(
        2, std::chrono::duration_cast<std::chrono::seconds>(options_.lease_duration).count()));
    const std::string timeout_millis = std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease_duration).count());
    const std::string application = "crescendo/" + options_.identity;
    // Ours first: settings in the URL, expanded at `dbname`, override them.
    const char* keys[] = {"connect_timeout", "tcp_user_timeout", "application_name", "dbname",
                          nullptr};
    const char* values[] = {timeout_seconds.c_str(), timeout_millis.c_str(), application.c_str(),
                            options_.url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = Trimmed(PQerrorMessage(conn_));
      Disconnect();
      return UnavailableError("shard locks: postgresql: cannot connect: " + message);
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    Status joined = Join(timeout_millis);
    if (!joined.ok()) Disconnect();
    return joined;
  }

  Status Reconcile() override {
    const Timestamp now = clock_->Now();
    Status s = Round(now);
    if (!s.ok()) Disconnect();  // forget every shard; the server releases what it still holds
    return s;
  }

  bool MayAct(const WorkloadId& workload) const override {
    const Timestamp now = clock_->Now();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = held_.find(ShardOf(workload, options_.shards));
    if (it == held_.end()) return false;
    return WithinFence(now, it->second.verified, it->second.acquired, options_.lease_duration,
                       options_.safety_margin, std::max(options_.settle, options_.lease_duration));
  }

  std::vector<int32_t> Held() const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int32_t> out;
    for (const auto& [k, h] : held_) out.push_back(k);
    return out;
  }

 private:
  // One round on a live connection: read the members, acquire and release, verify the rest.
  Status Round(Timestamp now) {
    CRESCENDO_RETURN_IF_ERROR(Connect());
    CRESCENDO_ASSIGN_OR_RETURN(
        Rows rows,
        Exec("SELECT m.identity FROM crescendo_shard_members m JOIN pg_locks l ON l.pid = m.pid "
             "WHERE m.namespace = $1 AND l.locktype = 'advisory' AND l.granted AND "
             "l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND "
             "l.classid = $2::bigint::oid AND l.objid = $3::bigint::oid AND l.objsubid = 2",
             {options_.ns, std::to_string(key_), std::to_string(kMemberKey)}));
    std::vector<std::string> members;
    for (auto& row : rows) members.push_back(std::move(row[0]));
    if (std::find(members.begin(), members.end(), options_.identity) == members.end()) {
      return UnavailableError("shard locks: this replica's membership row is gone; rejoining");
    }
    std::vector<int32_t> take, release;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int32_t k = 0; k < options_.shards; ++k) {
        const bool mine = OwnerOf(k, members) == options_.identity;
        const bool held = held_.contains(k);
        if (mine && !held) take.push_back(k);
        if (!mine && held) {
          release.push_back(k);
          held_.erase(k);  // stop acting before unlocking
        }
      }
    }
    if (!release.empty()) {
      CRESCENDO_RETURN_IF_ERROR(
          Exec("SELECT pg_advisory_unlock($1::int, k) FROM unnest($2::int[]) AS k",
               {std::to_string(key_), IntArray(release)})
              .status());
    }
    std::vector<int32_t> taken;
    if (!take.empty()) {
      CRESCENDO_ASSIGN_OR_RETURN(
          Rows got, Exec("SELECT k, pg_try_advisory_lock($1::int, k) FROM unnest($2::int[]) AS k",
                         {std::to_string(key_), IntArray(take)}));
      for (const auto& row : got) {
        if (row[1] == "t") taken.push_back(std::stoi(row[0]));  // "f": its holder still lives
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (int32_t k : taken) held_[k].acquired = now;
    for (auto& [k, h] : held_) h.verified = now;
    return Status::Ok();
  }

  // Sets the session's timeouts, creates the members table when missing, and joins.
  Status Join(const std::string& timeout_millis) {
    Status idle = Exec("SET idle_session_timeout = " + timeout_millis).status();
    if (!idle.ok()) {
      return FailedPreconditionError(
          "shard locks: the server lacks idle_session_timeout (PostgreSQL 14 or later is "
          "needed): " +
          std::string(idle.message()));
    }
    CRESCENDO_RETURN_IF_ERROR(Exec("SET statement_timeout = " + timeout_millis).status());
    CRESCENDO_RETURN_IF_ERROR(Exec("BEGIN").status());
    Status s = JoinInTransaction();
    if (!s.ok()) {
      Exec("ROLLBACK").status().IgnoreError();
      return s;
    }
    CRESCENDO_RETURN_IF_ERROR(Exec("COMMIT").status());
    // A shared lock: every member holds it at once, and it ends with the session.
    CRESCENDO_ASSIGN_OR_RETURN(Rows r, Exec("SELECT pg_try_advisory_lock_shared($1::int, $2::int)",
                                            {std::to_string(key_), std::to_string(kMemberKey)}));
    if (r.empty() || r[0][0] != "t") {
      return UnavailableError("shard locks: the membership lock is held exclusively");
    }
    return Status::Ok();
  }

  Status JoinInTransaction() {
    const int64_t create_lock =
        static_cast<int64_t>(shards_internal::Fnv1a(kCreateLockName) & 0x7fffffffffffffffull);
    CRESCENDO_RETURN_IF_ERROR(
        Exec("SELECT pg_advisory_xact_lock($1::bigint)", {std::to_string(create_lock)}).status());
    CRESCENDO_RETURN_IF_ERROR(
        Exec("CREATE TABLE IF NOT EXISTS crescendo_shard_members (namespace text NOT NULL, "
             "identity text NOT NULL, pid integer NOT NULL, PRIMARY KEY (namespace, identity))")
            .status());
    // A row left by a dead session whose pid this session now has would count as live.
    CRESCENDO_RETURN_IF_ERROR(Exec("DELETE FROM crescendo_shard_members WHERE namespace = $1 AND "
                                   "pid = pg_backend_pid() AND identity <> $2",
                                   {options_.ns, options_.identity})
                                  .status());
    return Exec(
               "INSERT INTO crescendo_shard_members (namespace, identity, pid) VALUES ($1, $2, "
               "pg_backend_pid()) ON CONFLICT (namespace, identity) DO UPDATE SET pid = "
               "EXCLUDED.pid",
               {options_.ns, options_.identity})
        .status();
  }

  // Runs one statement. Errors: Unavailable with the server's or libpq's message.
  StatusOr<Rows> Exec(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const std::string& p : params) values.push_back(p.c_str());
    PGresult* res = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      std::string message = Trimmed(res != nullptr ? PQresultErrorMessage(res) : "");
      if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
      PQclear(res);
      return UnavailableError("shard locks: postgresql: " + message);
    }
    Rows rows(PQntuples(res), std::vector<std::string>(PQnfields(res)));
    for (int r = 0; r < PQntuples(res); ++r) {
      for (int c = 0; c < PQnfields(res); ++c) rows[r][c] = PQgetvalue(res, r, c);
    }
    PQclear(res);
    return rows;
  }

  void Disconnect() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_.clear();
    }
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
  }

  const ShardLockOptions options_;
  Clock* clock_;
  const int64_t key_;
  PGconn* conn_ = nullptr;  // Reconcile()'s thread only
  mutable std::mutex mu_;
  std::map<int32_t, HeldShard> held_;  // guarded by mu_
};

}  // namespace

StatusOr<std::unique_ptr<ShardHolder>> ShardLocks::Create(ShardLockOptions options, Clock* clock) {
  if (options.url.empty()) return InvalidArgumentError("shard locks: url must be set");
  if (options.identity.empty()) return InvalidArgumentError("shard locks: identity must be set");
  if (options.shards < 1 || options.shards > kMemberKey - 1) {
    return InvalidArgumentError("shard locks: shards must be between 1 and 2147483646, got " +
                                std::to_string(options.shards));
  }
  if (options.lease_duration < std::chrono::seconds(1) ||
      options.lease_duration <= options.safety_margin) {
    return InvalidArgumentError(
        "shard locks: lease_duration must be at least 1s and above safety_margin");
  }
  auto locks = std::make_unique<Locks>(std::move(options), clock);
  CRESCENDO_RETURN_IF_ERROR(locks->Connect());
  return std::unique_ptr<ShardHolder>(std::move(locks));
}

}  // namespace crescendo::store
