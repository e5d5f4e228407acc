// MetricsServer: serves a prometheus-cpp registry at http://<address>/metrics (prometheus-cpp's
// pull Exposer, civetweb underneath). `crescendo run` and `crescendo serve` start one.
//
// Thread safety: the server runs on its own threads; the object itself is not shared.
#ifndef CRESCENDO_API_METRICS_SERVER_H_
#define CRESCENDO_API_METRICS_SERVER_H_

#include <memory>
#include <string>

#include "crescendo/base/status.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace crescendo::api {

class MetricsServer {
 public:
  // Starts listening on `address` ("127.0.0.1:9464"; port 0 picks a free one) and serves
  // `registry` at /metrics. Errors: Unavailable naming the address when it cannot listen (port
  // in use, bad address).
  static StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);
  ~MetricsServer();  // stops serving

  // Returns the port actually listened on.
  int port() const { return port_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                std::shared_ptr<prometheus::Registry> registry, int port);
  std::shared_ptr<prometheus::Registry> registry_;  // kept alive while served
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace crescendo::api

#endif  // CRESCENDO_API_METRICS_SERVER_H_
