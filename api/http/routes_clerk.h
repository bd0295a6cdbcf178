// The registry clerk's routes (routes_clerk.cc): the staff searches that GET /api/v1/targets
// and GET /api/v1/inspectors answer when the request asks for a page (a `cursor` parameter,
// empty for the first page), and the import templates. Internal to api/http.
#pragma once

#include <vector>

#include "api/http/server_internal.h"

namespace suiji::http {

// GET /api/v1/targets?cursor=&name=&credit_code=&region=&industry=&grade=&status=&limit=
Reply SearchTargetsPage(Call& c);
// GET /api/v1/inspectors?cursor=&name=&inspector_id=&org=&region=&domain=&status=&limit=
Reply SearchInspectorsPage(Call& c);
// GET /api/v1/import-templates/{kind}
std::vector<Route> ClerkRoutes();

}  // namespace suiji::http
