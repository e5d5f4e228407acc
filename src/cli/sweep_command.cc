// `crescendo sweep run|merge`: what-if sweeps, one case per index, so a Kubernetes Indexed Job
// (deploy/kubernetes/sweep-job.yaml) runs case N in the pod whose JOB_COMPLETION_INDEX is N.
//
// A sweep file is YAML:
//   cases:
//     - name: music-kubernetes          # optional; default "case-N"
//       simulate:                       # the flags of `crescendo simulate`, without "--"
//         scenario: music-streaming
//         strategies: [kubernetes, predictive]   # a sequence is joined with commas
//         duration: 2h
//         per-service: true                       # a flag without a value: true or false
// `sweep run FILE --index N --out DIR` runs case N through `simulate` itself (the same command,
// registered on a private CLI11 app) and writes DIR/case-N.json, simulate's --json document.
// `sweep merge FILE --dir DIR` reads every case's document and prints one table (case,
// strategy, the headline figures), and with --json writes them as one document:
//   {"sweep": FILE, "cases": [{"index": N, "name": ..., "result": <simulate's document>}]}.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/validate.h"
#include "crescendo/format/yaml.h"

namespace crescendo::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kMaxSweepBytes = 4 << 20;
constexpr int64_t kMaxResultBytes = 256 << 20;
// Flags the sweep sets itself, so a case may not.
constexpr const char* kReserved[] = {"json", "report", "progress", "no-progress"};

struct SweepCase {
  std::string name;
  std::vector<std::string> args;  // simulate's arguments, "--flag" "value" ...
};

// Reads one case's `simulate:` map into simulate's arguments.
StatusOr<std::vector<std::string>> CaseArgs(const format::YamlNode& simulate) {
  if (!simulate.is_map() || simulate.size() == 0) {
    return format::LocatedError(simulate.location, simulate.path, simulate.Describe(),
                                "a map of `crescendo simulate` flags (without \"--\")");
  }
  std::vector<std::string> args;
  for (const format::YamlNode& flag : simulate) {
    const std::string at = format::JoinPath(simulate.path, flag.key);
    if (std::find(std::begin(kReserved), std::end(kReserved), flag.key) != std::end(kReserved)) {
      return format::LocatedError(flag.key_location, at, "\"" + flag.key + "\"",
                                  "a flag other than json, report, progress and no-progress "
                                  "(the sweep sets those)");
    }
    if (flag.is_scalar()) {
      std::optional<bool> on = flag.quoted ? std::nullopt : format::ScalarAsBool(flag);
      if (on.has_value()) {
        if (*on) args.push_back("--" + flag.key);
        continue;
      }
      args.insert(args.end(), {"--" + flag.key, flag.scalar});
    } else if (flag.is_sequence() && flag.size() > 0) {
      std::vector<std::string> items;
      for (const format::YamlNode& item : flag) {
        if (!item.is_scalar()) {
          return format::LocatedError(item.location, item.path, item.Describe(), "a scalar");
        }
        items.push_back(item.scalar);
      }
      args.insert(args.end(), {"--" + flag.key, fmt::format("{}", fmt::join(items, ","))});
    } else {
      return format::LocatedError(flag.location, at, flag.Describe(),
                                  "a scalar, true/false, or a sequence of scalars");
    }
  }
  return args;
}

// Reads the sweep file. Errors: InvalidArgument naming the file, line and field.
StatusOr<std::vector<SweepCase>> LoadSweep(const std::string& path) {
  CRESCENDO_ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, kMaxSweepBytes));
  CRESCENDO_ASSIGN_OR_RETURN(format::YamlNode doc, format::ParseYamlDocument(text, path));
  const format::YamlNode& cases = doc["cases"];
  if (!cases.is_sequence() || cases.size() == 0) {
    const format::Location where =
        cases.present() ? cases.location : format::Location::InFile(path, 1, 1);
    return format::LocatedError(where, "cases", cases.Describe(),
                                "a non-empty sequence of cases, each with a `simulate:` map");
  }
  std::vector<SweepCase> out;
  for (const format::YamlNode& c : cases) {
    if (!c.is_map()) {
      return format::LocatedError(c.location, c.path, c.Describe(), "a map");
    }
    for (const format::YamlNode& field : c) {
      if (field.key != "name" && field.key != "simulate") {
        return format::LocatedError(field.key_location, format::JoinPath(c.path, field.key),
                                    "\"" + field.key + "\"", "name or simulate");
      }
    }
    SweepCase sweep_case;
    sweep_case.name =
        c["name"].is_scalar() ? c["name"].scalar : "case-" + std::to_string(out.size());
    CRESCENDO_ASSIGN_OR_RETURN(sweep_case.args, CaseArgs(c["simulate"]));
    out.push_back(std::move(sweep_case));
  }
  return out;
}

