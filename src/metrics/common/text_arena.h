// TextArena: bump-allocated storage for many small strings that live and die together, such as
// the label names and values of one Prometheus answer (private to the layer).
//
// Thread safety: not thread-safe while filled; immutable afterwards.
#ifndef CRESCENDO_SRC_METRICS_COMMON_TEXT_ARENA_H_
#define CRESCENDO_SRC_METRICS_COMMON_TEXT_ARENA_H_

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace crescendo::metrics {

class TextArena {
 public:
  // Returns a copy of `text` that lives as long as the arena.
  std::string_view Copy(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > left_) {
      const size_t size = std::max(kBlockBytes, text.size());
      blocks_.push_back(std::make_unique<char[]>(size));
      next_ = blocks_.back().get();
      left_ = size;
    }
    std::memcpy(next_, text.data(), text.size());
    const std::string_view copy(next_, text.size());
    next_ += text.size();
    left_ -= text.size();
    return copy;
  }

 private:
  static constexpr size_t kBlockBytes = size_t{256} * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_SRC_METRICS_COMMON_TEXT_ARENA_H_
