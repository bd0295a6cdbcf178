// The "inspections" projection folder against the in-memory fold (InspectionWorld, the
// oracle), on a generated year and on the demo: every announcement and every field of every
// result, the results in key order, by draw and by employer, the deadline list, and every
// decision (the Check* functions, R17's first-violation rule) equal; incremental and rebuilt
// digests equal; kill -9 during catch-up neither repeats nor skips; an InspectionService over
// the projection decides and refuses as the one over the fold does.
#include "projections/inspection_projection.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <optional>

#include "ledger/core/inspection/deadlines.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/replay.h"
#include "projections/directory_projection.h"
#include "projections/projections.h"
#include "tests/support/inspection_year.h"
#include "tests/support/projection_fixture.h"

namespace suiji {
namespace {

using inspection::Deadline;
using inspection::InspectionStore;
using inspection::InspectionWorld;
using inspection::ResultInfo;

template <typename R>
void ExpectSameLogged(const std::vector<inspection::Logged<R>>& a, const std::vector<inspection::Logged<R>>& b,
                      const char* what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].record, b[i].record);
    EXPECT_EQ(a[i].sequence, b[i].sequence);
    EXPECT_EQ(a[i].time_us, b[i].time_us);
    EXPECT_EQ(a[i].user, b[i].user);
  }
}

void ExpectSameResult(const ResultInfo& a, const ResultInfo& b) {
  SCOPED_TRACE("result of " + b.credit_code + " in draw " + b.draw_id);
  EXPECT_EQ(a.draw_id, b.draw_id);
  EXPECT_EQ(a.credit_code, b.credit_code);
  EXPECT_EQ(a.state, b.state);
  ExpectSameLogged(a.revisions, b.revisions, "revisions");
  EXPECT_EQ(a.revision_sha256, b.revision_sha256);
  ExpectSameLogged(a.confirmations, b.confirmations, "confirmations");
  ExpectSameLogged(a.reviews, b.reviews, "reviews");
  EXPECT_EQ(a.published_revision, b.published_revision);
  EXPECT_EQ(a.published_date, b.published_date);
  EXPECT_EQ(a.published_sequence, b.published_sequence);
  EXPECT_EQ(a.published_time_us, b.published_time_us);
  ExpectSameLogged(a.corrections, b.corrections, "corrections");
  ExpectSameLogged(a.transfers, b.transfers, "transfers");
  ExpectSameLogged(a.reevaluations, b.reevaluations, "reevaluations");
  ExpectSameLogged(a.internal_notes, b.internal_notes, "internal notes");
}

std::string DeadlineLine(const Deadline& d) {
  return std::string(inspection::DeadlineKindName(d.kind)) + " " + d.org_id + " " + d.task_id + " " + d.draw_id +
         " " + d.credit_code + " from " + d.from + " due " + d.due + " done " + d.done + " " +
         std::string(inspection::DeadlineStatusName(d.status)) + " " + std::to_string(d.working_days_late) + " " +
         d.note;
}

std::vector<std::string> DeadlineLines(const std::vector<Deadline>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(DeadlineLine(d));
  return out;
}

void ExpectSameStatus(const Status& a, const Status& b, const std::string& what) {
  EXPECT_EQ(a.code(), b.code()) << what << ": " << a.ToString() << " vs " << b.ToString();
  EXPECT_EQ(a.message(), b.message()) << what;
}

