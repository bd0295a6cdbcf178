#include "ledger/core/draw/records.h"

#include <gtest/gtest.h>

#include <functional>

namespace suiji::draw {
namespace {

Hash FilledHash(uint8_t first) {
  Hash h;
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(first + i);
  return h;
}

bool Mentions(const Status& s, std::string_view word) {
  return s.message().find(word) != std::string::npos;
}

PlanRecord SamplePlan() {
  PlanRecord p;
  p.plan_id = "P-320400-2026";
  p.org_id = "320400";
  p.year = 2026;
  p.title = "常州市人力资源和社会保障局2026年度双随机抽查工作计划";
  p.filed_with_org_id = "320000";
  p.version = 2;
  p.note = "第二版：增加建筑业专项";
  return p;
}

// A valid task in ratio mode, stratified by region, within one year.
TaskRecord SampleTask() {
  TaskRecord t;
  t.task_id = "T-320400-2026-01";
  t.plan_id = "P-320400-2026";
  t.org_id = "320400";
  t.title = "工资支付情况抽查";
  t.item_list_version = 3;
  t.item_ids = {"LS-01", "LS-02"};
  t.regions = {"320402", "320400"};
  t.industries = {"34", "3411"};
  t.ratio_bp = 500;
  t.strata_by = StrataBy::Region;
  t.window_start = "2026-03-01";
  t.window_end = "2026-11-30";
  return t;
}

// Every field away from its default, so a dropped field shows in the round trip.
TaskRecord FullTask() {
  TaskRecord t = SampleTask();
  t.key_items = true;
  t.batch_size = 25;
  t.min_headcount = 20;
  t.directed = true;
  t.credit_grades = {"B", "C", ""};
  t.blacklisted_only = true;
  t.ratio_bp = 0;
  t.count = 30;
  t.strata_by = StrataBy::City;
  t.quota_split = QuotaSplit::Explicit;
  t.quotas = {{"320400", 18}, {"320500", 12}};
  t.credit = CreditRules{3, 5000, false, 5, 4, 3, StarPolicy::Exempt, 2, 6};
  t.frequency = FrequencyRules{1, false};
  t.inspectors = InspectorRequirements{{"劳动保障监察"}, {"工资支付"}, {"320402"}, 3, 4, 1,
                                       {"职业卫生"}};
  t.joint_departments = {"住房城乡建设部门"};
  return t;
}

FreezeRecord SampleFreeze() {
  FreezeRecord f;
  f.draw_id = "D-320400-2026-01";
  f.task_id = "T-320400-2026-01";
  f.target_count = 1234;
  f.target_root = FilledHash(1);
  f.inspector_count = 17;
  f.inspector_root = FilledHash(2);
  f.expert_count = 3;
  f.expert_root = FilledHash(3);
  f.strata = {{"320402", 800, 1700, 40}, {"320404", 434, 900, 22}};
  return f;
}

CommitRecord SampleCommit() {
  CommitRecord c;
  c.draw_id = "D-320400-2026-01";
  c.task_id = "T-320400-2026-01";
  c.freeze_sequence = 9876;
  c.target_count = 1234;
  c.target_root = FilledHash(1);
  c.inspector_count = 17;
  c.inspector_root = FilledHash(2);
  c.expert_count = 3;
  c.expert_root = FilledHash(3);
  c.params_hash = FilledHash(4);
  c.secret_hash = FilledHash(5);
  c.drand_chain = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
  c.drand_round = 5000000;
  c.drand_round_time = 1767225600;
  c.lottery_name = "福彩3D";
  c.lottery_issue = "2026060";
  c.lottery_time = 1767264300;
  c.witnesses = {"张三", "李四"};
  c.note = "公证处现场监督";
  return c;
}

RevealRecord SampleReveal() {
  RevealRecord r;
  r.draw_id = "D-320400-2026-01";
  r.secret = Bytes(32, 0xab);
  r.drand_randomness = Bytes(32, 0xcd);
  r.drand_signature = Bytes(96, 0xef);
  r.lottery_digits = "407";
  r.witness_digits = {"12", "89"};
  r.seed = FilledHash(6);
  return r;
}

ResultPart SampleResult() {
  ResultPart r;
  r.draw_id = "D-320400-2026-01";
  r.seed = FilledHash(6);
  r.part = 0;
  r.parts = 2;
  r.selected_total = 2001;
  r.strata = {{"320402", 800, 1700, 40}};
  VisitRecord a;
  a.credit_code = "91320402MA1XY12340";
  a.stratum = "320402";
  a.weight = 3;
  a.rank_key = 0x0123456789abcdefULL;
  a.order = 0;
  a.batch = 1;
  a.team = {"I-001", "I-002"};
  a.experts = {"E-01"};
  a.substitutes = {"I-003", "I-004"};
  VisitRecord b;
  b.credit_code = "91320402MA1XY56780";
  b.stratum = "320402";
  b.weight = 0;  // differs from the C++ default 1 and equals the schema's default
  b.rank_key = 42;
  b.order = 1;
  b.merged_into = "D-320400-2026-00";
  r.visits = {a, b};
  return r;
}

// --- round trips ---

TEST(DrawRecords, PlanRoundTrips) {
  PlanRecord p = SamplePlan();
  auto back = DecodePlan(EncodePlan(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
}

TEST(DrawRecords, TaskRoundTripsEveryField) {
  TaskRecord t = FullTask();
  auto back = DecodeTask(EncodeTask(t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, t);
  // And the defaults round-trip as well.
  TaskRecord d;
  d.task_id = "T";
  d.plan_id = "P";
  auto back_default = DecodeTask(EncodeTask(d));
  ASSERT_TRUE(back_default.ok()) << back_default.status().ToString();
  EXPECT_EQ(*back_default, d);
}

TEST(DrawRecords, TaskEncodingIsDeterministic) {
  EXPECT_EQ(EncodeTask(FullTask()), EncodeTask(FullTask()));
  EXPECT_EQ(EncodeCommit(SampleCommit()), EncodeCommit(SampleCommit()));
  EXPECT_EQ(EncodeResultPart(SampleResult()), EncodeResultPart(SampleResult()));
  EXPECT_NE(EncodeTask(FullTask()), EncodeTask(SampleTask()));
}

TEST(DrawRecords, TaskWithdrawnRoundTrips) {
  TaskWithdrawal w{"T-320400-2026-01", "任务合并至第二批"};
  auto back = DecodeTaskWithdrawn(EncodeTaskWithdrawn(w));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, w);
}

TEST(DrawRecords, FreezeRoundTrips) {
  FreezeRecord f = SampleFreeze();
  auto back = DecodeFreeze(EncodeFreeze(f));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, f);
}

TEST(DrawRecords, CommitRoundTrips) {
  CommitRecord c = SampleCommit();
  auto back = DecodeCommit(EncodeCommit(c));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
  EXPECT_EQ(back->algorithm, "suiji-draw/1");
}

TEST(DrawRecords, RevealRoundTripsVariableLengthBytes) {
  RevealRecord r = SampleReveal();
  auto back = DecodeReveal(EncodeReveal(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);
  EXPECT_EQ(back->drand_signature.size(), 96u);
  // No drand: empty byte fields stay empty.
  r.drand_randomness.clear();
  r.drand_signature.clear();
  auto no_drand = DecodeReveal(EncodeReveal(r));
  ASSERT_TRUE(no_drand.ok()) << no_drand.status().ToString();
  EXPECT_EQ(*no_drand, r);
}

TEST(DrawRecords, ResultPartRoundTrips) {
  ResultPart r = SampleResult();
  auto back = DecodeResultPart(EncodeResultPart(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);
}

TEST(DrawRecords, CancelAndDeclineRoundTrip) {
  CancelRecord c{"D-320400-2026-01", "熔断：抽签前名录有误"};
  auto c_back = DecodeCancel(EncodeCancel(c));
  ASSERT_TRUE(c_back.ok()) << c_back.status().ToString();
  EXPECT_EQ(*c_back, c);
  DeclineRecord d{"D-320400-2026-01", "91320402MA1XY12340", "I-001", "回避：曾在该单位任职",
                  "I-003"};
  auto d_back = DecodeDecline(EncodeDecline(d));
  ASSERT_TRUE(d_back.ok()) << d_back.status().ToString();
  EXPECT_EQ(*d_back, d);
}

// --- decoding what the encoder would not write ---

TEST(DrawRecords, TaskWithoutNestedTablesDecodesToTheDefaults) {
  flatbuffers::FlatBufferBuilder fbb;
  auto id = fbb.CreateString("T-1");
  auto plan = fbb.CreateString("P-1");
  auto org = fbb.CreateString("320400");
  schema::TaskBuilder tb(fbb);
  tb.add_task_id(id);
  tb.add_plan_id(plan);
  tb.add_org_id(org);
  tb.add_ratio_bp(300);
  fbb.Finish(tb.Finish());
  Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());

  auto t = DecodeTask(b);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->task_id, "T-1");
  EXPECT_EQ(t->ratio_bp, 300);
  EXPECT_EQ(t->min_headcount, 8u);
  EXPECT_EQ(t->credit, CreditRules{});
  EXPECT_EQ(t->frequency, FrequencyRules{});
  EXPECT_EQ(t->inspectors, InspectorRequirements{});
  EXPECT_EQ(t->credit.base_weight, 2);
  EXPECT_EQ(t->credit.star_policy, StarPolicy::Reduce);
  EXPECT_EQ(t->frequency.max_per_year, 2);
  EXPECT_EQ(t->inspectors.team_size, 2);
  EXPECT_EQ(t->inspectors.substitutes, 2);
}

TEST(DrawRecords, MalformedPayloadsAreDataLoss) {
  const Bytes garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const Bytes empty;
  for (const Bytes& b : {garbage, empty}) {
    EXPECT_EQ(DecodePlan(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeTask(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeTaskWithdrawn(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeFreeze(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeCommit(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeReveal(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeResultPart(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeCancel(b).status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(DecodeDecline(b).status().code(), StatusCode::kDataLoss);
  }
  auto garbled = DecodeTask(garbage);
  EXPECT_TRUE(Mentions(garbled.status(), "malformed")) << garbled.status().ToString();

  // A valid payload cut short.
  Bytes task = EncodeTask(FullTask());
  task.resize(task.size() / 2);
  EXPECT_EQ(DecodeTask(task).status().code(), StatusCode::kDataLoss);
  Bytes result = EncodeResultPart(SampleResult());
  result.resize(result.size() - 8);
  EXPECT_EQ(DecodeResultPart(result).status().code(), StatusCode::kDataLoss);
}

TEST(DrawRecords, MissingIdentityFieldIsDataLossNamingIt) {
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto title = fbb.CreateString("无编号的计划");
    fbb.Finish(schema::CreatePlan(fbb, 0, 0, 2026, title));
    Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    auto s = DecodePlan(b).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_TRUE(Mentions(s, "plan_id")) << s.ToString();
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto draw = fbb.CreateString("D-1");
    auto code = fbb.CreateString("91320402MA1XY12340");
    fbb.Finish(schema::CreateAssignmentDeclined(fbb, draw, code));
    Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    auto s = DecodeDecline(b).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_TRUE(Mentions(s, "inspector_id")) << s.ToString();
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(schema::CreateDrawCancelled(fbb));
    Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    auto s = DecodeCancel(b).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_TRUE(Mentions(s, "draw_id")) << s.ToString();
  }
}

TEST(DrawRecords, HashOfTheWrongLengthIsDataLossNamingTheField) {
  Hash ok = FilledHash(1);
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto draw = fbb.CreateString("D-1");
    auto task = fbb.CreateString("T-1");
    auto short_root = fbb.CreateVector(ok.data(), 31);
    auto root = fbb.CreateVector(ok.data(), ok.size());
    fbb.Finish(schema::CreateDrawFrozen(fbb, draw, task, 5, short_root, 2, root, 0, root));
    Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    auto s = DecodeFreeze(b).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_TRUE(Mentions(s, "target_root")) << s.ToString();
  }
  {
    // params_hash absent altogether.
    flatbuffers::FlatBufferBuilder fbb;
    auto draw = fbb.CreateString("D-1");
    auto task = fbb.CreateString("T-1");
    auto root = fbb.CreateVector(ok.data(), ok.size());
    fbb.Finish(schema::CreateDrawCommitted(fbb, draw, task, 1, 5, root, 2, root, 0, root,
                                           /*params_hash=*/0, 0, root));
    Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    auto s = DecodeCommit(b).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_TRUE(Mentions(s, "params_hash")) << s.ToString();
  }
  {
    Bytes long_seed(33, 7);
    flatbuffers::FlatBufferBuilder fbb;
    auto draw = fbb.CreateString("D-1");
    auto seed = fbb.CreateVector(long_seed);
    fbb.Finish(schema::CreateDrawRevealed(fbb, draw, 0, 0, 0, 0, 0, seed));
    Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    auto s = DecodeReveal(b).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_TRUE(Mentions(s, "seed")) << s.ToString();
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto draw = fbb.CreateString("D-1");
    auto seed = fbb.CreateVector(ok.data(), 16);
    fbb.Finish(schema::CreateDrawResult(fbb, draw, seed, 0, 1));
    Bytes b(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    auto s = DecodeResultPart(b).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_TRUE(Mentions(s, "seed")) << s.ToString();
  }
}

// --- validation ---

TEST(DrawRecords, ValidatePlanNamesEachBadField) {
  EXPECT_TRUE(ValidatePlan(SamplePlan()).empty());
  struct Case {
    const char* field;
    std::function<void(PlanRecord&)> spoil;
  };
  const Case cases[] = {
      {"plan_id", [](PlanRecord& p) { p.plan_id.clear(); }},
      {"org_id", [](PlanRecord& p) { p.org_id.clear(); }},
      {"title", [](PlanRecord& p) { p.title.clear(); }},
      {"year", [](PlanRecord& p) { p.year = 1999; }},
      {"year", [](PlanRecord& p) { p.year = 2101; }},
      {"version", [](PlanRecord& p) { p.version = 0; }},
  };
  for (const auto& c : cases) {
    PlanRecord p = SamplePlan();
    c.spoil(p);
    auto errs = ValidatePlan(p);
    ASSERT_EQ(errs.size(), 1u) << c.field;
    EXPECT_EQ(errs[0].field, c.field);
    EXPECT_FALSE(errs[0].reason.empty());
  }
}

TEST(DrawRecords, ValidTasksHaveNoErrors) {
  EXPECT_TRUE(ValidateTask(SampleTask()).empty());
  EXPECT_TRUE(ValidateTask(FullTask()).empty());

  TaskRecord key = SampleTask();
  key.key_items = true;
  key.ratio_bp = 10000;  // 重点事项 may be inspected in full
  EXPECT_TRUE(ValidateTask(key).empty());

  TaskRecord directed = SampleTask();
  directed.industries.clear();
  directed.directed = true;
  directed.blacklisted_only = true;
  directed.credit_grades = {"A", "B", "C", ""};
  EXPECT_TRUE(ValidateTask(directed).empty());

  TaskRecord counted = SampleTask();
  counted.ratio_bp = 0;
  counted.count = 40;
  counted.quota_split = QuotaSplit::Equal;
  counted.industries = {"3"};
  EXPECT_TRUE(ValidateTask(counted).empty());
}

// Each rule, broken alone, yields errors naming exactly its field.
TEST(DrawRecords, ValidateTaskNamesEachBadField) {
  struct Case {
    const char* field;
    std::function<void(TaskRecord&)> spoil;
  };
  auto explicit_count = [](TaskRecord& t) {
    t.ratio_bp = 0;
    t.count = 10;
    t.quota_split = QuotaSplit::Explicit;
  };
  const Case cases[] = {
      {"task_id", [](TaskRecord& t) { t.task_id.clear(); }},
      {"plan_id", [](TaskRecord& t) { t.plan_id.clear(); }},
      {"org_id", [](TaskRecord& t) { t.org_id.clear(); }},
      {"title", [](TaskRecord& t) { t.title.clear(); }},
      {"title", [](TaskRecord& t) { t.title = "bad \xff utf-8"; }},
      {"item_ids", [](TaskRecord& t) { t.item_ids.clear(); }},
      {"regions", [](TaskRecord& t) { t.regions.clear(); }},
      {"regions", [](TaskRecord& t) { t.regions = {"320402", "999999"}; }},
      {"industries", [](TaskRecord& t) { t.industries = {"C13"}; }},
      {"industries", [](TaskRecord& t) { t.industries = {"34111"}; }},
      {"industries", [](TaskRecord& t) { t.industries = {""}; }},
      {"industries", [](TaskRecord& t) { t.industries = {"99"}; }},
      {"ratio_bp", [](TaskRecord& t) { t.count = 10; }},  // both stated
      {"ratio_bp", [](TaskRecord& t) { t.ratio_bp = 0; }},  // neither stated
      {"ratio_bp", [](TaskRecord& t) { t.ratio_bp = 10001; }},
      {"ratio_bp", [](TaskRecord& t) { t.ratio_bp = 10000; }},  // 100% but not key items
      {"window_start", [](TaskRecord& t) { t.window_start = "2026-13-01"; }},
      {"window_start", [](TaskRecord& t) { t.window_start.clear(); }},
      {"window_end", [](TaskRecord& t) { t.window_end = "2026/11/30"; }},
      {"window_end", [](TaskRecord& t) { t.window_end = "2026-02-28"; }},  // before start
      {"window_end", [](TaskRecord& t) { t.window_end = "2027-01-31"; }},  // another year
      {"inspectors.team_size", [](TaskRecord& t) { t.inspectors.team_size = 1; }},
      {"inspectors.team_size", [](TaskRecord& t) { t.inspectors.team_size = 11; }},
      {"inspectors.substitutes", [](TaskRecord& t) { t.inspectors.substitutes = 11; }},
      {"inspectors.experts", [](TaskRecord& t) { t.inspectors.experts = 6; }},
      {"inspectors.regions", [](TaskRecord& t) { t.inspectors.regions = {"000000"}; }},
      {"credit.base_weight", [](TaskRecord& t) { t.credit.base_weight = 0; }},
      {"credit.blacklist_multiplier", [](TaskRecord& t) { t.credit.blacklist_multiplier = 0; }},
      {"credit.complaint_cap", [](TaskRecord& t) { t.credit.complaint_cap = 21; }},
      {"credit.grade_c_ratio_bp", [](TaskRecord& t) { t.credit.grade_c_ratio_bp = 10001; }},
      {"credit.star_threshold", [](TaskRecord& t) { t.credit.star_threshold = 6; }},
      {"credit.star_policy",
       [](TaskRecord& t) { t.credit.star_policy = static_cast<StarPolicy>(3); }},
      {"credit_grades", [](TaskRecord& t) { t.credit_grades = {"A", "D"}; }},
      {"strata_by", [](TaskRecord& t) { t.strata_by = static_cast<StrataBy>(4); }},
      {"quota_split", [](TaskRecord& t) { t.quota_split = static_cast<QuotaSplit>(3); }},
      // Explicit quotas in ratio mode: the count is missing.
      {"count",
       [](TaskRecord& t) {
         t.quota_split = QuotaSplit::Explicit;
         t.quotas = {{"320402", 5}};
       }},
      {"quotas", [&](TaskRecord& t) { explicit_count(t); }},  // no quotas
      {"quotas",
       [&](TaskRecord& t) {
         explicit_count(t);
         t.quotas = {{"320402", 6}, {"320400", 5}};  // 11, not 10
       }},
      {"quotas.key",
       [&](TaskRecord& t) {
         explicit_count(t);
         t.quotas = {{"320402", 5}, {"320402", 5}};
       }},
      {"quotas",
       [](TaskRecord& t) {
         t.ratio_bp = 0;
         t.count = 10;
         t.quotas = {{"320402", 10}};  // quotas without Explicit
       }},
      {"directed",
       [](TaskRecord& t) {
         t.directed = true;
         t.industries.clear();
       }},
      {"joint_departments", [](TaskRecord& t) { t.joint_departments = {""}; }},
  };
  for (const auto& c : cases) {
    TaskRecord t = SampleTask();
    c.spoil(t);
    auto errs = ValidateTask(t);
    ASSERT_FALSE(errs.empty()) << "no error for " << c.field;
    for (const auto& e : errs) {
      EXPECT_EQ(e.field, c.field) << "value '" << e.value << "': " << e.reason;
      // Chinese first, then English in parentheses.
      EXPECT_NE(e.reason.find(" ("), std::string::npos) << e.reason;
    }
  }
}

TEST(DrawRecords, ExplicitQuotasMustAddUpToTheCount) {
  TaskRecord t = SampleTask();
  t.ratio_bp = 0;
  t.count = 10;
  t.quota_split = QuotaSplit::Explicit;
  t.quotas = {{"320402", 6}, {"320400", 4}};
  EXPECT_TRUE(ValidateTask(t).empty());
  t.quotas[1].count = 3;
  auto errs = ValidateTask(t);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "quotas");
  EXPECT_EQ(errs[0].value, "9");
}

TEST(DrawRecords, EnumNames) {
  EXPECT_EQ(StrataByName(StrataBy::None), "none");
  EXPECT_EQ(StrataByName(StrataBy::Region), "region");
  EXPECT_EQ(StrataByName(StrataBy::City), "city");
  EXPECT_EQ(StrataByName(StrataBy::IndustryDivision), "industry");
  EXPECT_EQ(QuotaSplitName(QuotaSplit::Proportional), "proportional");
  EXPECT_EQ(QuotaSplitName(QuotaSplit::Equal), "equal");
  EXPECT_EQ(QuotaSplitName(QuotaSplit::Explicit), "explicit");
  EXPECT_EQ(StarPolicyName(StarPolicy::Exempt), "exempt");
  EXPECT_EQ(StarPolicyName(StarPolicy::Reduce), "reduce");
  EXPECT_EQ(StarPolicyName(StarPolicy::Ignore), "ignore");
  EXPECT_EQ(StrataByName(static_cast<StrataBy>(9)), "unknown");
}

}  // namespace
}  // namespace suiji::draw
