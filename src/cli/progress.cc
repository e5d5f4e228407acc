#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

namespace crescendo::cli {

ProgressBar::ProgressBar(std::ostream& out, std::string label, bool enabled)
    : out_(out), label_(std::move(label)), enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}

void ProgressBar::Update(int64_t done, int64_t total) {
  if (!enabled_ || total <= 0) return;
  int permille = static_cast<int>(done * 1000 / total);
  if (permille == last_permille_) return;
  if (!tty_ && permille / 100 == last_permille_ / 100 && permille != 1000) return;
  last_permille_ = permille;
  constexpr int kWidth = 30;
  int filled = permille * kWidth / 1000;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  out_ << (tty_ ? "\r" : "")
       << fmt::format("{} [{}] {:5.1f}% ({}/{} ticks)", label_, bar, permille / 10.0, done, total)
       << (tty_ ? "" : "\n") << std::flush;
}

void ProgressBar::Finish() {
  if (enabled_ && tty_ && last_permille_ >= 0) out_ << "\n";
}

}  // namespace crescendo::cli
