// Generates the "Targets" province of issue #16 (ops/bench/province_bench.sh): one node's
// data directory holding a whole province's year of double-random inspections, built through
// the node's own services in-process (directory import, draw ceremony, announcement) and,
// for the results, through the ledger's bulk append of exactly the events the inspection
// service would decide (as tests/bench/inspection_bench.cc phase 2 does).
//
//   province_gen --dir DIR [--scale F] [--draws N] [--inspectors M] [--reserve K]
//
// At --scale 1: 2,000,000 employers of Jiangsu (320000), spread over its 13 cities and 95
// county-level regions (GB/T 2260 from ledger/core/codes), with valid GB 32100-2015 credit
// codes, real GB/T 4754-2017 classes, skewed headcounts (about one in seven below the
// default threshold of 8), credit grades, blacklist entries, stars and complaints, each city
// importing its own; 1,000 inspectors over the cities with an inspector user each; every
// city's item list and annual plan; N = 200 tasks at 5% (most scoped to one county, every
// tenth to a whole city with an industry division), drawn in 25 rounds from March to
// October with witnesses' digits (and a lottery draw for every fifth), each announced; and
// every visit's result recorded (2 or 3 items, outcomes with findings and violations,
// evidence hashes), confirmed by each inspector of its team, submitted, approved and
// published, a few days after its draw: 2,680,992 entries (112,898 results; visits merged
// into another draw's visit of the same employer have none of their own). --scale F (up to 5)
// scales the employers (and so the visits and results); the numbers of tasks and inspectors
// stay. About 1.34M entries per scale unit: --scale 3.75 is about 10M (the verifier's target).
//
// The last K (12) visits of the last draw are left without a result, for the benchmark's
// `suiji result record`; DIR/bench/ holds what the benchmark needs to name things
// (manifest.env: shell assignments), a ready result file per reserved visit, the bodies of
// the HTTP writes (bodies.tsv, as ops/bench/put_target.lua reads them) and search inputs.
//
// The same province for the same arguments (the node's clock is simulated and every choice
// is a hash of its index); not the same bytes, as the node's keys are generated afresh.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/calendar_data.h"
#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/identity_service.h"
#include "api/inspection_service.h"
#include "api/node.h"
#include "api/world_fold.h"
#include "ledger/core/codes/region.h"
#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/eligibility.h"
#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"
#include "projections/directory_projection.h"
#include "tests/bench/bench_util.h"
#include "tests/support/credit_codes.h"

namespace {

using suiji::Status;
using suiji::bench::Clock;
using suiji::bench::Seconds;
namespace dir = suiji::directory;
namespace drw = suiji::draw;
namespace in = suiji::inspection;

constexpr int kGeneratorVersion = 1;  // bump when the generated data changes

bool Check(const Status& s, const char* what) {
  if (!s.ok()) std::fprintf(stderr, "province_gen: %s: %s\n", what, s.ToString().c_str());
  return s.ok();
}
template <typename T>
bool Check(const suiji::StatusOr<T>& s, const char* what) {
  return Check(s.status(), what);
}

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t H(uint64_t a, uint64_t b) { return Mix(Mix(a) ^ (b * 0x632be59bd9b4e019ULL)); }
double U(uint64_t h) { return static_cast<double>(h >> 11) / 9007199254740992.0; }  // [0, 1)

// UTF-8 characters of a string of 3-byte CJK characters.
std::vector<std::string> Chars(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 3 <= s.size(); i += 3) out.emplace_back(s.substr(i, 3));
  return out;
}

// Jiangsu's cities, weighted roughly by their number of registered enterprises.
struct CityWeight {
  const char* code;
  int weight;
};
constexpr CityWeight kCities[] = {{"320100", 14}, {"320200", 11}, {"320300", 8}, {"320400", 8},
                                  {"320500", 20}, {"320600", 9},  {"320700", 4}, {"320800", 4},
                                  {"320900", 6},  {"321000", 5},  {"321100", 4}, {"321200", 5},
                                  {"321300", 4}};

// Real GB/T 4754-2017 classes and the word a company name uses for them.
struct IndustryWord {
  const char* code;
  const char* word;
  int weight;
};
constexpr IndustryWord kIndustries[] = {
    {"1819", "服装", 6},     {"1951", "鞋业", 2},     {"2211", "纸业", 2},       {"2641", "涂料", 2},
    {"3311", "钢结构", 4},   {"3411", "锅炉", 3},     {"3484", "机械", 6},       {"3670", "汽车零部件", 5},
    {"3821", "电机", 3},     {"3982", "电子元件", 5}, {"4710", "建筑", 14},      {"4812", "公路工程", 3},
    {"5121", "食品批发", 3}, {"5211", "百货", 5},     {"5411", "公交", 1},       {"5612", "快递", 3},
    {"6110", "酒店", 3},     {"6210", "餐饮", 8},     {"6513", "软件", 4},       {"7010", "房地产", 4},
    {"7211", "企业管理", 4}, {"7281", "会展", 1},     {"8010", "家政服务", 2},   {"8521", "保洁", 3},
    {"1713", "纺织", 3},     {"2927", "塑料制品", 3}, {"3130", "钢压延", 1},     {"5810", "物流", 2},
};
constexpr const char* kBrand =
    "恒瑞华泰鑫源宏达盛通博远金科新创永信安康弘毅腾飞嘉禾中鼎天成汇丰凯旋龙城常青润泽远航正大德隆";
constexpr const char* kSuffix[] = {"有限公司", "有限责任公司", "股份有限公司", "厂", "有限公司", "有限公司"};
constexpr const char* kSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦";
constexpr const char* kGiven = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玉兰海燕俊峰斌鹏";
constexpr const char* kDomains[] = {"劳动用工", "工资支付", "社会保险", "工时休假", "女职工和未成年工保护",
                                    "人力资源市场"};
