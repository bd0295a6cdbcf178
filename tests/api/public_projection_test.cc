// The public-record projection folder (projections/public_projection.h) against the
// in-memory fold it replaces for readers (inspection::PublicRecord, the oracle), on a
// generated year: four tasks (one redrawn after a cancelled commit, one whose first freeze is
// superseded, one withdrawn with its freeze), draws announced with and without their
// targets, results returned and revised, published on many days, left unpublished,
// corrected, transferred (before and after publication) and re-evaluated, employers renamed
// after publication. Checks the notices, CSV and credit-publicity JSON byte for byte,
// incremental and rebuilt digests, a kill -9 during catch-up, and every search and paging.
#include "projections/public_projection.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/core/inspection/public_record.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/replay.h"
#include "projections/directory_projection.h"
#include "projections/projections.h"
#include "tests/support/inspection_year.h"
#include "tests/support/stats_oracle.h"
#include "tests/support/projection_fixture.h"

namespace suiji {
namespace {

using inspection::PublicRecord;
using nlohmann::json;

class PublicProjectionTest : public testing_support::InspectionYearTest {
 protected:

  PublicRecord Oracle() {
    PublicRecord rec;
    Status s = ReplayLog(ledger_->storage(), 0, [&](const EntryView& e) { return rec.Apply(e); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return rec;
  }

  std::unique_ptr<PublicReader> Reader(std::shared_ptr<LmdbProjection> p) {
    auto r = PublicReader::Begin(p);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }
  std::unique_ptr<PublicReader> Reader() {
    EXPECT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
    return Reader(projection_->projection());
  }

  template <typename F>
  static std::string Text(F write) {
    std::string out;
    Status s = write([&](std::string_view piece) {
      out.append(piece);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // Every output of the projection equals the oracle's, byte for byte.
  void ExpectSameAsOracle(PublicReader& r, const PublicRecord& oracle) {
    EXPECT_EQ(r.log_size(), oracle.size());
    const std::string notices = Text([&](const Sink& s) { return r.WriteNotices(s); });
    EXPECT_EQ(notices, oracle.Notices().dump());
    EXPECT_EQ(json::parse(notices), oracle.Notices());
    EXPECT_EQ(Text([&](const Sink& s) { return r.WriteCsv(s); }), oracle.CreditPublicityCsv());
    EXPECT_EQ(Text([&](const Sink& s) { return r.WriteCreditJson(s); }), oracle.CreditPublicityJson().dump());
    // `suiji public export` writes them indented, as it always has.
    EXPECT_EQ(Text([&](const Sink& s) { return r.WriteNotices(s, true); }), oracle.Notices().dump(2));
    EXPECT_EQ(Text([&](const Sink& s) { return r.WriteCreditJson(s, true); }), oracle.CreditPublicityJson().dump(2));
    // What each draw's proof bundle carries.
    for (const auto& d : oracle.Notices()["draws"]) {
      const std::string id = d["draw_id"].get<std::string>();
      auto seqs = r.PublicSequencesOfDraw(id);
      ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
      EXPECT_EQ(*seqs, oracle.PublicSequencesOfDraw(id)) << id;
    }
  }

  // All pages of a query, checking each page's size and that no result repeats.
  std::vector<json> AllPages(PublicReader& r, ResultQuery q) {
    std::vector<json> out;
    std::set<std::string> seen;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = r.Results(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->items.size(), q.limit);
      if (!page->next_cursor.empty()) {
        EXPECT_EQ(page->items.size(), q.limit);
      }
      for (auto& j : page->items) {
        const std::string key = j["draw_id"].get<std::string>() + "/" + j["credit_code"].get<std::string>();
        EXPECT_TRUE(seen.insert(key).second) << key << " twice";
        out.push_back(std::move(j));
      }
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    return out;
  }

  static std::multiset<std::string> Keys(const std::vector<json>& rs) {
    std::multiset<std::string> out;
    for (const auto& j : rs) out.insert(j.dump());
    return out;
  }
};

ResultQuery Q(const std::function<void(ResultQuery&)>& set) {
  ResultQuery q;
  set(q);
  return q;
}

TEST_F(PublicProjectionTest, GeneratedYearGivesThePublicRecordsOutputsByteForByte) {
  BuildYear();
  const PublicRecord oracle = Oracle();
  const json n = oracle.Notices();
  // The year has what it should: redraws, cancellations, withheld targets, corrections,
  // transfers before publication, unpublished results.
  ASSERT_GE(n["results"].size(), 20u);
  ASSERT_GE(n["draws"].size(), 6u);
  bool corrected = false, transferred = false;
  for (const auto& r : n["results"]) {
    corrected = corrected || !r["corrections"].empty();
    transferred = transferred || !r["transfers"].empty();
  }
  EXPECT_TRUE(corrected);
  EXPECT_TRUE(transferred);
  auto r = Reader();
  ASSERT_NE(r, nullptr);
  ExpectSameAsOracle(*r, oracle);

  // The events a draw's bundle carries: the announcement, and per published result the
  // published revision, the publication, corrections, transfers (also those before the
  // publication) and re-evaluations; never an internal one. Compared draw by draw above; here
  // that the year exercises them, and an unknown draw.
  size_t carried = 0;
  for (const auto& d : n["draws"]) carried += oracle.PublicSequencesOfDraw(d["draw_id"].get<std::string>()).size();
  EXPECT_GT(carried, 2 * n["results"].size());  // two each, and a correction or transfer
  auto none = r->PublicSequencesOfDraw("no-such-draw");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // Notices one by one are the objects of the whole.
  for (const auto& d : n["draws"]) {
    auto one = r->Draw(d["draw_id"].get<std::string>());
    ASSERT_TRUE(one.ok() && one->has_value());
    EXPECT_EQ(**one, d);
  }
  for (const auto& t : n["tasks"]) {
    auto one = r->Task(t["task_id"].get<std::string>());
    ASSERT_TRUE(one.ok() && one->has_value());
    EXPECT_EQ(**one, t);
  }
  EXPECT_FALSE(r->Draw("nope")->has_value());
  EXPECT_FALSE(r->Task("nope")->has_value());
  auto versions = r->PlanVersions("P2026");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1]["note"], "第二版");
  auto plans = r->Plans(2, "");
  ASSERT_TRUE(plans.ok());
  ASSERT_EQ(plans->items.size(), 2u);
  auto rest = r->Plans(2, plans->next_cursor);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_TRUE(rest->next_cursor.empty());
  EXPECT_EQ(rest->items[0], n["plans"][2]);
  auto b_tasks = r->Tasks("P2026B", 10, "");
  ASSERT_TRUE(b_tasks.ok());
  ASSERT_EQ(b_tasks->items.size(), 1u);
  EXPECT_EQ(b_tasks->items[0]["task_id"], "T3");
  auto t2_draws = r->DrawsOfTask("T2");
  ASSERT_TRUE(t2_draws.ok());
  ASSERT_EQ(t2_draws->size(), 2u);
  EXPECT_EQ((*t2_draws)[0]["phase"], "cancelled");
  EXPECT_EQ((*t2_draws)[1]["redraws"], 1);
}

TEST_F(PublicProjectionTest, IncrementalAndRebuiltDigestsAreEqual) {
  BuildYear();
  ASSERT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
  auto incremental = projection_->projection()->Digest("public");
  ASSERT_TRUE(incremental.ok());
  const auto fresh_dir = dir_ / "rebuilt";
  auto fresh = LmdbProjection::Open(fresh_dir, ProjectionSync::kEachCommit, NodeFolders());
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*fresh)->Digest("public"), *incremental);
  std::shared_ptr<LmdbProjection> shared(std::move(*fresh));
  auto r = Reader(shared);
  ASSERT_NE(r, nullptr);
  ExpectSameAsOracle(*r, Oracle());
}

TEST_F(PublicProjectionTest, CrashDuringCatchUpNeitherRepeatsNorSkips) {
  BuildYear();
  const PublicRecord oracle = Oracle();
  const auto crash_dir = dir_ / "crash";
  std::optional<Hash> rebuilt;
  for (int round = 0; round < 3; ++round) {
    std::filesystem::remove_all(crash_dir);
    pid_t pid = ::fork();
    if (pid == 0) {
      auto p = LmdbProjection::Open(crash_dir, ProjectionSync::kEachCommit, NodeFolders());
      auto reader = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
      Status s = (*p)->CatchUp(**reader, 1);
      ::_exit(s.ok() ? 0 : 1);
    }
    // Each entry is its own synced commit: the kills land early, midway and late in the year.
    ::usleep(static_cast<useconds_t>(150000 + round * 500000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto p = LmdbProjection::Open(crash_dir, ProjectionSync::kEachCommit, NodeFolders());
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    const uint64_t at_crash = *(*p)->Applied();
    std::cout << "round " << round << ": killed at " << at_crash << " of " << oracle.size() << " entries\n";
    ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
    const Hash resumed = *(*p)->Digest("public");
    if (!rebuilt) {
      auto fresh = LmdbProjection::Open(dir_ / "fresh", ProjectionSync::kEachCommit, NodeFolders());
      ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
      rebuilt = *(*fresh)->Digest("public");
    }
    EXPECT_EQ(resumed, *rebuilt) << "after a crash at " << at_crash << " of " << oracle.size();
    std::shared_ptr<LmdbProjection> shared(std::move(*p));
    auto r = Reader(shared);
    ASSERT_NE(r, nullptr);
    ExpectSameAsOracle(*r, oracle);
  }
}

TEST_F(PublicProjectionTest, SearchesFindExactlyTheMatchingResultsAndPagesCoverThemOnce) {
  BuildYear();
  const json all = Oracle().Notices()["results"];
  auto r = Reader();
  ASSERT_NE(r, nullptr);
  auto expect = [&](const std::function<bool(const json&)>& want, ResultQuery q, const std::string& what) {
    std::vector<json> expected;
    for (const auto& x : all) {
      if (want(x)) expected.push_back(x);
    }
    for (size_t limit : {1u, 3u, 500u}) {
      q.limit = limit;
      const std::vector<json> got = AllPages(*r, q);
      EXPECT_EQ(Keys(got), Keys(expected)) << what << " limit " << limit;
    }
    return expected.size();
  };
  // Everything, in publication order.
  ResultQuery q;
  q.limit = 4;
  const std::vector<json> every = AllPages(*r, q);
  ASSERT_EQ(every.size(), all.size());
  for (size_t i = 0; i < every.size(); ++i) EXPECT_EQ(every[i], all[i]);

  const std::string code = all[3]["credit_code"].get<std::string>();
  EXPECT_EQ(expect([&](const json& x) { return x["credit_code"] == code; }, Q([&](ResultQuery& x) { x.code = code; }), "code"), 1u);
  EXPECT_EQ(expect([](const json&) { return false; }, Q([&](ResultQuery& x) { x.code = "91320400MA00000000"; }), "unknown code"), 0u);
  auto named = [](const std::string& part) {
    return [part](const json& x) { return x["employer_name"].get<std::string>().find(part) != std::string::npos; };
  };
  EXPECT_GT(expect(named("建筑"), Q([&](ResultQuery& x) { x.name = "建筑"; }), "建筑"), 0u);
  EXPECT_GT(expect(named("建"), Q([&](ResultQuery& x) { x.name = "建"; }), "建 (one character)"), expect(named("建筑"), Q([&](ResultQuery& x) { x.name = "建筑"; }), "建筑"));
  EXPECT_GT(expect(named("建筑工程有限"), Q([&](ResultQuery& x) { x.name = "建筑工程有限"; }), "a longer part"), 0u);
  EXPECT_GT(expect(named("贸易"), Q([&](ResultQuery& x) { x.name = "贸易"; }), "贸易"), 0u);
  EXPECT_EQ(expect(named("不存在的名字"), Q([&](ResultQuery& x) { x.name = "不存在的名字"; }), "no such name"), 0u);
  // Region: a county, and the city covering both counties.
  const size_t county = expect([](const json& x) { return x["region"] == "320402"; }, Q([&](ResultQuery& x) { x.region = "320402"; }), "county");
  EXPECT_GT(county, 0u);
  EXPECT_EQ(expect([](const json& x) { return x["region"].get<std::string>().starts_with("3204"); },
                   Q([&](ResultQuery& x) { x.region = "320400"; }), "city"),
            all.size());
  EXPECT_GT(expect([](const json& x) { return x["task_id"] == "T2"; }, Q([&](ResultQuery& x) { x.task = "T2"; }), "task"), 0u);
  auto between = [](const std::string& from, const std::string& to) {
    return [=](const json& x) {
      const std::string d = x["published_date"].get<std::string>();
      return (from.empty() || d >= from) && (to.empty() || d <= to);
    };
  };
  const std::string mid = all[all.size() / 2]["published_date"].get<std::string>();
  EXPECT_GT(expect(between(mid, mid), Q([&](ResultQuery& x) { x.from = mid; x.to = mid; }), "one day"), 0u);
  EXPECT_GT(expect(between(mid, ""), Q([&](ResultQuery& x) { x.from = mid; }), "from"), 0u);
  EXPECT_GT(expect(between("", mid), Q([&](ResultQuery& x) { x.to = mid; }), "to"), 0u);
  // Filters combine: name, region and date taken from one published result (the draws are
  // random, so a fixed region and date could match nothing).
  const auto with_name = std::find_if(all.begin(), all.end(), [&](const json& x) { return named("建")(x); });
  ASSERT_NE(with_name, all.end());
  const std::string region = (*with_name)["region"].get<std::string>();
  const std::string until = (*with_name)["published_date"].get<std::string>();
  EXPECT_GT(expect([&](const json& x) { return named("建")(x) && between("", until)(x) && x["region"] == region; },
                   Q([&](ResultQuery& x) { x.name = "建"; x.region = region; x.to = until; }), "combined"),
            0u);
}

TEST_F(PublicProjectionTest, RefusesMalformedCursorsAndLimits) {
  BuildYear();
  auto r = Reader();
  ASSERT_NE(r, nullptr);
  auto page = r->Results(Q([&](ResultQuery& x) { x.name = "建"; x.limit = 2; }));
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_cursor.empty());
  // A cursor of one query is refused by another, and garbage is refused.
  EXPECT_EQ(r->Results(Q([&](ResultQuery& x) { x.task = "T1"; x.cursor = page->next_cursor; })).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->Results(Q([&](ResultQuery& x) { x.cursor = "zz"; })).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->Results(Q([&](ResultQuery& x) { x.limit = 0; })).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->Results(Q([&](ResultQuery& x) { x.limit = kMaxPageLimit + 1; })).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->Results(Q([&](ResultQuery& x) { x.from = "2026-6-1"; })).status().code(), StatusCode::kInvalidArgument);
}

// The demo (ops/demo.sh, every command of the command line as a bureau would run them): the
// projection of its log gives the public record's outputs byte for byte.
TEST(PublicProjectionDemo, DemoProcessGivesThePublicRecordsOutputs) {
  const auto work = testing_support::DemoWorkDir("suiji-public-demo");
  const auto data = work / "data";
  ASSERT_TRUE(testing_support::RunDemo(work));
  {
    auto log = OpenLmdbStorage(data, StorageMode::kReadOnly);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    PublicRecord oracle;
    ASSERT_TRUE(ReplayLog(**log, 0, [&](const EntryView& e) { return oracle.Apply(e); }).ok());
    ASSERT_FALSE(oracle.Notices()["results"].empty());
    auto projection = DirectoryProjection::Open(data);
    ASSERT_TRUE(projection.ok()) << projection.status().ToString();
    ASSERT_TRUE((*projection)->CatchUp(**log).ok());
    auto r = PublicReader::Begin((*projection)->projection());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::string notices, csv, credit;
    auto into = [](std::string* out) {
      return [out](std::string_view piece) {
        out->append(piece);
        return true;
      };
    };
    ASSERT_TRUE((*r)->WriteNotices(into(&notices)).ok());
    ASSERT_TRUE((*r)->WriteCsv(into(&csv)).ok());
    ASSERT_TRUE((*r)->WriteCreditJson(into(&credit)).ok());
    EXPECT_EQ(notices, oracle.Notices().dump());
    EXPECT_EQ(csv, oracle.CreditPublicityCsv());
    EXPECT_EQ(credit, oracle.CreditPublicityJson().dump());
    for (const auto& d : oracle.Notices()["draws"]) {
      const std::string id = d["draw_id"].get<std::string>();
      auto seqs = (*r)->PublicSequencesOfDraw(id);
      ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
      EXPECT_EQ(*seqs, oracle.PublicSequencesOfDraw(id)) << id;
    }
  }
  std::filesystem::remove_all(work);
}

TEST(NameGrams, EveryCharacterAndEveryAdjacentPair) {
  EXPECT_EQ(NameGrams("建筑公司"),
            (std::vector<std::string>{"公", "公司", "司", "建", "建筑", "筑", "筑公"}));
  EXPECT_EQ(NameGrams("A"), (std::vector<std::string>{"A"}));
  EXPECT_TRUE(NameGrams("").empty());
}

}  // namespace
}  // namespace suiji

namespace suiji {
namespace {

// The same generated year, for the "stats" folder (projections/stats_projection.h): its
// report equals InspectionStats::Report byte for byte (every draw, the sums, the estimates;
// corrections and revisions replaced in the counts), and a rebuilt folder has the same digest.
TEST_F(PublicProjectionTest, GeneratedYearStatsFolderReportsAsTheInMemoryStats) {
  BuildYear();
  testing_support::ExpectStatsAsOracle(*projection_->projection(), ledger_->storage(),
                                       {"2026-06-01", "2026-06-20", "2026-12-31"});
  auto incremental = projection_->projection()->Digest("stats");
  ASSERT_TRUE(incremental.ok());
  auto fresh = LmdbProjection::Open(dir_ / "rebuilt-stats", ProjectionSync::kEachCommit, NodeFolders());
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*fresh)->Digest("stats"), *incremental);
  EXPECT_EQ(*(*fresh)->Digest("draws"), *projection_->projection()->Digest("draws"));
}

}  // namespace
}  // namespace suiji
