#include "forecast/naive/naive.h"

#include <cmath>
#include <limits>

#include "forecast/state_json.h"

namespace crescendo::forecast {
namespace {

class NaiveModel final : public PointModel {
 public:
  void Observe(int64_t /*slot*/, double value) override { last_ = value; }
  void Revise(double value) override { last_ = value; }
  Status Ready() const override {
    if (std::isnan(last_)) return FailedPreconditionError("warming up: no sample observed yet");
    return Status::Ok();
  }
  std::optional<double> Predict(int64_t /*target*/) const override {
    if (std::isnan(last_)) return std::nullopt;
    return last_;
  }
  nlohmann::json SaveState() const override { return {{"last", NumberOrNull(last_)}}; }
  Status LoadState(const nlohmann::json& state) override {
    last_ = NumberOrNaN(state, "last");
    return Status::Ok();
  }
  size_t StateBytes() const override { return sizeof(*this); }

 private:
  double last_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace

StatusOr<std::unique_ptr<PointModel>> CreateNaiveModel(Params& /*params*/,
                                                       const ModelContext& /*context*/) {
  return std::unique_ptr<PointModel>(std::make_unique<NaiveModel>());
}

}  // namespace crescendo::forecast
