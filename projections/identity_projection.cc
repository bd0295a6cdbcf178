#include "projections/identity_projection.h"

#include <lmdb.h>

#include <cstring>

#include "projections/lmdb_util.h"

namespace suiji {

namespace {

using identity::RequestInfo;
using identity::TokenInfo;
using identity::UserInfo;

constexpr std::string_view kWhat = "identity projection";

struct Dbs {
  MDB_dbi orgs, users, keys, inspectors, tokens, token_hash, user_tokens, requests;
};

using DbSpec = ProjectionDbSpec<Dbs>;
// In Digest order.
constexpr DbSpec kDbs[] = {
    {"id_orgs", &Dbs::orgs, 0},
    {"id_users", &Dbs::users, 0},
    {"id_keys", &Dbs::keys, MDB_DUPSORT},
    {"id_inspectors", &Dbs::inspectors, MDB_DUPSORT},
    {"id_tokens", &Dbs::tokens, 0},
    {"id_token_hash", &Dbs::token_hash, 0},
    {"id_user_tokens", &Dbs::user_tokens, MDB_DUPSORT},
    {"id_requests", &Dbs::requests, 0},
};

// The row key of a free-form id (see the header): itself if 1-480 bytes and not starting
// with 0x01, else 0x01 and its SHA-256.
std::string IdKey(std::string_view id) {
  if (!id.empty() && id.size() <= 480 && id[0] != '\x01') return std::string(id);
  const Hash h = Sha256(AsBytes(id));
  std::string k("\x01");
  k.append(reinterpret_cast<const char*>(h.data()), h.size());
  return k;
}

std::string RequestKey(std::string_view user, std::string_view key) {
  std::string s(user);
  s.push_back('\n');
  s.append(key);
  return IdKey(s);
}

std::string_view HashKey(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// The rows: lmdb::RowWriter / RowReader fields (big-endian integers, u32-length-prefixed
// strings), the last field (a record's payload, a digest, an org id) the rest of the row.
using Row = lmdb::RowWriter;
using Cursor = lmdb::RowReader;

std::string EncodeUserRow(const UserInfo& u) {
  Row o;
  o.U32(u.version);
  o.U8(u.disabled ? 1 : 0);
  o.Str(u.region);
  o.Raw(identity::EncodeUser(u.user));
  return o.str();
}

StatusOr<UserInfo> DecodeUserRow(ByteView b) {
  Cursor c(b);
  UserInfo u;
  u.version = c.U32();
  u.disabled = c.U8() != 0;
  u.region = c.Str();
  if (!c.good())
    return DataLoss(std::string(kWhat) +
                    ": a user row is cut short; delete projections/ to rebuild it from the log");
  SUIJI_ASSIGN_OR_RETURN(u.user, identity::DecodeUser(c.Rest()));
  return u;
}

std::string EncodeTokenRow(const TokenInfo& t) {
  Row o;
  o.U8(t.revoked ? 1 : 0);
  o.U64(t.sequence);
  o.Raw(identity::EncodeToken(t.token));
  return o.str();
}

StatusOr<TokenInfo> DecodeTokenRow(ByteView b) {
  Cursor c(b);
  TokenInfo t;
  t.revoked = c.U8() != 0;
  t.sequence = c.U64();
  if (!c.good())
    return DataLoss(std::string(kWhat) +
                    ": a token row is cut short; delete projections/ to rebuild it from the log");
  SUIJI_ASSIGN_OR_RETURN(t.token, identity::DecodeToken(c.Rest()));
  return t;
}

std::string EncodeRequestRow(const RequestInfo& r) {
  Row o;
  o.U64(r.first);
  o.U64(r.count);
  o.U32(static_cast<uint32_t>(r.type));
  o.Raw(r.digest);
  return o.str();
}

StatusOr<RequestInfo> DecodeRequestRow(ByteView b) {
  Cursor c(b);
  RequestInfo r;
  r.first = c.U64();
  r.count = c.U64();
  r.type = static_cast<EventType>(c.U32());
  if (!c.good())
    return DataLoss(std::string(kWhat) +
                    ": a request row is cut short; delete projections/ to rebuild it from the log");
  r.digest = std::string(AsChars(c.Rest()));
  return r;
}

std::string EncodeOrgRow(std::string_view org_id, std::string_view region) {
  Row o;
  o.Str(region);
  o.Raw(org_id);
  return o.str();
}

// The IdentityStore of one transaction (read or write). Errors are sticky: the first one
// is status(), and reads answer "absent" after it.
class TxnStore final : public identity::IdentityStore {
 public:
  TxnStore(MDB_txn* txn, const Dbs& dbs) : rows_(txn, kWhat), d_(dbs) {}
  Status status() const override { return rows_.status(); }

  std::optional<UserInfo> GetUser(std::string_view user_id) const override {
    return Decoded(d_.users, user_id, DecodeUserRow);
  }
  std::optional<TokenInfo> GetToken(std::string_view token_id) const override {
    return Decoded(d_.tokens, token_id, DecodeTokenRow);
  }
  std::optional<std::string> TokenIdByHash(const Hash& h) const override {
    auto v = rows_.Get(d_.token_hash, HashKey(h));
    return v ? std::optional(std::string(AsChars(*v))) : std::nullopt;
  }
  std::optional<std::string> EnabledUserByKey(ByteView key) const override {
    std::optional<std::string> out;
    Scan(d_.keys, AsChars(key), [&](std::string_view, ByteView v) {
      out = std::string(AsChars(v));  // the smallest user id: dupsort values sort
      return false;
    });
    return out;
  }
  std::vector<std::string> EnabledUsersOfInspector(std::string_view inspector_id) const override {
    std::vector<std::string> out;
    if (inspector_id.empty()) return out;
    Scan(d_.inspectors, IdKey(inspector_id), [&](std::string_view, ByteView v) {
      out.emplace_back(AsChars(v));
      return true;
    });
    return out;
  }
  std::optional<std::string> GetOrgRegion(std::string_view org_id) const override {
    auto v = rows_.Get(d_.orgs, IdKey(org_id));
    if (!v) return std::nullopt;
    Cursor c(*v);
    std::string region = c.Str();
    if (!c.good()) return Corrupt("an org unit row");
    return region;
  }
  void ForEachOrgRegion(
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    ScanAll(d_.orgs, [&](std::string_view, ByteView v) {
      Cursor c(v);
      std::string region = c.Str();
      if (!c.good()) {
        Corrupt("an org unit row");
        return false;
      }
      return fn(AsChars(c.Rest()), region);
    });
  }
  void ForEachUser(const std::function<bool(const UserInfo&)>& fn) const override {
    ScanAll(d_.users, [&](std::string_view, ByteView v) {
      auto u = DecodeUserRow(v);
      if (!u.ok()) {
        rows_.Fail(u.status());
        return false;
      }
      return fn(*u);
    });
  }
  std::vector<TokenInfo> TokensOf(std::string_view user_id) const override {
    std::vector<std::string> ids;
    if (user_id.empty() || user_id.size() > 511) return {};
    Scan(d_.user_tokens, user_id, [&](std::string_view, ByteView v) {
      ids.emplace_back(AsChars(v));
      return true;
    });
    std::vector<TokenInfo> out;
    for (const auto& id : ids) {
      if (auto t = GetToken(id)) out.push_back(std::move(*t));
    }
    return out;
  }
  std::optional<RequestInfo> GetRequest(std::string_view user,
                                        std::string_view key) const override {
    return Decoded(d_.requests, RequestKey(user, key), DecodeRequestRow);
  }

  void PutOrgRegion(std::string_view org_id, std::string_view region) override {
    rows_.Put(d_.orgs, IdKey(org_id), EncodeOrgRow(org_id, region));
  }
  void PutUser(const UserInfo& u, const std::optional<UserInfo>& before) override {
    const std::string& id = u.user.user_id;
    if (before && !before->disabled) {
      if (before->user.public_key.size() == 32)
        rows_.DelDup(d_.keys, AsChars(before->user.public_key), id);
      if (!before->user.inspector_id.empty())
        rows_.DelDup(d_.inspectors, IdKey(before->user.inspector_id), id);
    }
    rows_.Put(d_.users, id, EncodeUserRow(u));
    if (!u.disabled) {
      if (u.user.public_key.size() == 32) rows_.PutDup(d_.keys, AsChars(u.user.public_key), id);
      if (!u.user.inspector_id.empty()) rows_.PutDup(d_.inspectors, IdKey(u.user.inspector_id), id);
    }
  }
  void PutToken(const TokenInfo& t, bool fresh) override {
    rows_.Put(d_.tokens, t.token.token_id, EncodeTokenRow(t));
    if (fresh) {
      rows_.Put(d_.token_hash, HashKey(t.token.token_sha256), t.token.token_id);
      rows_.PutDup(d_.user_tokens, t.token.user_id, t.token.token_id);
    }
  }
  void PutRequest(std::string_view user, std::string_view key, const RequestInfo& r) override {
    rows_.Put(d_.requests, RequestKey(user, key), EncodeRequestRow(r));
  }

 private:
  template <typename T>
  std::optional<T> Decoded(MDB_dbi dbi, std::string_view key,
                           StatusOr<T> (*decode)(ByteView)) const {
    auto v = rows_.Get(dbi, key);
    if (!v) return std::nullopt;
    auto r = decode(*v);
    if (!r.ok()) {
      rows_.Fail(r.status());
      return std::nullopt;
    }
    return std::move(*r);
  }
  std::nullopt_t Corrupt(std::string_view what) const {
    rows_.Fail(DataLoss(std::string(kWhat) + ": " + std::string(what) +
                        " is cut short; delete projections/ to rebuild it from the log"));
    return std::nullopt;
  }
  // The duplicates of exactly `key`.
  void Scan(MDB_dbi dbi, std::string_view key,
            const std::function<bool(std::string_view, ByteView)>& fn) const {
    if (key.empty() || key.size() > 511 || !rows_.status().ok()) return;
    if (Status s = lmdb::Scan(rows_.txn(), dbi, key, true, fn); !s.ok()) rows_.Fail(s);
  }
  void ScanAll(MDB_dbi dbi, const std::function<bool(std::string_view, ByteView)>& fn) const {
    if (!rows_.status().ok()) return;
    if (Status s = lmdb::Scan(rows_.txn(), dbi, "", false, fn); !s.ok()) rows_.Fail(s);
  }

  mutable lmdb::Rows rows_;
  const Dbs& d_;
};

// The identity databases inside the shared projection environment.
class IdentityFolder final : public ProjectionFolder {
 public:
  std::string_view name() const override { return "identity"; }
  uint32_t version() const override { return 1; }
  std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
  void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
  Status Apply(MDB_txn* txn, const EntryView& e) override {
    // Most entries are neither identity events nor org units nor made by a request with an
    // idempotency key: nothing to read or write.
    if (!identity::IsIdentityEvent(e.type()) && e.type() != EventType::OrgUnitRegistered &&
        e.actor_request().empty()) {
      return OkStatus();
    }
    TxnStore store(txn, dbs_);
    return identity::ApplyIdentityEntry(e, store);
  }
  const Dbs& dbs() const { return dbs_; }

 private:
  Dbs dbs_{};
};

}  // namespace

std::unique_ptr<ProjectionFolder> NewIdentityFolder() { return std::make_unique<IdentityFolder>(); }

std::unique_ptr<identity::IdentityStore> IdentityStoreIn(MDB_txn* txn,
                                                         const ProjectionFolder& folder) {
  return std::make_unique<TxnStore>(txn, dynamic_cast<const IdentityFolder&>(folder).dbs());
}

IdentityProjection::IdentityProjection(std::shared_ptr<LmdbProjection> projection)
    : projection_(std::move(projection)), folder_(projection_->folder("identity")) {}

Status IdentityProjection::Read(
    const std::function<Status(const identity::IdentityStore&)>& fn) const {
  if (folder_ == nullptr) return FailedPrecondition("the projections have no identity folder");
  return projection_->Read([&](MDB_txn* txn) -> Status {
    TxnStore store(txn, dynamic_cast<const IdentityFolder&>(*folder_).dbs());
    Status s = fn(store);
    return store.status().ok() ? s : store.status();
  });
}

}  // namespace suiji
