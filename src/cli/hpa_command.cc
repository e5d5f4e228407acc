// `crescendo hpa explain --state FILE [--output json|text]`: what Kubernetes' HPA controller
// decides for one cluster state, and why. Parsing and the decision live in the horizontal layer
// (crescendo/horizontal/hpa_explain.h); this file reads the file and prints.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/command.h"
#include "crescendo/horizontal/hpa_explain.h"

namespace crescendo::cli {
namespace {

struct ExplainOptions {
  std::string state_path;
  std::string output = "text";
};

void RunExplain(const ExplainOptions& opts, CommandContext& ctx) {
  std::ifstream in(opts.state_path);
  if (!in) {
    ctx.err << "hpa explain: cannot read " << opts.state_path << ", expected a readable YAML or "
            << "JSON state file\n";
    ctx.exit_code = 2;
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  StatusOr<hpa::HpaState> state = hpa::ParseHpaState(text.str(), opts.state_path);
  if (!state.ok()) {
    ctx.err << "hpa explain: " << state.status().message() << "\n";
    ctx.exit_code = 2;
    return;
  }
  const hpa::HpaExplanation explanation = hpa::ExplainHpa(std::move(state).value());
  ctx.out << (opts.output == "json" ? hpa::ExplanationToJson(explanation)
                                    : hpa::ExplanationToText(explanation));
  ctx.exit_code = 0;
}

}  // namespace

void RegisterHpaCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* hpa = app.add_subcommand("hpa", "The Kubernetes horizontal pod autoscaler");
  hpa->require_subcommand(1);
  CLI::App* explain = hpa->add_subcommand(
      "explain", "What the Kubernetes HPA decides for a cluster state, and why");
  auto opts = std::make_shared<ExplainOptions>();
  explain
      ->add_option("--state", opts->state_path,
                   "YAML or JSON file with hpa, scale, pods, podMetrics, customMetrics, "
                   "externalMetrics, history, controller and now")
      ->required();
  explain->add_option("--output,-o", opts->output, "json or text")
      ->check(CLI::IsMember({"json", "text"}));
  explain->callback([opts, &ctx] { RunExplain(*opts, ctx); });
}

}  // namespace crescendo::cli
