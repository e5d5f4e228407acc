// ServerProcess: starts a real server binary (Prometheus, InfluxDB) for an integration test, on
// 127.0.0.1 with a free port and a temporary data folder, and stops it afterwards.
//
// The folder is made under $TMPDIR (default /tmp) and removed by the destructor, which also
// stops the process (SIGTERM, then SIGKILL after 10 s). Kill() ends it at once (SIGKILL), as a
// crash would. The server's output goes to <folder>/server.log, printed by LogTail() on failure.
//
// Thread safety: not thread-safe; one test thread.
#ifndef CRESCENDO_TESTS_INTEGRATION_METRICS_SERVER_PROCESS_H_
#define CRESCENDO_TESTS_INTEGRATION_METRICS_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::itest {

// Returns a TCP port on 127.0.0.1 that was free when asked.
int FreePort();

// Returns the value of environment variable `name`, or `fallback`.
std::string EnvOr(const char* name, const std::string& fallback);

class ServerProcess {
 public:
  // Makes the temporary folder; `name` prefixes it ("crescendo-prometheus-XXXXXX").
  explicit ServerProcess(const std::string& name);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& dir() const { return dir_; }
  // Writes `text` to <dir>/<relative>; returns the full path.
  std::string WriteFile(const std::string& relative, const std::string& text) const;

  // Runs `argv` (argv[0] an absolute path) to completion; Internal with the output when it fails.
  Status RunToCompletion(const std::vector<std::string>& argv) const;
  // Starts `argv` in the background, then polls `ready_url` until it answers `ready_status`.
  // Errors: NotFound when argv[0] does not exist; DeadlineExceeded (with the log tail) when the
  // server is not ready within `wait`.
  Status Start(const std::vector<std::string>& argv, const std::string& ready_url, int ready_status,
               Duration wait);
  // Ends the server with SIGKILL and reaps it.
  void Kill();
  // Returns the last `bytes` of the server log.
  std::string LogTail(size_t bytes = 4000) const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace crescendo::itest

#endif  // CRESCENDO_TESTS_INTEGRATION_METRICS_SERVER_PROCESS_H_
