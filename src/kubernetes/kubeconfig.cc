// Kubeconfig and in-cluster credentials, as client-go's clientcmd and rest.InClusterConfig read
// them (k8s.io/client-go/tools/clientcmd/api/v1/types.go: clusters[].cluster.server,
// certificate-authority(-data), insecure-skip-tls-verify; users[].user.token, tokenFile,
// client-certificate(-data), client-key(-data); contexts[].context.cluster/user).
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crescendo/kubernetes/kubernetes.h"

namespace crescendo::kubernetes {
namespace {

// Decodes standard Base64 (padding optional, whitespace ignored); nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=' || c == '\n' || c == '\r' || c == ' ')
      continue;
    else
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

struct Reader {
  std::string file;
  std::filesystem::path dir;

  Status Error(const std::string& field, const std::string& expected) const {
    return InvalidArgumentError(file + ": " + field + ": " + expected);
  }
  // Returns the entry of list `list` whose `name` is `name`.
  StatusOr<YAML::Node> Named(const YAML::Node& root, const std::string& list,
                             const std::string& name, const std::string& inner) const {
    const YAML::Node items = root[list];
    if (!items || !items.IsSequence()) return Error(list, "expected a list");
    for (const YAML::Node& item : items) {
      if (item["name"] && item["name"].as<std::string>() == name) {
        const YAML::Node body = item[inner];
        if (!body || !body.IsMap()) {
          return Error(list + "[name=" + name + "]." + inner, "expected a mapping");
        }
        return body;
      }
    }
    return Error(list, "expected an entry named \"" + name + "\"");
  }
  std::string Path(const std::string& p) const {
    if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (dir / p).string();
  }
  // Reads `key` of `node` as base64 PEM data into *data, or as a file path into *path.
  Status Pem(const YAML::Node& node, const std::string& where, const std::string& key,
             std::string* data, std::string* path) const {
    if (node[key + "-data"]) {
      std::optional<std::string> decoded = Base64Decode(node[key + "-data"].as<std::string>());
      if (!decoded) return Error(where + "." + key + "-data", "expected base64 PEM data");
      *data = *decoded;
    } else if (node[key]) {
      *path = Path(node[key].as<std::string>());
    }
    return Status::Ok();
  }
};

StatusOr<Credentials> Parse(const Reader& r, const YAML::Node& root, std::string context) {
  if (!root.IsMap()) return r.Error("(top level)", "expected a kubeconfig mapping");
  if (context.empty()) {
    if (!root["current-context"] || root["current-context"].as<std::string>().empty()) {
      return r.Error("current-context", "expected the name of a context (or pass one)");
    }
    context = root["current-context"].as<std::string>();
  }
  CRESCENDO_ASSIGN_OR_RETURN(YAML::Node ctx, r.Named(root, "contexts", context, "context"));
  const std::string where = "contexts[name=" + context + "].context";
  if (!ctx["cluster"]) return r.Error(where + ".cluster", "expected a cluster name");
  if (!ctx["user"]) return r.Error(where + ".user", "expected a user name");
  const std::string cluster_name = ctx["cluster"].as<std::string>();
  const std::string user_name = ctx["user"].as<std::string>();
  CRESCENDO_ASSIGN_OR_RETURN(YAML::Node cluster,
                             r.Named(root, "clusters", cluster_name, "cluster"));
  CRESCENDO_ASSIGN_OR_RETURN(YAML::Node user, r.Named(root, "users", user_name, "user"));
  Credentials c;
  c.origin = "kubeconfig " + r.file + ", context " + context;
  const std::string cw = "clusters[name=" + cluster_name + "].cluster";
  const std::string uw = "users[name=" + user_name + "].user";
  if (!cluster["server"]) return r.Error(cw + ".server", "expected the API server's URL");
  c.server = cluster["server"].as<std::string>();
  if (!c.server.starts_with("https://") && !c.server.starts_with("http://")) {
    return r.Error(cw + ".server", "expected an https:// URL, found \"" + c.server + "\"");
  }
  if (cluster["insecure-skip-tls-verify"]) {
    c.insecure_skip_tls_verify = cluster["insecure-skip-tls-verify"].as<bool>();
  }
  CRESCENDO_RETURN_IF_ERROR(r.Pem(cluster, cw, "certificate-authority", &c.ca_data, &c.ca_file));
  if (user["token"]) c.token = user["token"].as<std::string>();
  if (user["tokenFile"]) c.token_file = r.Path(user["tokenFile"].as<std::string>());
  CRESCENDO_RETURN_IF_ERROR(r.Pem(user, uw, "client-certificate", &c.client_certificate_data,
                                  &c.client_certificate_file));
  CRESCENDO_RETURN_IF_ERROR(r.Pem(user, uw, "client-key", &c.client_key_data, &c.client_key_file));
  const bool has_cert = !c.client_certificate_data.empty() || !c.client_certificate_file.empty();
  const bool has_key = !c.client_key_data.empty() || !c.client_key_file.empty();
  if (has_cert != has_key) {
    return r.Error(uw, "expected client-certificate and client-key together");
  }
  if (user["exec"] || user["auth-provider"]) {
    return r.Error(uw,
                   "exec and auth-provider plugins are not supported; use a token, a "
                   "tokenFile or a client certificate");
  }
  return c;
}

}  // namespace

StatusOr<Credentials> LoadKubeconfig(const std::string& path, std::string_view context) {
  std::ifstream in(path);
  if (!in) return NotFoundError("kubeconfig " + path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  Reader r{path, std::filesystem::path(path).parent_path()};
  try {
    return Parse(r, YAML::Load(text.str()), std::string(context));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

StatusOr<Credentials> InClusterCredentials(const std::string& dir, const char* service_host,
                                           const char* service_port) {
  if (service_host == nullptr || *service_host == '\0' || service_port == nullptr ||
      *service_port == '\0') {
    return FailedPreconditionError(
        "in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (not "
        "running in a pod? pass --kubeconfig)");
  }
  Credentials c;
  c.origin = "in-cluster service account " + dir;
  std::string host = service_host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";  // IPv6
  c.server = "https://" + host + ":" + service_port;
  c.token_file = dir + "/token";
  c.ca_file = dir + "/ca.crt";
  if (!std::filesystem::exists(c.token_file)) {
    return FailedPreconditionError("in-cluster: " + c.token_file + " is missing");
  }
  return c;
}

}  // namespace crescendo::kubernetes
