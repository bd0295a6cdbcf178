// Helpers of the public routes (routes_public.cc: the JSON; routes_portal.cc: the portal's
// HTML pages, the verifier key and checkpoint): one snapshot of the public projection per
// request and the caching headers every public reply carries. Internal to api/http.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/http/route_helpers.h"
#include "projections/public_projection.h"

namespace suiji::http {

// Public data may be kept by browsers and the front's cache for a few seconds, then must be
// checked again (cheaply: If-None-Match, 304).
inline constexpr const char* kPublicCacheControl = "public, max-age=10, must-revalidate";

// One public read: a snapshot of the projection and the reply's ETag ("p<log size>-<hash of
// the ledger, the position and the request target>").
struct PublicRead {
  std::shared_ptr<PublicReader> reader;
  std::string etag;
};

// True when If-None-Match names `etag` (or is "*").
bool NotModified(const httplib::Request& req, const std::string& etag);
// `r` with the ETag and Cache-Control headers.
Reply WithTag(Reply r, const std::string& etag);
// Runs `answer` on a snapshot unless the client holds the current version (304).
Reply Answer(const Call& c, const std::function<Reply(PublicRead&)>& answer);
// A strong ETag of a reply's own bytes (for replies that are not one snapshot's: the key, a
// checkpoint, the verifier's files): "h<hash>".
std::string ContentTag(std::string_view prefix, std::string_view bytes);
// ?limit= (1..kMaxPageLimit, default `fallback`).
StatusOr<size_t> LimitOf(const httplib::Request& req, size_t fallback = 50);
// A public GET route (no authentication); `lock_free`: it reads only the public projection.
Route Public(std::string path, std::string summary, std::function<Reply(Call&)> h, bool lock_free = true);
// The portal's routes (routes_portal.cc), served after the JSON ones.
std::vector<Route> PortalRoutes();

}  // namespace suiji::http
