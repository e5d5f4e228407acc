#include <charconv>

#include "metrics/cloudwatch/cloudwatch.h"

namespace crescendo::metrics::cloudwatch {
namespace {

struct Word {
  std::string key;
  std::string value;
};

// Splits "k=v k2=\"a b\"" into words; a quoted value may hold spaces, \" and \\.
StatusOr<std::vector<Word>> SplitWords(std::string_view text) {
  std::vector<Word> words;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n') {
      ++i;
      continue;
    }
    const size_t start = i;
    const size_t eq = text.find('=', i);
    const size_t space = text.find_first_of(" \t\n", i);
    if (eq == std::string_view::npos || (space != std::string_view::npos && space < eq)) {
      return InvalidArgumentError("CloudWatch query: word \"" +
                                  std::string(text.substr(start, space - start)) + "\" at offset " +
                                  std::to_string(start) + ": expected key=value");
    }
    Word word{std::string(text.substr(i, eq - i)), ""};
    i = eq + 1;
    if (i < text.size() && text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        word.value.push_back(text[i]);
      }
      if (i >= text.size()) {
        return InvalidArgumentError("CloudWatch query: value of \"" + word.key + "\" at offset " +
                                    std::to_string(start) + ": unterminated quote");
      }
      ++i;
    } else {
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') {
        word.value.push_back(text[i++]);
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

Status Apply(const Word& word, MetricQuery& query) {
  if (word.key == "namespace") {
    query.metric_namespace = word.value;
  } else if (word.key == "metric") {
    query.metric_name = word.value;
  } else if (word.key == "stat") {
    query.stat = word.value;
  } else if (word.key == "unit") {
    query.unit = word.value;
  } else if (word.key == "expression") {
    query.expression = word.value;
  } else if (word.key == "period") {
    const auto [end, ec] = std::from_chars(word.value.data(), word.value.data() + word.value.size(),
                                           query.period_seconds);
    if (ec != std::errc() || end != word.value.data() + word.value.size() ||
        query.period_seconds <= 0) {
      return InvalidArgumentError("CloudWatch query: period=" + word.value +
                                  ": expected a positive number of seconds");
    }
  } else if (word.key.starts_with("dim.") && word.key.size() > 4) {
    query.dimensions.emplace_back(word.key.substr(4), word.value);
  } else {
    return InvalidArgumentError("CloudWatch query: unknown key \"" + word.key +
                                "\"; expected namespace, metric, stat, unit, period, "
                                "expression or dim.<Name>");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<MetricQuery> ParseMetricQuery(std::string_view text) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Word> words, SplitWords(text));
  MetricQuery query;
  for (const Word& word : words) CRESCENDO_RETURN_IF_ERROR(Apply(word, query));
  if (!query.expression.empty()) {
    if (!query.metric_name.empty() || !query.dimensions.empty()) {
      return InvalidArgumentError(
          "CloudWatch query: expression= excludes metric= and dim.*; use one or the other");
    }
    return query;
  }
  for (const auto& [key, value] :
       {std::pair{"namespace", &query.metric_namespace}, std::pair{"metric", &query.metric_name},
        std::pair{"stat", &query.stat}}) {
    if (value->empty()) {
      return InvalidArgumentError("CloudWatch query \"" + std::string(text) + "\": missing " + key +
                                  "=; expected namespace=, metric= and stat= (or "
                                  "expression=)");
    }
  }
  return query;
}

}  // namespace crescendo::metrics::cloudwatch
