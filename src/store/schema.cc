#include "store/schema.h"

namespace crescendo::store {

std::span<const Migration> Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "configuration versions, decisions, rollups, checkpoints, audit log, tokens, data keys",
       {"CREATE TABLE config_versions (version BIGINT PRIMARY KEY, author TEXT NOT NULL, "
        "time_ns BIGINT NOT NULL, message TEXT NOT NULL, files TEXT NOT NULL, diff TEXT NOT "
        "NULL)",
        "CREATE TABLE decisions (id BIGINT PRIMARY KEY, tick BIGINT NOT NULL, time_ns BIGINT NOT "
        "NULL, workload TEXT NOT NULL, tenant TEXT NOT NULL, current_replicas BIGINT NOT NULL, "
        "desired_replicas BIGINT NOT NULL, applied BIGINT NOT NULL, status TEXT NOT NULL, trace "
        "TEXT NOT NULL, key_version BIGINT NOT NULL)",
        "CREATE INDEX decisions_by_workload ON decisions (workload, id)",
        "CREATE TABLE metric_rollups (id BIGINT PRIMARY KEY, tenant TEXT NOT NULL, workload "
        "TEXT NOT NULL, metric TEXT NOT NULL, time_ns BIGINT NOT NULL, sealed TEXT NOT NULL, "
        "key_version BIGINT NOT NULL)",
        "CREATE TABLE checkpoints (tick BIGINT PRIMARY KEY, time_ns BIGINT NOT NULL, state TEXT "
        "NOT NULL)",
        "CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, time_ns BIGINT NOT NULL, actor TEXT NOT "
        "NULL, action TEXT NOT NULL, target TEXT NOT NULL, tenant TEXT NOT NULL, outcome TEXT "
        "NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
        "CREATE TABLE audit_head (id BIGINT PRIMARY KEY, entries BIGINT NOT NULL, hash TEXT NOT "
        "NULL)",
        "CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT "
        "NULL, grants TEXT NOT NULL, created_ns BIGINT NOT NULL, revoked_ns BIGINT)",
        "CREATE TABLE data_keys (tenant TEXT NOT NULL, version BIGINT NOT NULL, wrapped TEXT NOT "
        "NULL, created_ns BIGINT NOT NULL, PRIMARY KEY (tenant, version))"}},
      {2,
       "rollups by tenant and time, for reads and retention",
       {"CREATE INDEX rollups_by_tenant ON metric_rollups (tenant, id)",
        "CREATE INDEX rollups_by_time ON metric_rollups (time_ns)",
        "CREATE INDEX decisions_by_time ON decisions (time_ns)"}},
      {3,
       "the latest recommendation of each workload; client certificate identities",
       {"CREATE TABLE recommendations (workload TEXT PRIMARY KEY, tenant TEXT NOT NULL, tick "
        "BIGINT NOT NULL, time_ns BIGINT NOT NULL, sealed TEXT NOT NULL, key_version BIGINT NOT "
        "NULL)",
        "CREATE TABLE identities (subject TEXT PRIMARY KEY, name TEXT NOT NULL, grants TEXT NOT "
        "NULL, created_ns BIGINT NOT NULL)"}},
  };
  return kMigrations;
}

std::span<const TableSpec> BackedUpTables() {
  static const std::vector<TableSpec> kTables = {
      {"config_versions", {"version", "author", "time_ns", "message", "files", "diff"}, "version"},
      {"decisions",
       {"id", "tick", "time_ns", "workload", "tenant", "current_replicas", "desired_replicas",
        "applied", "status", "trace", "key_version"},
       "id"},
      {"metric_rollups",
       {"id", "tenant", "workload", "metric", "time_ns", "sealed", "key_version"},
       "id"},
      {"checkpoints", {"tick", "time_ns", "state"}, "tick"},
      {"audit_log",
       {"seq", "time_ns", "actor", "action", "target", "tenant", "outcome", "detail", "prev_hash",
        "hash"},
       "seq"},
      {"audit_head", {"id", "entries", "hash"}, "id"},
      {"tokens", {"id", "name", "secret_hash", "grants", "created_ns", "revoked_ns"}, "id"},
      {"data_keys", {"tenant", "version", "wrapped", "created_ns"}, "tenant, version"},
      {"recommendations",
       {"workload", "tenant", "tick", "time_ns", "sealed", "key_version"},
       "workload"},
      {"identities", {"subject", "name", "grants", "created_ns"}, "subject"},
  };
  return kTables;
}

}  // namespace crescendo::store
