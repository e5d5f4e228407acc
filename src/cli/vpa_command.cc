// `crescendo vpa ...`: VPA-compatible vertical recommendations from usage samples, checkpoint
// import/export (VerticalPodAutoscalerCheckpoint v3), and the offline evaluation on real traces.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/validate.h"
#include "crescendo/vertical/aggregate_state.h"
#include "crescendo/vertical/checkpoint.h"
#include "crescendo/vertical/evaluation.h"
#include "crescendo/vertical/replay.h"
#include "crescendo/vertical/vpa_manifest.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::cli {
namespace {

using vertical::PodRecommendation;
using vertical::WorkloadModel;

// The inputs every vpa subcommand shares.
struct Inputs {
  std::vector<std::string> samples;
  std::vector<std::string> checkpoints;
  std::string policy;
  std::string now;
  bool plain = false;
};

// A model loaded from the inputs, the policy, and the time to recommend at.
struct Loaded {
  std::unique_ptr<WorkloadModel> model = std::make_unique<WorkloadModel>();
  std::optional<VerticalSpec> spec;
  Timestamp now;
  size_t discarded = 0;
  std::vector<vertical::VpaCheckpoint> imported;
};

StatusOr<Loaded> Load(const Inputs& in) {
  Loaded l;
  std::optional<Timestamp> latest;
  for (const std::string& path : in.checkpoints) {
    CRESCENDO_ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, kMaxCheckpointBytes));
    CRESCENDO_ASSIGN_OR_RETURN(auto checkpoints, vertical::ParseCheckpointsJson(text, path));
    for (const vertical::VpaCheckpoint& c : checkpoints) {
      CRESCENDO_RETURN_IF_ERROR(l.model->Import(c).WithContext(path));
      if (c.status.last_sample_start && (!latest || *latest < *c.status.last_sample_start)) {
        latest = c.status.last_sample_start;
      }
      l.imported.push_back(c);
    }
  }
  for (const std::string& path : in.samples) {
    CRESCENDO_ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, kMaxSamplesBytes));
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<vertical::UsageRecord> records,
                               vertical::ParseUsageRecords(text, path));
    for (const auto& r : records) {
      if (!latest || *latest < r.time) latest = r.time;
    }
    l.discarded += l.model->FeedAll(std::move(records));
  }
  if (!in.policy.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(std::string text, ReadInputFile(in.policy, kMaxStateFileBytes));
    CRESCENDO_ASSIGN_OR_RETURN(l.spec, vertical::ParseVpaManifest(text, in.policy));
  }
  if (!in.now.empty()) {
    auto now = vertical::ParseTimestamp(in.now);
    if (!now.ok()) {
      return InvalidArgumentError("--now: found " + Quote(in.now) +
                                  ", expected RFC 3339 (2026-11-27T18:00:00Z) or unix seconds");
    }
    l.now = *now;
  } else if (latest) {
    l.now = *latest;
  } else {
    return InvalidArgumentError("no samples and no checkpoint history: nothing to recommend from");
  }
  l.model->GarbageCollect(l.now);
  return l;
}

PodRecommendation Recommend(const Loaded& l, bool plain) {
  return l.model->Recommend(
      {.spec = l.spec ? &*l.spec : nullptr, .now = l.now, .spike_aware = !plain});
}

// Returns the recommendation, or FailedPrecondition when history was loaded but none of it is
// recent enough for --now (the recommender forgets what it has not seen for its history window).
StatusOr<PodRecommendation> RecommendOrExplain(const Loaded& l, bool plain,
                                               const std::string& now_flag) {
  PodRecommendation rec = Recommend(l, plain);
  if (rec.containers.empty()) {
    return FailedPreconditionError(
        "nothing to recommend at " + FormatRfc3339(l.now) + (now_flag.empty() ? "" : " (--now)") +
        ": every sample and checkpoint is older than the history the recommender keeps; give "
        "a --now within the samples' history, or more recent samples");
  }
  return rec;
}

