// The live dashboard's page (web/dashboard/index.html), compiled into the binary so that
// `crescendo serve` serves it at / with nothing read or fetched at run time.
#ifndef CRESCENDO_API_DASHBOARD_ASSETS_H_
#define CRESCENDO_API_DASHBOARD_ASSETS_H_

#include <string_view>

namespace crescendo::api {

// Returns the HTML page (with its script and styles inline). Thread safe; static storage.
std::string_view DashboardHtml();

}  // namespace crescendo::api

#endif  // CRESCENDO_API_DASHBOARD_ASSETS_H_
