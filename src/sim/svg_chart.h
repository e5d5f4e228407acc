// SvgChart: a line chart as inline SVG, for the self-contained HTML report.
//
// Series share an x axis (seconds since the run's start, labelled in UTC from `start`); NaN values
// are gaps (the line breaks). A logarithmic y axis suits latency.
//
// Thread safety: pure.
#ifndef CRESCENDO_SRC_SIM_SVG_CHART_H_
#define CRESCENDO_SRC_SIM_SVG_CHART_H_

#include <string>
#include <vector>

#include "crescendo/base/time.h"

namespace crescendo::sim {

struct ChartSeries {
  std::string name;
  std::vector<double> values;  // one per x
  bool dashed = false;
  int color = -1;  // index in the palette (the same strategy keeps its colour); -1: dark grey
};

// Returns the palette's colour `index` ("#rrggbb"), or dark grey for -1.
std::string ChartColor(int index);

struct ChartSpec {
  std::string id;  // the figure's data-plot attribute, e.g. "load"
  std::string title;
  std::string y_label;
  Timestamp start;
  std::vector<double> x_seconds;
  std::vector<ChartSeries> series;
  bool log_y = false;
};

// Returns "<figure class=\"plot\" data-plot=\"id\">...<svg>...</svg></figure>".
std::string SvgChart(const ChartSpec& chart);

// Returns `text` with &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(const std::string& text);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_SVG_CHART_H_
