// The staff searches of the directory read model (GET /api/v1/targets?cursor=...,
// GET /api/v1/inspectors?cursor=...): every filter given must hold, a page at a time, read
// from the directory folder's indexes (directory_projection.h). Beside the folder's other
// databases, version 2 keeps
//   t_name, i_name  (dupsort) a pair of adjacent characters (UTF-8 code points) of the
//                   name -> credit code / inspector id
// so a part of a name of two characters or more is answered from the ids under its rarest
// pair (mdb_cursor_count), not by reading every record.
//
// A page reads one index (the name's rarest pair, else the code, region, industry, grade or
// status, else the whole table) in its order, from the cursor (the last index entry the
// previous page looked at: never an offset), and looks at no more than `max_examined`
// (kMaxSearchExamined) entries: past that bound the page ends early, possibly with fewer
// rows than asked or none, with `bounded` set and a next_cursor after the last entry looked
// at, so a filter that matches little never scans a whole index in one request. next_cursor
// is empty on the last page.
//
// Thread-safety: as DirectoryProjection (each call is one read transaction).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/core/directory/records.h"
#include "projections/directory_projection.h"

namespace suiji {

constexpr size_t kMaxSearchLimit = 200;
constexpr size_t kMaxSearchExamined = 20000;

// Employers: `name` any part of the name, `credit_code` a prefix of the code (any case),
// `region` a GB/T 2260 code (everything under it), `industry` a GB/T 4754 prefix.
struct TargetSearch {
  std::string name;
  std::string credit_code;
  std::string region;
  std::string industry;
  std::string grade;  // "A", "B", "C", or "-" for ungraded
  std::optional<directory::TargetStatus> status;
  size_t limit = 20;  // 1..kMaxSearchLimit
  std::string cursor;  // the previous page's next_cursor; empty: the first page
  size_t max_examined = kMaxSearchExamined;  // the bound (tests lower it)
};

// Inspectors: `inspector_id` a prefix of the certificate number, `org_id` exact, `region` as
// above, `domain` one of its domains.
struct InspectorSearch {
  std::string name;
  std::string inspector_id;
  std::string org_id;
  std::string region;
  std::string domain;
  std::optional<directory::InspectorStatus> status;
  size_t limit = 20;
  std::string cursor;
  size_t max_examined = kMaxSearchExamined;
};

template <typename Record>
struct SearchPage {
  std::vector<Record> rows;
  std::string next_cursor;  // empty on the last page
  bool bounded = false;     // the page stopped at max_examined
  uint64_t examined = 0;    // index entries looked at
};

// kInvalidArgument for a limit outside 1..kMaxSearchLimit ("limit: ...") or a cursor that is
// malformed or of another query ("cursor: ..."), each message with its Chinese; kFailedPrecondition
// for a DirectoryProjection that is not the LMDB one.
StatusOr<SearchPage<directory::TargetRecord>> SearchTargets(const DirectoryProjection& p, const TargetSearch& q);
StatusOr<SearchPage<directory::InspectorRecord>> SearchInspectors(const DirectoryProjection& p,
                                                                  const InspectorSearch& q);

}  // namespace suiji
