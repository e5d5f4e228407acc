// The frontier's parts of the JSON document and of the HTML report (report.h), and the text
// table layout both share.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_SIM_REPORT_FRONTIER_H_
#define CRESCENDO_SRC_SIM_REPORT_FRONTIER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crescendo/sim/report.h"

namespace crescendo::sim {

// Renders rows of cells as aligned text columns (first column left-aligned, the rest right).
// REQUIRES: rows non-empty, all of the same length.
std::string AlignRows(const std::vector<std::vector<std::string>>& rows);
// Returns the "frontier" value of the JSON document.
nlohmann::ordered_json FrontierJson(const Frontier& frontier);
// Returns the report's section: a heading, a paragraph and the two tables.
std::string FrontierHtml(const Frontier& frontier);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_REPORT_FRONTIER_H_
