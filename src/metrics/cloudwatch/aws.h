// AWS request signing (Signature Version 4) and credentials, for the CloudWatch source.
//
// Signing follows "Create a signed AWS API request" (AWS General Reference, SigV4): canonical
// request -> string to sign -> HMAC-SHA256 chain over date, region, service, "aws4_request".
// It is tested against AWS's published SigV4 test suite and the IAM ListUsers example.
//
// Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN) or from the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default
// $HOME/.aws/credentials; profile AWS_PROFILE, default "default").
//
// Thread safety: all functions are pure or read only what they are given.
#ifndef CRESCENDO_METRICS_AWS_H_
#define CRESCENDO_METRICS_AWS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/metrics/http_client.h"
#include "crescendo/metrics/registry.h"

namespace crescendo::metrics::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// The parts of an HTTP request that SigV4 covers.
struct SigningInput {
  std::string method;   // "GET", "POST"
  std::string path;     // the path as sent, e.g. "/"; normalized and URI-encoded when signing
  std::string query;    // raw query string without '?', e.g. "Param2=value2&Param1=value1"
  HttpHeaders headers;  // the headers to sign, Host and X-Amz-Date included
  std::string body;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "content-type;host;x-amz-date"
  std::string signature;       // lower-case hex
  std::string authorization;   // the Authorization header value
};

// Returns the X-Amz-Date form of `t`, e.g. "20150830T123600Z".
std::string AmzDate(Timestamp t);
// Returns the lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Signs `input` with `credentials` for `region` and `service` at `time`. Every header of `input`
// is signed. REQUIRES: input has a Host header and X-Amz-Date equal to AmzDate(time).
Signature Sign(const SigningInput& input, const Credentials& credentials, std::string_view region,
               std::string_view service, Timestamp time);

// Adds Host, X-Amz-Date, X-Amz-Security-Token (with a session token) and Authorization to
// `request`, signing every header it carries. Errors: InvalidArgument for a URL that is not
// "http(s)://host[:port][/path][?query]".
Status SignHttpRequest(HttpRequest& request, const Credentials& credentials,
                       std::string_view region, std::string_view service, Timestamp time);

// Checks the Authorization header of a received request (for local test endpoints): parses it,
// recomputes the signature over the headers it names, and compares.
// Errors: Unauthenticated naming what differs (access key, scope, signed headers, signature).
Status Verify(const SigningInput& received, const Credentials& credentials, std::string_view region,
              std::string_view service);

using metrics::EnvLookup;

// Returns the credentials in the environment. Errors: NotFound when AWS_ACCESS_KEY_ID is unset;
// InvalidArgument when it is set but AWS_SECRET_ACCESS_KEY is not.
StatusOr<Credentials> CredentialsFromEnvironment(const EnvLookup& env);
// Returns profile `profile` of the INI credentials file `path`.
// Errors: NotFound for an unreadable file or a missing profile; InvalidArgument
// "<path>:<line>: ..." for a malformed line or a profile without both keys.
StatusOr<Credentials> CredentialsFromFile(const std::string& path, std::string_view profile);
// Returns the environment's credentials, else the shared file's. Errors: NotFound naming both
// places when neither has credentials; otherwise those of the two functions above.
StatusOr<Credentials> ResolveCredentials(const EnvLookup& env);

}  // namespace crescendo::metrics::aws

#endif  // CRESCENDO_METRICS_AWS_H_
