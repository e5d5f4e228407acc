// HttpServer: puts a ControlPlane on a socket (cpp-httplib), over HTTP or TLS.
//
// Every request goes to ControlPlane::Handle() on the server's worker threads. With a client CA,
// TLS asks for client certificates (mutual TLS) and hands the control plane the certificate's
// names and whether that CA verified it (ApiRequest::client_certificate): a verified certificate
// bound to an identity authenticates, an unverified one is refused (401), and a client without
// one uses a bearer token. Bodies over the control plane's
// limit are refused with 413 before they are read whole. A streamed answer (ApiResponse::stream,
// the server-sent events of /api/v1/events) is sent chunked, each chunk as it is written, and
// holds its worker thread while it lasts; Stop() tells open streams to return before it joins.
//
// Thread safety: Start() and Stop() from one thread; requests are served on the server's own.
#ifndef CRESCENDO_API_HTTP_SERVER_H_
#define CRESCENDO_API_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "crescendo/api/control_plane.h"
#include "crescendo/base/status.h"

namespace crescendo::api {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  std::string tls_cert;                   // PEM files; both set: HTTPS
  std::string tls_key;
  std::string tls_client_ca;  // set: client certificates are asked for and checked against it
  int threads = 32;  // each open keep-alive connection or event stream holds one while it lasts
  size_t max_body_bytes = 1 << 20;
};

class HttpServer {
 public:
  // Starts serving `plane` (not owned; must outlive the server). Errors: InvalidArgument for a
  // malformed address or half a TLS pair, Unavailable when it cannot listen or the certificate
  // does not load (the message names which).
  static StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                     ControlPlane* plane);
  ~HttpServer();  // Stop()

  // Stops accepting, finishes the requests in flight, joins the threads.
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_;
};

}  // namespace crescendo::api

#endif  // CRESCENDO_API_HTTP_SERVER_H_
