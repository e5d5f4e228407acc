// fft: periodicity detection and reconstruction from dominant frequencies, after Crane's DSP
// predictor (gocrane/crane, pkg/prediction/dsp; see periodicity.h for the algorithm and where
// it differs).
//
// Keeps the last `window` of slots in a ring. Every `refit` it prepares the window as Crane
// does (preprocessing.go): gaps up to `max_fill` are filled by linear interpolation, history
// before a longer gap is dropped, and values beyond the 0.1% / 99.9% quantiles are replaced by
// their predecessor. It then looks for a period P: the `candidates` cycles first, in order, by
// Crane's test (HasCycle: as Crane's predictor tries 1 day, then 1 week), then, with
// search=true, any period by DetectPeriod (FFT periodogram and autocorrelation). With at least
// `min_cycles` whole cycles of P it reconstructs the last cycle from the dominant frequencies;
// the forecast of a slot is that cycle's value at the same position modulo P. Without a period
// the model is not ready: it declines rather than guesses (an ensemble then skips it; the
// predictive strategy falls back to the reactive rule).
//
// Parameters: window=168h, refit=6h (Crane refits every 12h; 1h was no better on the traces of
// docs/forecasting.md and cost six times as much), candidates=24h;168h ("none" for none),
// search=false, min_cycles=2, min_period=4 steps, max_period=window/min_cycles, peak_radius=4h
// (these three for search=true), max_fill=1h, keep_period=1h, max_components=100. Memory: 8 bytes
// per window slot plus 8 per slot of the longest possible cycle (window / min_cycles). Update: O(1)
// for the ring (a gap of g slots O(min(g, window))), plus a refit of O(window log window) every
// `refit`; forecast O(1) per point.
#ifndef CRESCENDO_SRC_FORECAST_FFT_FFT_MODEL_H_
#define CRESCENDO_SRC_FORECAST_FFT_FFT_MODEL_H_

#include <memory>

#include "forecast/params.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

StatusOr<std::unique_ptr<PointModel>> CreateFftModel(Params& params, const ModelContext& context);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_FFT_FFT_MODEL_H_
