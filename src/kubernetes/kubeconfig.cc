// Kubeconfig and in-cluster credentials, as client-go's clientcmd and rest.InClusterConfig read
// them (k8s.io/client-go/tools/clientcmd/api/v1/types.go: clusters[].cluster.server,
// certificate-authority(-data), insecure-skip-tls-verify; users[].user.token, tokenFile,
// client-certificate(-data), client-key(-data); contexts[].context.cluster/user).
#include <filesystem>
#include <optional>

#include "crescendo/format/file.h"
#include "crescendo/format/yaml.h"
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

using format::YamlNode;

// A kubeconfig is a few pages of text; 4 MiB is far more than any needs.
constexpr size_t kMaxKubeconfigBytes = 4 << 20;

struct Reader {
  std::string file;
  std::filesystem::path dir;

  // Returns format's one located error at `node` ("FILE:LINE:COLUMN: FIELD: found F, expected E").
  static Status Error(const YamlNode& node, const std::string& field, const std::string& expected,
                      std::string found = "") {
    return format::LocatedError(node.location, field, found.empty() ? node.Describe() : found,
                                expected);
  }
  // Returns the text of `key` in `map`: "" when absent, an error when not a scalar.
  static StatusOr<std::string> Text(const YamlNode& map, const std::string& key,
                                    const std::string& where) {
    const YamlNode& node = map[key];
    if (!node.present() || node.is_null()) return std::string();
    if (!node.is_scalar()) return Error(node, where + "." + key, "a text value");
    return node.scalar;
  }
  // Returns the entry of list `list` whose `name` is `name`.
  StatusOr<const YamlNode*> Named(const YamlNode& root, const std::string& list,
                                  const std::string& name, const std::string& inner) const {
    const YamlNode& items = root[list];
    if (!items.is_sequence()) {
      return Error(items.present() ? items : root, list, "a list",
                   items.present() ? "" : "nothing");
    }
    for (const YamlNode& item : items.children) {
      if (item["name"].is_scalar() && item["name"].scalar == name) {
        const YamlNode& body = item[inner];
        if (!body.is_map()) {
          return Error(body.present() ? body : item, list + "[name=" + name + "]." + inner,
                       "a mapping", body.present() ? "" : "nothing");
        }
        return &body;
      }
    }
    return Error(items, list, "an entry named \"" + name + "\"", "none");
  }
  std::string Path(const std::string& p) const {
    if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (dir / p).string();
  }
  // Reads `key` of `node` as base64 PEM data into *data, or as a file path into *path.
  Status Pem(const YamlNode& node, const std::string& where, const std::string& key,
             std::string* data, std::string* path) const {
    if (node[key + "-data"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, Text(node, key + "-data", where));
      std::optional<std::string> decoded = Base64Decode(text);
      if (!decoded)
        return Error(node[key + "-data"], where + "." + key + "-data", "base64 PEM data");
      *data = *decoded;
    } else if (node[key].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, Text(node, key, where));
      *path = Path(text);
    }
    return Status::Ok();
  }
};

StatusOr<Credentials> Parse(const Reader& r, const YamlNode& root, std::string context) {
  if (!root.is_map()) return Reader::Error(root, "", "a kubeconfig mapping");
  if (context.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(context, Reader::Text(root, "current-context", ""));
    if (context.empty()) {
      return Reader::Error(root["current-context"].present() ? root["current-context"] : root,
                           "current-context", "the name of a context (or pass one)", "nothing");
    }
  }
  CRESCENDO_ASSIGN_OR_RETURN(const YamlNode* ctx, r.Named(root, "contexts", context, "context"));
  const std::string where = "contexts[name=" + context + "].context";
  CRESCENDO_ASSIGN_OR_RETURN(const std::string cluster_name, Reader::Text(*ctx, "cluster", where));
  if (cluster_name.empty())
    return Reader::Error(*ctx, where + ".cluster", "a cluster name", "nothing");
  CRESCENDO_ASSIGN_OR_RETURN(const std::string user_name, Reader::Text(*ctx, "user", where));
  if (user_name.empty()) return Reader::Error(*ctx, where + ".user", "a user name", "nothing");
  CRESCENDO_ASSIGN_OR_RETURN(const YamlNode* cluster_node,
                             r.Named(root, "clusters", cluster_name, "cluster"));
  CRESCENDO_ASSIGN_OR_RETURN(const YamlNode* user_node, r.Named(root, "users", user_name, "user"));
  const YamlNode& cluster = *cluster_node;
  const YamlNode& user = *user_node;
  Credentials c;
  c.origin = "kubeconfig " + r.file + ", context " + context;
  const std::string cw = "clusters[name=" + cluster_name + "].cluster";
  const std::string uw = "users[name=" + user_name + "].user";
  CRESCENDO_ASSIGN_OR_RETURN(c.server, Reader::Text(cluster, "server", cw));
  if (c.server.empty())
    return Reader::Error(cluster, cw + ".server", "the API server's URL", "nothing");
  if (!c.server.starts_with("https://") && !c.server.starts_with("http://")) {
    return Reader::Error(cluster["server"], cw + ".server", "an https:// URL");
  }
  if (cluster["insecure-skip-tls-verify"].present()) {
    std::optional<bool> insecure = format::ScalarAsBool(cluster["insecure-skip-tls-verify"]);
    if (!insecure) {
      return Reader::Error(cluster["insecure-skip-tls-verify"], cw + ".insecure-skip-tls-verify",
                           "true or false");
    }
    c.insecure_skip_tls_verify = *insecure;
  }
  CRESCENDO_RETURN_IF_ERROR(r.Pem(cluster, cw, "certificate-authority", &c.ca_data, &c.ca_file));
  CRESCENDO_ASSIGN_OR_RETURN(c.token, Reader::Text(user, "token", uw));
  CRESCENDO_ASSIGN_OR_RETURN(std::string token_file, Reader::Text(user, "tokenFile", uw));
  c.token_file = r.Path(token_file);
  CRESCENDO_RETURN_IF_ERROR(r.Pem(user, uw, "client-certificate", &c.client_certificate_data,
                                  &c.client_certificate_file));
  CRESCENDO_RETURN_IF_ERROR(r.Pem(user, uw, "client-key", &c.client_key_data, &c.client_key_file));
  const bool has_cert = !c.client_certificate_data.empty() || !c.client_certificate_file.empty();
  const bool has_key = !c.client_key_data.empty() || !c.client_key_file.empty();
  if (has_cert != has_key) {
    return Reader::Error(user, uw, "client-certificate and client-key together",
                         has_cert ? "a client-certificate alone" : "a client-key alone");
  }
  if (user["exec"].present() || user["auth-provider"].present()) {
    return Reader::Error(user[user["exec"].present() ? "exec" : "auth-provider"], uw,
                         "a token, a tokenFile or a client certificate (exec and auth-provider "
                         "plugins are not supported)",
                         user["exec"].present() ? "an exec plugin" : "an auth-provider plugin");
  }
  return c;
}

}  // namespace

StatusOr<Credentials> LoadKubeconfig(const std::string& path, std::string_view context) {
  StatusOr<std::string> text = format::ReadFile(path, kMaxKubeconfigBytes);
  if (!text.ok()) {
    return Status(text.status().code(), "kubeconfig " + std::string(text.status().message()));
  }
  CRESCENDO_ASSIGN_OR_RETURN(YamlNode root, format::ParseYamlDocument(*text, path));
  Reader r{path, std::filesystem::path(path).parent_path()};
  return Parse(r, root, std::string(context));
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
