// Store: where the control plane keeps its state (configuration versions, decisions with their
// traces, engine checkpoints, metric rollups, the audit log, tokens and data keys).
//
// One schema, created and upgraded by versioned migrations (schema_migrations table), on two
// back ends behind this one interface:
//   SQLite      a file path ("state.db"), the embedded default (WAL, synchronous=FULL);
//   PostgreSQL  a "postgresql://..." URL, for several replicas sharing one database.
// Every write method is one transaction: it is wholly stored or wholly absent, whatever happens
// to the process. Writers are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction
// advisory lock), so the audit chain has one order across replicas.
//
// Errors: Unavailable when the database cannot be reached or a statement fails for a reason
// outside the caller's control (the message names the statement's purpose and the database's
// message); NotFound for a missing version or token; Aborted for a stale expected version;
// InvalidArgument for a malformed URL or backup document; DataLoss for a database whose schema
// is newer than this program.
//
// Thread safety: every method may be called from any thread (one connection, serialised).
#ifndef CRESCENDO_STORE_STORE_H_
#define CRESCENDO_STORE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/store/audit.h"

namespace crescendo::store {

// One version of the whole configuration: its files (path relative to the configuration root
// -> YAML text), who made it, when and why, and its line diff against the version before.
struct ConfigVersion {
  int64_t version = 0;  // 1, 2, ...; assigned by AppendConfigVersion
  std::string author;
  Timestamp time;
  std::string message;
  std::map<std::string, std::string> files;
  std::string diff;
};

// One decision of one tick. `trace` is sealed (security::Sealer) because its reasons quote
// metric values; `key_version` names the data key that sealed it (0: stored in the clear).
struct DecisionRecord {
  int64_t id = 0;  // assigned by RecordTick
  int64_t tick = 0;
  Timestamp time;
  std::string workload;  // WorkloadId::ToString()
  std::string tenant;
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  bool applied = false;
  std::string status;  // empty when OK
  std::string trace;
  int64_t key_version = 0;
};

// One sealed sample of a sensitive metric.
struct MetricRollup {
  std::string tenant;
  std::string workload;
  std::string metric;
  Timestamp time;
  std::string sealed;  // ciphertext (security::Sealer), never the value in the clear
  int64_t key_version = 0;
};

// The newest recommendation of one workload (what the engine would do and why, horizontal and
// vertical), replaced at every tick. `sealed` is a JSON document sealed under the tenant's data
// key (its traces quote metric values); `key_version` names that key.
struct RecommendationRecord {
  std::string workload;  // WorkloadId::ToString()
  std::string tenant;
  int64_t tick = 0;
  Timestamp time;
  std::string sealed;
  int64_t key_version = 0;
};

// A client certificate identity: a certificate whose subject CN or a subject alternative name
// equals `subject` (and that the server's client CA verified) authenticates with `grants`.
struct IdentityRecord {
  std::string subject;  // e.g. "ci" (a CN) or "ci.example.com" (a DNS name)
  std::string name;
  std::string grants;  // JSON, as TokenRecord::grants
  Timestamp created;
};

struct Checkpoint {
  int64_t tick = 0;
  Timestamp time;     // simulated time of the tick
  std::string state;  // Engine::Checkpoint() as JSON text
};

// A bearer token: the secret is never stored, only its Argon2id hash.
struct TokenRecord {
  std::string id;  // public part of the token, e.g. "a1b2c3d4e5f6"
  std::string name;
  std::string secret_hash;  // argon2id encoded string
  std::string grants;       // JSON: [{"role":"viewer","tenant":"*"}, ...]
  Timestamp created;
  std::optional<Timestamp> revoked;
};

// A tenant's data key, wrapped (encrypted) by the master key.
struct DataKey {
  std::string tenant;
  int64_t version = 0;
  std::string wrapped;  // base64 of nonce | ciphertext | tag
  Timestamp created;
};

// What one engine tick writes, in one transaction.
struct TickRecord {
  Checkpoint checkpoint;
  std::vector<DecisionRecord> decisions;
  std::vector<MetricRollup> rollups;
  std::vector<AuditEntry> audit;  // appended to the chain (seq, hashes filled in)
  std::vector<RecommendationRecord> recommendations;  // each replaces its workload's
};

class Store {
 public:
  virtual ~Store() = default;

  // Returns the schema version (the highest migration applied).
  virtual StatusOr<int64_t> SchemaVersion() = 0;
  // Returns OK when the database answers a trivial query.
  virtual Status Ping() = 0;

