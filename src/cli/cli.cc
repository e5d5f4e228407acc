#include "crescendo/cli/cli.h"

#include "cli/command.h"

namespace crescendo::cli {

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"Crescendo: autoscaling for multi-tenant microservices on Kubernetes", "crescendo"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "crescendo 0.1.0");
  CommandContext ctx{out, err};
  RegisterConfigCommands(app, ctx);
  RegisterHpaCommands(app, ctx);
  RegisterRunCommand(app, ctx);
  RegisterSimulateCommand(app, ctx);
  RegisterServeCommand(app, ctx);
  RegisterControlPlaneCommands(app, ctx);
  RegisterVpaCommands(app, ctx);
  bool known = false;
  for (const CLI::App* sub : app.get_subcommands({}))
    known = known || (argc > 1 && sub->check_name(argv[1]));
  if (argc > 1 && argv[1][0] != '-' && !known) {
    err << "crescendo: unknown command \"" << argv[1] << "\"\n" << app.help();
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp& e) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "crescendo: " << e.what() << "\n";
    if (app.get_subcommands().empty()) err << app.help();
    return 2;
  }
  return ctx.exit_code;
}

}  // namespace crescendo::cli