// Says on stderr how many samples the model did not take, so none are dropped silently.
void ReportDiscarded(const Loaded& l, CommandContext& ctx) {
  if (l.discarded == 0) return;
  ctx.err << "crescendo vpa: " << l.discarded << (l.discarded == 1 ? " sample" : " samples")
          << " discarded (duplicate or out of order per pod, or a stale OOM)\n";
}

void AddCommonOptions(CLI::App* cmd, Inputs* in) {
  cmd->add_option("--policy", in->policy,
                  "VerticalPodAutoscaler manifest (YAML) whose resourcePolicy is honoured")
      ->check(ReadableFile());
  cmd->add_option("--now", in->now,
                  "time of the recommendation, RFC 3339 or unix seconds (default: latest sample)");
}

void RunRecommend(const Inputs& in, bool explain, CommandContext& ctx) {
  StatusOr<Loaded> l = Load(in);
  if (!l.ok()) return Fail(ctx, "vpa recommend", l.status());
  StatusOr<PodRecommendation> rec = RecommendOrExplain(*l, in.plain, in.now);
  if (!rec.ok()) return Fail(ctx, "vpa recommend", rec.status());
  ctx.out << vertical::RecommendationToJson(*rec) << "\n";
  if (explain) {
    for (const auto& c : rec->containers) {
      for (const std::string& note : c.notes) ctx.err << c.container_name << ": " << note << "\n";
    }
  }
  ReportDiscarded(*l, ctx);
}

void RunExport(const Inputs& in, const std::string& vpa, const std::string& ns,
               const std::string& output, CommandContext& ctx) {
  StatusOr<Loaded> l = Load(in);
  if (!l.ok()) return Fail(ctx, "vpa checkpoint export", l.status());
  ReportDiscarded(*l, ctx);
  // VPA leaves the still-open interval's memory peaks out of its checkpoints: its recommender
  // re-observes them after a restart. An export is a hand-over of everything the samples showed,
  // so it keeps them (export then import recommends as the samples did; docs/vertical.md): the
  // model is exported once every open interval has ended, and stamped with the real time.
  const Duration all_closed = vertical::AggregationConfig::Default().memory_aggregation_interval;
  std::vector<vertical::VpaCheckpoint> checkpoints = l->model->Export(vpa, ns, l->now + all_closed);
  for (vertical::VpaCheckpoint& c : checkpoints) c.status.last_update_time = l->now;
  const std::string json = vertical::CheckpointsToJson(checkpoints);
  if (output.empty()) {
    ctx.out << json << "\n";
    return;
  }
  std::ofstream out(output, std::ios::binary);
  if (!(out << json << "\n")) {
    return Fail(ctx, "vpa checkpoint export",
                UnavailableError(output + ": cannot write: " + std::strerror(errno)));
  }
}

void RunImport(const Inputs& in, CommandContext& ctx) {
  StatusOr<Loaded> l = Load(in);
  if (!l.ok()) return Fail(ctx, "vpa checkpoint import", l.status());
  StatusOr<PodRecommendation> rec = RecommendOrExplain(*l, in.plain, in.now);
  if (!rec.ok()) return Fail(ctx, "vpa checkpoint import", rec.status());
  ReportDiscarded(*l, ctx);
  for (const vertical::VpaCheckpoint& c : l->imported) {
    ctx.err << "imported " << c.name << ": container " << c.container_name << ", "
            << c.status.total_samples_count << " CPU samples"
            << (c.status.first_sample_start
                    ? " from " + FormatRfc3339(*c.status.first_sample_start) + " to " +
                          FormatRfc3339(
                              c.status.last_sample_start.value_or(*c.status.first_sample_start))
                    : std::string())
            << "\n";
  }
  if (!in.plain && in.samples.empty()) {
    ctx.err << "note: spike sizing starts afresh: a VPA checkpoint holds no spike history, so "
               "until --samples show spikes this is the plain VPA recommendation\n";
  }
  ctx.out << vertical::RecommendationToJson(*rec) << "\n";
}