std::string ResultPath(const std::string& dir, size_t index) {
  return (std::filesystem::path(dir) / ("case-" + std::to_string(index) + ".json")).string();
}

// The index: --index when given, else $JOB_COMPLETION_INDEX (set by Kubernetes in each pod of
// an Indexed Job). Errors: InvalidArgument when neither is given or it is out of range.
StatusOr<size_t> CaseIndex(std::optional<int64_t> flag, size_t cases, const std::string& file) {
  if (!flag) {
    const char* env = std::getenv("JOB_COMPLETION_INDEX");
    if (env == nullptr || *env == '\0') {
      return InvalidArgumentError(
          "--index: not given and JOB_COMPLETION_INDEX is not set; expected the case to run, 0 "
          "to " +
          std::to_string(cases - 1));
    }
    char* end = nullptr;
    const long long v = std::strtoll(env, &end, 10);
    if (*end != '\0') {
      return InvalidArgumentError("environment variable JOB_COMPLETION_INDEX: found " + Quote(env) +
                                  ", expected an integer");
    }
    flag = v;
  }
  if (*flag < 0 || static_cast<size_t>(*flag) >= cases) {
    return InvalidArgumentError(
        fmt::format("index {}: {} has {} cases, expected 0 to {}", *flag, file, cases, cases - 1));
  }
  return static_cast<size_t>(*flag);
}

// Runs `crescendo simulate args` in process, its output to `ctx`. Returns simulate's exit code.
int RunSimulate(const std::vector<std::string>& args, CommandContext& ctx) {
  CLI::App app{"crescendo", "crescendo"};
  RegisterSimulateCommand(app, ctx);
  std::vector<std::string> reversed = {"simulate"};
  reversed.insert(reversed.end(), args.begin(), args.end());
  std::reverse(reversed.begin(), reversed.end());  // CLI11 takes a vector last argument first
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    ctx.err << "crescendo simulate: " << e.what() << "\n";
    return kExitUsage;
  }
  return ctx.exit_code;
}

struct RunFlags {
  std::string file;
  std::optional<int64_t> index;
  std::string out;
};

void Run(const RunFlags& f, CommandContext& ctx) {
  StatusOr<std::vector<SweepCase>> cases = LoadSweep(f.file);
  if (!cases.ok()) return Fail(ctx, "sweep run", cases.status());
  StatusOr<size_t> index = CaseIndex(f.index, cases->size(), f.file);
  if (!index.ok()) return Fail(ctx, "sweep run", index.status(), kExitUsage);
  std::error_code ec;
  std::filesystem::create_directories(f.out, ec);
  if (ec) {
    return Fail(ctx, "sweep run", UnavailableError("--out " + f.out + ": " + ec.message()));
  }
  const SweepCase& c = (*cases)[*index];
  const std::string path = ResultPath(f.out, *index);
  const std::string partial = path + ".partial";  // renamed when complete: merge never half-reads
  std::vector<std::string> args = c.args;
  args.insert(args.end(), {"--json", partial, "--no-progress"});
  ctx.err << fmt::format("case {} ({}): crescendo simulate {}\n", *index, c.name,
                         fmt::join(c.args, " "));
  std::ostringstream err;
  CommandContext sim{ctx.out, err};
  const int code = RunSimulate(args, sim);
  if (code != 0) {
    ctx.err << fmt::format("crescendo sweep run: {}: case {} ({}): ", f.file, *index, c.name)
            << err.str();
    ctx.exit_code = code;
    return;
  }
  std::filesystem::rename(partial, path, ec);
  if (ec)
    return Fail(ctx, "sweep run", UnavailableError("cannot write " + path + ": " + ec.message()));
  ctx.err << "wrote " << path << "\n";
}

