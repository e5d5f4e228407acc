// FakeHttpClient: an HttpClient for unit tests that answers from a queue (private to the
// layer's tests).
//
// Thread safety: Send() is thread-safe.
#ifndef CRESCENDO_SRC_METRICS_COMMON_FAKE_HTTP_CLIENT_H_
#define CRESCENDO_SRC_METRICS_COMMON_FAKE_HTTP_CLIENT_H_

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "crescendo/metrics/http_client.h"

namespace crescendo::metrics {

class FakeHttpClient final : public HttpClient {
 public:
  using Handler = std::function<StatusOr<HttpResponse>(const HttpRequest&)>;

  // Queues the answer to the next request.
  void Push(StatusOr<HttpResponse> answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_.push_back(std::move(answer));
  }
  void PushJson(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.headers = {{"content-type", "application/json"}};
    response.body = std::move(body);
    Push(std::move(response));
  }
  // Answers every request without a queued answer.
  void SetHandler(Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(handler);
  }

  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    std::unique_lock<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (!answers_.empty()) {
      StatusOr<HttpResponse> answer = std::move(answers_.front());
      answers_.pop_front();
      return answer;
    }
    if (handler_) {
      Handler handler = handler_;
      lock.unlock();
      return handler(request);
    }
    return UnavailableError("FakeHttpClient: no answer queued for " + request.url);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<StatusOr<HttpResponse>> answers_;
  std::vector<HttpRequest> requests_;
  Handler handler_;
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_SRC_METRICS_COMMON_FAKE_HTTP_CLIENT_H_
