// ProgressBar: a one-line progress bar. On a terminal it redraws in place at every 0.1%;
// elsewhere (CI logs) it prints a plain line at every 10%, so logs stay readable.
#ifndef CRESCENDO_CLI_PROGRESS_H_
#define CRESCENDO_CLI_PROGRESS_H_

#include <cstdint>
#include <ostream>
#include <string>

namespace crescendo::cli {

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, std::string label, bool enabled);
  // Shows `done` of `total`.
  void Update(int64_t done, int64_t total);
  // Ends the bar's line.
  void Finish();

 private:
  std::ostream& out_;
  std::string label_;
  bool enabled_;
  bool tty_;
  int last_permille_ = -1;
};

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_PROGRESS_H_
