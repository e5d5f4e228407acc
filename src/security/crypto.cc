#include "crescendo/security/crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <memory>

namespace crescendo::security {
namespace {

constexpr int kNonceBytes = 12;  // GCM's recommended IV size (NIST SP 800-38D, 5.2.1.1)
constexpr int kTagBytes = 16;

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(n);
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string WrapAad(const std::string& tenant, int64_t version) {
  return "crescendo data key|" + tenant + "|" + std::to_string(version);
}

}  // namespace

StatusOr<Key> NewKey() {
  Key key{std::string(32, '\0')};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.bytes.data()), 32) != 1) {
    return InternalError("crypto: the random generator failed");
  }
  return key;
}

StatusOr<Key> ParseMasterKey(std::string_view text, std::string_view origin) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  Key key;
  bool hex = text.size() == 64;
  for (size_t i = 0; hex && i < 64; i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
      hex = false;
      break;
    }
    key.bytes.push_back(static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  if (!hex) {
    return InvalidArgumentError(std::string(origin) +
                                ": expected a 256-bit master key as 64 hex digits (e.g. from "
                                "`openssl rand -hex 32`), found " +
                                std::to_string(text.size()) + " characters");
  }
  return key;
}

StatusOr<std::string> Seal(const Key& key, std::string_view plaintext, std::string_view aad) {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(bytes, kNonceBytes) != 1) return InternalError("crypto: random failed");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok =
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.bytes.data()), bytes) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), bytes + kNonceBytes, &n,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceBytes + n, &n) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          bytes + kNonceBytes + plaintext.size()) == 1;
  if (!ok) return InternalError("crypto: AES-256-GCM encryption failed");
  return Base64(out);
}

StatusOr<std::string> Open(const Key& key, std::string_view sealed, std::string_view aad) {
  std::optional<std::string> raw = FromBase64(sealed);
  if (!raw || raw->size() < static_cast<size_t>(kNonceBytes + kTagBytes)) {
    return DataLossError("crypto: the sealed value is malformed");
  }
  auto* bytes = reinterpret_cast<unsigned char*>(raw->data());
  const int size = static_cast<int>(raw->size()) - kNonceBytes - kTagBytes;
  std::string plain(size, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.bytes.data()), bytes) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n,
                        bytes + kNonceBytes, size) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, bytes + kNonceBytes + size) ==
          1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &n) == 1;
  if (!ok) return DataLossError("crypto: the sealed value does not open (wrong key or altered)");
  return plain;
}

StatusOr<Keyring> Keyring::Load(const Key& master, const std::vector<WrappedKey>& keys) {
  Keyring ring;
  for (const WrappedKey& w : keys) {
    StatusOr<std::string> bytes = Open(master, w.wrapped, WrapAad(w.tenant, w.version));
    if (!bytes.ok() || bytes->size() != 32) {
      return DataLossError("data key " + std::to_string(w.version) + " of tenant \"" + w.tenant +
                           "\" does not open with this master key");
    }
    ring.keys_[w.tenant][w.version] = Key{*bytes};
  }
  return ring;
}

StatusOr<std::string> Keyring::SealFor(const std::string& tenant, std::string_view plaintext,
                                       int64_t* version) {
  auto& versions = keys_[tenant];
  if (versions.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(versions[1], NewKey());
    changed_ = true;
  }
  *version = versions.rbegin()->first;
  return Seal(versions.rbegin()->second, plaintext, tenant);
}

StatusOr<std::string> Keyring::OpenFor(const std::string& tenant, int64_t version,
                                       std::string_view sealed) const {
  auto t = keys_.find(tenant);
  if (t == keys_.end() || !t->second.contains(version)) {
    return NotFoundError("no data key " + std::to_string(version) + " for tenant \"" + tenant +
                         "\"");
  }
  return Open(t->second.at(version), sealed, tenant);
}

Status Keyring::RotateDataKeys() {
  for (auto& [tenant, versions] : keys_) {
    const int64_t next = versions.empty() ? 1 : versions.rbegin()->first + 1;
    CRESCENDO_ASSIGN_OR_RETURN(versions[next], NewKey());
  }
  changed_ = true;
  return Status::Ok();
}

StatusOr<std::vector<WrappedKey>> Keyring::Wrap(const Key& master) const {
  std::vector<WrappedKey> out;
  for (const auto& [tenant, versions] : keys_) {
    for (const auto& [version, key] : versions) {
      CRESCENDO_ASSIGN_OR_RETURN(std::string wrapped,
                                 Seal(master, key.bytes, WrapAad(tenant, version)));
      out.push_back({tenant, version, wrapped});
    }
  }
  return out;
}

}  // namespace crescendo::security