// Everything the store holds, and every decision it makes, equals the in-memory fold's.
void ExpectSameAsOracle(const InspectionStore& store, const InspectionWorld& oracle) {
  // Announcements.
  for (const auto& [id, a] : oracle.announcements) {
    const inspection::AnnouncementInfo* got = store.FindAnnouncement(id);
    ASSERT_NE(got, nullptr) << id;
    EXPECT_EQ(got->record, a.record);
    EXPECT_EQ(got->sequence, a.sequence);
    EXPECT_EQ(got->time_us, a.time_us);
  }
  EXPECT_EQ(store.FindAnnouncement("no-such-draw"), nullptr);
  // Every result, in key order, and each one found by its key.
  std::vector<std::pair<std::string, std::string>> keys;
  ASSERT_TRUE(store.ForEachResult("", {}, 0, [&](const ResultInfo& r) {
    keys.emplace_back(r.draw_id, r.credit_code);
    return true;
  }).ok());
  std::vector<std::pair<std::string, std::string>> want;
  for (const auto& [key, r] : oracle.results) want.push_back(key);
  EXPECT_EQ(keys, want);
  for (const auto& [key, r] : oracle.results) {
    const ResultInfo* got = store.FindResult(key.first, key.second);
    ASSERT_NE(got, nullptr) << key.first << " " << key.second;
    ExpectSameResult(*got, r);
  }
  EXPECT_EQ(store.FindResult("no-such-draw", "91320400000000000X"), nullptr);
  // Paged (after, limit), per draw, and per employer, as the fold pages them.
  for (size_t limit : {1u, 2u, 7u}) {
    std::vector<std::pair<std::string, std::string>> paged;
    inspection::ResultKey after;
    for (int page = 0; page < 10000; ++page) {
      size_t n = 0;
      ASSERT_TRUE(store.ForEachResult("", after, limit, [&](const ResultInfo& r) {
        paged.emplace_back(r.draw_id, r.credit_code);
        ++n;
        return true;
      }).ok());
      EXPECT_LE(n, limit);
      if (n < limit) break;
      after = paged.back();
    }
    EXPECT_EQ(paged, want) << "limit " << limit;
  }
  std::set<std::string> codes;
  std::set<std::string> draw_ids;
  for (const auto& [key, r] : oracle.results) {
    codes.insert(key.second);
    draw_ids.insert(key.first);
  }
  for (const auto& id : draw_ids) {
    std::vector<std::string> got, expected;
    ASSERT_TRUE(store.ForEachResult(id, {}, 0, [&](const ResultInfo& r) {
      got.push_back(r.draw_id + "/" + r.credit_code);
      return true;
    }).ok());
    ASSERT_TRUE(oracle.ForEachResult(id, {}, 0, [&](const ResultInfo& r) {
      expected.push_back(r.draw_id + "/" + r.credit_code);
      return true;
    }).ok());
    EXPECT_EQ(got, expected);
    EXPECT_FALSE(got.empty());
  }
  for (const auto& code : codes) {
    std::vector<std::string> got, expected;
    ASSERT_TRUE(store.ForEachResultOfCode(code, [&](const ResultInfo& r) {
      got.push_back(r.draw_id);
      return true;
    }).ok());
    for (const auto& [key, r] : oracle.results) {
      if (key.second == code) expected.push_back(key.first);
    }
    EXPECT_EQ(got, expected) << code;
  }
  // The calendar and the deadline list, on days before, inside and after the year.
  EXPECT_EQ(store.calendar().Years(), oracle.calendar().Years());
  for (const char* today : {"2026-06-01", "2026-06-05", "2026-07-15", "2026-12-31", "2027-03-01"}) {
    auto got = inspection::ComputeDeadlines(store, today);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const std::vector<Deadline> expected = inspection::ComputeDeadlines(oracle, today);
    EXPECT_EQ(DeadlineLines(*got), DeadlineLines(expected)) << today;
    EXPECT_FALSE(expected.empty()) << today;
  }
  // The same decisions on the next step of every result (the state checks, the content
  // checks against the draw, the directory and R17's history of the employer).
  const std::string today = "2026-12-01";
  for (const auto& [key, r] : oracle.results) {
    const auto& [draw_id, code] = key;
    const uint32_t rev = r.latest().revision;
    ExpectSameStatus(inspection::CheckSubmit(store, {draw_id, code, rev, ""}), oracle.CheckSubmit({draw_id, code, rev, ""}),
                     "submit");
    ExpectSameStatus(inspection::CheckReview(store, {draw_id, code, rev, true, ""}, "someone"),
                     oracle.CheckReview({draw_id, code, rev, true, ""}, "someone"), "review");
    ExpectSameStatus(inspection::CheckPublish(store, {draw_id, code, rev, today}, today),
                     oracle.CheckPublish({draw_id, code, rev, today}, today), "publish");
    inspection::ResultRecord next = r.current();
    next.revision = rev + 1;
    ExpectSameStatus(inspection::CheckResult(store, next, today), oracle.CheckResult(next, today), "record");
    // A "first violation" under the no-penalty list, for an employer with published ones.
    inspection::ResultRecord first = r.latest();
    first.revision = rev + 1;
    for (auto& it : first.items) {
      it.violations.push_back({"违法事实", "《劳动合同法》第十条", {inspection::Handling::OrderCorrection}, true, 0});
    }
    ExpectSameStatus(inspection::CheckResult(store, first, today), oracle.CheckResult(first, today), "first violation");
    inspection::CorrectionRecord c{0, "更正", r.current()};
    c.correction = static_cast<uint32_t>(r.corrections.size()) + 1;
    c.result.revision = r.published_revision;
    c.result.items.at(0).outcome_text = "更正后";
    ExpectSameStatus(inspection::CheckCorrection(store, c, today), oracle.CheckCorrection(c, today), "correct");
    inspection::TransferRecord t{draw_id, code, inspection::TransferKind::Police, "公安", today, "涉嫌犯罪"};
    ExpectSameStatus(inspection::CheckTransfer(store, t, today), oracle.CheckTransfer(t, today), "transfer");
    inspection::ReevaluationRecord g{draw_id, code, "B", today, "复评"};
    ExpectSameStatus(inspection::CheckReevaluation(store, g, today), oracle.CheckReevaluation(g, today), "regrade");
    inspection::InternalNoteRecord n{draw_id, code, "备注", "", ""};
    ExpectSameStatus(inspection::CheckInternalNote(store, n), oracle.CheckInternalNote(n), "note");
  }
  for (const auto& [id, a] : oracle.announcements) {
    inspection::AnnouncementRecord again = a.record;
    ExpectSameStatus(inspection::CheckAnnouncement(store, again, today), oracle.CheckAnnouncement(again, today),
                     "announce again");
  }
}