std::string DefaultTracesDir() {
  if (const char* shared = std::getenv("CRESCENDO_SHARED_DIR"))
    return std::string(shared) + "/traces";
  return "../shared/traces";
}

// What `vpa evaluate` replays: a trace, or a samples file; optionally only some series.
struct EvaluateInputs {
  std::string trace;
  std::string traces_dir = DefaultTracesDir();
  std::string samples;
  std::string json;
  std::vector<std::string> only;
  std::vector<std::string> except;
};

// Returns whether `name` is named by one of `names`: equal, or followed by '-' (a Borg task's
// file name continues with its time span).
bool Named(const std::string& name, const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return name == n ||
           (name.size() > n.size() && name.compare(0, n.size(), n) == 0 && name[n.size()] == '-');
  });
}

StatusOr<std::vector<vertical::ReplaySeries>> EvaluationSeries(const EvaluateInputs& in,
                                                               bool* with_fixed) {
  *with_fixed = true;
  if (!in.samples.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(std::string text, ReadInputFile(in.samples, kMaxSamplesBytes));
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<vertical::UsageRecord> records,
                               vertical::ParseUsageRecords(text, in.samples));
    *with_fixed = vertical::HasRequests(records);
    return vertical::SeriesFromRecords(std::move(records), in.samples, *with_fixed);
  }
  StatusOr<std::vector<vertical::UsageSeries>> series =
      in.trace == "borg" ? vertical::LoadBorgTasks(in.traces_dir)
      : in.trace == "bitbrains"
          ? vertical::LoadBitbrainsVms(in.traces_dir)
          : StatusOr<std::vector<vertical::UsageSeries>>(
                vertical::GenerateModelReloadSeries(/*seed=*/7, /*count=*/50));
  if (!series.ok()) return series.status();
  return vertical::SeriesFromUsage(*series);
}

void RunEvaluate(const EvaluateInputs& in, CommandContext& ctx) {
  if (in.samples.empty() == in.trace.empty()) {
    return Fail(ctx, "vpa evaluate",
                InvalidArgumentError("give exactly one of --samples FILE and "
                                     "--trace borg|bitbrains|ml-spikes"));
  }
  bool with_fixed = false;
  StatusOr<std::vector<vertical::ReplaySeries>> all = EvaluationSeries(in, &with_fixed);
  if (!all.ok()) return Fail(ctx, "vpa evaluate", all.status());
  std::vector<vertical::ReplaySeries> series;
  for (vertical::ReplaySeries& s : *all) {
    if ((in.only.empty() || Named(s.name, in.only)) && !Named(s.name, in.except)) {
      series.push_back(std::move(s));
    }
  }
  if (series.empty()) {
    return Fail(ctx, "vpa evaluate",
                InvalidArgumentError("no series left to replay (--series, --exclude-series)"));
  }
  const std::vector<vertical::StrategyScore> scores =
      vertical::Replay(series, vertical::EvaluationStrategies(with_fixed));
  ctx.out << (in.samples.empty() ? "trace " + in.trace : in.samples) << ": " << series.size()
          << " series\n\n"
          << vertical::ScoresToMarkdown(scores);
  if (in.json.empty()) return;
  std::ofstream out(in.json, std::ios::binary);
  if (!(out << vertical::ScoresToJson(scores, series.size()) << "\n")) {
    return Fail(ctx, "vpa evaluate",
                UnavailableError(in.json + ": cannot write: " + std::strerror(errno)));
  }
}

}  // namespace

void RegisterVpaCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* vpa = app.add_subcommand("vpa", "VPA-compatible vertical recommendations");
  vpa->require_subcommand(1);

  auto in = std::make_shared<Inputs>();
  auto explain = std::make_shared<bool>(false);
  CLI::App* recommend = vpa->add_subcommand(
      "recommend", "print the VerticalPodAutoscaler status.recommendation for usage samples");
  recommend->add_option("--samples", in->samples, "usage samples, CSV or JSON lines")
      ->required()
      ->check(ReadableFile());
  recommend->add_option("--checkpoint", in->checkpoints, "VPA checkpoints to start from (JSON)")
      ->check(ReadableFile());
  recommend->add_flag("--plain-vpa", in->plain, "plain VPA semantics (no spike sizing)");
  recommend->add_flag("--explain", *explain, "explain adjustments on stderr");
  AddCommonOptions(recommend, in.get());
  recommend->callback([in, explain, &ctx] { RunRecommend(*in, *explain, ctx); });

  CLI::App* checkpoint =
      vpa->add_subcommand("checkpoint", "VerticalPodAutoscalerCheckpoint import/export");
  checkpoint->require_subcommand(1);
  auto ex = std::make_shared<Inputs>();
  auto vpa_name = std::make_shared<std::string>();
  auto ns = std::make_shared<std::string>("default");
  auto output = std::make_shared<std::string>();
  CLI::App* exp = checkpoint->add_subcommand(
      "export",
      "write VPA checkpoints (autoscaling.k8s.io/v1, v3) from samples and/or checkpoints");
  exp->add_option("--samples", ex->samples, "usage samples, CSV or JSON lines")
      ->check(ReadableFile());
  exp->add_option("--checkpoint", ex->checkpoints, "checkpoints to merge")->check(ReadableFile());
  exp->add_option("--vpa", *vpa_name, "VerticalPodAutoscaler name (spec.vpaObjectName)")
      ->required();
  exp->add_option("--namespace", *ns, "metadata.namespace");
  exp->add_option("--output,-o", *output, "file to write (default: stdout)")->check(WritableFile());
  exp->add_option("--now", ex->now, "checkpoint time (default: latest sample)");
  exp->callback([ex, vpa_name, ns, output, &ctx] { RunExport(*ex, *vpa_name, *ns, *output, ctx); });

  auto im = std::make_shared<Inputs>();
  CLI::App* imp = checkpoint->add_subcommand(
      "import",
      "load VPA checkpoints (kubectl get vpacheckpoint -o json) and print the recommendation");
  imp->add_option("--checkpoint", im->checkpoints, "checkpoint JSON")
      ->required()
      ->check(ReadableFile());
  imp->add_option("--samples", im->samples, "more recent usage samples")->check(ReadableFile());
  imp->add_flag("--plain-vpa", im->plain, "plain VPA semantics (no spike sizing)");
  AddCommonOptions(imp, im.get());
  imp->callback([im, &ctx] { RunImport(*im, ctx); });

  auto ev = std::make_shared<EvaluateInputs>();
  CLI::App* evaluate = vpa->add_subcommand(
      "evaluate",
      "slack and usage above the allocation of fixed requests, VPA and Crescendo, replayed");
  evaluate
      ->add_option("--samples", ev->samples,
                   "usage samples as for recommend; cpu_request,memory_request columns "
                   "add the fixed allocation")
      ->check(ReadableFile());
  evaluate->add_option("--trace", ev->trace, "borg, bitbrains, or ml-spikes (generated, seed 7)")
      ->check(CLI::IsMember({"borg", "bitbrains", "ml-spikes"}));
  evaluate->add_option("--traces-dir", ev->traces_dir, "folder holding the traces");
  evaluate
      ->add_option("--series", ev->only,
                   "replay only these series (e.g. borg/85, bitbrains/16, pod/container)")
      ->delimiter(',');
  evaluate->add_option("--exclude-series", ev->except, "leave these series out")->delimiter(',');
  evaluate->add_option("--json", ev->json, "also write the scores as JSON to this file")
      ->check(WritableFile());
  evaluate->callback([ev, &ctx] { RunEvaluate(*ev, ctx); });
}

}  // namespace crescendo::cli
