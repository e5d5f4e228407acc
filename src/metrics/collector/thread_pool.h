// A fixed pool of worker threads running queued tasks in FIFO order (private to the layer).
//
// Thread safety: Submit() is thread-safe. The destructor finishes queued tasks, then joins.
#ifndef CRESCENDO_SRC_METRICS_COLLECTOR_THREAD_POOL_H_
#define CRESCENDO_SRC_METRICS_COLLECTOR_THREAD_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace crescendo::metrics {

class ThreadPool {
 public:
  // REQUIRES: threads >= 1.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Work();
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_SRC_METRICS_COLLECTOR_THREAD_POOL_H_
