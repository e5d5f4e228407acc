#include "crescendo/vertical/evaluation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "crescendo/base/random.h"
#include "crescendo/format/lines.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {
namespace {

namespace fs = std::filesystem;

// Assumed machine size for the normalized Borg units (largest machine = 1.0).
constexpr double kBorgCoresPerUnit = 100.0;
constexpr double kBorgBytesPerUnit = 256.0 * 1024 * 1024 * 1024;

std::vector<std::string_view> Split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = line.find(sep, start);
    std::string_view f = line.substr(start, end == std::string_view::npos ? end : end - start);
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
    out.push_back(f);
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::optional<double> Number(std::string_view s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Status FileError(const fs::path& path, size_t line, const std::string& what) {
  return InvalidArgumentError(path.string() + ":" + std::to_string(line + 1) + ": " + what);
}

StatusOr<std::vector<fs::path>> GzipFiles(const fs::path& dir) {
  if (!fs::is_directory(dir)) return NotFoundError(dir.string() + ": no such trace folder");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".gz") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

StatusOr<UsageSeries> LoadBorgTask(const fs::path& path) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<std::string> lines, format::ReadLines(path.string()));
  if (lines.empty()) return FileError(path, 0, "empty, expected a header");
  std::map<std::string_view, size_t> col;
  std::vector<std::string_view> header = Split(lines[0], ',');
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* need :
       {"time", "avg_cpu_usage", "max_memory_usage", "cpu_limit", "memory_limit"}) {
    if (!col.count(need)) return FileError(path, 0, std::string("missing column ") + need);
  }
  UsageSeries s;
  s.name = "borg/" + path.stem().stem().string();
  std::map<int64_t, UsagePoint> by_time;  // windows split at task events: keep one per start
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string_view> f = Split(lines[i], ',');
    if (f.size() != header.size())
      return FileError(path, i, "expected " + std::to_string(header.size()) + " fields");
    auto t = Number(f[col["time"]]);
    auto cpu = Number(f[col["avg_cpu_usage"]]);
    auto mem = Number(f[col["max_memory_usage"]]);
    auto cpu_limit = Number(f[col["cpu_limit"]]);
    auto mem_limit = Number(f[col["memory_limit"]]);
    if (!t || !cpu || !mem || !cpu_limit || !mem_limit)
      return FileError(path, i, "expected numbers");
    // Microseconds on the trace's own axis; placed at 2019-05-01 (the trace month).
    const int64_t seconds = static_cast<int64_t>(*t / 1e6);
    UsagePoint p{FromUnixSeconds(1556668800.0 + static_cast<double>(seconds / 300 * 300)),
                 *cpu * kBorgCoresPerUnit, *mem * kBorgBytesPerUnit};
    UsagePoint& slot = by_time[seconds / 300];
    slot.time = p.time;
    slot.cpu_cores = std::max(slot.cpu_cores, p.cpu_cores);
    slot.memory_bytes = std::max(slot.memory_bytes, p.memory_bytes);
    s.request_cpu_cores = *cpu_limit * kBorgCoresPerUnit;
    s.request_memory_bytes = *mem_limit * kBorgBytesPerUnit;
  }
  for (auto& [key, p] : by_time) s.points.push_back(p);
  return s;
}

StatusOr<UsageSeries> LoadBitbrainsVm(const fs::path& path) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<std::string> lines, format::ReadLines(path.string()));
  UsageSeries s;
  s.name = "bitbrains/" + path.stem().stem().string();
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string_view> f = Split(lines[i], ';');
    if (f.size() < 7) return FileError(path, i, "expected 11 ';'-separated fields");
    auto t = Number(f[0]);
    auto cores = Number(f[1]);
    auto capacity_mhz = Number(f[2]);
    auto usage_mhz = Number(f[3]);
    auto mem_capacity_kb = Number(f[5]);
    auto mem_usage_kb = Number(f[6]);
    if (!t || !cores || !capacity_mhz || !usage_mhz || !mem_capacity_kb || !mem_usage_kb) {
      return FileError(path, i, "expected numbers");
    }
    const double mhz_per_core = *cores > 0 ? *capacity_mhz / *cores : 1.0;
    s.points.push_back({FromUnixSeconds(*t), *usage_mhz / mhz_per_core, *mem_usage_kb * 1024});
    s.request_cpu_cores = *cores;
    s.request_memory_bytes = *mem_capacity_kb * 1024;
  }
  std::stable_sort(s.points.begin(), s.points.end(),
                   [](const UsagePoint& a, const UsagePoint& b) { return a.time < b.time; });
  return s;
}