class InspectionProjectionTest : public testing_support::InspectionYearTest {
 protected:
  const InspectionWorld& Oracle() {
    EXPECT_TRUE(inspections_->Sync().ok());
    return inspections_->world();
  }

  void ExpectProjectionSameAsOracle(LmdbProjection& p) {
    const InspectionWorld& oracle = Oracle();
    ASSERT_FALSE(oracle.results.empty());
    Status read = p.Read([&](MDB_txn* txn) {
      auto store = InspectionStoreIn(txn, p);
      EXPECT_NE(store, nullptr);
      if (store == nullptr) return OkStatus();
      ExpectSameAsOracle(*store, oracle);
      return store->status();
    });
    ASSERT_TRUE(read.ok()) << read.ToString();
  }
};

TEST_F(InspectionProjectionTest, GeneratedYearHoldsWhatTheInMemoryFoldHoldsAndDecidesTheSame) {
  BuildYear();
  // An internal note, and a result whose violation is under the no-penalty list after the
  // employer's published one (R17: refused by both).
  const InspectionWorld& w = Oracle();
  const ResultInfo* published = nullptr;
  for (const auto& [key, r] : w.results) {
    if (r.published_revision != 0 && !r.current().items.at(0).violations.empty()) published = &r;
  }
  ASSERT_NE(published, nullptr);
  Must(inspections_->AddInternalNote({published->draw_id, published->credit_code, "投诉人来电", "王某", "138"}, actor_));
  LmdbProjection& p = *projection_->projection();
  ASSERT_TRUE(p.CatchUp(ledger_->storage()).ok());
  ExpectProjectionSameAsOracle(p);
}

TEST_F(InspectionProjectionTest, IncrementalAndRebuiltDigestsAreEqual) {
  BuildYear();  // caught up in steps of 3 entries while it is written
  ASSERT_TRUE(projection_->CatchUp(ledger_->storage(), 1).ok());
  LmdbProjection& p = *projection_->projection();
  const Hash incremental = *p.Digest("inspections");
  const Hash incremental_all = *p.Digest();
  ExpectProjectionSameAsOracle(p);

  dirsvc_.reset();
  projection_.reset();
  std::filesystem::remove_all(dir_ / "projections");
  auto fresh = OpenProjections(dir_);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*fresh)->Digest("inspections"), incremental);
  EXPECT_EQ(*(*fresh)->Digest(), incremental_all);
}

TEST_F(InspectionProjectionTest, CrashDuringCatchUpNeitherRepeatsNorSkips) {
  BuildYear();
  dirsvc_.reset();
  projection_.reset();
  ASSERT_NO_FATAL_FAILURE(testing_support::ExpectKilledCatchUpsResume(
      dir_, ledger_->storage(), /*batch=*/3, /*first_delay_us=*/20000, /*step_us=*/40000));
  auto p = OpenProjections(dir_);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  ExpectProjectionSameAsOracle(**p);
}

