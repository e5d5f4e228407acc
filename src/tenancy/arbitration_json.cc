#include "crescendo/tenancy/arbitration_json.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>

#include "crescendo/base/quantity.h"

namespace crescendo::tenancy {
namespace {

using nlohmann::json;

// The tier priorities of examples/config/tiers.yaml, plus internal (the platform's own services).
const std::map<std::string, int32_t, std::less<>>& DefaultTiers() {
  static const auto* tiers = new std::map<std::string, int32_t, std::less<>>{
      {"free", 100}, {"family", 400}, {"premium", 600}, {"enterprise", 900}, {"internal", 1000}};
  return *tiers;
}

// Reads fields of one JSON document, each error naming the file and the field path.
class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  Status Error(const std::string& path, const json* found, const std::string& expected) const {
    std::string text = "missing";
    if (found != nullptr) {
      text = found->dump();
      if (text.size() > 40) text = text.substr(0, 37) + "...";
    }
    return InvalidArgumentError(file_ + ": " + path + ": found " + text + ", expected " + expected);
  }

  // Fails on a key of `object` outside `known`.
  Status Known(const json& object, const std::string& path,
               std::initializer_list<std::string_view> known) const {
    for (auto it = object.begin(); it != object.end(); ++it) {
      bool ok = false;
      std::string names;
      for (std::string_view k : known) {
        ok |= it.key() == k;
        names += (names.empty() ? "" : ", ") + std::string(k);
      }
      if (!ok) {
        return InvalidArgumentError(file_ + ": " + Join(path, it.key()) +
                                    ": unknown field, expected one of " + names);
      }
    }
    return Status();
  }

  StatusOr<const json*> Object(const json& parent, const std::string& path, const char* key,
                               bool required) const {
    const auto it = parent.find(key);
    if (it == parent.end()) {
      if (required) return Error(Join(path, key), nullptr, "an object");
      return static_cast<const json*>(nullptr);
    }
    if (!it->is_object()) return Error(Join(path, key), &*it, "an object");
    return &*it;
  }

  StatusOr<std::string> String(const json& parent, const std::string& path, const char* key,
                               bool required) const {
    const auto it = parent.find(key);
    if (it == parent.end()) {
      if (required) return Error(Join(path, key), nullptr, "a string");
      return std::string();
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      return Error(Join(path, key), &*it, "a non-empty string");
    }
    return it->get<std::string>();
  }

  // Reads an integer in [lo, hi]; `fallback` when absent and not required.
  StatusOr<int32_t> Int(const json& parent, const std::string& path, const char* key, bool required,
                        int32_t fallback, int32_t lo) const {
    const auto it = parent.find(key);
    const std::string expected = "an integer >= " + std::to_string(lo);
    if (it == parent.end()) {
      if (required) return Error(Join(path, key), nullptr, expected);
      return fallback;
    }
    if (!it->is_number_integer() || it->get<int64_t>() < lo ||
        it->get<int64_t>() > std::numeric_limits<int32_t>::max()) {
      return Error(Join(path, key), &*it, expected);
    }
    return static_cast<int32_t>(it->get<int64_t>());
  }

  // Reads a Kubernetes quantity (string or number): millis for cpu, units for memory.
  StatusOr<int64_t> Amount(const json& value, const std::string& path, bool cpu) const {
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_number()) {
      text = value.dump();
    } else {
      return Error(path, &value, "a Kubernetes quantity such as \"500m\" or \"4Gi\"");
    }
    StatusOr<Quantity> q = Quantity::Parse(text);
    if (!q.ok()) {
      return Error(path, &value, "a Kubernetes quantity such as \"500m\" or \"4Gi\"");
    }
    const int64_t amount = cpu ? q->MilliValue() : q->Value();
    if (amount < 0) return Error(path, &value, "a quantity >= 0");
    return amount;
  }

  // Reads {"cpu", "memory"}; each missing one is zero unless `required`.
  StatusOr<Resources> Pair(const json& object, const std::string& path, bool required) const {
    CRESCENDO_RETURN_IF_ERROR(Known(object, path, {"cpu", "memory"}));
    Resources r;
    for (const bool cpu : {true, false}) {
      const char* key = cpu ? "cpu" : "memory";
      const auto it = object.find(key);
      if (it == object.end()) {
        if (required) return Error(Join(path, key), nullptr, "a Kubernetes quantity");
        continue;
      }
      CRESCENDO_ASSIGN_OR_RETURN(int64_t amount, Amount(*it, Join(path, key), cpu));
      (cpu ? r.cpu_millis : r.memory_bytes) = amount;
    }
    return r;
  }

  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

 private:
  std::string file_;
};