template <typename Loader>
StatusOr<std::vector<UsageSeries>> LoadAll(const fs::path& dir, Loader load) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<fs::path> files, GzipFiles(dir));
  std::vector<UsageSeries> out;
  for (const fs::path& f : files) {
    CRESCENDO_ASSIGN_OR_RETURN(UsageSeries s, load(f));
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

struct Tally {
  double cpu_alloc = 0, cpu_used = 0, mem_alloc = 0, mem_used = 0;
  int64_t cpu_exceed = 0, mem_exceed = 0, samples = 0;
  void Score(double cpu_alloc_cores, double mem_alloc_bytes, const UsagePoint& p) {
    cpu_alloc += cpu_alloc_cores;
    cpu_used += p.cpu_cores;
    mem_alloc += mem_alloc_bytes;
    mem_used += p.memory_bytes;
    cpu_exceed += p.cpu_cores > cpu_alloc_cores ? 1 : 0;
    mem_exceed += p.memory_bytes > mem_alloc_bytes ? 1 : 0;
    ++samples;
  }
  StrategyScore Result(std::string name) const {
    auto share = [&](int64_t n) { return samples ? static_cast<double>(n) / samples : 0.0; };
    return {std::move(name),
            cpu_used > 0 ? (cpu_alloc - cpu_used) / cpu_used : 0,
            mem_used > 0 ? (mem_alloc - mem_used) / mem_used : 0,
            share(cpu_exceed),
            share(mem_exceed),
            samples};
  }
};

// One recommending strategy: its own model, fed the usage and its own OOM kills.
class Replayed {
 public:
  explicit Replayed(bool spike_aware) : spike_aware_(spike_aware) {}
  void Recommend(Timestamp now) {
    PodRecommendation rec = model_.Recommend({.now = now, .spike_aware = spike_aware_});
    if (rec.containers.empty()) return;
    cpu_cores_ = CoresFromCpuMillis(rec.containers[0].target.cpu_millis.value_or(0));
    memory_bytes_ = static_cast<double>(rec.containers[0].target.memory_bytes.value_or(0));
  }
  void ScoreAndFeed(const UsagePoint& p, bool scored, Tally* tally) {
    if (scored) tally->Score(cpu_cores_, memory_bytes_, p);
    UsageRecord r;
    r.time = p.time;
    r.pod = "pod";
    r.container = "main";
    r.cpu_cores = p.cpu_cores;
    r.memory_bytes = p.memory_bytes;
    model_.Add(r);
  }

 private:
  bool spike_aware_;
  WorkloadModel model_;
  double cpu_cores_ = 0;
  double memory_bytes_ = 0;
};

}  // namespace

StatusOr<std::vector<UsageSeries>> LoadBorgTasks(const std::string& traces_dir) {
  return LoadAll(fs::path(traces_dir) / "google-borg-2019-task-usage" / "job113", LoadBorgTask);
}

StatusOr<std::vector<UsageSeries>> LoadBitbrainsVms(const std::string& traces_dir) {
  return LoadAll(fs::path(traces_dir) / "bitbrains-rnd-2013" / "2013-8", LoadBitbrainsVm);
}

std::vector<UsageSeries> GenerateModelReloadSeries(uint64_t seed, int count) {
  Random random(seed);
  const Timestamp t0 = *ParseRfc3339("2026-11-01T00:00:00Z");
  std::vector<UsageSeries> out;
  for (int s = 0; s < count; ++s) {
    UsageSeries series;
    series.name = "ml/" + std::to_string(s);
    const double cpu = random.Uniform(0.2, 2.0);
    const double memory = random.Uniform(5e8, 4e9);
    const double spike = random.Uniform(1.8, 3.0);
    const int64_t period_min = 60 * random.UniformInt(48, 96);
    const int64_t offset_min = random.UniformInt(0, period_min - 1);
    const int64_t spike_min = random.UniformInt(15, 25);
    series.request_cpu_cores = 2 * cpu;
    series.request_memory_bytes = 1.5 * memory;
    for (int64_t m = 0; m < 10 * 1440; m += 5) {
      const double daily =
          1 + 0.5 * std::sin(2 * 3.141592653589793 * static_cast<double>(m) / 1440.0);
      const bool in_spike = (m + period_min - offset_min) % period_min < spike_min;
      series.points.push_back({t0 + minutes(m), cpu * daily * random.Uniform(0.85, 1.15),
                               memory * random.Uniform(0.97, 1.03) * (in_spike ? spike : 1.0)});
    }
    out.push_back(std::move(series));
  }
  return out;
}

std::vector<StrategyScore> Evaluate(const std::vector<UsageSeries>& series,
                                    const EvaluationOptions& options) {
  Tally fixed, vpa_tally, crescendo_tally;
  for (const UsageSeries& s : series) {
    if (s.points.empty()) continue;
    Replayed vpa(false), crescendo(true);
    const Timestamp start = s.points.front().time + options.warmup;
    Timestamp next = start;
    for (const UsagePoint& p : s.points) {
      if (p.time >= next) {
        vpa.Recommend(p.time);
        crescendo.Recommend(p.time);
        while (next <= p.time) next += options.recommend_every;
      }
      const bool scored = p.time >= start;
      if (scored) fixed.Score(s.request_cpu_cores, s.request_memory_bytes, p);
      vpa.ScoreAndFeed(p, scored, &vpa_tally);
      crescendo.ScoreAndFeed(p, scored, &crescendo_tally);
    }
  }
  return {fixed.Result("fixed requests"), vpa_tally.Result("vpa"),
          crescendo_tally.Result("crescendo")};
}

std::string ScoresToMarkdown(const std::vector<StrategyScore>& scores) {
  std::string out =
      "| strategy | CPU slack | memory slack | CPU usage > request | memory usage > request (OOM) "
      "| samples |\n| --- | ---: | ---: | ---: | ---: | ---: |\n";
  char row[256];
  for (const StrategyScore& s : scores) {
    std::snprintf(row, sizeof(row), "| %s | %.1f%% | %.1f%% | %.2f%% | %.3f%% | %lld |\n",
                  s.strategy.c_str(), 100 * s.cpu_slack, 100 * s.memory_slack,
                  100 * s.cpu_exceed_share, 100 * s.memory_exceed_share,
                  static_cast<long long>(s.samples));
    out += row;
  }
  return out;
}

}  // namespace crescendo::vertical
