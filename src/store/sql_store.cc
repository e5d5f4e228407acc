// SqlStore: the Store over a Db (SQLite or PostgreSQL), with one schema and its migrations.
#include <functional>
#include <mutex>

#include "crescendo/store/store.h"
#include "store/db.h"
#include "store/diff.h"
#include "store/schema.h"

namespace crescendo::store {
namespace {

using Json = nlohmann::json;

Value I(int64_t v) { return std::to_string(v); }
Value T(Timestamp t) { return std::to_string(t.time_since_epoch().count()); }
int64_t ToI(const Value& v) { return v ? std::stoll(*v) : 0; }
Timestamp ToT(const Value& v) { return Timestamp(std::chrono::nanoseconds(ToI(v))); }
std::string ToS(const Value& v) { return v.value_or(""); }

ConfigVersion VersionFromRow(const Row& r, bool with_files) {
  ConfigVersion v;
  v.version = ToI(r[0]);
  v.author = ToS(r[1]);
  v.time = ToT(r[2]);
  v.message = ToS(r[3]);
  if (with_files) v.files = Json::parse(ToS(r[4])).get<std::map<std::string, std::string>>();
  v.diff = ToS(r[5]);
  return v;
}

AuditEntry AuditFromRow(const Row& r) {
  return {ToI(r[0]), ToT(r[1]), ToS(r[2]), ToS(r[3]), ToS(r[4]),
          ToS(r[5]), ToS(r[6]), ToS(r[7]), ToS(r[8]), ToS(r[9])};
}

TokenRecord TokenFromRow(const Row& r) {
  TokenRecord t{ToS(r[0]), ToS(r[1]), ToS(r[2]), ToS(r[3]), ToT(r[4]), std::nullopt};
  if (r[5]) t.revoked = ToT(r[5]);
  return t;
}

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Status Migrate() {
    std::lock_guard lock(mu_);
    CRESCENDO_RETURN_IF_ERROR(
        db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                  "description TEXT NOT NULL, applied_ns BIGINT NOT NULL)")
            .status());
    for (const Migration& m : Migrations()) {
      Status s = Write([&]() -> Status {
        CRESCENDO_ASSIGN_OR_RETURN(
            std::vector<Row> done,
            db_->Exec("SELECT version FROM schema_migrations WHERE version = ?", {I(m.version)}));
        if (!done.empty()) return Status::Ok();
        for (const std::string& sql : m.statements) {
          CRESCENDO_RETURN_IF_ERROR(db_->Exec(sql).status());
        }
        return db_
            ->Exec("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                   {I(m.version), m.description, I(0)})
            .status();
      });
      if (!s.ok()) return s.WithContext("migration " + std::to_string(m.version));
    }
    CRESCENDO_ASSIGN_OR_RETURN(int64_t version, SchemaVersionLocked());
    if (version > Migrations().back().version) {
      return DataLossError("the database's schema is version " + std::to_string(version) +
                           ", newer than this program's " +
                           std::to_string(Migrations().back().version) + ": upgrade crescendo");
    }
    return Status::Ok();
  }

  StatusOr<int64_t> SchemaVersion() override {
    std::lock_guard lock(mu_);
    return SchemaVersionLocked();
  }

  Status Ping() override {
    std::lock_guard lock(mu_);
    return db_->Exec("SELECT 1").status();
  }

