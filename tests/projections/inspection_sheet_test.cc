// The printable inspection sheet read from the projections (InspectionService over the
// "inspections" folder: what GET /api/v1/results/{draw}/{code}/sheet and `suiji result
// sheet` serve) against the oracle, PublicRecord::InspectionSheetHtml over a fold of the
// whole log: for every visit of the generated year the same bytes, and the same codes and
// messages for an unknown draw, a code not drawn, a cancelled draw and one not drawn yet.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "api/inspection_service.h"
#include "ledger/core/inspection/public_record.h"
#include "ledger/replay.h"
#include "projections/directory_projection.h"
#include "tests/support/inspection_year.h"

namespace suiji {
namespace {

class InspectionSheetTest : public testing_support::InspectionYearTest {
 protected:
  // The oracle: the public record folded from the whole log as it stands.
  inspection::PublicRecord Record() {
    inspection::PublicRecord rec;
    EXPECT_TRUE(ReplayLog(ledger_->storage(), 0, [&](const EntryView& e) { return rec.Apply(e); }).ok());
    return rec;
  }

  void ExpectSame(const InspectionService& svc, const inspection::PublicRecord& rec, const std::string& draw_id,
                  const std::string& code) {
    const auto want = rec.InspectionSheetHtml(draw_id, code);
    const auto got = svc.InspectionSheetHtml(draw_id, code);
    ASSERT_EQ(got.ok(), want.ok()) << draw_id << "/" << code << ": " << got.status().ToString() << " vs "
                                   << want.status().ToString();
    if (want.ok()) {
      EXPECT_EQ(*got, *want) << draw_id << "/" << code;
    } else {
      EXPECT_EQ(got.status().code(), want.status().code()) << draw_id << "/" << code;
      EXPECT_EQ(got.status().message(), want.status().message()) << draw_id << "/" << code;
    }
  }
};

TEST_F(InspectionSheetTest, EveryVisitOfTheYearGivesTheFoldsBytesAndErrors) {
  BuildYear();
  ASSERT_TRUE(inspections_->Sync().ok());
  const inspection::InspectionWorld& w = inspections_->world();
  // A decline (the sheet's 回避与递补记录 and the substitute order) in the first drawn visit
  // with a substitute.
  std::string declined_draw, declined_code;
  for (const auto& [id, d] : w.draws.draws) {
    if (d.phase != draw::DrawPhase::kResulted) continue;
    const auto v = std::find_if(d.visits.begin(), d.visits.end(), [](const draw::VisitRecord& x) {
      return !x.substitutes.empty() && !x.team.empty() && x.merged_into.empty();
    });
    if (v == d.visits.end()) continue;
    ASSERT_TRUE(draws_->Decline(id, v->credit_code, v->team.front(), "回避：曾在该单位任职", actor_).ok());
    declined_draw = id;
    declined_code = v->credit_code;
    break;
  }
  LmdbProjection& p = *projection_->projection();
  ASSERT_TRUE(p.CatchUp(ledger_->storage()).ok());
  InspectionService svc(*ledger_, projection_->projection(), ledger_->storage());
  ASSERT_TRUE(svc.Sync().ok());
  const inspection::PublicRecord rec = Record();
  ASSERT_EQ(rec.size(), ledger_->size());

  ASSERT_FALSE(declined_draw.empty());
  // The decline shows on the declined visit's sheet and on the sheet of every visit of a
  // later draw that joined that visit (same employer, merged_into the declined draw): those
  // are inspected by the same team. The draws are random, so count them.
  size_t want_declined = 1;
  for (const auto& [id, d] : rec.world().draws.draws) {
    for (const auto& v : d.visits) {
      if (v.credit_code == declined_code && v.merged_into == declined_draw && id != declined_draw) ++want_declined;
    }
  }
  size_t visits = 0, sheets = 0, declined = 0, cancelled = 0, undrawn = 0;
  for (const auto& [id, d] : rec.world().draws.draws) {
    for (const auto& v : d.visits) {
      ExpectSame(svc, rec, id, v.credit_code);
      ++visits;
      auto sheet = rec.InspectionSheetHtml(id, v.credit_code);
      if (sheet.ok()) {
        ++sheets;
        if (sheet->find("回避与递补记录") != std::string::npos) ++declined;
      }
    }
    // A code not drawn in it (kNotFound for a drawn draw; the phase's refusal otherwise).
    ExpectSame(svc, rec, id, "NOT-DRAWN");
    if (d.phase == draw::DrawPhase::kCancelled) ++cancelled;
    if (d.phase != draw::DrawPhase::kResulted && d.phase != draw::DrawPhase::kCancelled) ++undrawn;
  }
  EXPECT_GE(visits, 10u);
  EXPECT_GE(sheets, 10u);
  EXPECT_EQ(declined, want_declined);
  EXPECT_GE(cancelled, 1u);
  ExpectSame(svc, rec, "D-NONE", "NOT-DRAWN");

  // The codes and messages themselves.
  auto unknown = svc.InspectionSheetHtml("D-NONE", "X");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "no draw \"D-NONE\"");
  for (const auto& [id, d] : rec.world().draws.draws) {
    auto s = svc.InspectionSheetHtml(id, "NOT-DRAWN");
    if (d.phase == draw::DrawPhase::kResulted) {
      EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
      EXPECT_EQ(s.status().message(), "NOT-DRAWN was not drawn in draw \"" + id + "\"");
    } else if (d.phase == draw::DrawPhase::kCancelled) {
      EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
      EXPECT_EQ(s.status().message(), "draw \"" + id + "\" is " +
                                          std::string(draw::DrawPhaseName(draw::DrawPhase::kCancelled)) +
                                          "; an inspection sheet is made for a drawn, live draw");
    }
  }

  // The footer names this ledger and the position the read is at.
  const auto& [first_id, first] = *std::find_if(rec.world().draws.draws.begin(), rec.world().draws.draws.end(),
                                                [](const auto& kv) { return !kv.second.visits.empty(); });
  auto html = svc.InspectionSheetHtml(first_id, first.visits.front().credit_code);
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_NE(html->find("本检查单由账本 " + ledger_->ledger_id() + " 前 " + std::to_string(ledger_->size()) +
                       " 条记录生成"),
            std::string::npos);
}

}  // namespace
}  // namespace suiji
