#include "crescendo/store/audit.h"

#include <openssl/evp.h>

#include <cstdio>
#include <map>

namespace crescendo::store {
namespace {

void AddField(EVP_MD_CTX* ctx, const std::string& field) {
  const uint64_t size = field.size();
  unsigned char prefix[8];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<unsigned char>(size >> (8 * (7 - i)));
  EVP_DigestUpdate(ctx, prefix, sizeof(prefix));
  EVP_DigestUpdate(ctx, field.data(), field.size());
}

}  // namespace

std::string ZeroHash() { return std::string(64, '0'); }

std::string AuditHash(const AuditEntry& e) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const std::string* field :
       {&e.prev_hash, &e.actor, &e.action, &e.target, &e.tenant, &e.outcome, &e.detail}) {
    AddField(ctx, *field);
  }
  AddField(ctx, std::to_string(e.time.time_since_epoch().count()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx, digest, &size);
  EVP_MD_CTX_free(ctx);
  std::string hex(2 * size, '0');
  for (unsigned int i = 0; i < size; ++i) std::snprintf(&hex[2 * i], 3, "%02x", digest[i]);
  return hex;
}

std::optional<AuditFinding> VerifyAuditChain(std::span<const AuditEntry> entries,
                                             const AuditHead& head) {
  std::map<std::string, size_t> position;  // hash -> index, to tell a move from a removal
  for (size_t i = 0; i < entries.size(); ++i) position[entries[i].hash] = i;
  std::string prev = ZeroHash();
  int64_t expected = 1;
  auto finding = [](int64_t seq, std::string problem, std::string message) {
    return AuditFinding{seq, std::move(problem),
                        "entry " + std::to_string(seq) + ": " + std::move(message)};
  };
  for (size_t i = 0; i < entries.size(); ++i, ++expected) {
    const AuditEntry& e = entries[i];
    if (e.seq != expected) {
      return finding(expected, "removed",
                     "missing (the log goes from entry " + std::to_string(expected - 1) +
                         " to entry " + std::to_string(e.seq) + ")");
    }
    if (AuditHash(e) != e.hash) {
      return finding(e.seq, "altered",
                     "altered: its contents do not match its hash " + e.hash.substr(0, 12));
    }
    if (e.prev_hash != prev) {
      auto it = position.find(e.prev_hash);
      if (it != position.end() && it->second > i) {
        return finding(e.seq, "reordered",
                       "reordered: it follows the entry now at " +
                           std::to_string(entries[it->second].seq) + ", which comes after it");
      }
      return finding(e.seq, "removed",
                     "the entry it follows (hash " + e.prev_hash.substr(0, 12) + ") was removed");
    }
    prev = e.hash;
  }
  if (head.count > static_cast<int64_t>(entries.size())) {
    return finding(expected, "removed",
                   "missing: the head records " + std::to_string(head.count) +
                       " entries, the log holds " + std::to_string(entries.size()));
  }
  if (head.count != static_cast<int64_t>(entries.size()) || head.hash != prev) {
    return finding(static_cast<int64_t>(entries.size()), "altered",
                   "the newest entry does not match the recorded head (count " +
                       std::to_string(head.count) + ", hash " + head.hash.substr(0, 12) + ")");
  }
  return std::nullopt;
}

}  // namespace crescendo::store