constexpr const char* kSpecialties[] = {"建筑业", "制造业", "餐饮服务业", "劳务派遣", "职业中介", "欠薪处置",
                                        "社保稽核"};

// The item list every bureau publishes (the national labour-inspection list, abridged).
struct ItemSpec {
  const char* id;
  const char* name;
  const char* basis;
  const char* domain;
  std::vector<std::string> checklist;
  const char* violation;
  const char* article;
};
const std::vector<ItemSpec>& Items() {
  static const std::vector<ItemSpec> kItems = {
      {"HRSS-01", "劳动合同签订情况", "《劳动合同法》", "劳动用工",
       {"劳动合同文本", "职工名册", "试用期约定"}, "未与劳动者订立书面劳动合同", "《劳动合同法》第十条"},
      {"HRSS-02", "工资支付情况", "《保障农民工工资支付条例》", "工资支付",
       {"工资支付台账", "最低工资标准执行", "工资专用账户"}, "未按时足额支付劳动者工资",
       "《保障农民工工资支付条例》第十一条"},
      {"HRSS-03", "工作时间和休息休假", "《劳动法》", "工时休假", {"考勤记录", "加班审批", "年休假安排"},
       "延长工作时间超过法定限度", "《劳动法》第四十一条"},
      {"HRSS-04", "社会保险参保缴费情况", "《社会保险法》", "社会保险", {"参保登记", "缴费基数申报"},
       "未依法为职工办理社会保险登记", "《社会保险法》第五十八条"},
      {"HRSS-05", "女职工和未成年工特殊劳动保护", "《女职工劳动保护特别规定》", "女职工和未成年工保护",
       {"孕期岗位安排", "未成年工体检"}, "安排孕期女职工从事禁忌劳动", "《女职工劳动保护特别规定》第六条"},
      {"HRSS-06", "禁止使用童工情况", "《禁止使用童工规定》", "劳动用工", {"身份证件核验"},
       "使用未满十六周岁的未成年人", "《禁止使用童工规定》第二条"},
      {"HRSS-07", "劳务派遣用工情况", "《劳务派遣暂行规定》", "劳动用工", {"派遣协议", "派遣用工比例"},
       "劳务派遣用工超过用工总量的10%", "《劳务派遣暂行规定》第四条"},
      {"HRSS-08", "人力资源服务机构经营情况", "《人力资源市场暂行条例》", "人力资源市场",
       {"许可证", "招聘信息审核"}, "未经许可从事职业中介活动", "《人力资源市场暂行条例》第十八条"},
  };
  return kItems;
}

struct County {
  std::string code, city, prefix;  // prefix: the name a company's name starts with
  uint64_t first = 0, count = 0;   // employer serials [first, first + count)
};

struct Options {
  std::string dir;
  double scale = 1.0;
  int draws = 200;
  int inspectors = 1000;
  int reserve = 12;
};

// One employer, a pure function of its serial and county.
struct Employer {
  std::string code, name, region, industry, grade, grade_date, blacklist_name, blacklist_from, org;
  uint32_t headcount = 0, stars = 0, complaints = 0;
  bool blacklisted = false;
};
Employer MakeEmployer(const County& c, uint64_t serial) {
  static const std::vector<std::string> brand = Chars(kBrand);
  static int total_weight = [] {
    int t = 0;
    for (const auto& i : kIndustries) t += i.weight;
    return t;
  }();
  Employer e;
  e.region = c.code;
  e.org = c.city;
  e.code = suiji::testing_support::SampleCreditCode(c.code, serial);
  int w = static_cast<int>(H(serial, 1) % static_cast<uint64_t>(total_weight));
  const IndustryWord* ind = &kIndustries[0];
  for (const auto& i : kIndustries) {
    if (w < i.weight) { ind = &i; break; }
    w -= i.weight;
  }
  e.industry = ind->code;
  const uint64_t h = H(serial, 2);
  e.name = c.prefix + brand[h % brand.size()] + brand[(h >> 8) % brand.size()];
  if ((h >> 16) % 3 == 0) e.name += brand[(h >> 24) % brand.size()];
  e.name += ind->word;
  e.name += kSuffix[(h >> 32) % 6];
  // Log-normal headcount (median ~33), 1..20000.
  const double u1 = std::max(U(H(serial, 3)), 1e-12), u2 = U(H(serial, 4));
  const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
  e.headcount = static_cast<uint32_t>(std::clamp(std::exp(3.5 + 1.3 * z), 1.0, 20000.0));
  const double g = U(H(serial, 5));
  e.grade = g < 0.18 ? "A" : g < 0.86 ? "B" : g < 0.94 ? "C" : "";
  if (!e.grade.empty()) e.grade_date = g < 0.09 ? "2024-12-20" : "2025-12-19";
  e.blacklisted = U(H(serial, 6)) < 0.004;
  if (e.blacklisted) {
    e.blacklist_name = "拖欠农民工工资失信联合惩戒对象名单";
    e.blacklist_from = "2025-09-01";
  }
  const uint64_t s = H(serial, 7);
  e.stars = s % 100 < 5 ? static_cast<uint32_t>(1 + (s >> 8) % 5) : 0;
  e.complaints = (s >> 16) % 100 < 10 ? static_cast<uint32_t>(1 + (s >> 24) % 3) : 0;
  return e;
}

struct Node {
  std::shared_ptr<int64_t> now;
  std::function<int64_t()> clock;
  std::unique_ptr<suiji::Ledger> ledger;
};

void SetDay(Node& n, const std::string& date, int hour) {
  // `hour` China time (UTC+8).
  *n.now = (dir::DayNumber(date) * 86400 + (hour - 8) * 3600) * 1000000LL;
}
std::string AddDays(const std::string& date, int days) { return dir::DateOfDay(dir::DayNumber(date) + days); }

