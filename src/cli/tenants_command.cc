// `crescendo tenants arbitrate --input FILE.json [--json PATH]`: one tenant arbitration (the
// engine's arbitrate stage, src/engine/tenant_arbiter.h) on a capacity and the tenants' demands,
// for tests and for operators. The input and output formats are in
// include/crescendo/tenancy/arbitration_json.h and docs/tenancy.md.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/command.h"
#include "crescendo/format/file.h"
#include "crescendo/tenancy/arbitration.h"
#include "crescendo/tenancy/arbitration_json.h"

namespace crescendo::cli {
namespace {

using tenancy::ArbitrationInput;
using tenancy::ArbitrationResult;

struct ArbitrateFlags {
  std::string input;
  std::string json;  // "-": stdout
};

void Fail(CommandContext& ctx, const Status& s) {
  ctx.err << "crescendo tenants: " << s.message() << "\n";
  ctx.exit_code =
      s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

using tenancy::CpuText;
using tenancy::MemoryText;

// Prints one line per tenant, one per service, the cuts with their reasons, and Jain's index.
void PrintText(const ArbitrationInput& in, const ArbitrationResult& r, std::ostream& out) {
  out << "isolation " << tenancy::IsolationName(in.isolation) << ", capacity cpu "
      << CpuText(in.capacity.cpu_millis) << " memory " << MemoryText(in.capacity.memory_bytes)
      << ", used cpu " << CpuText(r.used.cpu_millis) << " memory "
      << MemoryText(r.used.memory_bytes) << "\n\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %-12s %6s %8s %8s %10s %10s %9s\n", "TENANT", "TIER",
                "WEIGHT", "SHARE", "ENTITLED", "CPU", "MEMORY", "BORROWING");
  out << line;
  for (size_t t = 0; t < in.tenants.size(); ++t) {
    const tenancy::TenantRequest& tr = in.tenants[t];
    const tenancy::TenantAllocation& a = r.tenants[t];
    std::snprintf(line, sizeof line, "%-20s %-12s %6g %8.3f %8.3f %10s %10s %9s\n", tr.name.c_str(),
                  tr.tier.c_str(), tr.weight, a.dominant_share, a.entitlement_share,
                  CpuText(a.allocated.cpu_millis).c_str(),
                  MemoryText(a.allocated.memory_bytes).c_str(), a.borrowing ? "yes" : "no");
    out << line;
  }
  out << "\n";
  std::snprintf(line, sizeof line, "%-20s %-24s %8s %8s\n", "TENANT", "SERVICE", "ASKED", "GIVEN");
  out << line;
  for (size_t t = 0; t < in.tenants.size(); ++t) {
    for (size_t s = 0; s < in.tenants[t].demands.size(); ++s) {
      std::snprintf(line, sizeof line, "%-20s %-24s %8d %8d\n", in.tenants[t].name.c_str(),
                    in.tenants[t].demands[s].service.c_str(), in.tenants[t].demands[s].replicas,
                    r.replicas[t][s]);
      out << line;
    }
  }
  if (!r.cuts.empty()) out << "\ncuts:\n";
  for (const tenancy::Cut& c : r.cuts) {
    out << "  " << in.tenants[c.tenant].demands[c.service].service << ": "
        << tenancy::ExplainCut(in, r, c) << "\n";
  }
  std::snprintf(line, sizeof line, "\njain index %.4f\n", r.jain_index);
  out << line;
}

void Arbitrate(const ArbitrateFlags& f, CommandContext& ctx) {
  StatusOr<std::string> text = format::ReadFile(f.input);
  if (!text.ok()) return Fail(ctx, text.status());
  StatusOr<ArbitrationInput> in = tenancy::ParseArbitrationJson(*text, f.input);
  if (!in.ok()) return Fail(ctx, in.status());
  StatusOr<ArbitrationResult> r = tenancy::Arbitrate(*in);
  if (!r.ok()) return Fail(ctx, r.status());
  const std::string json = tenancy::ArbitrationToJson(*in, *r).dump(2);
  if (f.json == "-") {
    ctx.out << json << "\n";
    return;
  }
  PrintText(*in, *r, ctx.out);
  if (f.json.empty()) return;
  std::ofstream out(f.json, std::ios::binary | std::ios::trunc);
  if (!(out << json << "\n")) return Fail(ctx, UnavailableError(f.json + ": cannot write"));
}

}  // namespace

void RegisterTenantsCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* tenants = app.add_subcommand("tenants", "Tenant shares when capacity runs short");
  tenants->require_subcommand(1);
  auto f = std::make_shared<ArbitrateFlags>();
  CLI::App* arbitrate = tenants->add_subcommand(
      "arbitrate",
      "Arbitrate the tenants' demands over a capacity: guarantees, weighted DRF, tiers, quotas");
  arbitrate->add_option("--input", f->input, "the capacity and the tenants' demands (JSON)")
      ->required();
  arbitrate->add_option("--json", f->json,
                        "also write the result as JSON to PATH (-: stdout only)");
  arbitrate->callback([f, &ctx] { Arbitrate(*f, ctx); });
}

}  // namespace crescendo::cli
