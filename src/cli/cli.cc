#include "crescendo/cli/cli.h"

#include <new>
#include <string>

#include "cli/command.h"
#include "cli/validate.h"

namespace crescendo::cli {
namespace {

// The subcommands a command line names, as far as they exist: the deepest command reached, its
// path ("vpa checkpoint") and the first word that names no subcommand where one was expected.
struct Reached {
  CLI::App* app;
  std::string path;
  std::string unknown;
};

Reached Walk(CLI::App& root, int argc, const char* const* argv) {
  Reached r{&root, "", ""};
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.empty() || word[0] == '-' || r.app->get_subcommands({}).empty()) break;
    CLI::App* next = nullptr;
    for (CLI::App* sub : r.app->get_subcommands({})) {
      if (sub->check_name(word)) next = sub;
    }
    if (next == nullptr) {
      if (r.app->get_require_subcommand_min() > 0) r.unknown = word;
      break;
    }
    r.app = next;
    r.path += (r.path.empty() ? "" : " ") + word;
  }
  return r;
}

std::string CommandList(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands({})) {
    out += (out.empty() ? "" : ", ") + sub->get_name();
  }
  return out;
}

int Parse(CLI::App& app, int argc, const char* const* argv, CommandContext& ctx) {
  const Reached reached = Walk(app, argc, argv);
  const std::string prefix = "crescendo" + (reached.path.empty() ? "" : " " + reached.path);
  if (!reached.unknown.empty()) {
    ctx.err << prefix << ": unknown command " << Quote(reached.unknown)
            << ", expected one of: " << CommandList(*reached.app) << "\n";
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    ctx.out << reached.app->help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp& e) {
    ctx.out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    ctx.out << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (reached.app->get_require_subcommand_min() > 0 && reached.app->get_subcommands().empty()) {
      ctx.err << prefix << ": a command is required, one of: " << CommandList(*reached.app) << "\n";
    } else {
      ctx.err << prefix << ": " << e.what() << " (see " << prefix << " --help)\n";
    }
    return kExitUsage;
  }
  return ctx.exit_code;
}

}  // namespace

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"Crescendo: autoscaling for multi-tenant microservices on Kubernetes", "crescendo"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "crescendo 0.1.0");
  CommandContext ctx{out, err};
  RegisterConfigCommands(app, ctx);
  RegisterHpaCommands(app, ctx);
  RegisterPolicyCommands(app, ctx);
  RegisterOptimizeCommands(app, ctx);
  RegisterRunCommand(app, ctx);
  RegisterSimulateCommand(app, ctx);
  RegisterTenantsCommands(app, ctx);
  RegisterServeCommand(app, ctx);
  RegisterControlPlaneCommands(app, ctx);
  RegisterVpaCommands(app, ctx);
  RegisterSweepCommands(app, ctx);
  // No exception leaves the command line: what reaches here is a bug or exhausted memory.
  try {
    return Parse(app, argc, argv, ctx);
  } catch (const std::bad_alloc&) {
    err << "crescendo: out of memory (see the limits in docs/cli.md)\n";
    return kExitFailed;
  } catch (const std::exception& e) {
    err << "crescendo: internal error: " << Quote(e.what()) << " (a bug; please report it)\n";
    return kExitInternal;
  }
}

}  // namespace crescendo::cli
