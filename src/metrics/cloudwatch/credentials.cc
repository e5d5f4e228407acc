#include <cctype>
#include <cstdlib>
#include <sstream>

#include "crescendo/format/file.h"
#include "metrics/cloudwatch/aws.h"

namespace crescendo::metrics::aws {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

StatusOr<Credentials> CredentialsFromEnvironment(const EnvLookup& env) {
  const std::optional<std::string> key = env("AWS_ACCESS_KEY_ID");
  if (!key || key->empty()) return NotFoundError("AWS_ACCESS_KEY_ID is not set");
  const std::optional<std::string> secret = env("AWS_SECRET_ACCESS_KEY");
  if (!secret || secret->empty()) {
    return InvalidArgumentError(
        "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; expected both");
  }
  return Credentials{*key, *secret, env("AWS_SESSION_TOKEN").value_or("")};
}

StatusOr<Credentials> CredentialsFromFile(const std::string& path, std::string_view profile) {
  // Through the file seam; a credentials file is a few lines.
  StatusOr<std::string> content = format::ReadFile(path, size_t{1} << 20);
  if (!content.ok()) {
    return Status(content.status().code(),
                  content.status().message() + " (the AWS credentials file)");
  }
  std::istringstream in(*content);
  Credentials credentials;
  bool in_profile = false;
  bool found = false;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string text = Trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[') {
      if (text.back() != ']') {
        return InvalidArgumentError(path + ":" + std::to_string(number) + ": section header \"" +
                                    text + "\": expected [name]");
      }
      in_profile = Trim(std::string_view(text).substr(1, text.size() - 2)) == profile;
      found = found || in_profile;
      continue;
    }
    const size_t eq = text.find('=');
    if (eq == std::string::npos) {
      return InvalidArgumentError(path + ":" + std::to_string(number) + ": \"" + text +
                                  "\": expected key = value");
    }
    if (!in_profile) continue;
    const std::string key = Trim(std::string_view(text).substr(0, eq));
    const std::string value = Trim(std::string_view(text).substr(eq + 1));
    if (key == "aws_access_key_id") credentials.access_key_id = value;
    if (key == "aws_secret_access_key") credentials.secret_access_key = value;
    if (key == "aws_session_token") credentials.session_token = value;
  }
  if (!found) {
    return NotFoundError(path + ": no profile [" + std::string(profile) + "]");
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return InvalidArgumentError(path + ": profile [" + std::string(profile) +
                                "]: expected aws_access_key_id and aws_secret_access_key");
  }
  return credentials;
}

StatusOr<Credentials> ResolveCredentials(const EnvLookup& env) {
  StatusOr<Credentials> from_env = CredentialsFromEnvironment(env);
  if (from_env.ok() || from_env.status().code() != StatusCode::kNotFound) return from_env;
  std::string path = env("AWS_SHARED_CREDENTIALS_FILE").value_or("");
  if (path.empty()) {
    const std::string home = env("HOME").value_or("");
    if (home.empty()) {
      return NotFoundError("no AWS credentials: AWS_ACCESS_KEY_ID and HOME are not set");
    }
    path = home + "/.aws/credentials";
  }
  const std::string profile = env("AWS_PROFILE").value_or("default");
  StatusOr<Credentials> from_file =
      CredentialsFromFile(path, profile.empty() ? "default" : profile);
  if (!from_file.ok() && from_file.status().code() == StatusCode::kNotFound) {
    return NotFoundError("no AWS credentials: AWS_ACCESS_KEY_ID is not set, and " +
                         from_file.status().message());
  }
  return from_file;
}

}  // namespace crescendo::metrics::aws
