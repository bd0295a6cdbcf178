#include "projections/directory_projection.h"
#include "projections/directory_search.h"

#include <lmdb.h>

#include <algorithm>
#include <cctype>

#include "ledger/core/bytes.h"
#include "ledger/core/directory/fold.h"
#include "ledger/core/directory/target_decode.h"
#include "projections/lmdb_util.h"

namespace suiji {

namespace {

using directory::InspectorRecord;
using directory::ItemListRecord;
using directory::OrgUnitRecord;
using directory::TargetRecord;
using lmdb::BytesOf;
using lmdb::U64Key;
using lmdb::Val;
using lmdb::View;

constexpr std::string_view kWhat = "directory projection";

ByteView Bytes_(const MDB_val& v) { return BytesOf(v); }

std::string ItemKey(std::string_view org, uint32_t version) {
  return lmdb::IdAndU32(org, version);
}

std::string GradeKey(const TargetRecord& t) { return t.credit_grade.empty() ? "-" : t.credit_grade; }
std::string StatusKey(uint8_t s) { return std::string(1, static_cast<char>('0' + s)); }

struct Dbs {
  MDB_dbi meta, orgs, targets, t_region, t_industry, t_grade, t_status, inspectors, i_org,
      i_domain, i_status, conflicts, items, history, t_name, i_name;
};

// The characters (UTF-8 code points) of a text.
std::vector<std::string> Utf8Chars(std::string_view s) {
  std::vector<std::string> chars;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    n = std::min(n, s.size() - i);
    chars.emplace_back(s.substr(i, n));
    i += n;
  }
  return chars;
}

// The distinct pairs of adjacent characters of a name (the t_name / i_name keys). A name
// of one character has none: a one-character query is answered from another index.
std::vector<std::string> NamePairs(std::string_view name) {
  const std::vector<std::string> chars = Utf8Chars(name);
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < chars.size(); ++i) out.push_back(chars[i] + chars[i + 1]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Names and flags of every database, in Digest order.
using DbSpec = ProjectionDbSpec<Dbs>;
constexpr DbSpec kDbs[] = {
    {"meta", &Dbs::meta, 0},
    {"orgs", &Dbs::orgs, 0},
    {"targets", &Dbs::targets, 0},
    {"t_region", &Dbs::t_region, MDB_DUPSORT},
    {"t_industry", &Dbs::t_industry, MDB_DUPSORT},
    {"t_grade", &Dbs::t_grade, MDB_DUPSORT},
    {"t_status", &Dbs::t_status, MDB_DUPSORT},
    {"inspectors", &Dbs::inspectors, 0},
    {"i_org", &Dbs::i_org, MDB_DUPSORT},
    {"i_domain", &Dbs::i_domain, MDB_DUPSORT},
    {"i_status", &Dbs::i_status, MDB_DUPSORT},
    {"conflicts", &Dbs::conflicts, MDB_DUPSORT},
    {"items", &Dbs::items, 0},
    {"history", &Dbs::history, MDB_DUPSORT},
    {"t_name", &Dbs::t_name, MDB_DUPSORT},
    {"i_name", &Dbs::i_name, MDB_DUPSORT},
};

// The DirectoryStore of one write transaction. Errors are sticky: the first one aborts it.
class TxnStore final : public directory::DirectoryStore {
 public:
  TxnStore(MDB_txn* txn, const Dbs& dbs) : txn_(txn), d_(dbs) {}
  Status status() const { return status_; }

  std::optional<OrgUnitRecord> GetOrg(std::string_view id) override {
    auto v = Get(d_.orgs, id);
    if (!v) return std::nullopt;
    auto r = directory::DecodeOrgUnit(*v);
    return r.ok() ? std::optional(*r) : std::nullopt;
  }
  void PutOrg(const OrgUnitRecord& o) override { Put(d_.orgs, o.org_id, directory::EncodeOrgUnit(o)); }

  std::optional<TargetRecord> GetTarget(std::string_view code) override {
    auto v = Get(d_.targets, code);
    if (!v) return std::nullopt;
    auto r = directory::DecodeTarget(*v);
    if (!r.ok()) {
      Fail(r.status());
      return std::nullopt;
    }
    return std::move(*r);
  }
  void PutTarget(const TargetRecord& t, const std::optional<TargetRecord>& before) override {
    Put(d_.targets, t.credit_code, directory::EncodeTarget(t));
    const bool had = before.has_value();
    Reindex(d_.t_region, had ? before->region : "", t.region, had, t.credit_code);
    Reindex(d_.t_industry, had ? before->industry : "", t.industry, had, t.credit_code);
    Reindex(d_.t_grade, had ? GradeKey(*before) : "", GradeKey(t), had, t.credit_code);
    Reindex(d_.t_status, had ? StatusKey(static_cast<uint8_t>(before->status)) : "",
            StatusKey(static_cast<uint8_t>(t.status)), had, t.credit_code);
    if (!had || before->name != t.name) ReindexName(d_.t_name, had ? before->name : "", t.name, t.credit_code);
  }

  std::optional<InspectorRecord> GetInspector(std::string_view id) override {
    auto v = Get(d_.inspectors, id);
    if (!v) return std::nullopt;
    auto r = directory::DecodeInspector(*v);
    if (!r.ok()) {
      Fail(r.status());
      return std::nullopt;
    }
    return *r;
  }
  void PutInspector(const InspectorRecord& i, const std::optional<InspectorRecord>& before) override {
    if (before) {
      Del(d_.i_org, before->org_id, i.inspector_id);
      for (const auto& dom : before->domains) Del(d_.i_domain, dom, i.inspector_id);
      Del(d_.i_status, StatusKey(static_cast<uint8_t>(before->status)), i.inspector_id);
    }
    Put(d_.inspectors, i.inspector_id, directory::EncodeInspector(i));
    PutDup(d_.i_org, i.org_id, i.inspector_id);
    for (const auto& dom : i.domains) PutDup(d_.i_domain, dom, i.inspector_id);
    PutDup(d_.i_status, StatusKey(static_cast<uint8_t>(i.status)), i.inspector_id);
    if (!before || before->name != i.name) ReindexName(d_.i_name, before ? before->name : "", i.name, i.inspector_id);
  }

  bool HasConflict(std::string_view id, std::string_view code) override {
    MDB_cursor* c = nullptr;
    if (!Ok(mdb_cursor_open(txn_, d_.conflicts, &c), "cursor")) return false;
    MDB_val k = Val(id), v = Val(code);
    int rc = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH);
    mdb_cursor_close(c);
    return rc == 0;
  }
  void PutConflict(const directory::ConflictRecord& c) override {
    PutDup(d_.conflicts, c.inspector_id, c.credit_code);
  }
  void DeleteConflict(std::string_view id, std::string_view code) override {
    Del(d_.conflicts, id, code);
  }

  std::optional<uint32_t> LatestItemListVersion(std::string_view org) override {
    MDB_cursor* c = nullptr;
    if (!Ok(mdb_cursor_open(txn_, d_.items, &c), "cursor")) return std::nullopt;
    std::string prefix(org);
    prefix.push_back('\0');
    std::string probe = ItemKey(org, UINT32_MAX);
    MDB_val k = Val(std::string_view(probe)), v{};
    std::optional<uint32_t> out;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    rc = rc == 0 ? mdb_cursor_get(c, &k, &v, MDB_PREV) : mdb_cursor_get(c, &k, &v, MDB_LAST);
    if (rc == 0 && View(k).substr(0, prefix.size()) == prefix && k.mv_size == prefix.size() + 4) {
      out = GetU32BE(static_cast<const uint8_t*>(k.mv_data) + prefix.size());
    }
    mdb_cursor_close(c);
    return out;
  }
  void PutItemList(const ItemListRecord& l) override {
    Put(d_.items, ItemKey(l.org_id, l.version), directory::EncodeItemList(l));
  }
  // Moves `id` in an index from `old_key` (if `had`) to `new_key`; an unchanged key (most
  // updates: a headcount, a name) is left as it is.
  void Reindex(MDB_dbi dbi, std::string_view old_key, std::string_view new_key, bool had,
               std::string_view id) {
    if (had && old_key == new_key) return;
    if (had) Del(dbi, old_key, id);
    PutDup(dbi, new_key, id);
  }
  // Moves `id` from the character pairs of `old_name` to those of `new_name`.
  void ReindexName(MDB_dbi dbi, std::string_view old_name, std::string_view new_name, std::string_view id) {
    for (const auto& g : NamePairs(old_name)) Del(dbi, g, id);
    for (const auto& g : NamePairs(new_name)) PutDup(dbi, g, id);
  }
  void NoteHistory(std::string_view kind, std::string_view id, uint64_t seq) override {
    std::string key = std::string(kind) + ":" + std::string(id);
    PutDup(d_.history, key, U64Key(seq));
  }

  void Fail(const Status& s) {
    if (status_.ok()) status_ = s;
  }
  bool Ok(int rc, const char* what) {
    if (rc == 0) return true;
    Fail(lmdb::Check(rc, kWhat, what));
    return false;
  }
  std::optional<ByteView> Get(MDB_dbi dbi, std::string_view key) {
    // No record has an empty key or one over LMDB's key limit (511 bytes); asking for one
    // (an empty id in a request) is "not found", not a storage error.
    if (key.empty() || key.size() > 511) return std::nullopt;
    MDB_val k = Val(key), v{};
    int rc = mdb_get(txn_, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return std::nullopt;
    if (!Ok(rc, "get")) return std::nullopt;
    return Bytes_(v);
  }
  void Put(MDB_dbi dbi, std::string_view key, const Bytes& value) {
    MDB_val k = Val(key), v = Val(ByteView(value));
    Ok(mdb_put(txn_, dbi, &k, &v, 0), "put");
  }
  void PutDup(MDB_dbi dbi, std::string_view key, std::string_view value) {
    MDB_val k = Val(key), v = Val(value);
    int rc = mdb_put(txn_, dbi, &k, &v, MDB_NODUPDATA);
    if (rc != MDB_KEYEXIST) Ok(rc, "put index");
  }
  void Del(MDB_dbi dbi, std::string_view key, std::string_view value) {
    MDB_val k = Val(key), v = Val(value);
    int rc = mdb_del(txn_, dbi, &k, &v);
    if (rc != MDB_NOTFOUND) Ok(rc, "delete index");
  }

 private:
  MDB_txn* txn_;
  const Dbs& d_;
  Status status_;
};


using lmdb::Scan;

// The values of one key of a dupsort index (exact), or of all keys with a prefix.
Status ScanIndex(MDB_txn* txn, MDB_dbi dbi, std::string_view key, bool prefix,
                 const std::function<bool(std::string_view)>& fn) {
  return Scan(txn, dbi, key, !prefix, [&](std::string_view, ByteView v) { return fn(AsChars(v)); });
}

// The keys of every entry of a database, for driving a full scan through `visit`.
Status ScanKeys(MDB_txn* txn, MDB_dbi dbi, const std::function<bool(std::string_view)>& visit) {
  return Scan(txn, dbi, "", false, [&](std::string_view k, ByteView) { return visit(k); });
}

// Decodes every value under `prefix` and hands it to fn until fn returns false; a value that
// does not decode ends the scan with its status.
template <typename Decode, typename Fn>
Status ForEachDecoded(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, Decode decode, Fn fn) {
  Status err;
  SUIJI_RETURN_IF_ERROR(Scan(txn, dbi, prefix, false, [&](std::string_view, ByteView v) {
    auto r = decode(v);
    if (!r.ok()) {
      err = r.status();
      return false;
    }
    return fn(std::move(*r));
  }));
  return err;
}


// --- staff searches (SearchTargets, SearchInspectors) ----------------------------------------

// Where a search reads its candidates: a database, the key (exact) or key prefix, and a letter
// naming it in cursors. For a dupsort index the id is the value; for the record table itself
// (`table`), the key.
struct SearchSource {
  MDB_dbi dbi = 0;
  char letter = '*';
  std::string key;
  bool exact = false;
  bool table = false;
};

// Cursor: the source's letter, then hex(key) "." hex(value) of the last entry looked at.
std::string SearchCursor(char letter, std::string_view key, std::string_view value) {
  return std::string(1, letter) + ToHex(AsBytes(key)) + "." + ToHex(AsBytes(value));
}

StatusOr<std::pair<std::string, std::string>> ReadSearchCursor(std::string_view cursor, const SearchSource& src) {
  const size_t dot = cursor.find('.');
  if (cursor.empty() || cursor[0] != src.letter || dot == std::string_view::npos) {
    return InvalidArgument("cursor: not a cursor of this query (查询条件变了，请从第一页开始)");
  }
  auto k = FromHex(cursor.substr(1, dot - 1));
  auto v = FromHex(cursor.substr(dot + 1));
  if (!k.ok() || !v.ok()) return InvalidArgument("cursor: malformed (游标格式错误)");
  std::string key(AsChars(ByteView(k->data(), k->size())));
  std::string value(AsChars(ByteView(v->data(), v->size())));
  const bool belongs = src.exact ? key == src.key : key.compare(0, src.key.size(), src.key) == 0;
  if (!belongs) return InvalidArgument("cursor: not a cursor of this query (查询条件变了，请从第一页开始)");
  return std::make_pair(std::move(key), std::move(value));
}

// One page: the source's entries after the cursor, each id handed to `take` (which loads
// the record, filters it and appends it to the page when it matches), up to limit rows
// (one more is looked for, so the last page has no next_cursor) or `max_examined` entries.
template <typename Record>
Status SearchPageOver(MDB_txn* txn, const SearchSource& src, size_t limit, size_t max_examined, std::string_view cursor,
                      const std::function<std::optional<Record>(std::string_view id)>& take,
                      SearchPage<Record>* page) {
  if (limit == 0 || limit > kMaxSearchLimit) {
    return InvalidArgument("limit: 1 to " + std::to_string(kMaxSearchLimit) + " (每页条数应为 1 至 " +
                           std::to_string(kMaxSearchLimit) + ")");
  }
  std::optional<std::pair<std::string, std::string>> after;
  if (!cursor.empty()) {
    SUIJI_ASSIGN_OR_RETURN(auto c, ReadSearchCursor(cursor, src));
    after = std::move(c);
  }
  MDB_cursor* cur = nullptr;
  SUIJI_RETURN_IF_ERROR(lmdb::Check(mdb_cursor_open(txn, src.dbi, &cur), kWhat, "cursor"));
  MDB_val k{}, v{};
  int rc = 0;
  if (!after) {
    k = Val(std::string_view(src.key));
    rc = src.key.empty() ? mdb_cursor_get(cur, &k, &v, MDB_FIRST) : mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  } else if (src.table) {
    k = Val(std::string_view(after->first));
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (rc == 0 && View(k) == after->first) rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  } else {
    k = Val(std::string_view(after->first));
    v = Val(std::string_view(after->second));
    rc = mdb_cursor_get(cur, &k, &v, MDB_GET_BOTH_RANGE);
    if (rc == 0 && View(v) == after->second) {
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    } else if (rc == MDB_NOTFOUND) {
      // No id at or after the cursor's under its key any more: the next key.
      k = Val(std::string_view(after->first));
      rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
      if (rc == 0 && View(k) == after->first) rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP);
    }
  }
  std::string last_key, last_value;
  bool more = false;
  while (rc == 0) {
    const std::string_view key = View(k);
    if (src.exact ? key != src.key : key.compare(0, src.key.size(), src.key) != 0) break;
    if (page->examined == max_examined) {
      more = true;
      page->bounded = true;
      break;
    }
    const std::string_view id = src.table ? key : View(v);
    auto row = take(id);
    if (row) {
      if (page->rows.size() == limit) {
        more = true;
        break;
      }
      page->rows.push_back(std::move(*row));
    }
    ++page->examined;
    last_key.assign(key);
    last_value.assign(src.table ? std::string_view() : View(v));
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  if (rc != 0 && rc != MDB_NOTFOUND) return lmdb::Check(rc, kWhat, "search");
  page->next_cursor = more && !last_key.empty() ? SearchCursor(src.letter, last_key, last_value) : std::string();
  return OkStatus();
}

// The name's rarest character pair in `dbi` (fewest ids), or "" for a one-character name.
StatusOr<std::string> RarestPair(MDB_txn* txn, MDB_dbi dbi, std::string_view name) {
  std::string best;
  size_t best_count = SIZE_MAX;
  MDB_cursor* cur = nullptr;
  SUIJI_RETURN_IF_ERROR(lmdb::Check(mdb_cursor_open(txn, dbi, &cur), kWhat, "cursor"));
  for (const auto& g : NamePairs(name)) {
    MDB_val k = Val(std::string_view(g)), v{};
    size_t n = 0;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET);
    if (rc == 0) rc = mdb_cursor_count(cur, &n);
    if (rc != 0 && rc != MDB_NOTFOUND) {
      mdb_cursor_close(cur);
      return lmdb::Check(rc, kWhat, "count");
    }
    if (n < best_count) {
      best_count = n;
      best = g;
    }
  }
  mdb_cursor_close(cur);
  return best;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

// The directory's databases inside the shared projection environment.
class DirectoryFolder final : public ProjectionFolder {
 public:
  std::string_view name() const override { return "directory"; }
  // 2: the name indexes t_name and i_name.
  uint32_t version() const override { return 2; }
  std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
  void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
  Status Apply(MDB_txn* txn, const EntryView& e) override {
    if (!directory::IsDirectoryEvent(e.type())) return OkStatus();
    TxnStore store(txn, dbs_);
    Status s = directory::ApplyDirectoryEvent(e, store);
    return s.ok() ? store.status() : s;
  }
  const Dbs& dbs() const { return dbs_; }

 private:
  Dbs dbs_{};
};

std::unique_ptr<directory::DirectoryStore> DirectoryStoreIn(MDB_txn* txn, const ProjectionFolder& folder) {
  return std::make_unique<TxnStore>(txn, dynamic_cast<const DirectoryFolder&>(folder).dbs());
}

namespace {

// The directory's read side inside one transaction (DirectoryReaderIn).
class TxnReader final : public directory::DirectoryReader {
 public:
  TxnReader(MDB_txn* txn, const Dbs& dbs) : txn_(txn), d_(dbs), store_(txn, dbs) {}

  std::optional<OrgUnitRecord> Org(std::string_view org_id) const override {
    auto r = store_.GetOrg(org_id);
    Keep(store_.status());
    return r;
  }
  std::optional<TargetRecord> Target(std::string_view code) const override {
    auto r = store_.GetTarget(code);
    Keep(store_.status());
    return r;
  }
  std::optional<ItemListRecord> ItemList(std::string_view org_id, uint32_t version) const override {
    auto v = store_.Get(d_.items, ItemKey(org_id, version));
    Keep(store_.status());
    if (!v) return std::nullopt;
    auto r = directory::DecodeItemList(*v);
    if (!r.ok()) {
      Keep(r.status());
      return std::nullopt;
    }
    return *r;
  }
  uint32_t ItemListInForce(std::string_view org_id, std::string_view date) const override {
    std::string prefix(org_id);
    prefix.push_back('\0');
    uint32_t in_force = 0;
    Keep(ForEachDecoded(txn_, d_.items, prefix, directory::DecodeItemList, [&](ItemListRecord l) {
      if (l.org_id == org_id && l.effective_date <= date) in_force = std::max(in_force, l.version);
      return true;
    }));
    return in_force;
  }
  uint64_t TargetCount() const override {
    MDB_stat st{};
    const int rc = mdb_stat(txn_, d_.targets, &st);
    if (rc != 0) {
      Keep(lmdb::Check(rc, kWhat, "count targets"));
      return 0;
    }
    return st.ms_entries;
  }
  uint64_t ForEachTargetIn(const std::vector<std::string>& regions,
                           const std::function<bool(const TargetRecord&)>& fn) const override {
    // The region index under each region's code prefix (a prefix inside another is read
    // once), then the targets in credit-code order.
    std::vector<std::string> prefixes;
    for (const auto& r : regions) prefixes.push_back(RegionPrefix(r));
    std::sort(prefixes.begin(), prefixes.end());
    std::vector<std::string> distinct;
    for (auto& p : prefixes) {
      if (p.empty()) continue;
      if (!distinct.empty() && p.starts_with(distinct.back())) continue;
      distinct.push_back(std::move(p));
    }
    // The codes are copied into one buffer (no allocation per target), then sorted as views
    // into it.
    std::string buffer;
    std::vector<std::pair<size_t, size_t>> spans;  // offset, size in buffer
    for (const auto& p : distinct) {
      Keep(Scan(txn_, d_.t_region, p, false, [&](std::string_view, ByteView v) {
        spans.emplace_back(buffer.size(), v.size());
        buffer.append(AsChars(v));
        return true;
      }));
    }
    std::vector<std::string_view> codes;
    codes.reserve(spans.size());
    for (const auto& [offset, size] : spans) codes.emplace_back(buffer.data() + offset, size);
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    // The targets in key order through one cursor (LMDB then searches from the cursor's page
    // rather than from the root, since consecutive codes are mostly on the same page), each
    // decoded into one reused record.
    MDB_cursor* c = nullptr;
    if (int rc = mdb_cursor_open(txn_, d_.targets, &c); rc != 0) {
      Keep(lmdb::Check(rc, kWhat, "cursor"));
      return 0;
    }
    uint64_t passed = 0;
    TargetRecord t;
    for (std::string_view code : codes) {
      if (!status_.ok()) break;
      if (code.empty() || code.size() > 511) continue;
      MDB_val k = Val(code), v{};
      const int rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
      if (rc == MDB_NOTFOUND) continue;
      if (rc != 0) {
        Keep(lmdb::Check(rc, kWhat, "get"));
        break;
      }
      if (Status d = directory::DecodeTargetInto(Bytes_(v), t); !d.ok()) {
        Keep(d);
        break;
      }
      ++passed;
      if (!fn(t)) break;
    }
    mdb_cursor_close(c);
    return passed;
  }
  std::optional<InspectorRecord> Inspector(std::string_view inspector_id) const override {
    auto r = store_.GetInspector(inspector_id);
    Keep(store_.status());
    return r;
  }
  void ForEachInspector(const std::function<bool(const InspectorRecord&)>& fn) const override {
    Keep(ForEachDecoded(txn_, d_.inspectors, "", directory::DecodeInspector,
                        [&](const InspectorRecord& i) { return fn(i); }));
  }
  std::vector<std::string> ConflictsOf(std::string_view inspector_id) const override {
    std::vector<std::string> out;
    if (inspector_id.empty() || inspector_id.size() > 511) return out;
    Keep(ScanIndex(txn_, d_.conflicts, inspector_id, false, [&](std::string_view c) {
      out.emplace_back(c);
      return true;
    }));
    return out;
  }
  Status status() const override { return status_; }

 private:
  void Keep(const Status& s) const {
    if (status_.ok() && !s.ok()) status_ = s;
  }
  MDB_txn* txn_;
  const Dbs& d_;
  mutable TxnStore store_;
  mutable Status status_;
};

}  // namespace

std::unique_ptr<directory::DirectoryReader> DirectoryReaderIn(MDB_txn* txn, const ProjectionFolder& folder) {
  return std::make_unique<TxnReader>(txn, dynamic_cast<const DirectoryFolder&>(folder).dbs());
}

std::unique_ptr<ProjectionFolder> NewDirectoryFolder() { return std::make_unique<DirectoryFolder>(); }

namespace {

class LmdbDirectoryProjection final : public DirectoryProjection {
 public:
  explicit LmdbDirectoryProjection(std::shared_ptr<LmdbProjection> proj)
      : proj_(std::move(proj)), folder_(proj_->folder_as<DirectoryFolder>("directory")) {}

  Status CatchUp(const LogStorage& log, size_t batch,
                 const std::function<void(uint64_t, uint64_t)>& progress) override {
    return proj_->CatchUp(log, batch, progress);
  }
  StatusOr<uint64_t> Applied() const override { return proj_->Applied(); }
  StatusOr<Hash> Digest() const override { return proj_->Digest("directory"); }
  uint64_t rebuilds() const override { return proj_->rebuilds(); }
  bool private_view() const override { return proj_->private_view(); }
  std::shared_ptr<LmdbProjection> projection() const override { return proj_; }

  StatusOr<std::optional<OrgUnitRecord>> GetOrg(std::string_view id) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    TxnStore s(t.get(), folder_->dbs());
    auto r = s.GetOrg(id);
    SUIJI_RETURN_IF_ERROR(s.status());
    return r;
  }

  StatusOr<std::vector<OrgUnitRecord>> ListOrgs() const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    std::vector<OrgUnitRecord> out;
    SUIJI_RETURN_IF_ERROR(ForEachDecoded(t.get(), folder_->dbs().orgs, "", directory::DecodeOrgUnit,
                                         [&](OrgUnitRecord o) {
                                           out.push_back(std::move(o));
                                           return true;
                                         }));
    return out;
  }

  StatusOr<std::optional<TargetRecord>> GetTarget(std::string_view code) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    TxnStore s(t.get(), folder_->dbs());
    auto r = s.GetTarget(code);
    SUIJI_RETURN_IF_ERROR(s.status());
    return r;
  }

