// kind: budget — a cost budget per day or per month (in a time zone), for a tenant or a service.
//
// The policy knows what was spent so far in the period (PolicyContext::spent, by policy name)
// and the price of one replica-hour; it allows at most the replicas the rest of the budget pays
// for until the period ends if kept that long:
//   affordable = floor((amount - spent) / (price per replica-hour × hours left)).
// When the proposal exceeds that, `cap` cuts it to the affordable count; `degrade` first moves
// the pods to a cheaper size (its own price) and caps at what that size affords. Budgets sit
// below safety floors in the conflict order: a protected objective or schedule floor, applied
// later, may still raise the replicas above what the budget affords.
#include <cctz/civil_time.h>

#include <algorithm>
#include <cmath>

#include "crescendo/base/quantity.h"
#include "policy/kinds/kinds.h"

namespace crescendo::policy {
namespace {

struct BudgetParams {
  double amount = 0;
  std::string currency;
  bool monthly = true;
  cctz::time_zone zone = cctz::utc_time_zone();
  double price = 0;  // per replica-hour, in the currency
  bool degrade = false;
  double degraded_price = 0;
  std::optional<Resources> degraded_size;
};

// Appends `v` with two decimals.
std::string& AppendMoney(std::string& out, double v) { return AppendFixed(out, v, 2); }
std::string Money(double v) {
  std::string out;
  return AppendMoney(out, v);
}

class Budget final : public ConfiguredPolicy {
 public:
  Budget(const PolicySpec& spec, BudgetParams p)
      : ConfiguredPolicy(spec, Stage::kBudget), p_(std::move(p)) {}

  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const override {
    const double* spent_ptr = PolicyContext::Find(ctx.spent, name());
    double spent = spent_ptr != nullptr ? *spent_ptr : 0;
    double left = p_.amount - spent;
    double hours = std::max(ToSeconds(PeriodEnd(ctx.now) - ctx.now) / 3600.0, 1.0 / 60);
    int64_t affordable = Affordable(left, p_.price, hours);
    if (proposal.desired_replicas <= affordable) return proposal;
    std::string why;
    why.reserve(160);
    AppendMoney(why.append("budget ").append(p_.currency).append(" "), p_.amount)
        .append(p_.monthly ? "/month" : "/day")
        .append(": ");
    AppendMoney(why, spent).append(" spent, ");
    AppendMoney(why, std::max(left, 0.0)).append(" left for ");
    AppendMoney(why, hours).append(" h");
    if (p_.degrade) {
      int64_t cheaper = Affordable(left, p_.degraded_price, hours);
      if (p_.degraded_size) proposal.pod_requests = p_.degraded_size;
      std::string size = p_.degraded_size
                             ? " (cpu " + std::to_string(p_.degraded_size->cpu_millis) +
                                   "m, memory " + std::to_string(p_.degraded_size->memory_bytes) +
                                   " bytes)"
                             : "";
      int32_t replicas =
          static_cast<int32_t>(std::min<int64_t>(proposal.desired_replicas, cheaper));
      AppendMoney(why.append(": degraded to "), p_.degraded_price).append("/replica-hour");
      why.append(size).append(", affords ").append(std::to_string(cheaper));
      Record(proposal, replicas, std::move(why));
      return proposal;
    }
    AppendMoney(why.append(" at "), p_.price).append("/replica-hour affords ");
    why.append(std::to_string(affordable));
    Record(proposal, static_cast<int32_t>(affordable), std::move(why));
    return proposal;
  }

 private:
  static int64_t Affordable(double left, double price, double hours) {
    if (left <= 0) return 0;
    return static_cast<int64_t>(std::min(std::floor(left / (price * hours)), 1e6));
  }

  // Through a one-entry cache per thread: the workloads of a tick ask at the same `now`, and
  // budgets mostly share a zone.
  Timestamp PeriodEnd(Timestamp now) const {
    struct Last {
      bool valid = false;
      bool monthly = false;
      cctz::time_zone zone;
      Timestamp now;
      Timestamp end;
    };
    thread_local Last last;
    if (last.valid && last.now == now && last.monthly == p_.monthly && last.zone == p_.zone) {
      return last.end;
    }
    Timestamp end = ComputePeriodEnd(now);
    last = Last{true, p_.monthly, p_.zone, now, end};
    return end;
  }

  Timestamp ComputePeriodEnd(Timestamp now) const {
    cctz::civil_second local =
        cctz::convert(std::chrono::floor<std::chrono::seconds>(now), p_.zone);
    cctz::civil_second end = p_.monthly ? cctz::civil_second(cctz::civil_month(local) + 1)
                                        : cctz::civil_second(cctz::civil_day(local) + 1);
    auto tp = p_.zone.lookup(end).pre;
    return Timestamp(std::chrono::duration_cast<Duration>(tp.time_since_epoch()));
  }

