// The `crescendo` command line: one binary, many subcommands (see docs/architecture.md).
#ifndef CRESCENDO_CLI_CLI_H_
#define CRESCENDO_CLI_CLI_H_

#include <ostream>

namespace crescendo::cli {

// Parses `argv` and runs the chosen subcommand. Returns the process exit code:
// 0 success, 1 the job failed, 2 bad usage or input.
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_CLI_H_