  StatusOr<std::vector<TargetRecord>> ListTargets(const TargetQuery& q) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    TxnStore s(t.get(), folder_->dbs());
    std::vector<TargetRecord> out;
    const std::string region_prefix = q.region.empty() ? "" : RegionPrefix(q.region);
    auto matches = [&](const TargetRecord& r) {
      if (!region_prefix.empty() && r.region.compare(0, region_prefix.size(), region_prefix) != 0) return false;
      if (!q.industry.empty() && r.industry.compare(0, q.industry.size(), q.industry) != 0) return false;
      if (!q.grade.empty() && GradeKey(r) != q.grade) return false;
      if (q.status && r.status != *q.status) return false;
      if (!q.org_id.empty() && r.org_id != q.org_id) return false;
      return true;
    };
    auto visit = [&](std::string_view code) {
      auto r = s.GetTarget(code);
      if (r && matches(*r)) out.push_back(std::move(*r));
      return q.limit == 0 || out.size() < q.limit;
    };
    // Drive the scan from the most selective index given.
    Status scan;
    if (!region_prefix.empty()) {
      scan = ScanIndex(t.get(), folder_->dbs().t_region, region_prefix, true, visit);
    } else if (!q.grade.empty()) {
      scan = ScanIndex(t.get(), folder_->dbs().t_grade, q.grade, false, visit);
    } else if (!q.industry.empty()) {
      scan = ScanIndex(t.get(), folder_->dbs().t_industry, q.industry, true, visit);
    } else if (q.status) {
      scan = ScanIndex(t.get(), folder_->dbs().t_status, StatusKey(static_cast<uint8_t>(*q.status)), false, visit);
    } else {
      scan = ScanKeys(t.get(), folder_->dbs().targets, visit);
    }
    SUIJI_RETURN_IF_ERROR(scan);
    SUIJI_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status ForEachTarget(const std::function<bool(const TargetRecord&)>& fn) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    return ForEachDecoded(t.get(), folder_->dbs().targets, "", directory::DecodeTarget,
                          [&](const TargetRecord& r) { return fn(r); });
  }

  StatusOr<uint64_t> CountTargets() const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    MDB_stat st{};
    SUIJI_RETURN_IF_ERROR(lmdb::Check(mdb_stat(t.get(), folder_->dbs().targets, &st), kWhat, "stat"));
    return static_cast<uint64_t>(st.ms_entries);
  }

  StatusOr<std::optional<InspectorRecord>> GetInspector(std::string_view id) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    TxnStore s(t.get(), folder_->dbs());
    auto r = s.GetInspector(id);
    SUIJI_RETURN_IF_ERROR(s.status());
    return r;
  }

  StatusOr<std::vector<InspectorRecord>> ListInspectors(const InspectorQuery& q) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    TxnStore s(t.get(), folder_->dbs());
    std::vector<InspectorRecord> out;
    auto matches = [&](const InspectorRecord& r) {
      if (!q.org_id.empty() && r.org_id != q.org_id) return false;
      if (!q.domain.empty() &&
          std::find(r.domains.begin(), r.domains.end(), q.domain) == r.domains.end()) {
        return false;
      }
      if (q.status && r.status != *q.status) return false;
      if (q.auxiliary && r.auxiliary != *q.auxiliary) return false;
      return true;
    };
    auto visit = [&](std::string_view id) {
      auto r = s.GetInspector(id);
      if (r && matches(*r)) out.push_back(std::move(*r));
      return q.limit == 0 || out.size() < q.limit;
    };
    Status scan;
    if (!q.org_id.empty()) {
      scan = ScanIndex(t.get(), folder_->dbs().i_org, q.org_id, false, visit);
    } else if (!q.domain.empty()) {
      scan = ScanIndex(t.get(), folder_->dbs().i_domain, q.domain, false, visit);
    } else if (q.status) {
      scan = ScanIndex(t.get(), folder_->dbs().i_status, StatusKey(static_cast<uint8_t>(*q.status)), false, visit);
    } else {
      scan = ScanKeys(t.get(), folder_->dbs().inspectors, visit);
    }
    SUIJI_RETURN_IF_ERROR(scan);
    SUIJI_RETURN_IF_ERROR(s.status());
    return out;
  }


  StatusOr<SearchPage<TargetRecord>> SearchTargets(const TargetSearch& q) const {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    TxnStore s(t.get(), folder_->dbs());
    const Dbs& d = folder_->dbs();
    const std::string code = Upper(q.credit_code);
    const std::string region_prefix = q.region.empty() ? "" : RegionPrefix(q.region);
    SearchSource src{d.targets, '*', "", false, true};
    SUIJI_ASSIGN_OR_RETURN(std::string pair, RarestPair(t.get(), d.t_name, q.name));
    if (!pair.empty()) src = {d.t_name, 'n', pair, true, false};
    else if (!code.empty()) src = {d.targets, 'c', code, false, true};
    else if (!region_prefix.empty()) src = {d.t_region, 'r', region_prefix, false, false};
    else if (!q.industry.empty()) src = {d.t_industry, 'i', q.industry, false, false};
    else if (!q.grade.empty()) src = {d.t_grade, 'g', q.grade, true, false};
    else if (q.status) src = {d.t_status, 's', StatusKey(static_cast<uint8_t>(*q.status)), true, false};
    auto take = [&](std::string_view id) -> std::optional<TargetRecord> {
      auto r = s.GetTarget(id);
      if (!r) return std::nullopt;
      if (!q.name.empty() && r->name.find(q.name) == std::string::npos) return std::nullopt;
      if (!code.empty() && r->credit_code.compare(0, code.size(), code) != 0) return std::nullopt;
      if (!region_prefix.empty() && r->region.compare(0, region_prefix.size(), region_prefix) != 0) return std::nullopt;
      if (!q.industry.empty() && r->industry.compare(0, q.industry.size(), q.industry) != 0) return std::nullopt;
      if (!q.grade.empty() && GradeKey(*r) != q.grade) return std::nullopt;
      if (q.status && r->status != *q.status) return std::nullopt;
      return r;
    };
    SearchPage<TargetRecord> page;
    SUIJI_RETURN_IF_ERROR(SearchPageOver<TargetRecord>(t.get(), src, q.limit, std::max<size_t>(q.max_examined, 1), q.cursor, take, &page));
    SUIJI_RETURN_IF_ERROR(s.status());
    return page;
  }

  StatusOr<SearchPage<InspectorRecord>> SearchInspectors(const InspectorSearch& q) const {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    TxnStore s(t.get(), folder_->dbs());
    const Dbs& d = folder_->dbs();
    const std::string region_prefix = q.region.empty() ? "" : RegionPrefix(q.region);
    SearchSource src{d.inspectors, '*', "", false, true};
    SUIJI_ASSIGN_OR_RETURN(std::string pair, RarestPair(t.get(), d.i_name, q.name));
    if (!pair.empty()) src = {d.i_name, 'n', pair, true, false};
    else if (!q.inspector_id.empty()) src = {d.inspectors, 'c', q.inspector_id, false, true};
    else if (!q.org_id.empty()) src = {d.i_org, 'o', q.org_id, true, false};
    else if (!q.domain.empty()) src = {d.i_domain, 'd', q.domain, true, false};
    else if (q.status) src = {d.i_status, 's', StatusKey(static_cast<uint8_t>(*q.status)), true, false};
    auto take = [&](std::string_view id) -> std::optional<InspectorRecord> {
      auto r = s.GetInspector(id);
      if (!r) return std::nullopt;
      if (!q.name.empty() && r->name.find(q.name) == std::string::npos) return std::nullopt;
      if (!q.inspector_id.empty() && r->inspector_id.compare(0, q.inspector_id.size(), q.inspector_id) != 0) {
        return std::nullopt;
      }
      if (!q.org_id.empty() && r->org_id != q.org_id) return std::nullopt;
      if (!region_prefix.empty() && r->region.compare(0, region_prefix.size(), region_prefix) != 0) return std::nullopt;
      if (!q.domain.empty() && std::find(r->domains.begin(), r->domains.end(), q.domain) == r->domains.end()) {
        return std::nullopt;
      }
      if (q.status && r->status != *q.status) return std::nullopt;
      return r;
    };
    SearchPage<InspectorRecord> page;
    SUIJI_RETURN_IF_ERROR(SearchPageOver<InspectorRecord>(t.get(), src, q.limit, std::max<size_t>(q.max_examined, 1), q.cursor, take, &page));
    SUIJI_RETURN_IF_ERROR(s.status());
    return page;
  }

  StatusOr<std::vector<std::string>> ConflictsOf(std::string_view id) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    std::vector<std::string> out;
    SUIJI_RETURN_IF_ERROR(ScanIndex(t.get(), folder_->dbs().conflicts, id, false, [&](std::string_view c) {
      out.emplace_back(c);
      return true;
    }));
    return out;
  }

  StatusOr<std::vector<ItemListRecord>> ListItemListVersions(std::string_view org) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    std::string prefix(org);
    prefix.push_back('\0');
    std::vector<ItemListRecord> out;
    SUIJI_RETURN_IF_ERROR(ForEachDecoded(t.get(), folder_->dbs().items, prefix, directory::DecodeItemList,
                                         [&](ItemListRecord l) {
                                           out.push_back(std::move(l));
                                           return true;
                                         }));
    return out;
  }

  StatusOr<std::optional<ItemListRecord>> GetItemList(std::string_view org, std::string_view date,
                                                      uint32_t version) const override {
    SUIJI_ASSIGN_OR_RETURN(auto all, ListItemListVersions(org));
    std::optional<ItemListRecord> best;
    for (auto& l : all) {
      if (version > 0) {
        if (l.version == version) best = l;
      } else if (date.empty() || l.effective_date <= date) {
        if (!best || l.version > best->version) best = l;
      }
    }
    return best;
  }

  StatusOr<std::vector<uint64_t>> History(std::string_view kind, std::string_view id) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    std::string key = std::string(kind) + ":" + std::string(id);
    std::vector<uint64_t> out;
    SUIJI_RETURN_IF_ERROR(ScanIndex(t.get(), folder_->dbs().history, key, false, [&](std::string_view v) {
      if (v.size() == 8) out.push_back(GetU64BE(reinterpret_cast<const uint8_t*>(v.data())));
      return true;
    }));
    return out;
  }
  StatusOr<std::vector<uint64_t>> HistoryOfKind(std::string_view kind) const override {
    lmdb::ReadTxn t(proj_->env());
    SUIJI_RETURN_IF_ERROR(t.status(kWhat));
    std::vector<uint64_t> out;
    const std::string prefix = std::string(kind) + ":";
    SUIJI_RETURN_IF_ERROR(ScanIndex(t.get(), folder_->dbs().history, prefix, true, [&](std::string_view v) {
      if (v.size() == 8) out.push_back(GetU64BE(reinterpret_cast<const uint8_t*>(v.data())));
      return true;
    }));
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::shared_ptr<LmdbProjection> proj_;
  DirectoryFolder* folder_;
};

}  // namespace