struct Task {
  drw::TaskRecord record;
  std::string draw_id;
  std::string round_date;
  int round = 0;
};

// One visit's result: outcomes per item with findings at checklist points.
in::ResultRecord ResultOf(const Task& t, const drw::VisitRecord& v, uint64_t n, const std::string& date) {
  in::ResultRecord r;
  r.draw_id = t.draw_id;
  r.credit_code = v.credit_code;
  r.revision = 1;
  r.inspection_date = date;
  for (size_t k = 0; k < t.record.item_ids.size(); ++k) {
    const auto& spec = *std::find_if(Items().begin(), Items().end(),
                                     [&](const ItemSpec& s) { return s.id == t.record.item_ids[k]; });
    in::ItemResultRecord item;
    item.item_id = spec.id;
    const double u = U(H(n, 100 + k));
    const std::string& point = spec.checklist[H(n, 200 + k) % spec.checklist.size()];
    if (u < 0.80) {
      item.outcome = in::Outcome::NoProblem;
      for (const auto& p : spec.checklist) item.findings.push_back({p, true, ""});
    } else if (u < 0.91) {
      item.outcome = in::Outcome::Corrected;
      item.findings.push_back({point, false, std::to_string(1 + H(n, 300 + k) % 9) + "名劳动者相关情况不符合规定"});
      item.violations.push_back({spec.violation, spec.article, {in::Handling::OrderCorrection}, false, 0});
    } else if (u < 0.94) {
      item.outcome = in::Outcome::PendingHandling;
      item.findings.push_back({point, false, "经查存在违法行为，已立案"});
      item.violations.push_back({spec.violation, spec.article,
                                 {in::Handling::OrderCorrection, in::Handling::CaseFiled, in::Handling::Fine},
                                 false, 2000 + 1000 * (H(n, 400 + k) % 19)});
    } else if (u < 0.97) {
      item.outcome = in::Outcome::NoActivity;
    } else if (u < 0.99) {
      item.outcome = in::Outcome::Unreachable;
    } else {
      item.outcome = in::Outcome::Closed;
    }
    r.items.push_back(std::move(item));
  }
  r.team = v.team;
  in::EvidenceRecord ev;
  ev.sha256 = suiji::Sha256(suiji::AsBytes("recorder video " + t.draw_id + v.credit_code));
  ev.size = (4 + H(n, 9) % 400) << 20;
  ev.kind = "video";
  ev.name = "执法记录仪-" + v.credit_code + ".mp4";
  r.evidence.push_back(ev);
  in::EvidenceRecord doc;
  doc.sha256 = suiji::Sha256(suiji::AsBytes("inspection record " + t.draw_id + v.credit_code));
  doc.size = 200000 + H(n, 10) % 800000;
  doc.kind = "record";
  doc.name = "现场检查笔录-" + v.credit_code + ".pdf";
  r.evidence.push_back(doc);
  return r;
}

nlohmann::json ResultJson(const in::ResultRecord& r) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : r.items) {
    nlohmann::json f = nlohmann::json::array();
    for (const auto& x : it.findings) f.push_back({{"point", x.point}, {"compliant", x.compliant}, {"text", x.text}});
    items.push_back({{"item_id", it.item_id}, {"outcome", std::string(in::OutcomeKey(it.outcome))}, {"findings", f}});
  }
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& e : r.evidence) {
    ev.push_back({{"sha256", suiji::ToHex(e.sha256)}, {"size", e.size}, {"kind", e.kind}, {"name", e.name}});
  }
  return {{"draw_id", r.draw_id}, {"credit_code", r.credit_code}, {"inspection_date", r.inspection_date},
          {"items", items}, {"evidence", ev}, {"team", r.team}};
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The reveal of DrawService::Reveal, but on the populations of the current fold instead of
// a replay of the log up to the freeze (which the service does per reveal: 2M entries each,
// hours over 200 draws). Called right after the commitment, so nothing that eligibility
// reads has changed since the freeze; the roots are checked against the commitment all the
// same, and a mismatch stops the generator.
Status RevealAtFold(suiji::Ledger& ledger, suiji::WorldFold& fold, const std::string& data_dir,
                    const std::string& draw_id, const suiji::RevealInputs& in, const suiji::Actor& actor) {
  SUIJI_RETURN_IF_ERROR(fold.Sync());
  const drw::DrawWorld& world = fold.world().draws;
  const drw::DrawInfo* d = world.Draw(draw_id);
  if (d == nullptr || d->phase != drw::DrawPhase::kCommitted) return suiji::FailedPrecondition("not committed: " + draw_id);
  const drw::CommitRecord& c = d->commit;
  drw::RevealRecord r;
  r.draw_id = draw_id;
  r.lottery_digits = c.lottery_name.empty() ? "" : in.lottery_digits;
  r.witness_digits = in.witness_digits;
  const std::filesystem::path secret_path = std::filesystem::path(data_dir) / "draws" / "secrets" / (draw_id + ".secret");
  std::ifstream f(secret_path, std::ios::binary);
  suiji::Bytes secret(32);
  f.read(reinterpret_cast<char*>(secret.data()), 32);
  if (!f || drw::SecretHash(secret) != c.secret_hash) return suiji::DataLoss("secret of " + draw_id);
  r.secret = secret;
  r.seed = drw::DeriveSeed(d->commitment, c, r);
  SUIJI_ASSIGN_OR_RETURN(drw::FrozenInputs frozen, world.Freeze(d->task_id));
  const auto roots = drw::RootsOf(frozen.population);
  if (roots.targets != c.target_root || roots.inspectors != c.inspector_root || roots.experts != c.expert_root) {
    return suiji::DataLoss("the populations at the fold do not match the committed roots of " + draw_id);
  }
  const drw::TaskInfo* t = world.Task(d->task_id);
  drw::DrawOutcome outcome = drw::RunDraw(t->task, frozen.population, r.seed, frozen.Teams());
  std::vector<suiji::EventDraft> drafts;
  drafts.push_back({suiji::EventType::DrawRevealed, drw::EncodeReveal(r), actor});
  for (const auto& part : drw::SplitResult(draw_id, r.seed, outcome)) {
    drafts.push_back({suiji::EventType::DrawResult, drw::EncodeResultPart(part), actor});
  }
  SUIJI_RETURN_IF_ERROR(ledger.Append(drafts, fold.applied()).status());
  std::filesystem::remove(secret_path);
  return fold.Sync();
}