  // Appends `v` as version latest+1 with `audit`. Errors: Aborted when the latest version is
  // not `expected_latest` (0: none yet), naming both.
  virtual StatusOr<ConfigVersion> AppendConfigVersion(ConfigVersion v, int64_t expected_latest,
                                                      AuditEntry audit) = 0;
  // Returns the newest version's number (0 when none was stored): a cheap change check.
  virtual StatusOr<int64_t> LatestConfigVersionNumber() = 0;
  // Returns the newest version, or nullopt when none was stored.
  virtual StatusOr<std::optional<ConfigVersion>> LatestConfigVersion() = 0;
  // Errors: NotFound.
  virtual StatusOr<ConfigVersion> GetConfigVersion(int64_t version) = 0;
  // Returns every version, oldest first, without files.
  virtual StatusOr<std::vector<ConfigVersion>> ListConfigVersions() = 0;

  // Stores a tick's decisions, rollups, checkpoint and audit entries.
  virtual Status RecordTick(const TickRecord& tick) = 0;
  // Returns the newest `limit` decisions of `workload` (all workloads when empty), newest first.
  virtual StatusOr<std::vector<DecisionRecord>> ListDecisions(const std::string& workload,
                                                              int64_t limit) = 0;
  virtual StatusOr<std::vector<MetricRollup>> ListRollups(const std::string& tenant,
                                                          int64_t limit) = 0;
  virtual StatusOr<std::optional<Checkpoint>> LatestCheckpoint() = 0;
  // Returns the newest recommendation of `workload`, or nullopt when no tick recorded one.
  virtual StatusOr<std::optional<RecommendationRecord>> LatestRecommendation(
      const std::string& workload) = 0;

  // Appends one entry to the audit chain; returns it with seq, prev_hash and hash set.
  virtual StatusOr<AuditEntry> AppendAudit(AuditEntry entry) = 0;
  // Returns up to `limit` entries with seq > after, in seq order.
  virtual StatusOr<std::vector<AuditEntry>> ListAudit(int64_t after, int64_t limit) = 0;
  virtual StatusOr<AuditHead> GetAuditHead() = 0;

  // Stores a new token with `audit`. Errors: AlreadyExists for a reused id.
  virtual Status PutToken(const TokenRecord& token, AuditEntry audit) = 0;
  virtual StatusOr<std::optional<TokenRecord>> FindToken(const std::string& id) = 0;
  virtual StatusOr<std::vector<TokenRecord>> ListTokens() = 0;
  // Errors: NotFound.
  virtual Status RevokeToken(const std::string& id, Timestamp when, AuditEntry audit) = 0;

  // Binds a client certificate subject to grants, with `audit`. Errors: AlreadyExists when the
  // subject is bound (unbind it first).
  virtual Status PutIdentity(const IdentityRecord& identity, AuditEntry audit) = 0;
  virtual StatusOr<std::optional<IdentityRecord>> FindIdentity(const std::string& subject) = 0;
  virtual StatusOr<std::vector<IdentityRecord>> ListIdentities() = 0;
  // Removes a binding, with `audit`. Errors: NotFound.
  virtual Status DeleteIdentity(const std::string& subject, AuditEntry audit) = 0;

  // Stores `keys` (each replacing the stored key of its tenant and version) with `audit`: a
  // server adds a new tenant's key, a rotation re-wraps or adds them all at once.
  virtual Status PutDataKeys(const std::vector<DataKey>& keys, AuditEntry audit) = 0;
  virtual StatusOr<std::vector<DataKey>> ListDataKeys() = 0;

  // Deletes decisions and rollups older than `cutoff` (RecordTick keeps the newest three
  // checkpoints only);
  // returns the rows deleted.
  virtual StatusOr<int64_t> DeleteBefore(Timestamp cutoff) = 0;

  // Returns every row of every table, read in one transaction (a consistent snapshot):
  // {"schema": N, "tables": {"name": [[col, ...], ...]}}.
  virtual StatusOr<nlohmann::json> Dump() = 0;
  // Replaces every table's rows with those of a Dump(), in one transaction. Errors:
  // InvalidArgument naming the table when the document does not fit the schema (nothing
  // changes).
  virtual Status Replace(const nlohmann::json& dump) = 0;
};

// Opens (and migrates) the store at `location`: "postgresql://..." or "postgres://..." for
// PostgreSQL, anything else a SQLite file path (created when missing).
StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location);

}  // namespace crescendo::store

#endif  // CRESCENDO_STORE_STORE_H_