std::string RegionPrefix(std::string_view region) {
  if (region.size() != 6) return std::string(region);
  if (region.substr(2) == "0000") return std::string(region.substr(0, 2));
  if (region.substr(4) == "00") return std::string(region.substr(0, 4));
  return std::string(region);
}

StatusOr<SearchPage<TargetRecord>> SearchTargets(const DirectoryProjection& p, const TargetSearch& q) {
  const auto* lmdb = dynamic_cast<const LmdbDirectoryProjection*>(&p);
  if (lmdb == nullptr) return FailedPrecondition("directory search: not an LMDB directory projection");
  return lmdb->SearchTargets(q);
}

StatusOr<SearchPage<InspectorRecord>> SearchInspectors(const DirectoryProjection& p, const InspectorSearch& q) {
  const auto* lmdb = dynamic_cast<const LmdbDirectoryProjection*>(&p);
  if (lmdb == nullptr) return FailedPrecondition("directory search: not an LMDB directory projection");
  return lmdb->SearchInspectors(q);
}

StatusOr<std::unique_ptr<DirectoryProjection>> DirectoryProjection::Open(
    const std::filesystem::path& data_dir, ProjectionSync sync) {
  SUIJI_ASSIGN_OR_RETURN(auto proj, OpenProjections(data_dir, sync));
  return Over(std::move(proj));
}

std::unique_ptr<DirectoryProjection> DirectoryProjection::Over(std::shared_ptr<LmdbProjection> proj) {
  return std::make_unique<LmdbDirectoryProjection>(std::move(proj));
}

}  // namespace suiji