// The service over the projection writes what the one over the fold would, and refuses with
// the same codes and messages.
TEST_F(InspectionProjectionTest, AServiceOverTheProjectionDecidesAsTheFoldDoes) {
  const std::string d = Drawn();
  auto now = now_us_;
  InspectionService svc(*ledger_, projection_->projection(), ledger_->storage(), [now] { return *now; });
  SetDate("2026-06-02");
  const draw::VisitRecord v = FirstVisit(d);
  // Refused the same way before anything exists.
  auto early = svc.Submit(d, v.credit_code, actor_);
  ASSERT_TRUE(inspections_->Sync().ok());
  EXPECT_EQ(early.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(early.status().message(), inspections_->world().CheckSubmit({d, v.credit_code, 0, ""}).message());

  ASSERT_TRUE(svc.Announce({d, "", {"张科长"}, true, "", ""}, actor_).ok());
  auto twice = svc.Announce({d, "", {"张科长"}, true, "", ""}, actor_);
  EXPECT_EQ(twice.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(twice.status().message(), "draw \"" + d + "\" is already announced");

  ASSERT_TRUE(svc.RecordResult(CleanResult(d, v, "2026-06-02"), actor_).ok());
  auto unconfirmed = svc.Submit(d, v.credit_code, actor_);
  EXPECT_EQ(unconfirmed.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(inspections_->Sync().ok());
  EXPECT_EQ(unconfirmed.status().message(),
            inspections_->world().CheckSubmit({d, v.credit_code, 1, ""}).message());
  // Each inspector of the team confirms through the service over the projection.
  for (const auto& id : v.team) {
    const identity::UserInfo& u = InspectorUser(id);
    Hash sha{};
    uint32_t revision = 0;
    ASSERT_TRUE(svc.Read([&](const InspectionStore& s) {
      const ResultInfo* r = s.FindResult(d, v.credit_code);
      EXPECT_NE(r, nullptr);
      if (r != nullptr) {
        sha = r->revision_sha256.back();
        revision = r->latest().revision;
      }
      return OkStatus();
    }).ok());
    auto c = svc.Confirm(d, v.credit_code, revision, sha, u, {"320400", u.user.user_id});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
  }
  ASSERT_TRUE(svc.Submit(d, v.credit_code, actor_).ok());
  auto self = svc.Review(d, v.credit_code, true, "", actor_);  // the recorder reviews: refused
  EXPECT_EQ(self.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(svc.Review(d, v.credit_code, true, "", reviewer_).ok());
  ASSERT_TRUE(svc.Publish(d, v.credit_code, actor_).ok());
  inspection::ResultRecord corrected = CleanResult(d, v, "2026-06-02");
  corrected.items[0].outcome = inspection::Outcome::Other;
  corrected.items[0].outcome_text = "更正";
  ASSERT_TRUE(svc.Correct(corrected, "录入错误", actor_).ok());
  auto same = svc.Correct(corrected, "再次", actor_);
  EXPECT_EQ(same.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(same.status().message(), "the correction changes nothing");
  ASSERT_TRUE(svc.AddInternalNote({d, v.credit_code, "备注", "", ""}, actor_).ok());
  ASSERT_TRUE(svc.Reevaluate({d, v.credit_code, "C", "2026-06-02", "复评"}, actor_).ok());

  auto deadlines = svc.Deadlines();
  ASSERT_TRUE(deadlines.ok()) << deadlines.status().ToString();
  ASSERT_TRUE(inspections_->Sync().ok());
  EXPECT_EQ(DeadlineLines(*deadlines), DeadlineLines(*inspections_->Deadlines()));
  EXPECT_FALSE(deadlines->empty());
  ASSERT_TRUE(svc.Sync().ok());
  ExpectProjectionSameAsOracle(*projection_->projection());
}

// R17 across draws: an employer whose violation of a legal basis was published in one draw
// has no "first violation" of it in the next; the projection finds that history through its
// index by credit code and refuses as the fold does.
TEST_F(InspectionProjectionTest, APublishedViolationMakesTheNextOneNoFirstViolation) {
  const std::string a = Drawn();
  auto t2 = SampleTask("T2");
  t2.item_ids = {"I2"};
  t2.ratio_bp = 5000;
  t2.strata_by = draw::StrataBy::None;
  t2.window_start = "2026-08-01";  // after T1's window: no visit merges into T1's (R10)
  t2.window_end = "2026-08-31";
  auto defined = draws_->DefineTask(t2, actor_);
  ASSERT_TRUE(defined.ok()) << defined.status().ToString();
  const std::string b = RunCeremony("T2");
  ASSERT_TRUE(inspections_->Sync().ok());
  // An employer drawn in both (the draws are deterministic here).
  std::optional<draw::VisitRecord> first, second;
  for (const auto& x : inspections_->world().draws.Draw(a)->visits) {
    for (const auto& y : inspections_->world().draws.Draw(b)->visits) {
      if (!first && x.credit_code == y.credit_code && x.merged_into.empty() && y.merged_into.empty()) {
        first = x;
        second = y;
      }
    }
  }
  ASSERT_TRUE(first.has_value()) << "no employer drawn in both " << a << " and " << b;
  const draw::VisitRecord va = *first;
  const draw::VisitRecord* vb = &*second;
  RecordAndPublish(ViolationResult(a, va, "2026-06-01", {inspection::Handling::OrderCorrection}));

  SetDate("2026-08-05");
  auto now = now_us_;
  InspectionService svc(*ledger_, projection_->projection(), ledger_->storage(), [now] { return *now; });
  inspection::ResultRecord again =
      ViolationResult(b, *vb, "2026-08-04", {inspection::Handling::OrderCorrection, inspection::Handling::NoPenalty},
                      true);
  again.items[0].item_id = "I2";
  again.items[0].findings[0].point = "工资台账";
  auto refused = svc.RecordResult(again, actor_);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(), "not a first violation: " + va.credit_code +
                                            " already violated \"《劳动合同法》第十条\" (published result of draw " + a +
                                            "); the no-penalty list does not apply (R17)");
  ASSERT_TRUE(inspections_->Sync().ok());
  again.revision = 1;
  const std::string today = inspections_->Today();
  EXPECT_EQ(refused.status().message(), inspections_->world().CheckResult(again, today).message());
  // Without the no-penalty list it is recorded, and the employer's history holds both draws.
  again.items[0].violations[0].no_penalty_list = false;
  again.items[0].violations[0].handling = {inspection::Handling::OrderCorrection};
  again.revision = 0;
  ASSERT_TRUE(svc.RecordResult(again, actor_).ok());
  std::vector<std::string> history;
  ASSERT_TRUE(svc.Read([&](const InspectionStore& st) {
    return st.ForEachResultOfCode(va.credit_code, [&](const ResultInfo& r) {
      history.push_back(r.draw_id + " " + std::string(inspection::ResultStateName(r.state)));
      return true;
    });
  }).ok());
  std::vector<std::string> want = {a + " published", b + " entered"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(history, want);
  ExpectProjectionSameAsOracle(*projection_->projection());
}

// The demo (ops/demo.sh, every command of the command line as a bureau would run them): the
// projection of its log holds what the in-memory fold of it holds.
TEST(InspectionProjectionDemo, DemoProcessHoldsWhatTheFoldHolds) {
  const auto work = testing_support::DemoWorkDir("suiji-insp-demo");
  const auto data = work / "data";
  ASSERT_TRUE(testing_support::RunDemo(work));
  {
    auto log = OpenLmdbStorage(data, StorageMode::kReadOnly);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    InspectionWorld oracle;
    ASSERT_TRUE(ReplayLog(**log, 0, [&](const EntryView& e) { return oracle.Apply(e); }).ok());
    ASSERT_FALSE(oracle.results.empty());
    ASSERT_FALSE(oracle.announcements.empty());
    auto projection = DirectoryProjection::Open(data);
    ASSERT_TRUE(projection.ok()) << projection.status().ToString();
    ASSERT_TRUE((*projection)->CatchUp(**log).ok());
    LmdbProjection& p = *(*projection)->projection();
    Status read = p.Read([&](MDB_txn* txn) {
      auto store = InspectionStoreIn(txn, p);
      EXPECT_NE(store, nullptr);
      if (store == nullptr) return OkStatus();
      ExpectSameAsOracle(*store, oracle);
      return store->status();
    });
    ASSERT_TRUE(read.ok()) << read.ToString();
  }
  std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace suiji