int Run(const Options& opt) {
  const auto t_start = Clock::now();
  auto progress = [&](const std::string& what) {
    std::printf("[%6.0f s] %s\n", Seconds(t_start, Clock::now()), what.c_str());
    std::fflush(stdout);
  };
  std::filesystem::remove_all(opt.dir);
  Node node;
  node.now = std::make_shared<int64_t>(0);
  node.clock = [now = node.now] { return *now; };
  SetDay(node, "2026-01-05", 9);
  suiji::LedgerOptions lo;
  lo.checkpoint_every_entries = 100'000;
  lo.checkpoint_every_seconds = 0;
  lo.clock = node.clock;
  const suiji::Actor op{"320000", "bench-operator"};
  auto init = suiji::InitNode(suiji::NodePaths{opt.dir}, "js.suiji/province-bench",
                              "江苏省 benchmark province (tests/bench/province_gen)", "", op, lo);
  if (!Check(init, "init")) return 1;
  node.ledger = std::move(init->ledger);
  suiji::Ledger& ledger = *node.ledger;

  // --- the directory ---------------------------------------------------------------------
  std::vector<County> counties;
  std::vector<std::string> cities;
  {
    int total_weight = 0;
    for (const auto& c : kCities) total_weight += c.weight;
    const uint64_t employers = static_cast<uint64_t>(std::llround(2'000'000.0 * opt.scale));
    uint64_t next = 0;
    for (const auto& c : kCities) {
      cities.push_back(c.code);
      const std::string city_name(suiji::codes::FindRegion(c.code)->name);
      auto kids = suiji::codes::ChildRegions(c.code);
      const uint64_t city_total = employers * static_cast<uint64_t>(c.weight) / static_cast<uint64_t>(total_weight);
      // Within a city, counties weighted 2..5 by a hash of their code.
      std::vector<int> w;
      int wt = 0;
      for (const auto* k : kids) {
        w.push_back(2 + static_cast<int>(H(std::stoull(std::string(k->code)), 11) % 4));
        wt += w.back();
      }
      for (size_t i = 0; i < kids.size(); ++i) {
        County county;
        county.code = std::string(kids[i]->code);
        county.city = c.code;
        const std::string name(kids[i]->name);
        county.prefix = name.size() >= 3 && name.substr(name.size() - 3) == "区" ? city_name + name : name;
        county.first = next;
        county.count = city_total * static_cast<uint64_t>(w[i]) / static_cast<uint64_t>(wt);
        next += county.count;
        counties.push_back(county);
      }
    }
  }
  auto projection = suiji::DirectoryProjection::Open(opt.dir);
  if (!Check(projection, "projection")) return 1;
  suiji::DirectoryService dirs(ledger, **projection, ledger.storage());
  if (!Check(dirs.RegisterOrg({"320000", "江苏省人力资源和社会保障厅", "320000", dir::OrgLevel::Province, ""}, op),
             "org 320000")) {
    return 1;
  }
  for (const auto& c : cities) {
    const std::string name = std::string(suiji::codes::FindRegion(c)->name) + "人力资源和社会保障局";
    if (!Check(dirs.RegisterOrg({c, name, c, dir::OrgLevel::City, "320000"}, op), "org")) return 1;
  }
  auto schedules = dir::ParseScheduleTable(suiji::BundledCalendarTable());
  if (!Check(schedules, "calendar") || !Check(dirs.PublishCalendars(*schedules, op), "calendar")) return 1;
  std::vector<std::string> orgs = cities;
  orgs.insert(orgs.begin(), "320000");
  for (const auto& org : orgs) {
    dir::ItemListRecord list;
    list.org_id = org;
    list.effective_date = "2026-01-01";
    const std::string body = std::string(suiji::codes::FindRegion(org)->name) + "人力资源和社会保障局";
    for (const auto& s : Items()) {
      list.items.push_back({s.id, s.name, body, s.basis, std::string("检查") + s.name,
                            dir::InspectionMethod::OnSite, dir::ItemKind::General, s.checklist,
                            "劳动保障监察机构"});
    }
    if (!Check(dirs.PublishItemList(list, {org, "bench-operator"}), "item list")) return 1;
  }
  progress("orgs, calendar, item lists");

  uint64_t employers = 0;
  for (const auto& city : cities) {
    std::vector<const County*> mine;
    for (const auto& c : counties) {
      if (c.city == city) mine.push_back(&c);
    }
    suiji::ImportOptions io;
    io.org_id = city;
    io.actor = {city, "registry-" + city};
    auto imported = dirs.ImportTargetRows(
        {"credit_code", "name", "region", "industry", "headcount", "credit_grade", "grade_date", "blacklisted",
         "blacklist_name", "blacklist_from", "star_level", "complaints", "org_id"},
        [&](const suiji::DirectoryService::RowVisitor& visit) -> Status {
          std::vector<std::string> cells(13);
          uint64_t row = 0;
          for (const County* c : mine) {
            for (uint64_t s = c->first; s < c->first + c->count; ++s) {
              Employer e = MakeEmployer(*c, s);
              cells = {e.code, e.name, e.region, e.industry, std::to_string(e.headcount), e.grade,
                       e.grade_date, e.blacklisted ? "是" : "否", e.blacklist_name, e.blacklist_from,
                       std::to_string(e.stars), std::to_string(e.complaints), e.org};
              SUIJI_RETURN_IF_ERROR(visit(++row, cells));
            }
          }
          return suiji::OkStatus();
        },
        io);
    if (!Check(imported, "import")) return 1;
    employers += imported->events;
    progress("imported " + city + ": " + std::to_string(employers) + " employers so far, log " +
             std::to_string(ledger.size()));
  }

  // Inspectors over the cities by their share of employers, each with an inspector user.
  std::vector<std::vector<std::string>> inspectors_of(cities.size());
  {
    const std::vector<std::string> surnames = Chars(kSurnames), given = Chars(kGiven);
    int total_weight = 0;
    for (const auto& c : kCities) total_weight += c.weight;
    int made = 0;
    for (size_t ci = 0; ci < cities.size(); ++ci) {
      const int n = ci + 1 == cities.size() ? opt.inspectors - made
                                              : opt.inspectors * kCities[ci].weight / total_weight;
      for (int i = 0; i < n; ++i, ++made) {
        dir::InspectorRecord r;
        char id[32];
        std::snprintf(id, sizeof id, "JS%s%04d", cities[ci].substr(0, 4).c_str(), i + 1);
        r.inspector_id = id;
        const uint64_t h = H(static_cast<uint64_t>(made), 20);
        r.name = surnames[h % surnames.size()] + given[(h >> 8) % given.size()];
        if ((h >> 16) % 2) r.name += given[(h >> 24) % given.size()];
        // Everyone covers 劳动用工 and 工资支付; some more.
        r.domains = {"劳动用工", "工资支付"};
        for (size_t d = 2; d < std::size(kDomains); ++d) {
          if (H(static_cast<uint64_t>(made), 30 + d) % 3 != 0) r.domains.push_back(kDomains[d]);
        }
        r.specialties = {kSpecialties[(h >> 32) % std::size(kSpecialties)]};
        r.org_id = cities[ci];
        r.region = cities[ci];
        if (!Check(dirs.UpsertInspector(r, {cities[ci], "registry-" + cities[ci]}), "inspector")) return 1;
        inspectors_of[ci].push_back(r.inspector_id);
      }
    }
  }
  progress(std::to_string(opt.inspectors) + " inspectors");
  suiji::IdentityService ids(ledger, ledger.storage(), node.clock);
  if (!Check(ids.Sync(), "identity sync")) return 1;
  for (size_t ci = 0; ci < cities.size(); ++ci) {
    for (const auto& id : inspectors_of[ci]) {
      if (!Check(ids.RegisterUser({"u" + id, "检查员" + id, cities[ci], {"inspector"}, id, {}, ""}, op), "user")) {
        return 1;
      }
    }
    for (const char* role : {"planner", "reviewer", "registry_clerk"}) {
      const std::string uid = std::string(role) + "-" + cities[ci];
      if (!Check(ids.RegisterUser({uid, uid, cities[ci], {role}, "", {}, ""}, op), "user")) return 1;
    }
  }
  if (!Check(ids.RegisterUser({"bench-clerk", "省级登记员", "320000", {"registry_clerk"}, "", {}, ""}, op), "user")) {
    return 1;
  }
  auto token = ids.IssueToken("bench-clerk", "province-bench", 0, op);
  if (!Check(token, "token")) return 1;
  progress("users and a registry clerk's token");

  // --- plans, tasks and draws, round by round, each round's results a few days later -----
  suiji::WorldFold fold(ledger.storage());
  suiji::DrawService draws(ledger, fold, opt.dir, node.clock);
  suiji::InspectionService inspections(ledger, fold, node.clock);
  for (const auto& c : cities) {
    const std::string title = std::string(suiji::codes::FindRegion(c)->name) + "人力资源和社会保障局2026年度双随机抽查工作计划";
    if (!Check(draws.FilePlan({"P-" + c + "-2026", c, 2026, title, "320000", 0, ""}, {c, "planner-" + c}), "plan")) {
      return 1;
    }
  }
  // Tasks over the cities by weight (at least one each); per city every tenth task the whole
  // city and one industry division, the rest one county each in turn.
  std::vector<Task> tasks;
  {
    int total_weight = 0;
    for (const auto& c : kCities) total_weight += c.weight;
    std::vector<int> per_city(cities.size());
    int assigned = 0;
    for (size_t ci = 0; ci < cities.size(); ++ci) {
      per_city[ci] = std::max(1, opt.draws * kCities[ci].weight / total_weight);
      assigned += per_city[ci];
    }
    for (size_t ci = 0; assigned < opt.draws; ci = (ci + 1) % cities.size(), ++assigned) ++per_city[ci];
    for (size_t ci = 0; assigned > opt.draws; ci = (ci + 1) % cities.size()) {
      if (per_city[ci] > 1) --per_city[ci], --assigned;
    }
    const char* divisions[] = {"47", "62", "34", "18", "36", "52", "39", "56"};
    const char* division_names[] = {"房屋建筑业", "餐饮业", "通用设备制造业", "纺织服装业", "汽车制造业", "零售业",
                                    "电子设备制造业", "快递业"};
    const std::vector<std::string> item_ids = [] {
      std::vector<std::string> v;
      for (const auto& s : Items()) v.push_back(s.id);
      return v;
    }();
    for (size_t ci = 0; ci < cities.size(); ++ci) {
      std::vector<const County*> mine;
      for (const auto& c : counties) {
        if (c.city == cities[ci]) mine.push_back(&c);
      }
      const std::string city_name(suiji::codes::FindRegion(cities[ci])->name);
      for (int k = 0; k < per_city[ci]; ++k) {
        Task t;
        drw::TaskRecord& r = t.record;
        char id[48];
        std::snprintf(id, sizeof id, "T-%s-2026-%03d", cities[ci].c_str(), k + 1);
        r.task_id = id;
        r.plan_id = "P-" + cities[ci] + "-2026";
        r.org_id = cities[ci];
        r.item_list_version = 1;
        const uint64_t h = H(tasks.size(), 40);
        // Two or three items; 劳动合同 or 工资支付 first.
        r.item_ids = {item_ids[h % 2]};
        const size_t extra = 2 + (h >> 8) % 6;
        r.item_ids.push_back(item_ids[extra]);
        if ((h >> 16) % 3 == 0) r.item_ids.push_back(item_ids[2 + (extra - 1) % 6]);
        std::sort(r.item_ids.begin(), r.item_ids.end());
        r.item_ids.erase(std::unique(r.item_ids.begin(), r.item_ids.end()), r.item_ids.end());
        std::vector<std::string> domains;
        for (const auto& iid : r.item_ids) {
          const auto& spec = *std::find_if(Items().begin(), Items().end(), [&](const ItemSpec& s) { return s.id == iid; });
          if (std::find(domains.begin(), domains.end(), spec.domain) == domains.end()) domains.push_back(spec.domain);
        }
        r.inspectors.domains = {domains.front()};
        r.ratio_bp = 500;
        if (k % 10 == 9) {
          const size_t d = (h >> 24) % std::size(divisions);
          r.regions = {cities[ci]};
          r.industries = {divisions[d]};
          r.strata_by = drw::StrataBy::Region;
          r.title = "2026年" + city_name + std::string(division_names[d]) + "劳动保障专项双随机抽查";
        } else {
          const County* c = mine[static_cast<size_t>(k) % mine.size()];
          r.regions = {c->code};
          r.strata_by = (h >> 32) % 2 ? drw::StrataBy::IndustryDivision : drw::StrataBy::None;
          // A sector each in turn (GB/T 4754 division prefixes), or all employers.
          static const std::vector<std::string> kSectors[] = {
              {"13", "14", "15", "17", "18", "19", "22", "26", "29", "31", "33", "34", "36", "38", "39"},
              {"47", "48", "49", "50"},
              {"51", "52", "54", "56", "58", "61", "62", "65", "70", "72", "80", "85"},
              {}};
          static const char* kSectorNames[] = {"制造业", "建筑领域", "服务业", ""};
          const size_t sector = (static_cast<size_t>(k) / mine.size() + ci) % 4;
          r.industries = kSectors[sector];
          r.title = "2026年" + c->prefix + kSectorNames[sector] + "劳动保障双随机抽查（第" +
                    std::to_string(static_cast<size_t>(k) / mine.size() + 1) + "批）";
        }
        r.credit.grade_c_ratio_bp = 2000;
        tasks.push_back(std::move(t));
      }
    }
    // Interleave the cities over 25 rounds, every ninth day from 2 March.
    std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) {
      return a.record.task_id.substr(14) < b.record.task_id.substr(14);
    });
    const int rounds = 25;
    for (size_t i = 0; i < tasks.size(); ++i) {
      Task& t = tasks[i];
      t.round = static_cast<int>(i * rounds / tasks.size());
      t.round_date = AddDays("2026-03-02", 9 * t.round);
      t.record.window_start = t.round_date;
      t.record.window_end = AddDays(t.round_date, 60);
    }
  }
  if (!Check(ids.Sync(), "identity sync")) return 1;
  std::vector<std::pair<size_t, drw::VisitRecord>> reserved;  // (task, visit)
  uint64_t visit_no = 0, results = 0;
  size_t next_task = 0;
  while (next_task < tasks.size()) {
    const int round = tasks[next_task].round;
    const std::string day = tasks[next_task].round_date;
    size_t end = next_task;
    while (end < tasks.size() && tasks[end].round == round) ++end;
    // The ceremony of each task of the round, on its day.
    SetDay(node, day, 9);
    for (size_t i = next_task; i < end; ++i) {
      Task& t = tasks[i];
      const suiji::Actor planner{t.record.org_id, "planner-" + t.record.org_id};
      if (!Check(draws.DefineTask(t.record, planner), "task")) return 1;
      auto f = draws.Freeze(t.record.task_id, planner);
      if (!Check(f, "freeze")) return 1;
      t.draw_id = f->draw_id;
      *node.now += 120'000'000;
      suiji::EntropyPlan e;
      e.drand = false;
      e.witnesses = {"市人大代表" + std::string(Chars(kSurnames)[H(i, 50) % 40]) + "某",
                     "政协委员" + std::string(Chars(kSurnames)[H(i, 51) % 40]) + "某"};
      const bool lottery = i % 5 == 4;
      if (lottery) {
        e.lottery_name = "福彩3D";
        e.lottery_issue = "2026" + std::to_string(100 + dir::DayNumber(day) - dir::DayNumber("2026-01-01"));
        e.lottery_time = *node.now / 1000000 + 600;
      }
      if (!Check(draws.Commit(t.draw_id, e, planner), "commit")) return 1;
      *node.now += lottery ? 900'000'000 : 300'000'000;
      suiji::RevealInputs rv;
      char digits[16];
      std::snprintf(digits, sizeof digits, "%04llu", static_cast<unsigned long long>(H(i, 52) % 10000));
      rv.witness_digits.push_back(digits);
      std::snprintf(digits, sizeof digits, "%04llu", static_cast<unsigned long long>(H(i, 53) % 10000));
      rv.witness_digits.push_back(digits);
      if (lottery) {
        std::snprintf(digits, sizeof digits, "%03llu", static_cast<unsigned long long>(H(i, 54) % 1000));
        rv.lottery_digits = digits;
      }
      if (!Check(RevealAtFold(ledger, fold, opt.dir, t.draw_id, rv, planner), "reveal")) return 1;
      *node.now += 60'000'000;
    }
    SetDay(node, AddDays(day, 1), 10);
    if (!Check(inspections.Sync(), "sync")) return 1;
    for (size_t i = next_task; i < end; ++i) {
      in::AnnouncementRecord a;
      a.draw_id = tasks[i].draw_id;
      a.confirmed_by = {"王科长", "赵科员"};
      if (!Check(inspections.Announce(a, {tasks[i].record.org_id, "planner-" + tasks[i].record.org_id}),
                 "announce")) {
        return 1;
      }
    }
    // The results: recorded and confirmed on day 5, submitted and approved on day 7,
    // published on day 8 (in bulk batches of whole visits, as the services would decide).
    struct Visit {
      size_t task;
      const drw::VisitRecord* v;
      uint64_t n;
      std::string date;
      suiji::Hash hash;
    };
    std::vector<Visit> visits;
    for (size_t i = next_task; i < end; ++i) {
      // A visit merged into another draw's visit of the same employer (R10) has no team of
      // its own: the other visit's result covers it.
      std::vector<const drw::VisitRecord*> vs;
      for (const auto& v : fold.world().draws.Draw(tasks[i].draw_id)->visits) {
        if (v.merged_into.empty() && v.team.size() >= 2) vs.push_back(&v);
      }
      size_t keep = vs.size();
      if (i + 1 == tasks.size()) {
        const size_t r = std::min<size_t>(static_cast<size_t>(opt.reserve), vs.size());
        keep = vs.size() - r;
        for (size_t k = keep; k < vs.size(); ++k) reserved.emplace_back(i, *vs[k]);
      }
      for (size_t k = 0; k < keep; ++k) {
        Visit x{i, vs[k], visit_no++, AddDays(day, 3 + static_cast<int>(H(visit_no, 60) % 3)), {}};
        visits.push_back(std::move(x));
      }
    }
    SetDay(node, AddDays(day, 5), 17);
    const std::string today5 = AddDays(day, 5);
    for (auto& x : visits) {
      in::ResultRecord r = ResultOf(tasks[x.task], *x.v, x.n, x.date);
      if (x.n % 97 == 0 && !Check(fold.world().CheckResult(r, today5), "result check")) return 1;
      x.hash = suiji::Sha256(in::EncodeResult(r));
    }
    const uint64_t per_batch = 20'000;
    for (int stage = 0; stage < 3; ++stage) {
      if (stage == 1) SetDay(node, AddDays(day, 7), 15);
      if (stage == 2) SetDay(node, AddDays(day, 8), 10);
      const std::string today = in::ChinaDate(*node.now);
      for (size_t first = 0; first < visits.size(); first += per_batch) {
        const size_t count = std::min<size_t>(per_batch, visits.size() - first);
        std::vector<std::pair<size_t, size_t>> steps;  // (visit, step)
        for (size_t n = first; n < first + count; ++n) {
          const size_t k = stage == 0 ? visits[n].v->team.size() + 1 : stage == 1 ? 2 : 1;
          for (size_t s = 0; s < k; ++s) steps.emplace_back(n, s);
        }
        auto r = ledger.AppendStream(steps.size(), [&](uint64_t i) -> suiji::StatusOr<suiji::EventDraft> {
          const auto [n, s] = steps[i];
          const Visit& x = visits[n];
          const Task& t = tasks[x.task];
          const std::string& org = t.record.org_id;
          const std::string& code = x.v->credit_code;
          if (stage == 0) {
            if (s == 0) {
              return suiji::EventDraft{suiji::EventType::ResultRecorded,
                                       in::EncodeResult(ResultOf(t, *x.v, x.n, x.date)),
                                       suiji::Actor{org, "u" + x.v->team.front()}};
            }
            const std::string& member = x.v->team[s - 1];
            return suiji::EventDraft{suiji::EventType::ResultConfirmed,
                                     in::EncodeConfirmation({t.draw_id, code, 1, x.hash, member}),
                                     suiji::Actor{org, "u" + member}};
          }
          if (stage == 1) {
            if (s == 0) {
              return suiji::EventDraft{suiji::EventType::ResultSubmitted, in::EncodeStep({t.draw_id, code, 1, ""}),
                                       suiji::Actor{org, "u" + x.v->team.front()}};
            }
            return suiji::EventDraft{suiji::EventType::ResultReviewed,
                                     in::EncodeReview({t.draw_id, code, 1, true, ""}),
                                     suiji::Actor{org, "reviewer-" + org}};
          }
          return suiji::EventDraft{suiji::EventType::ResultPublished, in::EncodeStep({t.draw_id, code, 1, today}),
                                   suiji::Actor{org, "reviewer-" + org}};
        });
        if (!Check(r, "bulk append")) return 1;
      }
    }
    results += visits.size();
    if (!Check(draws.Sync(), "draw sync")) return 1;
    progress("round " + std::to_string(round + 1) + " (" + day + "): draws " + std::to_string(end) + " of " +
             std::to_string(tasks.size()) + ", results " + std::to_string(results) + ", log " +
             std::to_string(ledger.size()));
    next_task = end;
  }
  auto note = ledger.IssueCheckpoint();
  if (!Check(note, "checkpoint")) return 1;

  // --- what the benchmark needs ------------------------------------------------------------
  const std::filesystem::path out = std::filesystem::path(opt.dir) / "bench";
  std::filesystem::create_directories(out);
  // A visited employer (show, search by code and name) and the county of the first task.
  const Task& first = tasks.front();
  const drw::VisitRecord& shown = fold.world().draws.Draw(first.draw_id)->visits.front();
  const County* shown_county = nullptr;
  for (const auto& c : counties) {
    if (c.code == shown.credit_code.substr(2, 6)) shown_county = &c;
  }
  std::string shown_name;
  for (uint64_t s = shown_county->first; s < shown_county->first + shown_county->count; ++s) {
    Employer e = MakeEmployer(*shown_county, s);
    if (e.code == shown.credit_code) shown_name = e.name;
  }
  {
    std::ofstream m(out / "manifest.env");
    m << "# written by province_gen version " << kGeneratorVersion << "\n";
    m << "GEN_VERSION=" << kGeneratorVersion << "\nGEN_SCALE=" << opt.scale << "\n";
    m << "GEN_ENTRIES=" << ledger.size() << "\nGEN_EMPLOYERS=" << employers << "\nGEN_RESULTS=" << results << "\n";
    m << "GEN_DRAWS=" << tasks.size() << "\nGEN_INSPECTORS=" << opt.inspectors << "\n";
    m << "PROVINCE=320000\n";
    m << "LIST_REGION=" << first.record.regions.front() << "\n";
    m << "SHOW_CODE=" << shown.credit_code << "\n";
    m << "SHOW_NAME=" << ShellQuote(shown_name) << "\n";
    // A part of the name: the brand and the trade, without the place.
    m << "SEARCH_NAME_PART=" << ShellQuote(shown_name.substr(shown_county->prefix.size(), 9)) << "\n";
    m << "TASK_ID=" << first.record.task_id << "\nDRAW_ID=" << first.draw_id << "\n";
    m << "CITY_ORG=" << first.record.org_id << "\n";
    m << "PLAN_ID=P-" << first.record.org_id << "-2026\n";
    m << "RESERVED=" << reserved.size() << "\n";
    m << "RESERVED_ORG=" << (reserved.empty() ? "" : tasks[reserved.front().first].record.org_id) << "\n";
    m << "CLERK_TOKEN=" << token->token << "\n";
    m << "FINAL_DAY=" << in::ChinaDate(*node.now) << "\n";
  }
  // Reserved visits: a valid result file each (inspected on the last day of the results).
  for (size_t k = 0; k < reserved.size(); ++k) {
    const auto& [ti, v] = reserved[k];
    in::ResultRecord r = ResultOf(tasks[ti], v, 1'000'000'000 + k, in::ChinaDate(*node.now));
    for (auto& it : r.items) {  // a clean one: the command's cost, not a special case
      it.outcome = in::Outcome::NoProblem;
      it.violations.clear();
      it.findings.clear();
    }
    std::ofstream f(out / ("result-" + std::to_string(k) + ".json"));
    f << ResultJson(r).dump(2) << "\n";
  }
  // The HTTP writes' bodies (put_target.lua): 20,000 employers of the province, each as
  // imported without its headcount.
  {
    std::ofstream b(out / "bodies.tsv");
    std::ofstream codes(out / "search_codes.txt");
    std::ofstream names(out / "search_names.txt");
    uint64_t written = 0;
    for (const auto& c : counties) {
      const uint64_t take = std::min<uint64_t>(c.count, 20'000 / counties.size() + 1);
      for (uint64_t s = c.first; s < c.first + take && written < 20'000; ++s, ++written) {
        Employer e = MakeEmployer(c, s);
        nlohmann::json j = {{"name", e.name},           {"region", e.region},
                            {"industry", e.industry},   {"credit_grade", e.grade},
                            {"grade_date", e.grade_date}, {"blacklisted", e.blacklisted},
                            {"blacklist_name", e.blacklist_name}, {"blacklist_from", e.blacklist_from},
                            {"blacklist_until", ""},    {"star_level", e.stars},
                            {"complaints", e.complaints}, {"org_id", e.org}};
        std::string body = j.dump();
        body.pop_back();  // the script adds ,"headcount":N}
        b << e.code << "\t" << body << "\n";
      }
    }
    // Search inputs: the credit codes and name parts of published results.
    uint64_t n = 0;
    for (const auto& t : tasks) {
      const auto& vs = fold.world().draws.Draw(t.draw_id)->visits;
      for (size_t k = 0; k < vs.size() && k < 50; ++k, ++n) codes << vs[k].credit_code << "\n";
    }
    std::vector<std::string> brand = Chars(kBrand);
    for (size_t i = 0; i < brand.size(); ++i) {
      for (const auto& ind : kIndustries) names << brand[i] << brand[(i * 7 + 3) % brand.size()] << ind.word << "\n";
    }
  }
  std::printf("province_gen: %llu entries (%llu employers, %d inspectors, %zu draws, %llu results; %zu visits "
              "reserved) in %.0f s; peak RSS %ld MB\n",
              static_cast<unsigned long long>(ledger.size()), static_cast<unsigned long long>(employers),
              opt.inspectors, tasks.size(), static_cast<unsigned long long>(results), reserved.size(),
              Seconds(t_start, Clock::now()), suiji::bench::PeakRssMb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--version") {
      std::printf("%d\n", kGeneratorVersion);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "province_gen: %s needs a value\n", a.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--dir") opt.dir = v;
    else if (a == "--scale") opt.scale = std::stod(v);
    else if (a == "--draws") opt.draws = std::stoi(v);
    else if (a == "--inspectors") opt.inspectors = std::stoi(v);
    else if (a == "--reserve") opt.reserve = std::stoi(v);
    else {
      std::fprintf(stderr, "province_gen: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (opt.dir.empty() || opt.scale <= 0 || opt.scale > 5.0 || opt.draws < 13 || opt.inspectors < 26) {
    std::fprintf(stderr,
                 "usage: province_gen --dir DIR [--scale F (0 < F <= 5)] [--draws N >= 13] [--inspectors M >= 26] "
                 "[--reserve K]\n");
    return 2;
  }
  return Run(opt);
}
