// The built-in forecasters: one line each, alphabetical. docs/forecasting.md describes them.
#include "forecast/ensemble/ensemble.h"
#include "forecast/fft/fft_model.h"
#include "forecast/holt_winters/holt_winters.h"
#include "forecast/model_registry.h"
#include "forecast/naive/naive.h"
#include "forecast/quantile/quantile.h"
#include "forecast/seasonal_naive/seasonal_naive.h"

namespace crescendo::forecast {

void RegisterBuiltinModels(ModelRegistry& registry) {
  registry.Add("ensemble", &CreateEnsembleModel);
  registry.Add("fft", &CreateFftModel);
  registry.Add("holt_winters_additive", &CreateHoltWintersAdditiveModel);
  registry.Add("holt_winters_multiplicative", &CreateHoltWintersMultiplicativeModel);
  registry.Add("naive", &CreateNaiveModel);
  registry.Add("quantile", &CreateQuantileModel);
  registry.Add("seasonal_naive", &CreateSeasonalNaiveModel);
}

}  // namespace crescendo::forecast
