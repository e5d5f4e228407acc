// Runs command groups in process for the command tests: the registration functions of
// src/cli/command.h on a fresh CLI::App, with the output and the exit code captured.
#ifndef CRESCENDO_SRC_CLI_COMMAND_TEST_UTIL_H_
#define CRESCENDO_SRC_CLI_COMMAND_TEST_UTIL_H_

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"

namespace crescendo::cli::testing {

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

using RegisterFn = void (*)(CLI::App&, CommandContext&);

// Parses `args` (without the program name) with the groups `registers` registered; a parse
// error is exit code 2 with CLI11's message as `err`, as the real command line reports it.
inline CommandResult RunCommands(std::initializer_list<RegisterFn> registers,
                                 const std::vector<std::string>& args) {
  std::ostringstream out, err;
  CommandContext ctx{out, err};
  CLI::App app{"test", "crescendo"};
  for (RegisterFn r : registers) r(app, ctx);
  std::vector<const char*> argv = {"crescendo"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return {2, out.str(), e.what()};
  }
  return {ctx.exit_code, out.str(), err.str()};
}

}  // namespace crescendo::cli::testing

#endif  // CRESCENDO_SRC_CLI_COMMAND_TEST_UTIL_H_
