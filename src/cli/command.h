// The shape every `crescendo` subcommand module shares.
//
// A module registers its subcommands on the root CLI11 app; its callbacks write to ctx.out /
// ctx.err and set ctx.exit_code (0 success, 1 failure of the job, 2 bad usage or input).
#ifndef CRESCENDO_CLI_COMMAND_H_
#define CRESCENDO_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <ostream>

namespace crescendo::cli {

struct CommandContext {
  std::ostream& out;
  std::ostream& err;
  int exit_code = 0;
};

// Registered by the modules; each adds its subcommands to `app`.
void RegisterRunCommand(CLI::App& app, CommandContext& ctx);
void RegisterHpaCommands(CLI::App& app, CommandContext& ctx);
void RegisterVpaCommands(CLI::App& app, CommandContext& ctx);
void RegisterConfigCommands(CLI::App& app, CommandContext& ctx);
void RegisterSimulateCommand(CLI::App& app, CommandContext& ctx);
void RegisterPolicyCommands(CLI::App& app, CommandContext& ctx);
void RegisterTenantsCommands(CLI::App& app, CommandContext& ctx);
void RegisterOptimizeCommands(CLI::App& app, CommandContext& ctx);
void RegisterServeCommand(CLI::App& app, CommandContext& ctx);
void RegisterControlPlaneCommands(CLI::App& app, CommandContext& ctx);
void RegisterSweepCommands(CLI::App& app, CommandContext& ctx);

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_COMMAND_H_
