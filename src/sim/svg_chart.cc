#include "svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>

namespace crescendo::sim {
namespace {

constexpr double kWidth = 960, kHeight = 270;
constexpr double kLeft = 70, kRight = 20, kTop = 52, kBottom = 40;
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                   "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

struct Range {
  double lo = 0;
  double hi = 1;
};

// Returns a "nice" step (1, 2 or 5 times a power of ten) giving about `ticks` intervals.
double NiceStep(double span, int ticks) {
  double raw = span / ticks;
  double power = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * power) return m * power;
  }
  return 10 * power;
}

Range ValueRange(const ChartSpec& c) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const ChartSeries& s : c.series) {
    for (double v : s.values) {
      if (std::isnan(v) || (c.log_y && v <= 0)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) return c.log_y ? Range{1, 10} : Range{0, 1};
  if (c.log_y)
    return {std::pow(10, std::floor(std::log10(lo))),
            std::pow(10, std::ceil(std::log10(hi)) + (hi == lo ? 1 : 0))};
  double step = NiceStep(std::max(hi, 1e-9), 5);
  return {0, std::ceil(hi / step) * step + (hi <= 0 ? 1 : 0)};
}

std::string Number(double v) {
  if (v == 0) return "0";
  double a = std::fabs(v);
  if (a >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.3g}k", v / 1e3);
  return fmt::format("{:.4g}", v);
}

// Returns a time label: "11-27 18:00" (UTC).
std::string TimeLabel(Timestamp start, double seconds, bool with_minutes) {
  std::time_t t = static_cast<std::time_t>(ToUnixSeconds(start) + seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), with_minutes ? "%m-%d %H:%M" : "%m-%d", &tm);
  return buffer;
}

double TimeStep(double span_seconds) {
  static constexpr double kSteps[] = {60,     300,     600,     900,     1800,    3600,
                                      7200,   10800,   21600,   43200,   86400,   172800,
                                      604800, 1209600, 2592000, 7776000, 31536000};
  for (double s : kSteps) {
    if (span_seconds / s <= 8) return s;
  }
  return kSteps[std::size(kSteps) - 1];
}

class Plot {
 public:
  explicit Plot(const ChartSpec& c) : c_(c), y_(ValueRange(c)) {
    x_lo_ = c.x_seconds.empty() ? 0 : c.x_seconds.front();
    x_hi_ = c.x_seconds.empty() ? 1 : std::max(c.x_seconds.back(), x_lo_ + 1);
  }

  std::string Svg() const {
    std::string out = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" "
        "aria-label=\"{}\">",
        kWidth, kHeight, HtmlEscape(c_.title));
    out += fmt::format("<text class=\"title\" x=\"{}\" y=\"20\">{}</text>", kLeft,
                       HtmlEscape(c_.title));
    out += YAxis() + XAxis();
    for (size_t i = 0; i < c_.series.size(); ++i) out += Line(c_.series[i], i);
    out += Legend();
    return out + "</svg>";
  }

 private:
  double X(double seconds) const {
    return kLeft + (seconds - x_lo_) / (x_hi_ - x_lo_) * (kWidth - kLeft - kRight);
  }
  double Y(double v) const {
    double f = c_.log_y ? (std::log10(std::max(v, y_.lo)) - std::log10(y_.lo)) /
                              (std::log10(y_.hi) - std::log10(y_.lo))
                        : (v - y_.lo) / (y_.hi - y_.lo);
    return kHeight - kBottom - f * (kHeight - kTop - kBottom);
  }

  std::string YAxis() const {
    std::string out;
    std::vector<double> ticks;
    if (c_.log_y) {
      for (double v = y_.lo; v <= y_.hi * 1.0001; v *= 10) ticks.push_back(v);
    } else {
      double step = NiceStep(y_.hi - y_.lo, 5);
      for (double v = y_.lo; v <= y_.hi + step * 1e-6; v += step) ticks.push_back(v);
    }
    for (double v : ticks) {
      out += fmt::format(
          "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" "
          "y2=\"{:.1f}\"/><text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" "
          "text-anchor=\"end\">{}</text>",
          kLeft, kWidth - kRight, Y(v), Y(v), kLeft - 6, Y(v) + 4, Number(v));
    }
    out += fmt::format(
        "<text class=\"axis\" transform=\"translate(14,{:.1f}) rotate(-90)\" "
        "text-anchor=\"middle\">{}</text>",
        (kTop + kHeight - kBottom) / 2, HtmlEscape(c_.y_label));
    return out;
  }

  std::string XAxis() const {
    double step = TimeStep(x_hi_ - x_lo_);
    std::string out =
        fmt::format("<line class=\"axisline\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", kLeft,
                    kWidth - kRight, kHeight - kBottom, kHeight - kBottom);
    double absolute = ToUnixSeconds(c_.start);
    double first = std::ceil((absolute + x_lo_) / step) * step - absolute;
    for (double s = first; s <= x_hi_; s += step) {
      out += fmt::format(
          "<line class=\"tickline\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" "
          "y2=\"{2}\"/><text class=\"tick\" x=\"{0:.1f}\" y=\"{3}\" "
          "text-anchor=\"middle\">{4}</text>",
          X(s), kHeight - kBottom, kHeight - kBottom + 5, kHeight - kBottom + 18,
          TimeLabel(c_.start, s, step < 86400));
    }
    return out + fmt::format(
                     "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">time "
                     "(UTC)</text>",
                     kWidth - kRight, kHeight - 4);
  }

  std::string Line(const ChartSeries& s, size_t index) const {
    std::string out;
    std::string points;
    auto flush = [&] {
      if (!points.empty()) {
        out += fmt::format(
            "<polyline class=\"series\" data-series=\"{}\" points=\"{}\" "
            "stroke=\"{}\"{}/>",
            index, points, ChartColor(s.color), s.dashed ? " stroke-dasharray=\"6 4\"" : "");
      }
      points.clear();
    };
    for (size_t i = 0; i < s.values.size() && i < c_.x_seconds.size(); ++i) {
      double v = s.values[i];
      if (std::isnan(v) || (c_.log_y && v <= 0)) {
        flush();
        continue;
      }
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", X(c_.x_seconds[i]), Y(v));
    }
    flush();
    return out;
  }

  std::string Legend() const {
    std::string out;
    double x = kLeft;
    for (size_t i = 0; i < c_.series.size(); ++i) {
      out += fmt::format(
          "<g class=\"legend\" data-series=\"{}\"><rect x=\"{:.1f}\" y=\"30\" "
          "width=\"14\" height=\"4\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"37\">{}"
          "</text></g>",
          i, x, ChartColor(c_.series[i].color), x + 18, HtmlEscape(c_.series[i].name));
      x += 30 + 7.0 * static_cast<double>(c_.series[i].name.size());
    }
    return out;
  }

  const ChartSpec& c_;
  Range y_;
  double x_lo_ = 0;
  double x_hi_ = 1;
};

}  // namespace

std::string ChartColor(int index) {
  if (index < 0) return "#444444";
  return kColors[static_cast<size_t>(index) % std::size(kColors)];
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string SvgChart(const ChartSpec& chart) {
  return fmt::format("<figure class=\"plot\" data-plot=\"{}\">{}</figure>", HtmlEscape(chart.id),
                     Plot(chart).Svg());
}

}  // namespace crescendo::sim