  StatusOr<ConfigVersion> AppendConfigVersion(ConfigVersion v, int64_t expected_latest,
                                              AuditEntry audit) override {
    std::lock_guard lock(mu_);
    Status s = Write([&]() -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(
          std::vector<Row> latest,
          db_->Exec("SELECT version, author, time_ns, message, files, diff FROM config_versions "
                    "ORDER BY version DESC LIMIT 1"));
      int64_t current = latest.empty() ? 0 : ToI(latest[0][0]);
      if (current != expected_latest) {
        return Status(StatusCode::kAborted,
                      "the configuration is at version " + std::to_string(current) +
                          ", the change was made against version " +
                          std::to_string(expected_latest) + ": read it again and retry");
      }
      std::map<std::string, std::string> before;
      if (!latest.empty()) before = VersionFromRow(latest[0], true).files;
      v.version = current + 1;
      v.diff = DiffFiles(before, v.files);
      CRESCENDO_RETURN_IF_ERROR(
          db_->Exec("INSERT INTO config_versions VALUES (?, ?, ?, ?, ?, ?)",
                    {I(v.version), v.author, T(v.time), v.message, Json(v.files).dump(), v.diff})
              .status());
      audit.target = "config version " + std::to_string(v.version);
      return AppendAuditLocked(audit).status();
    });
    if (!s.ok()) return s;
    return v;
  }

  StatusOr<int64_t> LatestConfigVersionNumber() override {
    std::lock_guard lock(mu_);
    return MaxOf("config_versions", "version");
  }

