#include "crescendo/api/metrics_server.h"

#include <netdb.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

namespace crescendo::api {
namespace {

Status Refused(const std::string& address, const std::string& why) {
  return UnavailableError("metrics server: cannot listen on \"" + address + "\": " + why);
}

// Binds a socket to `address` and closes it, so a failure is reported with its reason (civetweb
// only says "null context when constructing CivetServer"). The port is free again afterwards;
// the Exposer binds it right after, so only a race with another process can still fail there.
Status ProbeListen(const std::string& address) {
  const size_t colon = address.rfind(':');  // civetweb also takes a bare port: every address
  if (address.empty() || colon + 1 == address.size()) {
    return Refused(address, "expected HOST:PORT such as 127.0.0.1:9464");
  }
  std::string host = colon == std::string::npos ? "" : address.substr(0, colon);
  const std::string port = colon == std::string::npos ? address : address.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoi(port) > 65535) {
    return Refused(address, "the port \"" + port + "\" is not a number from 0 to 65535");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int resolved =
      getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (resolved != 0) {
    return Refused(address, std::string("unknown host (") + gai_strerror(resolved) + ")");
  }
  Status status;
  const int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0) {
    status = Refused(address, std::strerror(errno));
  } else {
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));  // as civetweb does
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
      const int error = errno;
      status = Refused(address, error == EADDRINUSE      ? "port in use"
                                : error == EADDRNOTAVAIL ? "address not local to this machine"
                                : error == EACCES
                                    ? "permission denied (ports below 1024 need privileges)"
                                    : std::strerror(error));
    } else if (listen(fd, 1) != 0) {
      status = Refused(address, errno == EADDRINUSE ? "port in use" : std::strerror(errno));
    }
    close(fd);
  }
  freeaddrinfo(found);
  return status;
}

}  // namespace

MetricsServer::MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                             std::shared_ptr<prometheus::Registry> registry, int port)
    : registry_(std::move(registry)), exposer_(std::move(exposer)), port_(port) {}

MetricsServer::~MetricsServer() = default;

StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry) {
  CRESCENDO_RETURN_IF_ERROR(ProbeListen(address));
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(address, /*num_threads=*/2);
  } catch (const std::exception& e) {  // civetweb could not listen after all (a race)
    return Refused(address, e.what());
  }
  exposer->RegisterCollectable(registry, "/metrics");
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty()) return Refused(address, "no listening port");
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(std::move(exposer), std::move(registry), ports.front()));
}

}  // namespace crescendo::api
