// kind: bounds — configured hard bounds on replicas, applied last (Stage::kBounds).
#include "policy/kinds/kinds.h"

namespace crescendo::policy {
namespace {

class ConfiguredBounds final : public ConfiguredPolicy {
 public:
  ConfiguredBounds(const PolicySpec& spec, std::optional<int32_t> min, std::optional<int32_t> max)
      : ConfiguredPolicy(spec, Stage::kBounds), min_(min), max_(max) {}

  Proposal Apply(Proposal proposal, const PolicyContext&) const override {
    if (max_ && proposal.desired_replicas > *max_) {
      Record(proposal, *max_, "TooManyReplicas: capped at maxReplicas " + std::to_string(*max_));
    } else if (min_ && proposal.desired_replicas < *min_) {
      Record(proposal, *min_, "TooFewReplicas: raised to minReplicas " + std::to_string(*min_));
    }
    return proposal;
  }

 private:
  std::optional<int32_t> min_, max_;
};

}  // namespace

std::unique_ptr<Policy> CreateBoundsPolicy(const PolicySpec& spec, const BuildEnvironment&,
                                           SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"kind", "minReplicas", "maxReplicas"};
  r.CheckKeys(spec.params, kKeys);
  std::optional<int64_t> min, max;
  const SpecNode* min_node = spec.params.Find("minReplicas");
  const SpecNode* max_node = spec.params.Find("maxReplicas");
  if (min_node != nullptr) min = r.Int(*min_node, 0, 100000);
  if (max_node != nullptr) max = r.Int(*max_node, 0, 100000);
  if (min_node == nullptr && max_node == nullptr) {
    r.Error(spec.params, "bounds without minReplicas or maxReplicas", "at least one of them");
  }
  if (min && max && *min > *max) {
    r.Error(*min_node,
            "minReplicas " + std::to_string(*min) + " above maxReplicas " + std::to_string(*max),
            "minReplicas <= maxReplicas");
  }
  auto narrow = [](std::optional<int64_t> v) {
    return v ? std::optional<int32_t>(static_cast<int32_t>(*v)) : std::nullopt;
  };
  return std::make_unique<ConfiguredBounds>(spec, narrow(min), narrow(max));
}

}  // namespace crescendo::policy