  // Spends at the price of the size the pods run at: the degraded price once they run at the
  // degraded size, the budget's price otherwise.
  bool Accrue(SpendAccount& account, int32_t replicas, const std::optional<Resources>& requests,
              Timestamp from, Timestamp to) const override {
    const Timestamp start = PeriodStart(to);
    if (account.period_start != start) account = SpendAccount{0, start};
    const Timestamp begin = std::max(from, start);
    if (to <= begin || replicas <= 0) return true;
    const bool degraded = p_.degrade && p_.degraded_size && requests == p_.degraded_size;
    account.spent +=
        replicas * (degraded ? p_.degraded_price : p_.price) * (ToSeconds(to - begin) / 3600.0);
    return true;
  }

 private:
  Timestamp PeriodStart(Timestamp now) const {
    cctz::civil_second local =
        cctz::convert(std::chrono::floor<std::chrono::seconds>(now), p_.zone);
    cctz::civil_second start = p_.monthly ? cctz::civil_second(cctz::civil_month(local))
                                          : cctz::civil_second(cctz::civil_day(local));
    auto tp = p_.zone.lookup(start).pre;
    return Timestamp(std::chrono::duration_cast<Duration>(tp.time_since_epoch()));
  }

  BudgetParams p_;
};

bool IsCurrency(const std::string& code) {
  return code.size() == 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void ReadDegrade(const SpecNode& node, BudgetParams& p, SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"pricePerReplicaHour", "cpu", "memory"};
  if (!r.ExpectMap(node)) return;
  r.CheckKeys(node, kKeys);
  if (const SpecNode* n = node.Find("pricePerReplicaHour")) {
    p.degraded_price = r.Number(*n, 1e-9, 1e9).value_or(1);
    if (p.degraded_price >= p.price) {
      r.Error(*n, Money(p.degraded_price) + ", not cheaper than " + Money(p.price),
              "a price below the budget's pricePerReplicaHour");
    }
  } else {
    r.Error(node, "degrade without pricePerReplicaHour",
            "pricePerReplicaHour: the cheaper mode's price");
  }
  const SpecNode* cpu = node.Find("cpu");
  const SpecNode* memory = node.Find("memory");
  if (cpu == nullptr && memory == nullptr) return;
  Resources size;
  auto quantity = [&](const SpecNode* n, bool millis) -> int64_t {
    if (n == nullptr) return 0;
    StatusOr<Quantity> q = Quantity::Parse(n->scalar);
    if (n->kind != SpecNode::Kind::kScalar || !q.ok() || q->MilliValue() <= 0) {
      r.Error(*n, "\"" + n->scalar + "\"", "a positive Kubernetes quantity, e.g. 250m or 512Mi");
      return 0;
    }
    return millis ? q->MilliValue() : q->Value();
  };
  size.cpu_millis = quantity(cpu, true);
  size.memory_bytes = quantity(memory, false);
  p.degraded_size = size;
}

}  // namespace

std::unique_ptr<Policy> CreateBudgetPolicy(const PolicySpec& spec, const BuildEnvironment&,
                                           SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"kind",        "amount",   "currency",
                                               "period",      "timeZone", "pricePerReplicaHour",
                                               "onExhausted", "degrade"};
  static constexpr std::string_view kPeriods[] = {"month", "day"};
  static constexpr std::string_view kActions[] = {"cap", "degrade"};
  const SpecNode& m = spec.params;
  r.CheckKeys(m, kKeys);
  BudgetParams p;
  auto required = [&](const char* key, const char* expected) -> const SpecNode* {
    const SpecNode* n = m.Find(key);
    if (n == nullptr) r.Error(m, std::string("a budget without ") + key, expected);
    return n;
  };
  if (const SpecNode* n = required("amount", "amount: the budget per period, e.g. 3000")) {
    p.amount = r.Number(*n, 0, 1e15).value_or(0);
  }
  if (const SpecNode* n = required("currency", "currency: an ISO 4217 code, e.g. EUR")) {
    if (std::optional<std::string> c = r.String(*n)) {
      if (!IsCurrency(*c)) r.Error(*n, "\"" + *c + "\"", "an ISO 4217 code, e.g. EUR, USD");
      p.currency = *c;
    }
  }
  if (const SpecNode* n = required("period", "period: month or day")) {
    p.monthly = r.Enum(*n, kPeriods).value_or(0) == 0;
  }
  if (const SpecNode* n = m.Find("timeZone")) {
    std::optional<std::string> name = r.String(*n);
    if (name && !cctz::load_time_zone(*name, &p.zone)) {
      r.Error(*n, "\"" + *name + "\"", "an IANA time zone name, e.g. Europe/Paris, or UTC");
    }
  }
  if (const SpecNode* n =
          required("pricePerReplicaHour", "pricePerReplicaHour: what one replica costs per hour")) {
    p.price = r.Number(*n, 1e-9, 1e9).value_or(1);
  }
  if (const SpecNode* n = m.Find("onExhausted")) p.degrade = r.Enum(*n, kActions).value_or(0) == 1;
  const SpecNode* degrade = m.Find("degrade");
  if (p.degrade && degrade == nullptr) {
    r.Error(*m.Find("onExhausted"), "degrade without a degrade section",
            "degrade: {pricePerReplicaHour, cpu, memory}");
  } else if (degrade != nullptr) {
    ReadDegrade(*degrade, p, r);
  }
  return std::make_unique<Budget>(spec, std::move(p));
}

}  // namespace crescendo::policy
