// The identity folder of the projections (projections/identity_projection.h) against the
// in-memory fold (identity::IdentityWorld, the oracle): the same answers to every user,
// token, key, org unit and idempotency-key query, and the same Check* answers, after a
// generated sequence of identity events; incremental and rebuilt digests equal; a kill -9
// during catch-up neither repeats nor skips an entry.
#include "projections/identity_projection.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "ledger/core/directory/records.h"
#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/replay.h"
#include "projections/projections.h"
#include "tests/support/projection_fixture.h"
#include "tests/support/test_node.h"

namespace suiji {
namespace {

using identity::IdentityStore;
using identity::IdentityWorld;
using identity::TokenRecord;
using identity::TokenRevokedRecord;
using identity::UserDisabledRecord;
using identity::UserRecord;

constexpr int kUsers = 12, kTokens = 40, kSecrets = 60, kKeys = 5, kInspectors = 4,
              kRequestKeys = 15;

std::string UserId(int n) { return "u" + std::to_string(n); }
std::string TokenId(int n) { return "t" + std::to_string(n); }
Hash Secret(int n) { return Sha256(AsBytes("sj_secret-" + std::to_string(n))); }
Bytes Key(int n) {
  const Hash seed = Sha256(AsBytes("key-" + std::to_string(n)));
  const KeyPair k = KeyPair::FromSeed(Bytes(seed.begin(), seed.end())).value();
  return Bytes(k.public_key().begin(), k.public_key().end());
}
std::string InspectorId(int n) { return "JS320400" + std::to_string(n); }
std::string RequestKey(int n) { return "key-" + std::to_string(n); }

const std::vector<std::string>& Orgs() {
  static const std::vector<std::string> orgs = {"320000", "320400", "320402", "320404",
                                                "130132", "320411", "999999"};
  return orgs;
}

// Every query the rules and the server make, on both stores, for every id of the pools (and
// some that never occur).
void ExpectSameState(const IdentityStore& want, const IdentityStore& got,
                     const std::vector<std::string>& actors) {
  std::vector<std::string> users{"nobody", "", std::string(600, 'x')};
  for (int u = 0; u < kUsers; ++u) users.push_back(UserId(u));
  for (const auto& u : users) {
    EXPECT_EQ(want.GetUser(u), got.GetUser(u)) << "user " << u;
    EXPECT_EQ(want.TokensOf(u), got.TokensOf(u)) << "tokens of " << u;
    if (auto info = want.GetUser(u)) {
      EXPECT_EQ(identity::CoversAll(want, *info), identity::CoversAll(got, *info)) << u;
    }
  }
  std::vector<identity::UserInfo> all_want, all_got;
  want.ForEachUser([&](const identity::UserInfo& u) {
    all_want.push_back(u);
    return true;
  });
  got.ForEachUser([&](const identity::UserInfo& u) {
    all_got.push_back(u);
    return true;
  });
  EXPECT_EQ(all_want, all_got);
  for (int t = 0; t <= kTokens; ++t)
    EXPECT_EQ(want.GetToken(TokenId(t)), got.GetToken(TokenId(t))) << TokenId(t);
  for (int h = 0; h <= kSecrets; ++h)
    EXPECT_EQ(want.TokenIdByHash(Secret(h)), got.TokenIdByHash(Secret(h))) << h;
  for (int k = 0; k <= kKeys; ++k) {
    EXPECT_EQ(want.EnabledUserByKey(Key(k)), got.EnabledUserByKey(Key(k))) << "key " << k;
    EXPECT_EQ(identity::UserByKey(want, Key(k)), identity::UserByKey(got, Key(k))) << "key " << k;
  }
  EXPECT_EQ(want.EnabledUserByKey({}), got.EnabledUserByKey({}));
  EXPECT_EQ(got.EnabledUserByKey({}), std::nullopt);
  for (int i = 0; i <= kInspectors; ++i) {
    EXPECT_EQ(want.EnabledUsersOfInspector(InspectorId(i)),
              got.EnabledUsersOfInspector(InspectorId(i)))
        << i;
  }
  for (const auto& o : Orgs()) EXPECT_EQ(want.GetOrgRegion(o), got.GetOrgRegion(o)) << o;
  std::vector<std::pair<std::string, std::string>> orgs_want, orgs_got;
  want.ForEachOrgRegion([&](std::string_view o, std::string_view r) {
    orgs_want.emplace_back(o, r);
    return true;
  });
  got.ForEachOrgRegion([&](std::string_view o, std::string_view r) {
    orgs_got.emplace_back(o, r);
    return true;
  });
  EXPECT_EQ(orgs_want, orgs_got);
  for (const auto& a : actors) {
    for (int k = 0; k <= kRequestKeys; ++k) {
      EXPECT_EQ(want.GetRequest(a, RequestKey(k)), got.GetRequest(a, RequestKey(k)))
          << a << " " << k;
    }
  }
  EXPECT_TRUE(got.status().ok()) << got.status().ToString();
}

class IdentityProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("suiji-idproj");
    auto l = testing_support::CreateTestLedger(dir_, "idproj.test/ledger", KeyPair::Generate(), KeyPair::Generate(),
                                               Actor{"320400", "operator"});
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
  }
  void TearDown() override {
    ledger_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Append(EventType type, Bytes payload, Actor actor = {"320400", "operator"}) {
    EventDraft d{type, std::move(payload), std::move(actor)};
    auto r = ledger_->Append(std::span(&d, 1));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void RegisterOrg(const std::string& id, directory::OrgLevel level, const std::string& parent) {
    Append(EventType::OrgUnitRegistered,
           directory::EncodeOrgUnit({id, "机构" + id, id, level, parent}));
  }
  void RegisterOrgs() {
    RegisterOrg("320000", directory::OrgLevel::Province, "");
    RegisterOrg("320400", directory::OrgLevel::City, "320000");
    RegisterOrg("320402", directory::OrgLevel::County, "320400");
    RegisterOrg("320404", directory::OrgLevel::County, "320400");
    RegisterOrg("130132", directory::OrgLevel::County, "");
  }
  // Folds the log's new entries into the oracle.
  void FoldOracle() {
    ASSERT_TRUE(ReplayLog(
                    ledger_->storage(), oracle_applied_,
                    [&](const EntryView& e) { return oracle_.Apply(e); }, &oracle_applied_)
                    .ok());
  }

  // A generated sequence of `steps` candidate events (users, disables, tokens, revocations,
  // memos, a late org unit), each with a random actor and, often, an idempotency key shared
  // with other events. Before each, the projection (caught up) and the oracle must give the
  // same Check* answer; only accepted events are appended (the log holds what the rules
  // accept). Returns the actors used.
  std::vector<std::string> Generate(IdentityProjection& p, int steps, uint32_t seed, int* refused) {
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
    std::vector<std::string> actors{"operator"};
    for (int u = 0; u < kUsers; ++u) actors.push_back(UserId(u));
    const char* kRoleNames[] = {"registry_clerk", "planner",    "inspector",
                                "reviewer",       "supervisor", "administrator"};
    bool late_org = false;
    for (int step = 0; step < steps; ++step) {
      FoldOracle();
      EXPECT_TRUE(
          p.projection()->CatchUp(ledger_->storage(), 1 + static_cast<size_t>(pick(5))).ok());
      Actor actor{"320400", actors[static_cast<size_t>(pick(static_cast<int>(actors.size())))]};
      if (pick(3) == 0) {
        actor.request = RequestKey(pick(kRequestKeys));
        if (pick(4) != 0) actor.request += "\t" + ToHex(Sha256(AsBytes(std::to_string(pick(3)))));
      }
      EventType type = EventType::Memo;
      Bytes payload;
      Status want, got;
      std::string refusal_want, refusal_got;
      const int kind = pick(10);
      if (kind <= 2) {
        UserRecord u;
        u.user_id = pick(20) == 0 ? "bad id!" : UserId(pick(kUsers));
        u.name = pick(25) == 0 ? "" : "用户" + std::to_string(step);
        u.org_id = Orgs()[static_cast<size_t>(pick(static_cast<int>(Orgs().size())))];
        for (int r = 0; r < 6; ++r) {
          if (pick(3) == 0) u.roles.push_back(kRoleNames[r]);
        }
        if (pick(30) == 0) u.roles.push_back("bogus");
        if (pick(3) == 0 ||
            std::find(u.roles.begin(), u.roles.end(), "inspector") != u.roles.end()) {
          if (pick(8) != 0) u.inspector_id = InspectorId(pick(kInspectors));
        }
        const int key = pick(kKeys + 3);
        if (key < kKeys) u.public_key = Key(key);
        if (key == kKeys) u.public_key = Bytes(31, 7);
        type = EventType::UserRegistered;
        payload = identity::EncodeUser(u);
        want = oracle_.CheckUser(u);
        EXPECT_TRUE(p.Read([&](const IdentityStore& s) {
                       got = identity::CheckUser(s, u);
                       return OkStatus();
                     }).ok());
      } else if (kind == 3) {
        UserDisabledRecord d{pick(10) == 0 ? "nobody" : UserId(pick(kUsers)),
                             pick(6) == 0 ? "" : "调离"};
        type = EventType::UserDisabled;
        payload = identity::EncodeUserDisabled(d);
        want = oracle_.CheckDisable(d);
        EXPECT_TRUE(p.Read([&](const IdentityStore& s) {
                       got = identity::CheckDisable(s, d);
                       return OkStatus();
                     }).ok());
      } else if (kind <= 6) {
        TokenRecord t{pick(25) == 0 ? "" : TokenId(pick(kTokens)),
                      pick(12) == 0 ? "nobody" : UserId(pick(kUsers)), Secret(pick(kSecrets)),
                      pick(15) == 0 ? -1 : pick(2) * 1'000'000'000'000LL, "标签"};
        type = EventType::TokenIssued;
        payload = identity::EncodeToken(t);
        want = oracle_.CheckToken(t);
        refusal_want = oracle_.TokenIssuerRefusal(actor.user, t);
        EXPECT_TRUE(p.Read([&](const IdentityStore& s) {
                       got = identity::CheckToken(s, t);
                       refusal_got = identity::TokenIssuerRefusal(s, actor.user, t);
                       return OkStatus();
                     }).ok());
      } else if (kind == 7) {
        TokenRevokedRecord r{TokenId(pick(kTokens)), "遗失"};
        type = EventType::TokenRevoked;
        payload = identity::EncodeTokenRevoked(r);
        want = oracle_.CheckRevoke(r);
        EXPECT_TRUE(p.Read([&](const IdentityStore& s) {
                       got = identity::CheckRevoke(s, r);
                       return OkStatus();
                     }).ok());
      } else if (kind == 8 && !late_org && step > steps / 2) {
        late_org = true;  // users of 320411 are refused before, accepted after
        type = EventType::OrgUnitRegistered;
        payload = directory::EncodeOrgUnit(
            {"320411", "机构320411", "320411", directory::OrgLevel::County, "320400"});
      } else {
        payload = MakeMemoPayload("会议记录", "第" + std::to_string(step) + "次");
      }
      EXPECT_EQ(want.code(), got.code())
          << "step " << step << ": " << want.ToString() << " / " << got.ToString();
      EXPECT_EQ(want.message(), got.message()) << "step " << step;
      EXPECT_EQ(refusal_want, refusal_got) << "step " << step;
      if (want.ok()) {
        Append(type, std::move(payload), actor);
      } else {
        ++*refused;
      }
    }
    FoldOracle();
    return actors;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Ledger> ledger_;
  IdentityWorld oracle_;
  uint64_t oracle_applied_ = 0;
};

TEST_F(IdentityProjectionTest, AgreesWithTheInMemoryFoldOnAGeneratedSequence) {
  RegisterOrgs();
  auto projections = OpenProjections(dir_, ProjectionSync::kDeferred);
  ASSERT_TRUE(projections.ok()) << projections.status().ToString();
  IdentityProjection p(*projections);
  int refused = 0;
  const auto actors = Generate(p, 700, 20261207, &refused);
  ASSERT_TRUE((*projections)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*p.Applied(), ledger_->size());
  // The sequence exercised both sides of the rules.
  EXPECT_GT(refused, 50);
  EXPECT_GT(oracle_.users().size(), 5u);
  EXPECT_GT(oracle_.tokens().size(), 10u);
  const size_t disabled =
      static_cast<size_t>(std::count_if(oracle_.users().begin(), oracle_.users().end(),
                                        [](const auto& u) { return u.second.disabled; }));
  EXPECT_GT(disabled, 0u);
  const size_t revoked =
      static_cast<size_t>(std::count_if(oracle_.tokens().begin(), oracle_.tokens().end(),
                                        [](const auto& t) { return t.second.revoked; }));
  EXPECT_GT(revoked, 0u);
  ASSERT_TRUE(p.Read([&](const IdentityStore& s) {
                 ExpectSameState(oracle_.store(), s, actors);
                 return OkStatus();
               }).ok());
}

TEST_F(IdentityProjectionTest, KeepsTheIdempotencyKeysOfEveryRequestThatMadeEvents) {
  RegisterOrgs();
  // One request's two events, a key without a digest, a user's key equal to another's, and a
  // key and user together too long for an LMDB key (stored under their SHA-256).
  const std::string long_user(250, 'u'), long_key(240, 'k');  // each field at most 256 bytes
  Append(EventType::Memo, MakeMemoPayload("a", "1"), {"320400", "clerk", "import-7\tabc"});
  Append(EventType::Memo, MakeMemoPayload("a", "2"), {"320400", "clerk", "import-7\tabc"});
  Append(EventType::Memo, MakeMemoPayload("a", "3"), {"320400", "planner", "import-7"});
  Append(EventType::Memo, MakeMemoPayload("a", "4"), {"320400", long_user, long_key + "\tdef"});
  const uint64_t first = ledger_->size() - 4;
  auto projections = OpenProjections(dir_);
  ASSERT_TRUE(projections.ok());
  ASSERT_TRUE((*projections)->CatchUp(ledger_->storage()).ok());
  IdentityProjection p(*projections);
  ASSERT_TRUE(p.Read([&](const IdentityStore& s) {
                 EXPECT_EQ(s.GetRequest("clerk", "import-7"),
                           (identity::RequestInfo{first, 2, EventType::Memo, "abc"}));
                 EXPECT_EQ(s.GetRequest("planner", "import-7"),
                           (identity::RequestInfo{first + 2, 1, EventType::Memo, ""}));
                 EXPECT_EQ(s.GetRequest(long_user, long_key),
                           (identity::RequestInfo{first + 3, 1, EventType::Memo, "def"}));
                 EXPECT_EQ(s.GetRequest("clerk", "import-8"), std::nullopt);
                 EXPECT_EQ(s.GetRequest("clerk", "import-7\tabc"), std::nullopt);
                 return OkStatus();
               }).ok());
}

TEST_F(IdentityProjectionTest, RebuildFromTheLogGivesAnIdenticalDigest) {
  RegisterOrgs();
  Hash incremental{};
  {
    auto projections = OpenProjections(dir_, ProjectionSync::kDeferred);
    ASSERT_TRUE(projections.ok());
    IdentityProjection p(*projections);
    int refused = 0;
    Generate(p, 300, 7, &refused);
    // Small batches: many transactions, interleaved with more appends.
    ASSERT_TRUE((*projections)->CatchUp(ledger_->storage(), 3).ok());
    Generate(p, 200, 8, &refused);
    ASSERT_TRUE((*projections)->CatchUp(ledger_->storage(), 11).ok());
    incremental = *p.Digest();
  }
  std::filesystem::remove_all(dir_ / "projections");
  auto projections = OpenProjections(dir_);
  ASSERT_TRUE((*projections)->CatchUp(ledger_->storage()).ok());
  IdentityProjection rebuilt(*projections);
  EXPECT_EQ(*rebuilt.Digest(), incremental);
}

TEST_F(IdentityProjectionTest, StopsAtAnIdentityEventTheRulesRefuse) {
  RegisterOrgs();
  Append(EventType::UserRegistered,
         identity::EncodeUser({"zhang", "张", "320400", {"planner"}, "", {}, ""}));
  Append(EventType::TokenRevoked,
         identity::EncodeTokenRevoked({"t-none", "遗失"}));  // no such token
  auto projections = OpenProjections(dir_);
  ASSERT_TRUE(projections.ok());
  Status s = (*projections)->CatchUp(ledger_->storage(), 1);
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_EQ(s.message(), "entry " + std::to_string(ledger_->size() - 1) + ": no token t-none");
  EXPECT_EQ(*(*projections)->Applied(), ledger_->size() - 1);
  IdentityProjection p(*projections);
  ASSERT_TRUE(p.Read([&](const IdentityStore& st) {
                 EXPECT_EQ(st.GetUser("zhang")->version, 1u);
                 return OkStatus();
               }).ok());
}

TEST_F(IdentityProjectionTest, CrashDuringCatchUpNeitherRepeatsNorSkips) {
  RegisterOrgs();
  // 3,000 users (with keys, inspectors) and 9,000 tokens, a third of them revoked, every event
  // made by a request with an idempotency key.
  constexpr int kMany = 3000;
  for (int b = 0; b < 3; ++b) {
    std::vector<EventDraft> drafts;
    for (int i = b * kMany / 3; i < (b + 1) * kMany / 3; ++i) {
      UserRecord u{"user" + std::to_string(i),
                   "用户",
                   i % 2 ? "320402" : "320404",
                   {"inspector", "reviewer"},
                   "JS" + std::to_string(i),
                   i % 3 ? Bytes() : Key(i),
                   ""};
      drafts.push_back({EventType::UserRegistered,
                        identity::EncodeUser(u),
                        {"320400", "admin", "u-" + std::to_string(i)}});
      for (int t = 0; t < 3; ++t) {
        const std::string id = "tok" + std::to_string(i) + "-" + std::to_string(t);
        drafts.push_back({EventType::TokenIssued,
                          identity::EncodeToken({id, u.user_id, Sha256(AsBytes(id)), 0, ""}),
                          {"320400", u.user_id, "issue-" + id + "\tff"}});
      }
      drafts.push_back({EventType::TokenRevoked,
                        identity::EncodeTokenRevoked({"tok" + std::to_string(i) + "-0", ""}),
                        {"320400", "admin", "r-" + std::to_string(i)}});
    }
    ASSERT_TRUE(ledger_->Append(drafts).ok());
  }
  FoldOracle();
  std::vector<std::string> actors{"admin"};
  for (int round = 0; round < 3; ++round) {
    std::filesystem::remove_all(dir_ / "projections");
    pid_t pid = ::fork();
    if (pid == 0) {
      auto projections = OpenProjections(dir_);
      auto reader = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
      Status s = (*projections)->CatchUp(**reader, 97);
      ::_exit(s.ok() ? 0 : 1);
    }
    ::usleep(static_cast<useconds_t>(20000 + round * 40000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    uint64_t applied_after_crash = 0;
    Hash resumed{};
    {
      auto projections = OpenProjections(dir_);
      ASSERT_TRUE(projections.ok());
      applied_after_crash = *(*projections)->Applied();
      ASSERT_TRUE((*projections)->CatchUp(ledger_->storage()).ok());
      IdentityProjection p(*projections);
      ASSERT_TRUE(p.Read([&](const IdentityStore& s) {
                     for (int i = 0; i < kMany; i += 7) {
                       const std::string user = "user" + std::to_string(i);
                       EXPECT_EQ(s.GetUser(user), oracle_.store().GetUser(user))
                           << "after a crash at " << applied_after_crash;
                       EXPECT_EQ(s.TokensOf(user), oracle_.store().TokensOf(user));
                       EXPECT_EQ(s.GetRequest("admin", "u-" + std::to_string(i)),
                                 oracle_.store().GetRequest("admin", "u-" + std::to_string(i)));
                       const std::string tok = "tok" + std::to_string(i) + "-1";
                       EXPECT_EQ(s.GetRequest(user, "issue-" + tok),
                                 oracle_.store().GetRequest(user, "issue-" + tok));
                       EXPECT_EQ(s.GetRequest(user, "issue-" + tok)->count, 1u);
                     }
                     return OkStatus();
                   }).ok());
      resumed = *p.Digest();
    }
    std::filesystem::remove_all(dir_ / "projections");
    auto fresh = OpenProjections(dir_);
    ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
    EXPECT_EQ(*IdentityProjection(*fresh).Digest(), resumed)
        << "round " << round << ", crash at " << applied_after_crash;
  }
}

}  // namespace
}  // namespace suiji