struct MergeFlags {
  std::string file;
  std::string dir;
  std::string json;
};

// The merged table: one row per case and strategy.
std::string MergedTable(const Json& merged) {
  std::string out = fmt::format("{:<5} {:<24} {:<14} {:>14} {:>12} {:>10} {:>8}\n", "case", "name",
                                "strategy", "sla_violation_s", "pod_seconds", "cost", "actions");
  for (const Json& c : merged["cases"]) {
    for (const Json& s : c["result"].value("strategies", Json::array())) {
      out +=
          fmt::format("{:<5} {:<24} {:<14} {:>14.0f} {:>12.0f} {:>10.2f} {:>8}\n",
                      c["index"].get<int64_t>(), c["name"].get<std::string>(), s.value("name", ""),
                      s["sla"].value("violation_seconds", 0.0), s.value("pod_seconds", 0.0),
                      s.value("cost", 0.0), s.value("scaling_actions", int64_t{0}));
    }
  }
  return out;
}

void Merge(const MergeFlags& f, CommandContext& ctx) {
  StatusOr<std::vector<SweepCase>> cases = LoadSweep(f.file);
  if (!cases.ok()) return Fail(ctx, "sweep merge", cases.status());
  Json merged = {{"sweep", f.file}, {"cases", Json::array()}};
  std::vector<std::string> missing;
  for (size_t i = 0; i < cases->size(); ++i) {
    const std::string path = ResultPath(f.dir, i);
    if (!std::filesystem::exists(path)) {
      missing.push_back(std::to_string(i));
      continue;
    }
    StatusOr<std::string> text = ReadInputFile(path, kMaxResultBytes);
    if (!text.ok()) return Fail(ctx, "sweep merge", text.status());
    Json result = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (result.is_discarded() || !result.is_object()) {
      return Fail(ctx, "sweep merge",
                  InvalidArgumentError(path + ": not a JSON document of crescendo simulate"));
    }
    merged["cases"].push_back(
        {{"index", i}, {"name", (*cases)[i].name}, {"result", std::move(result)}});
  }
  if (!missing.empty()) {
    return Fail(ctx, "sweep merge",
                FailedPreconditionError(fmt::format(
                    "{}: no result for case {} (expected {}/case-N.json from `crescendo sweep "
                    "run {} --index N --out {}`)",
                    f.dir, fmt::join(missing, ", "), f.dir, f.file, f.dir)));
  }
  ctx.out << MergedTable(merged);
  if (f.json.empty()) return;
  std::ofstream file(f.json);
  file << merged.dump(2) << "\n";
  file.close();
  if (!file) return Fail(ctx, "sweep merge", UnavailableError("cannot write " + f.json));
  ctx.err << "wrote " << f.json << "\n";
}

}  // namespace

void RegisterSweepCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* sweep = app.add_subcommand(
      "sweep", "What-if sweeps: run one case of a sweep file, or merge every case's result");
  sweep->require_subcommand(1);
  auto run_flags = std::make_shared<RunFlags>();
  CLI::App* run = sweep->add_subcommand(
      "run", "Run case N of the sweep file through `crescendo simulate` and write DIR/case-N.json");
  run->add_option("file", run_flags->file, "Sweep file (YAML: cases, each a `simulate:` map)")
      ->required()
      ->check(ReadableFile());
  run->add_option("--index", run_flags->index,
                  "The case to run, from 0 (default $JOB_COMPLETION_INDEX, as in an Indexed Job)");
  run->add_option("--out", run_flags->out, "Folder for case-N.json (created when missing)")
      ->required();
  run->callback([run_flags, &ctx] { Run(*run_flags, ctx); });
  auto merge_flags = std::make_shared<MergeFlags>();
  CLI::App* merge = sweep->add_subcommand(
      "merge", "Merge every case's DIR/case-N.json into one table (and one JSON document)");
  merge->add_option("file", merge_flags->file, "Sweep file")->required()->check(ReadableFile());
  merge->add_option("--dir", merge_flags->dir, "Folder the cases wrote to")->required();
  merge->add_option("--json", merge_flags->json, "Write the merged document to PATH")
      ->check(WritableFile());
  merge->callback([merge_flags, &ctx] { Merge(*merge_flags, ctx); });
}

}  // namespace crescendo::cli
