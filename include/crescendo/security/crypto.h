// Encryption of sensitive values at rest: AES-256-GCM (OpenSSL EVP) under per-tenant data keys,
// each wrapped (AES-256-GCM too) by a master key that never enters the database.
//
// Sealed text is base64 of nonce (12 bytes, random) | ciphertext | tag (16 bytes). The
// associated data binds each value to its tenant (and, for wrapped keys, to the tenant and key
// version), so a value copied to another tenant's row does not open.
//
// Thread safety: Keyring is not shared across threads without external locking; the free
// functions are pure.
#ifndef CRESCENDO_SECURITY_CRYPTO_H_
#define CRESCENDO_SECURITY_CRYPTO_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"

namespace crescendo::security {

// A 256-bit key.
struct Key {
  std::string bytes;  // 32 bytes
};

// Returns a fresh random key. Errors: Internal when the random generator fails.
StatusOr<Key> NewKey();

// Parses a master key given as 64 hex digits (surrounding whitespace ignored). Errors:
// InvalidArgument naming `origin` (a file path or a variable) and what is expected.
StatusOr<Key> ParseMasterKey(std::string_view text, std::string_view origin);

// Encrypts `plaintext`; returns sealed text. Errors: Internal from OpenSSL.
StatusOr<std::string> Seal(const Key& key, std::string_view plaintext, std::string_view aad);
// Decrypts sealed text. Errors: DataLoss when it is malformed or fails authentication (wrong
// key, altered bytes, other associated data).
StatusOr<std::string> Open(const Key& key, std::string_view sealed, std::string_view aad);

// A data key as stored: wrapped by the master key.
struct WrappedKey {
  std::string tenant;
  int64_t version = 0;
  std::string wrapped;
};

// The tenants' data keys, unwrapped in memory.
class Keyring {
 public:
  // Unwraps `keys` with `master`. Errors: DataLoss naming the tenant whose key does not open
  // (the wrong master key).
  static StatusOr<Keyring> Load(const Key& master, const std::vector<WrappedKey>& keys);

  // Seals `plaintext` for `tenant` under its newest key, creating the tenant's first key when
  // it has none (then changed() is true until the keys are saved). Returns the sealed text and
  // sets *version to the key version used.
  StatusOr<std::string> SealFor(const std::string& tenant, std::string_view plaintext,
                                int64_t* version);
  // Opens a value sealed for `tenant` with key `version`. Errors: NotFound for an unknown key,
  // DataLoss when it does not open.
  StatusOr<std::string> OpenFor(const std::string& tenant, int64_t version,
                                std::string_view sealed) const;

  // Adds a new key version for every tenant: new values use it, old ones still open.
  Status RotateDataKeys();
  // Returns every key wrapped by `master` (the current one, or a new one to rotate the master
  // key: the data keys stay, so nothing sealed needs re-encrypting).
  StatusOr<std::vector<WrappedKey>> Wrap(const Key& master) const;

  bool changed() const { return changed_; }
  void mark_saved() { changed_ = false; }

 private:
  std::map<std::string, std::map<int64_t, Key>> keys_;  // tenant -> version -> key
  bool changed_ = false;
};

}  // namespace crescendo::security

#endif  // CRESCENDO_SECURITY_CRYPTO_H_
