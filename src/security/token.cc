#include "crescendo/security/token.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <cctype>
#include <cstdio>
#include <vector>

namespace crescendo::security {
namespace {

constexpr size_t kIdBytes = 6;
constexpr size_t kSecretBytes = 32;
// OWASP's Argon2id minimum: 19 MiB, 2 iterations, 1 lane (see token.h).
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kIterations = 2;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

StatusOr<std::string> RandomHex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return InternalError("token: the random generator failed");
  }
  std::string hex(2 * bytes, '0');
  for (size_t i = 0; i < bytes; ++i) std::snprintf(&hex[2 * i], 3, "%02x", raw[i]);
  return hex;
}

bool IsHex(std::string_view text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

}  // namespace

StatusOr<std::string> HashSecret(std::string_view secret) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return InternalError("token: the random generator failed");
  }
  std::string encoded(
      argon2_encodedlen(kIterations, kMemoryKiB, kLanes, kSaltBytes, kHashBytes, Argon2_id), '\0');
  int rc =
      argon2id_hash_encoded(kIterations, kMemoryKiB, kLanes, secret.data(), secret.size(),
                            salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return InternalError(std::string("argon2id: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool VerifySecret(const std::string& encoded, std::string_view secret) {
  return argon2id_verify(encoded.c_str(), secret.data(), secret.size()) == ARGON2_OK;
}

StatusOr<MintedToken> MintToken() {
  CRESCENDO_ASSIGN_OR_RETURN(std::string id, RandomHex(kIdBytes));
  CRESCENDO_ASSIGN_OR_RETURN(std::string secret, RandomHex(kSecretBytes));
  CRESCENDO_ASSIGN_OR_RETURN(std::string hash, HashSecret(secret));
  return MintedToken{id, "crs_" + id + "_" + secret, hash};
}

StatusOr<BearerParts> ParseBearer(std::string_view token) {
  const size_t id_size = 2 * kIdBytes, secret_size = 2 * kSecretBytes;
  if (token.size() != 4 + id_size + 1 + secret_size || token.substr(0, 4) != "crs_" ||
      token[4 + id_size] != '_' || !IsHex(token.substr(4, id_size), id_size) ||
      !IsHex(token.substr(5 + id_size), secret_size)) {
    return UnauthenticatedError(
        "the bearer token is malformed: expected crs_<12 hex digits>_<64 hex digits>");
  }
  return BearerParts{std::string(token.substr(4, id_size)), std::string(token.substr(5 + id_size))};
}

}  // namespace crescendo::security