StatusOr<ServiceDemand> ParseDemand(const Reader& r, const json& d, const std::string& path) {
  if (!d.is_object()) return r.Error(path, &d, "an object");
  CRESCENDO_RETURN_IF_ERROR(r.Known(
      d, path,
      {"service", "per_replica", "replicas", "min_replicas", "priority", "current_replicas"}));
  ServiceDemand out;
  CRESCENDO_ASSIGN_OR_RETURN(out.service, r.String(d, path, "service", true));
  CRESCENDO_ASSIGN_OR_RETURN(const json* per, r.Object(d, path, "per_replica", true));
  CRESCENDO_ASSIGN_OR_RETURN(out.per_replica, r.Pair(*per, path + ".per_replica", true));
  CRESCENDO_ASSIGN_OR_RETURN(out.replicas, r.Int(d, path, "replicas", true, 0, 0));
  CRESCENDO_ASSIGN_OR_RETURN(out.min_replicas, r.Int(d, path, "min_replicas", false, 0, 0));
  if (out.min_replicas > out.replicas) {
    return r.Error(path + ".min_replicas", &d["min_replicas"],
                   "at most replicas (" + std::to_string(out.replicas) + ")");
  }
  CRESCENDO_ASSIGN_OR_RETURN(out.priority, r.Int(d, path, "priority", false, 0, -1000000));
  if (d.contains("current_replicas")) {
    CRESCENDO_ASSIGN_OR_RETURN(int32_t current, r.Int(d, path, "current_replicas", true, 0, 0));
    out.current_replicas = current;
  }
  return out;
}

StatusOr<TenantRequest> ParseTenant(const Reader& r, const json& t, const std::string& path,
                                    const std::map<std::string, int32_t, std::less<>>& tiers) {
  if (!t.is_object()) return r.Error(path, &t, "an object");
  CRESCENDO_RETURN_IF_ERROR(
      r.Known(t, path, {"name", "tier", "weight", "guarantee", "quota", "demands"}));
  TenantRequest out;
  CRESCENDO_ASSIGN_OR_RETURN(out.name, r.String(t, path, "name", true));
  CRESCENDO_ASSIGN_OR_RETURN(out.tier, r.String(t, path, "tier", true));
  const auto tier = tiers.find(out.tier);
  if (tier == tiers.end()) {
    std::string names;
    for (const auto& [name, priority] : tiers) names += (names.empty() ? "" : ", ") + name;
    return r.Error(path + ".tier", &t["tier"], "one of " + names);
  }
  out.tier_priority = tier->second;
  if (const auto w = t.find("weight"); w != t.end()) {
    if (!w->is_number() || !(w->get<double>() > 0) || !std::isfinite(w->get<double>())) {
      return r.Error(path + ".weight", &*w, "a number > 0");
    }
    out.weight = w->get<double>();
  }
  CRESCENDO_ASSIGN_OR_RETURN(const json* guarantee, r.Object(t, path, "guarantee", false));
  if (guarantee != nullptr) {
    CRESCENDO_ASSIGN_OR_RETURN(out.guarantee, r.Pair(*guarantee, path + ".guarantee", false));
  }
  CRESCENDO_ASSIGN_OR_RETURN(const json* quota, r.Object(t, path, "quota", false));
  if (quota != nullptr) {
    const std::string at = path + ".quota";
    CRESCENDO_RETURN_IF_ERROR(r.Known(*quota, at, {"cpu", "memory", "replicas"}));
    if (quota->contains("cpu")) {
      CRESCENDO_ASSIGN_OR_RETURN(out.quota.cpu_millis,
                                 r.Amount((*quota)["cpu"], at + ".cpu", true));
    }
    if (quota->contains("memory")) {
      CRESCENDO_ASSIGN_OR_RETURN(out.quota.memory_bytes,
                                 r.Amount((*quota)["memory"], at + ".memory", false));
    }
    if (quota->contains("replicas")) {
      CRESCENDO_ASSIGN_OR_RETURN(out.quota.max_replicas, r.Int(*quota, at, "replicas", true, 0, 0));
    }
  }
  const auto demands = t.find("demands");
  if (demands == t.end() || !demands->is_array()) {
    return r.Error(path + ".demands", demands == t.end() ? nullptr : &*demands,
                   "an array of {service, per_replica, replicas, min_replicas}");
  }
  for (size_t j = 0; j < demands->size(); ++j) {
    CRESCENDO_ASSIGN_OR_RETURN(
        ServiceDemand d,
        ParseDemand(r, (*demands)[j], path + ".demands[" + std::to_string(j) + "]"));
    out.demands.push_back(std::move(d));
  }
  return out;
}

