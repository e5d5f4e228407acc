#include "crescendo/api/http_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <string_view>
#include <thread>

namespace crescendo::api {

namespace {

// Sets up the TLS context: the server's certificate chain and key and, with a client CA, a
// request for client certificates that the handshake accepts whatever they are, so that
// ClientOf() can answer an untrusted one with 401 and a missing one can fall back to a token.
bool SetUpTls(SSL_CTX& ctx, const HttpServerOptions& o) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(&ctx, o.tls_cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(&ctx, o.tls_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return false;
  }
  if (o.tls_client_ca.empty()) return true;
  if (SSL_CTX_load_verify_locations(&ctx, o.tls_client_ca.c_str(), nullptr) != 1) return false;
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.tls_client_ca.c_str());
  if (names == nullptr) return false;
  SSL_CTX_set_client_CA_list(&ctx, names);
  // The verification result stays in SSL_get_verify_result(); the handshake goes on.
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  // Sessions are not resumed: a resumed session would skip the certificate exchange.
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_TICKET);
  return true;
}

std::string Text(const ASN1_STRING* s) {
  if (s == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// The client certificate of the connection: its subject CN, then its DNS, email and URI names.
std::optional<ClientCertificate> ClientOf(const SSL* ssl) {
  if (ssl == nullptr) return std::nullopt;
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  ClientCertificate out;
  const long result = SSL_get_verify_result(ssl);
  out.verified = result == X509_V_OK;
  if (!out.verified) out.error = X509_verify_cert_error_string(result);
  X509_NAME* subject = X509_get_subject_name(cert);
  for (int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); at >= 0;
       at = X509_NAME_get_index_by_NID(subject, NID_commonName, at)) {
    out.names.push_back(Text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at))));
  }
  auto* alt =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; alt != nullptr && i < sk_GENERAL_NAME_num(alt); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(alt, i);
    if (n->type == GEN_DNS || n->type == GEN_EMAIL || n->type == GEN_URI) {
      out.names.push_back(Text(n->d.ia5));
    }
  }
  GENERAL_NAMES_free(alt);
  return out;
}

// Puts `response` into `res`: a whole body, or a stream written as chunks (server-sent events
// go out as they are written: text/event-stream is never compressed by httplib, and the
// sockets have TCP_NODELAY) that ends when the stream returns or `stopping` turns true.
void Answer(ApiResponse response, std::shared_ptr<const std::atomic<bool>> stopping,
            httplib::Response& res) {
  res.status = response.status;
  if (!response.stream) {
    res.set_content(response.body, response.content_type.c_str());
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");  // no buffering by nginx-style proxies either
  res.set_chunked_content_provider(
      response.content_type,
      [stream = std::move(response.stream), stopping](size_t, httplib::DataSink& sink) {
        stream(
            [&sink](std::string_view chunk) {
              return sink.is_writable() && sink.write(chunk.data(), chunk.size());
            },
            *stopping);
        sink.done();
        return true;
      });
}

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  // Turns true first thing in Stop(), so open streams return and their threads can be joined.
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (!impl_ || !impl_->server) return;
  impl_->stopping->store(true);
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                        ControlPlane* plane) {
  const size_t colon = options.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(options.listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    return InvalidArgumentError("--listen \"" + options.listen +
                                "\": expected HOST:PORT, e.g. 127.0.0.1:8080");
  }
  const std::string host = options.listen.substr(0, colon);
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  auto impl = std::make_unique<Impl>();
  if (!options.tls_cert.empty()) {
    impl->server = std::make_unique<httplib::SSLServer>(
        [&options](SSL_CTX& ctx) { return SetUpTls(ctx, options); });
  } else {
    impl->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *impl->server;
  if (!server.is_valid()) {
    return UnavailableError(
        "TLS: cannot load --tls-cert " + options.tls_cert + ", --tls-key " + options.tls_key +
        (options.tls_client_ca.empty() ? "" : " or --tls-client-ca " + options.tls_client_ca));
  }
  const int threads = options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib refuses larger bodies itself (413) before reading them; the error handler below
  // gives that answer the API's JSON shape.
  server.set_payload_max_length(options.max_body_bytes);
  // Answers go out as headers and body in two writes: without TCP_NODELAY, Nagle's algorithm
  // holds the body until the client's delayed ACK (up to 40 ms on Linux) on a keep-alive
  // connection. Accepted sockets inherit the option from the listening one on Linux.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  auto handler = [plane, stopping = std::shared_ptr<const std::atomic<bool>>(impl->stopping)](
                     const httplib::Request& req, httplib::Response& res) {
    ApiRequest request;
    request.method = req.method;
    request.path = req.path;
    for (const auto& [key, value] : req.params) request.query[key] = value;
    request.authorization = req.get_header_value("Authorization");
    request.body = req.body;
    request.remote = req.remote_addr;
    request.client_certificate = ClientOf(req.ssl);
    request.last_event_id = req.get_header_value("Last-Event-ID");
    Answer(plane->Handle(request), stopping, res);
  };
  for (auto route : {&httplib::Server::Get, &httplib::Server::Post, &httplib::Server::Put,
                     &httplib::Server::Delete, &httplib::Server::Patch}) {
    (server.*route)(".*", handler);
  }
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;  // the control plane answered already
    std::string code = res.status == 413 ? "payload_too_large" : "http_error";
    std::string message = res.status == 413 ? "the body is over the size limit"
                                            : "the request was refused by the HTTP layer";
    res.set_content("{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"field\":\"\"}",
                    "application/json");
  });
  int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return UnavailableError("cannot listen on " + options.listen +
                            " (address in use, or not an address of this host)");
  }
  impl->thread = std::thread([&server] { server.listen_after_bind(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), bound));
}

}  // namespace crescendo::api