  StatusOr<std::optional<ConfigVersion>> LatestConfigVersion() override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT version, author, time_ns, message, files, diff FROM config_versions "
                  "ORDER BY version DESC LIMIT 1"));
    if (rows.empty()) return std::optional<ConfigVersion>();
    return std::optional<ConfigVersion>(VersionFromRow(rows[0], true));
  }

  StatusOr<ConfigVersion> GetConfigVersion(int64_t version) override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT version, author, time_ns, message, files, diff FROM config_versions "
                  "WHERE version = ?",
                  {I(version)}));
    if (rows.empty()) {
      return NotFoundError("no configuration version " + std::to_string(version));
    }
    return VersionFromRow(rows[0], true);
  }

  StatusOr<std::vector<ConfigVersion>> ListConfigVersions() override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT version, author, time_ns, message, '', diff FROM config_versions "
                  "ORDER BY version"));
    std::vector<ConfigVersion> out;
    for (const Row& r : rows) out.push_back(VersionFromRow(r, false));
    return out;
  }

  Status RecordTick(const TickRecord& tick) override {
    std::lock_guard lock(mu_);
    return Write([&]() -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(int64_t id, MaxOf("decisions", "id"));
      for (const DecisionRecord& d : tick.decisions) {
        CRESCENDO_RETURN_IF_ERROR(
            db_->Exec("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      {I(++id), I(d.tick), T(d.time), d.workload, d.tenant, I(d.current_replicas),
                       I(d.desired_replicas), I(d.applied ? 1 : 0), d.status, d.trace,
                       I(d.key_version)})
                .status());
      }
      CRESCENDO_ASSIGN_OR_RETURN(int64_t rollup, MaxOf("metric_rollups", "id"));
      for (const MetricRollup& m : tick.rollups) {
        CRESCENDO_RETURN_IF_ERROR(
            db_->Exec("INSERT INTO metric_rollups VALUES (?, ?, ?, ?, ?, ?, ?)",
                      {I(++rollup), m.tenant, m.workload, m.metric, T(m.time), m.sealed,
                       I(m.key_version)})
                .status());
      }
      const Checkpoint& c = tick.checkpoint;
      CRESCENDO_RETURN_IF_ERROR(
          db_->Exec("DELETE FROM checkpoints WHERE tick >= ?", {I(c.tick)}).status());
      CRESCENDO_RETURN_IF_ERROR(
          db_->Exec("INSERT INTO checkpoints VALUES (?, ?, ?)", {I(c.tick), T(c.time), c.state})
              .status());
      CRESCENDO_RETURN_IF_ERROR(
          db_->Exec("DELETE FROM checkpoints WHERE tick < ?", {I(c.tick - kCheckpointsKept)})
              .status());
      for (const RecommendationRecord& r : tick.recommendations) {
        CRESCENDO_RETURN_IF_ERROR(
            db_->Exec("DELETE FROM recommendations WHERE workload = ?", {r.workload}).status());
        CRESCENDO_RETURN_IF_ERROR(
            db_->Exec("INSERT INTO recommendations VALUES (?, ?, ?, ?, ?, ?)",
                      {r.workload, r.tenant, I(r.tick), T(r.time), r.sealed, I(r.key_version)})
                .status());
      }
      for (const AuditEntry& e : tick.audit) {
        CRESCENDO_RETURN_IF_ERROR(AppendAuditLocked(e).status());
      }
      return Status::Ok();
    });
  }

  StatusOr<std::optional<RecommendationRecord>> LatestRecommendation(
      const std::string& workload) override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT workload, tenant, tick, time_ns, sealed, key_version FROM "
                  "recommendations WHERE workload = ?",
                  {workload}));
    if (rows.empty()) return std::optional<RecommendationRecord>();
    const Row& r = rows[0];
    return std::optional<RecommendationRecord>(
        RecommendationRecord{ToS(r[0]), ToS(r[1]), ToI(r[2]), ToT(r[3]), ToS(r[4]), ToI(r[5])});
  }

  Status PutIdentity(const IdentityRecord& identity, AuditEntry audit) override {
    std::lock_guard lock(mu_);
    return Write([&]() -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(
          std::vector<Row> rows,
          db_->Exec("SELECT subject FROM identities WHERE subject = ?", {identity.subject}));
      if (!rows.empty()) {
        return AlreadyExistsError("subject " + identity.subject +
                                  " is already bound: unbind it first");
      }
      CRESCENDO_RETURN_IF_ERROR(
          db_->Exec("INSERT INTO identities VALUES (?, ?, ?, ?)",
                    {identity.subject, identity.name, identity.grants, T(identity.created)})
              .status());
      return AppendAuditLocked(audit).status();
    });
  }

  StatusOr<std::optional<IdentityRecord>> FindIdentity(const std::string& subject) override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT subject, name, grants, created_ns FROM identities WHERE subject = ?",
                  {subject}));
    if (rows.empty()) return std::optional<IdentityRecord>();
    return std::optional<IdentityRecord>(
        IdentityRecord{ToS(rows[0][0]), ToS(rows[0][1]), ToS(rows[0][2]), ToT(rows[0][3])});
  }

  StatusOr<std::vector<IdentityRecord>> ListIdentities() override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT subject, name, grants, created_ns FROM identities ORDER BY subject"));
    std::vector<IdentityRecord> out;
    for (const Row& r : rows) out.push_back({ToS(r[0]), ToS(r[1]), ToS(r[2]), ToT(r[3])});
    return out;
  }

  Status DeleteIdentity(const std::string& subject, AuditEntry audit) override {
    std::lock_guard lock(mu_);
    return Write([&]() -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(
          std::vector<Row> rows,
          db_->Exec("SELECT subject FROM identities WHERE subject = ?", {subject}));
      if (rows.empty()) return NotFoundError("no identity is bound to subject " + subject);
      CRESCENDO_RETURN_IF_ERROR(
          db_->Exec("DELETE FROM identities WHERE subject = ?", {subject}).status());
      return AppendAuditLocked(audit).status();
    });
  }

  StatusOr<std::vector<DecisionRecord>> ListDecisions(const std::string& workload,
                                                      int64_t limit) override {
    std::lock_guard lock(mu_);
    const std::string cols =
        "SELECT id, tick, time_ns, workload, tenant, current_replicas, desired_replicas, "
        "applied, status, trace, key_version FROM decisions ";
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<Row> rows,
                               workload.empty()
                                   ? db_->Exec(cols + "ORDER BY id DESC LIMIT ?", {I(limit)})
                                   : db_->Exec(cols + "WHERE workload = ? ORDER BY id DESC LIMIT ?",
                                               {workload, I(limit)}));
    std::vector<DecisionRecord> out;
    for (const Row& r : rows) {
      out.push_back({ToI(r[0]), ToI(r[1]), ToT(r[2]), ToS(r[3]), ToS(r[4]),
                     static_cast<int32_t>(ToI(r[5])), static_cast<int32_t>(ToI(r[6])),
                     ToI(r[7]) != 0, ToS(r[8]), ToS(r[9]), ToI(r[10])});
    }
    return out;
  }

  StatusOr<std::vector<MetricRollup>> ListRollups(const std::string& tenant,
                                                  int64_t limit) override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT tenant, workload, metric, time_ns, sealed, key_version FROM "
                  "metric_rollups WHERE tenant = ? ORDER BY id DESC LIMIT ?",
                  {tenant, I(limit)}));
    std::vector<MetricRollup> out;
    for (const Row& r : rows) {
      out.push_back({ToS(r[0]), ToS(r[1]), ToS(r[2]), ToT(r[3]), ToS(r[4]), ToI(r[5])});
    }
    return out;
  }

  StatusOr<std::optional<Checkpoint>> LatestCheckpoint() override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT tick, time_ns, state FROM checkpoints ORDER BY tick DESC LIMIT 1"));
    if (rows.empty()) return std::optional<Checkpoint>();
    return std::optional<Checkpoint>(Checkpoint{ToI(rows[0][0]), ToT(rows[0][1]), ToS(rows[0][2])});
  }

  StatusOr<AuditEntry> AppendAudit(AuditEntry entry) override {
    std::lock_guard lock(mu_);
    StatusOr<AuditEntry> appended = InternalError("not appended");
    Status s = Write([&]() -> Status {
      appended = AppendAuditLocked(std::move(entry));
      return appended.status();
    });
    if (!s.ok()) return s;
    return appended;
  }

  StatusOr<std::vector<AuditEntry>> ListAudit(int64_t after, int64_t limit) override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT seq, time_ns, actor, action, target, tenant, outcome, detail, "
                  "prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                  {I(after), I(limit)}));
    std::vector<AuditEntry> out;
    for (const Row& r : rows) out.push_back(AuditFromRow(r));
    return out;
  }

  StatusOr<AuditHead> GetAuditHead() override {
    std::lock_guard lock(mu_);
    return HeadLocked();
  }

  Status PutToken(const TokenRecord& t, AuditEntry audit) override {
    std::lock_guard lock(mu_);
    return Write([&]() -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<Row> rows,
                                 db_->Exec("SELECT id FROM tokens WHERE id = ?", {t.id}));
      if (!rows.empty()) return AlreadyExistsError("token " + t.id + " already exists");
      CRESCENDO_RETURN_IF_ERROR(db_->Exec("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, NULL)",
                                          {t.id, t.name, t.secret_hash, t.grants, T(t.created)})
                                    .status());
      return AppendAuditLocked(audit).status();
    });
  }

  StatusOr<std::optional<TokenRecord>> FindToken(const std::string& id) override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT id, name, secret_hash, grants, created_ns, revoked_ns FROM tokens "
                  "WHERE id = ?",
                  {id}));
    if (rows.empty()) return std::optional<TokenRecord>();
    return std::optional<TokenRecord>(TokenFromRow(rows[0]));
  }

  StatusOr<std::vector<TokenRecord>> ListTokens() override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT id, name, secret_hash, grants, created_ns, revoked_ns FROM tokens "
                  "ORDER BY created_ns, id"));
    std::vector<TokenRecord> out;
    for (const Row& r : rows) out.push_back(TokenFromRow(r));
    return out;
  }

  Status RevokeToken(const std::string& id, Timestamp when, AuditEntry audit) override {
    std::lock_guard lock(mu_);
    return Write([&]() -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<Row> rows,
                                 db_->Exec("SELECT id FROM tokens WHERE id = ?", {id}));
      if (rows.empty()) return NotFoundError("no token " + id);
      CRESCENDO_RETURN_IF_ERROR(
          db_->Exec("UPDATE tokens SET revoked_ns = ? WHERE id = ?", {T(when), id}).status());
      return AppendAuditLocked(audit).status();
    });
  }

  Status PutDataKeys(const std::vector<DataKey>& keys, AuditEntry audit) override {
    std::lock_guard lock(mu_);
    return Write([&]() -> Status {
      for (const DataKey& k : keys) {
        CRESCENDO_RETURN_IF_ERROR(
            db_->Exec("DELETE FROM data_keys WHERE tenant = ? AND version = ?",
                      {k.tenant, I(k.version)})
                .status());
        CRESCENDO_RETURN_IF_ERROR(db_->Exec("INSERT INTO data_keys VALUES (?, ?, ?, ?)",
                                            {k.tenant, I(k.version), k.wrapped, T(k.created)})
                                      .status());
      }
      return AppendAuditLocked(audit).status();
    });
  }

  StatusOr<std::vector<DataKey>> ListDataKeys() override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db_->Exec("SELECT tenant, version, wrapped, created_ns FROM data_keys ORDER BY tenant, "
                  "version"));
    std::vector<DataKey> out;
    for (const Row& r : rows) out.push_back({ToS(r[0]), ToI(r[1]), ToS(r[2]), ToT(r[3])});
    return out;
  }

  StatusOr<int64_t> DeleteBefore(Timestamp cutoff) override {
    std::lock_guard lock(mu_);
    int64_t deleted = 0;
    Status s = Write([&]() -> Status {
      for (const char* table : {"decisions", "metric_rollups"}) {
        CRESCENDO_ASSIGN_OR_RETURN(
            std::vector<Row> n,
            db_->Exec(std::string("SELECT COUNT(*) FROM ") + table + " WHERE time_ns < ?",
                      {T(cutoff)}));
        deleted += ToI(n[0][0]);
        CRESCENDO_RETURN_IF_ERROR(
            db_->Exec(std::string("DELETE FROM ") + table + " WHERE time_ns < ?", {T(cutoff)})
                .status());
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return deleted;
  }

  StatusOr<Json> Dump() override {
    std::lock_guard lock(mu_);
    CRESCENDO_RETURN_IF_ERROR(db_->BeginRead());
    StatusOr<Json> dump = DumpLocked();
    if (dump.ok()) {
      CRESCENDO_RETURN_IF_ERROR(db_->Commit());
    } else {
      db_->Rollback();
    }
    return dump;
  }

  Status Replace(const Json& dump) override {
    std::lock_guard lock(mu_);
    CRESCENDO_ASSIGN_OR_RETURN(int64_t schema, SchemaVersionLocked());
    if (!dump.is_object() || !dump.contains("tables") || !dump["tables"].is_object() ||
        dump.value("schema", int64_t{-1}) != schema) {
      return InvalidArgumentError("backup: expected {\"schema\": " + std::to_string(schema) +
                                  ", \"tables\": {...}} (a backup of this schema version)");
    }
    for (const TableSpec& t : BackedUpTables()) {
      const Json* rows = dump["tables"].contains(t.name) ? &dump["tables"][t.name] : nullptr;
      if (rows == nullptr || !rows->is_array()) {
        return InvalidArgumentError("backup: table " + t.name + " is missing");
      }
      for (const Json& row : *rows) {
        if (!row.is_array() || row.size() != t.columns.size()) {
          return InvalidArgumentError("backup: table " + t.name + ": a row does not have its " +
                                      std::to_string(t.columns.size()) + " columns");
        }
        for (const Json& cell : row) {
          if (!cell.is_string() && !cell.is_null()) {
            return InvalidArgumentError("backup: table " + t.name + ": a cell is not text");
          }
        }
      }
    }
    return Write([&]() -> Status {
      for (const TableSpec& t : BackedUpTables()) {
        CRESCENDO_RETURN_IF_ERROR(db_->Exec("DELETE FROM " + t.name).status());
        std::string sql = "INSERT INTO " + t.name + " VALUES (";
        for (size_t c = 0; c < t.columns.size(); ++c) sql += c ? ", ?" : "?";
        sql += ")";
        for (const Json& row : dump["tables"][t.name]) {
          std::vector<Value> values;
          for (const Json& cell : row) {
            values.push_back(cell.is_null() ? Value() : Value(cell.get<std::string>()));
          }
          CRESCENDO_RETURN_IF_ERROR(db_->Exec(sql, values).status().WithContext(t.name));
        }
      }
      return Status::Ok();
    });
  }

 private:
  static constexpr int64_t kCheckpointsKept = 3;

  // Runs `body` in a write transaction: committed when it returns OK, else rolled back.
  // REQUIRES: mu_ held.
  Status Write(const std::function<Status()>& body) {
    CRESCENDO_RETURN_IF_ERROR(db_->BeginWrite());
    Status s = body();
    if (s.ok()) s = db_->Commit();
    if (!s.ok()) db_->Rollback();
    return s;
  }

  StatusOr<int64_t> SchemaVersionLocked() {
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<Row> rows,
                               db_->Exec("SELECT MAX(version) FROM schema_migrations"));
    return rows.empty() ? 0 : ToI(rows[0][0]);
  }

  StatusOr<int64_t> MaxOf(const std::string& table, const std::string& column) {
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<Row> rows,
                               db_->Exec("SELECT MAX(" + column + ") FROM " + table));
    return rows.empty() ? 0 : ToI(rows[0][0]);
  }

  StatusOr<AuditHead> HeadLocked() {
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<Row> rows,
                               db_->Exec("SELECT entries, hash FROM audit_head WHERE id = 1"));
    if (rows.empty()) return AuditHead{0, ZeroHash()};
    return AuditHead{ToI(rows[0][0]), ToS(rows[0][1])};
  }

  // REQUIRES: mu_ held, inside a write transaction.
  StatusOr<AuditEntry> AppendAuditLocked(AuditEntry e) {
    CRESCENDO_ASSIGN_OR_RETURN(AuditHead head, HeadLocked());
    e.seq = head.count + 1;
    e.prev_hash = head.hash;
    if (e.outcome.empty()) e.outcome = "ok";
    if (e.detail.empty()) e.detail = "{}";
    e.hash = AuditHash(e);
    CRESCENDO_RETURN_IF_ERROR(
        db_->Exec("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {I(e.seq), T(e.time), e.actor, e.action, e.target, e.tenant, e.outcome, e.detail,
                   e.prev_hash, e.hash})
            .status());
    CRESCENDO_RETURN_IF_ERROR(db_->Exec("DELETE FROM audit_head").status());
    CRESCENDO_RETURN_IF_ERROR(
        db_->Exec("INSERT INTO audit_head VALUES (1, ?, ?)", {I(e.seq), e.hash}).status());
    return e;
  }

  StatusOr<Json> DumpLocked() {
    CRESCENDO_ASSIGN_OR_RETURN(int64_t schema, SchemaVersionLocked());
    Json tables = Json::object();
    for (const TableSpec& t : BackedUpTables()) {
      std::string cols;
      for (const std::string& c : t.columns) cols += (cols.empty() ? "" : ", ") + c;
      CRESCENDO_ASSIGN_OR_RETURN(
          std::vector<Row> rows,
          db_->Exec("SELECT " + cols + " FROM " + t.name + " ORDER BY " + t.order_by));
      Json out = Json::array();
      for (const Row& r : rows) {
        Json row = Json::array();
        for (const Value& v : r) row.push_back(v ? Json(*v) : Json());
        out.push_back(std::move(row));
      }
      tables[t.name] = std::move(out);
    }
    return Json{{"schema", schema}, {"tables", tables}};
  }

  std::mutex mu_;
  std::unique_ptr<Db> db_;
};

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (location.empty()) return InvalidArgumentError("--store: expected a file path or URL");
  const bool postgres =
      location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
  StatusOr<std::unique_ptr<Db>> db = postgres ? OpenPostgres(location) : OpenSqlite(location);
  if (!db.ok()) return db.status();
  auto store = std::make_unique<SqlStore>(std::move(db).value());
  CRESCENDO_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace crescendo::store
