// AWS Signature Version 4. The algorithm (canonical request, string to sign, key derivation) is
// AWS's published specification; constants: "AWS4-HMAC-SHA256", "aws4_request", "AWS4" + secret.
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <vector>

#include "metrics/cloudwatch/aws.h"

namespace crescendo::metrics::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Trims and collapses runs of spaces, as SigV4 canonical header values require.
std::string CanonicalValue(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (char c : value) {
    const bool space = c == ' ' || c == '\t';
    if (space) {
      in_space = !out.empty();
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

// Removes "." and ".." segments and empty segments; keeps a trailing slash.
std::string CanonicalPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    const size_t slash = std::min(path.find('/', pos), path.size());
    const std::string_view segment = path.substr(pos, slash - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    pos = slash + 1;
  }
  std::string out;
  for (std::string_view segment : segments) out += "/" + UrlEncode(segment);
  if (out.empty()) {
    out = "/";
  } else if (path.back() == '/') {
    out += "/";
  }
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      params.emplace_back(UrlEncode(UrlDecode(part.substr(0, eq), false)),
                          eq == std::string_view::npos
                              ? std::string()
                              : UrlEncode(UrlDecode(part.substr(eq + 1), false)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) out += (out.empty() ? "" : "&") + key + "=" + value;
  return out;
}

struct CanonicalHeaders {
  std::string text;  // "name:value\n" lines
  std::string signed_names;
};

CanonicalHeaders Canonicalize(const HttpHeaders& headers) {
  std::map<std::string, std::string> merged;  // sorted by lower-case name
  for (const auto& [name, value] : headers) {
    std::string& slot = merged[Lower(name)];
    slot += (slot.empty() ? "" : ",") + CanonicalValue(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.text += name + ":" + value + "\n";
    out.signed_names += (out.signed_names.empty() ? "" : ";") + name;
  }
  return out;
}

std::string_view HeaderValue(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (Lower(key) == name) return value;
  }
  return {};
}

}  // namespace

std::string AmzDate(Timestamp t) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

Signature Sign(const SigningInput& input, const Credentials& credentials, std::string_view region,
               std::string_view service, Timestamp time) {
  const std::string amz_date = AmzDate(time);
  const std::string date = amz_date.substr(0, 8);
  const std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const CanonicalHeaders headers = Canonicalize(input.headers);
  Signature out;
  out.signed_headers = headers.signed_names;
  out.canonical_request = input.method + "\n" + CanonicalPath(input.path) + "\n" +
                          CanonicalQuery(input.query) + "\n" + headers.text + "\n" +
                          headers.signed_names + "\n" + Sha256Hex(input.body);
  out.string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" +
                       Sha256Hex(out.canonical_request);
  std::string key = Hmac("AWS4" + credentials.secret_access_key, date);
  key = Hmac(key, region);
  key = Hmac(key, service);
  key = Hmac(key, "aws4_request");
  const std::string mac = Hmac(key, out.string_to_sign);
  out.signature = Hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      scope + ", SignedHeaders=" + out.signed_headers +
                      ", Signature=" + out.signature;
  return out;
}

Status SignHttpRequest(HttpRequest& request, const Credentials& credentials,
                       std::string_view region, std::string_view service, Timestamp time) {
  const std::string_view url = request.url;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return InvalidArgumentError("SigV4: URL \"" + request.url + "\": expected http(s)://host/...");
  }
  const size_t host_start = scheme_end + 3;
  const size_t path_start = std::min(url.find_first_of("/?", host_start), url.size());
  const std::string host(url.substr(host_start, path_start - host_start));
  if (host.empty()) return InvalidArgumentError("SigV4: URL \"" + request.url + "\": no host");
  const std::string_view rest = url.substr(path_start);
  const size_t question = rest.find('?');
  SigningInput input;
  input.method = request.method;
  input.path = std::string(rest.substr(0, question));
  if (input.path.empty()) input.path = "/";
  if (question != std::string_view::npos) input.query = std::string(rest.substr(question + 1));
  request.headers.emplace_back("Host", host);
  request.headers.emplace_back("X-Amz-Date", AmzDate(time));
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  input.headers = request.headers;
  input.body = request.body;
  request.headers.emplace_back("Authorization",
                               Sign(input, credentials, region, service, time).authorization);
  return Status::Ok();
}

Status Verify(const SigningInput& received, const Credentials& credentials, std::string_view region,
              std::string_view service) {
  const std::string authorization(HeaderValue(received.headers, "authorization"));
  auto field = [&](std::string_view name) -> std::string {
    const size_t at = authorization.find(name);
    if (at == std::string::npos) return {};
    const size_t start = at + name.size();
    return authorization.substr(start, authorization.find(',', start) - start);
  };
  const std::string credential = field("Credential=");
  const std::string signed_names = field("SignedHeaders=");
  const std::string signature = field("Signature=");
  if (!authorization.starts_with(kAlgorithm) || credential.empty() || signature.empty()) {
    return UnauthenticatedError("SigV4: malformed Authorization header \"" + authorization + "\"");
  }
  const std::string amz_date(HeaderValue(received.headers, "x-amz-date"));
  std::tm tm{};
  if (amz_date.size() != 16 || strptime(amz_date.c_str(), "%Y%m%dT%H%M%SZ", &tm) == nullptr) {
    return UnauthenticatedError("SigV4: X-Amz-Date \"" + amz_date +
                                "\": expected YYYYMMDDTHHMMSSZ");
  }
  const Timestamp time = Timestamp(std::chrono::seconds(timegm(&tm)));
  const std::string expected_credential = credentials.access_key_id + "/" + amz_date.substr(0, 8) +
                                          "/" + std::string(region) + "/" + std::string(service) +
                                          "/aws4_request";
  if (credential != expected_credential) {
    return UnauthenticatedError("SigV4: credential \"" + credential + "\", expected \"" +
                                expected_credential + "\"");
  }
  SigningInput input = received;
  input.headers.clear();
  for (const auto& [name, value] : received.headers) {
    const std::string lower = Lower(name);
    if ((";" + signed_names + ";").find(";" + lower + ";") != std::string::npos) {
      input.headers.emplace_back(name, value);
    }
  }
  const Signature expected = Sign(input, credentials, region, service, time);
  if (expected.signed_headers != signed_names) {
    return UnauthenticatedError("SigV4: signed headers \"" + signed_names +
                                "\" are not all present; found \"" + expected.signed_headers +
                                "\"");
  }
  if (expected.signature != signature) {
    return UnauthenticatedError("SigV4: signature mismatch; canonical request was:\n" +
                                expected.canonical_request);
  }
  return Status::Ok();
}

}  // namespace crescendo::metrics::aws
