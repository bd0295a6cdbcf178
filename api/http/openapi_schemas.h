// What openapi.json says about each route beyond its path and roles (issue 18: the console's
// API client is typed from it): the JSON Schema of its request body, its query parameters,
// its success replies and its error replies ({code, message, details}, each status with the
// codes the route can answer). Kept apart from the route table (routes*.cc), keyed by method
// and path, so a route file does not change when its description does;
// tests/api/http/openapi_test.cc fails for a route this file does not describe, and checks
// real requests and replies against it.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace suiji::http {

struct Route;

// components.schemas: the named schemas the operations refer to (Target, Draw, Error, ...).
nlohmann::json OpenApiComponentSchemas();

// Fills `op` (an OpenAPI operation object that already has summary, path parameters and
// roles) with the route's query parameters, request body and responses. A route this file
// does not describe gets `x-suiji-undescribed: true` and a default error reply only.
void DescribeOperation(const Route& route, nlohmann::json* op);

// The whole document GET /api/v1/openapi.json serves (OpenApi(ApiRoutes())), for
// `suiji openapi`, which needs no node.
nlohmann::json OpenApiDocument();

// The operations routes outside the table serve (/healthz, /metrics, /api/v1/openapi.json).
nlohmann::json OperationsRouteOperation(std::string_view path);

}  // namespace suiji::http