StatusOr<std::map<std::string, int32_t, std::less<>>> ParseTiers(const Reader& r, const json& doc) {
  const auto it = doc.find("tiers");
  if (it == doc.end()) return DefaultTiers();
  if (!it->is_object() || it->empty()) {
    return r.Error("tiers", &*it, "an object of tier name -> priority");
  }
  std::map<std::string, int32_t, std::less<>> tiers;
  for (auto t = it->begin(); t != it->end(); ++t) {
    CRESCENDO_ASSIGN_OR_RETURN(tiers[t.key()], r.Int(*it, "tiers", t.key().c_str(), true, 0,
                                                     std::numeric_limits<int32_t>::min()));
  }
  return tiers;
}

}  // namespace

StatusOr<ArbitrationInput> ParseArbitrationJson(std::string_view text, std::string_view file) {
  const Reader r(file);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into a line and column.
    size_t line = 1, column = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      column = text[i] == '\n' ? 1 : column + 1;
      line += text[i] == '\n' ? 1 : 0;
    }
    return InvalidArgumentError(std::string(file) + ": line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ": malformed JSON, expected an object (" +
                                e.what() + ")");
  }
  if (!doc.is_object()) return r.Error("(document)", &doc, "an object");
  CRESCENDO_RETURN_IF_ERROR(r.Known(doc, "", {"capacity", "isolation", "tiers", "tenants"}));
  ArbitrationInput in;
  CRESCENDO_ASSIGN_OR_RETURN(const json* capacity, r.Object(doc, "", "capacity", true));
  CRESCENDO_ASSIGN_OR_RETURN(in.capacity, r.Pair(*capacity, "capacity", true));
  CRESCENDO_ASSIGN_OR_RETURN(std::string isolation, r.String(doc, "", "isolation", false));
  if (!isolation.empty()) {
    std::optional<Isolation> mode = ParseIsolation(isolation);
    if (!mode) return r.Error("isolation", &doc["isolation"], "strict, soft or none");
    in.isolation = *mode;
  }
  CRESCENDO_ASSIGN_OR_RETURN(auto tiers, ParseTiers(r, doc));
  const auto tenants = doc.find("tenants");
  if (tenants == doc.end() || !tenants->is_array()) {
    return r.Error("tenants", tenants == doc.end() ? nullptr : &*tenants,
                   "an array of {name, tier, weight, guarantee, demands}");
  }
  for (size_t i = 0; i < tenants->size(); ++i) {
    CRESCENDO_ASSIGN_OR_RETURN(
        TenantRequest t,
        ParseTenant(r, (*tenants)[i], "tenants[" + std::to_string(i) + "]", tiers));
    in.tenants.push_back(std::move(t));
  }
  Status valid = Validate(in);
  if (!valid.ok()) return valid.WithContext(file);
  return in;
}

nlohmann::json ArbitrationToJson(const ArbitrationInput& input, const ArbitrationResult& result) {
  json allocations = json::array();
  json shares = json::object();
  json tenants = json::array();
  for (size_t t = 0; t < input.tenants.size(); ++t) {
    const TenantRequest& tr = input.tenants[t];
    const TenantAllocation& a = result.tenants[t];
    for (size_t s = 0; s < tr.demands.size(); ++s) {
      allocations.push_back({{"tenant", tr.name},
                             {"service", tr.demands[s].service},
                             {"replicas", result.replicas[t][s]}});
    }
    shares[tr.name] = a.dominant_share;
    tenants.push_back({{"name", tr.name},
                       {"tier", tr.tier},
                       {"weight", tr.weight},
                       {"dominant_share", a.dominant_share},
                       {"entitlement_share", a.entitlement_share},
                       {"borrowing", a.borrowing},
                       {"cpu", CpuText(a.allocated.cpu_millis)},
                       {"memory", MemoryText(a.allocated.memory_bytes)},
                       {"replicas", a.replicas}});
  }
  json cuts = json::array();
  for (const Cut& c : result.cuts) {
    static constexpr const char* kCauses[] = {"capacity", "quota", "pool"};
    cuts.push_back({{"tenant", input.tenants[c.tenant].name},
                    {"service", input.tenants[c.tenant].demands[c.service].service},
                    {"demanded", c.demanded},
                    {"replicas", c.allocated},
                    {"cause", kCauses[static_cast<int>(c.cause)]},
                    {"reclaimed", c.reclaimed},
                    {"reason", ExplainCut(input, result, c)}});
  }
  return {{"isolation", std::string(IsolationName(input.isolation))},
          {"allocations", std::move(allocations)},
          {"dominant_shares", std::move(shares)},
          {"jain_index", result.jain_index},
          {"cuts", std::move(cuts)},
          {"tenants", std::move(tenants)}};
}

}  // namespace crescendo::tenancy
