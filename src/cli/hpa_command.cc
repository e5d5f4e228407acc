// `crescendo hpa explain --state FILE [--output json|text]`: what Kubernetes' HPA controller
// decides for one cluster state, and why. Parsing and the decision live in the horizontal layer
// (crescendo/horizontal/hpa_explain.h); this file reads the file and prints.
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/validate.h"
#include "crescendo/horizontal/hpa_explain.h"

namespace crescendo::cli {
namespace {

struct ExplainOptions {
  std::string state_path;
  std::string output = "text";
};

void RunExplain(const ExplainOptions& opts, CommandContext& ctx) {
  StatusOr<std::string> text = ReadInputFile(opts.state_path, kMaxStateFileBytes);
  if (!text.ok()) return Fail(ctx, "hpa explain", text.status());
  StatusOr<hpa::HpaState> state = hpa::ParseHpaState(*text, opts.state_path);
  if (!state.ok()) return Fail(ctx, "hpa explain", state.status());
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
      ->required()
      ->check(ReadableFile());
  explain->add_option("--output,-o", opts->output, "json or text")
      ->check(CLI::IsMember({"json", "text"}));
  explain->callback([opts, &ctx] { RunExplain(*opts, ctx); });
}

}  // namespace crescendo::cli
