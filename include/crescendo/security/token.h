// Bearer tokens: minted with the operating system's CSPRNG (OpenSSL RAND_bytes), stored only as
// an Argon2id hash (libargon2), shown to their owner once.
//
// A token reads "crs_<id>_<secret>": the id (12 hex digits) finds the stored record, the secret
// (64 hex digits, 256 bits) is checked against its hash.
//
// Thread safety: pure functions; each may run concurrently.
#ifndef CRESCENDO_SECURITY_TOKEN_H_
#define CRESCENDO_SECURITY_TOKEN_H_

#include <string>
#include <string_view>

#include "crescendo/base/status.h"

namespace crescendo::security {

struct MintedToken {
  std::string id;
  std::string bearer;  // the whole token, given to its owner once
  std::string hash;    // Argon2id encoded hash of the secret, to store
};

// Returns a new token. Errors: Internal when the random generator or the hash fails.
StatusOr<MintedToken> MintToken();

struct BearerParts {
  std::string id;
  std::string secret;
};

// Splits a token. Errors: Unauthenticated when it is not of the form crs_<12 hex>_<64 hex>.
StatusOr<BearerParts> ParseBearer(std::string_view token);

// Returns the Argon2id encoded hash of `secret` with a fresh salt. The parameters follow OWASP's
// password storage guidance for Argon2id: m = 19 MiB, t = 2, p = 1
// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
StatusOr<std::string> HashSecret(std::string_view secret);

// True when `secret` matches `encoded` (an Argon2id encoded hash).
bool VerifySecret(const std::string& encoded, std::string_view secret);

}  // namespace crescendo::security

#endif  // CRESCENDO_SECURITY_TOKEN_H_
