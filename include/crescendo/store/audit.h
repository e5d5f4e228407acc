// The audit log's hash chain.
//
// Each entry carries the hash of the entry before it (prev_hash; 64 zeros for the first) and its
// own hash: SHA-256 over prev_hash and its fields (time, actor, action, target, tenant, outcome,
// detail), each length-prefixed so no two field lists hash alike. The sequence number is not
// hashed: the order is proven by the links, so a moved entry is told apart from an altered one.
// The store keeps the head (count and last hash) beside the log, so removing the newest entries
// is found too.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_STORE_AUDIT_H_
#define CRESCENDO_STORE_AUDIT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "crescendo/base/time.h"

namespace crescendo::store {

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, ...; assigned when appended
  Timestamp time;
  std::string actor;    // token id and name, "cli", "engine"
  std::string action;   // e.g. "config.change", "decision.applied", "auth.denied", "backup"
  std::string target;   // what it acted on, e.g. a workload id or a config version
  std::string tenant;   // the tenant concerned; empty when global
  std::string outcome;  // "ok", "denied", "failed"
  std::string detail;   // JSON text
  std::string prev_hash;
  std::string hash;
};

// The newest entry's seq and hash (0 and the zero hash when the log is empty).
struct AuditHead {
  int64_t count = 0;
  std::string hash;
};

// 64 zeros: the prev_hash of the first entry.
std::string ZeroHash();

// Returns the lowercase hex SHA-256 of `entry`'s prev_hash and fields (not seq, not hash).
std::string AuditHash(const AuditEntry& entry);

// The first problem of a chain.
struct AuditFinding {
  int64_t seq = 0;      // the entry named (for a removal: the first missing seq)
  std::string problem;  // "altered", "removed", "reordered"
  std::string message;  // one line naming the entry and what was found
};

// Checks `entries` (read in seq order) against `head`. Returns the first problem, or nullopt
// when every entry is intact, in place and none is missing.
std::optional<AuditFinding> VerifyAuditChain(std::span<const AuditEntry> entries,
                                             const AuditHead& head);

}  // namespace crescendo::store

#endif  // CRESCENDO_STORE_AUDIT_H_
