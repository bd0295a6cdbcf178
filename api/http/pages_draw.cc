// The portal's plan, task and draw pages (pages.h): everything a draw depends on, in words
// and as data, and the draw's proof data with where to check each random input.
#include <map>

#include "api/http/pages.h"
#include "ledger/core/inspection/records.h"

namespace suiji::http::pages {

namespace {

std::string Code(std::string_view s) { return s.empty() ? "" : "<code>" + E(s) + "</code>"; }

std::string JoinWords(const json& list, std::string_view empty, std::string_view sep = "、") {
  std::string out;
  for (const auto& v : list) {
    if (!out.empty()) out += sep;
    out += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out.empty() ? std::string(empty) : out;
}

std::string StrataWords(std::string_view s) {
  if (s == "none") return "不分层";
  if (s == "region") return "按县（市、区）分层";
  if (s == "city") return "按设区的市分层";
  if (s == "industry") return "按行业分层";
  return std::string(s);
}

std::string QuotaSplitWords(std::string_view s) {
  if (s == "proportional") return "按各层单位数比例分配";
  if (s == "equal") return "各层平均分配";
  if (s == "explicit") return "逐层指定数量";
  return std::string(s);
}

std::string StarWords(std::string_view s) {
  if (s == "exempt") return "免于抽查";
  if (s == "reduce") return "降低被抽中的概率";
  if (s == "ignore") return "不作调整";
  return std::string(s);
}

std::string MethodWords(std::string_view m) {
  if (m == "written") return "书面检查";
  if (m == "on-site") return "实地检查";
  if (m == "online") return "网络检查";
  return std::string(m);
}

std::string Num(const json& j, const char* key) { return Str(j, key); }

// The official page where a lottery's result is published, by the lottery's name: the
// welfare lottery's (福彩: 3D, 双色球, 快乐8, 七乐彩) or the sports lottery's (体彩: 大乐透,
// 排列三, 排列五, 七星彩). Empty if the name is neither's.
std::pair<std::string, std::string> LotterySite(std::string_view name) {
  for (std::string_view w : {"福彩", "3D", "双色球", "快乐8", "七乐彩"}) {
    if (name.find(w) != std::string_view::npos) return {"中国福利彩票官方网站（开奖公告）", "https://www.cwl.gov.cn/"};
  }
  for (std::string_view w : {"体彩", "大乐透", "排列三", "排列3", "排列五", "排列5", "七星彩"}) {
    if (name.find(w) != std::string_view::npos) return {"中国体育彩票官方网站（开奖公告）", "https://www.lottery.gov.cn/"};
  }
  return {};
}

std::string External(const std::string& url, const std::string& text) {
  return "<a href=\"" + E(url) + "\" rel=\"noopener noreferrer\" target=\"_blank\">" + E(text) + "</a>";
}

// The verify button's script: loads the browser verifier (engineer-supplied ESM module at
// /public/verifier/suiji-verify.js) only when pressed, fetches the bundle and the key, and
// shows each step as it is reported, then the verdict.
constexpr std::string_view kVerifyScript = R"JS(
const button = document.getElementById('verify-button');
const stepsList = document.getElementById('verify-steps');
const verdict = document.getElementById('verify-verdict');
button.hidden = false;
const mark = (ok) => ok === null || ok === undefined ? '…' : ok ? '✔' : '✘';
const cls = (ok) => ok === null || ok === undefined ? 'pending' : ok ? 'ok' : 'fail';
const shown = new Map();
function show(step) {
  let li = shown.get(step.id);
  if (!li) {
    li = document.createElement('li');
    li.dataset.step = step.id;
    shown.set(step.id, li);
    stepsList.appendChild(li);
  }
  li.className = cls(step.ok);
  li.textContent = mark(step.ok) + ' ' + step.title + (step.detail ? '：' + step.detail : '');
}
button.addEventListener('click', async () => {
  button.disabled = true;
  stepsList.replaceChildren();
  shown.clear();
  verdict.className = 'verdict pending';
  verdict.textContent = '正在验证…';
  let mod;
  try {
    mod = await import('/public/verifier/suiji-verify.js');
  } catch (e) {
    verdict.className = 'verdict fail';
    verdict.textContent = '浏览器验证组件未安装，无法在浏览器中验证。请下载证明包，用 suiji-verify 离线验证。';
    button.disabled = false;
    return;
  }
  try {
    const [bundle, key] = await Promise.all([
      fetch(button.dataset.bundle).then((r) => { if (!r.ok) throw new Error('证明包下载失败（HTTP ' + r.status + '）'); return r.arrayBuffer(); }),
      fetch('/public/v1/verifier-key').then((r) => { if (!r.ok) throw new Error('验证公钥下载失败（HTTP ' + r.status + '）'); return r.text(); }),
    ]);
    const result = await mod.verifyBundle(new Uint8Array(bundle), key.trim(), show);
    for (const step of result.steps || []) show(step);
    if (result.ok) {
      verdict.className = 'verdict ok';
      verdict.textContent = '验证通过：本次抽取与公示的承诺、随机来源和抽取算法一致。';
    } else {
      const f = result.firstFailure || {};
      verdict.className = 'verdict fail';
      verdict.textContent = '验证未通过：' + (f.title || '') + (f.detail ? '（' + f.detail + '）' : '');
    }
  } catch (e) {
    verdict.className = 'verdict fail';
    verdict.textContent = '验证出错：' + (e && e.message ? e.message : String(e));
  } finally {
    button.disabled = false;
  }
});
)JS";

}  // namespace

std::string PlanPage(std::string_view plan_id, const json& versions, const json& tasks) {
  const json& latest = versions.back();
  std::string b = "<section>" +
                  Facts({{"计划编号", Code(plan_id)},
                         {"制定机关", E(Str(latest, "org_name"))},
                         {"年度", E(Str(latest, "year"))},
                         {"报备机关", Code(Str(latest, "filed_with_org_id"))},
                         {"现行版本", "第" + E(Str(latest, "version")) + "版（" + E(Str(latest, "filed_date")) + "）"}}) +
                  "</section><h2>历次版本</h2>";
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : versions) {
    rows.push_back({"第" + E(Str(v, "version")) + "版", E(Str(v, "title")), E(Str(v, "filed_date")), E(Str(v, "note"))});
  }
  b += CardTable({"版本", "标题", "报备日期", "说明"}, rows);
  b += "<h2>本计划的抽查任务</h2>";
  rows.clear();
  for (const auto& t : tasks) {
    rows.push_back({"<a href=\"/public/tasks/" + E(Str(t, "task_id")) + "\">" + E(Str(t, "title")) + "</a>",
                    E(Str(t, "window_start")) + " 至 " + E(Str(t, "window_end")),
                    t.value("withdrawn", false) ? "已撤回" : "有效"});
  }
  b += rows.empty() ? "<section><p>尚无任务。</p></section>" : CardTable({"任务", "检查期间", "状态"}, rows);
  b += "<p class=\"muted\">数据：<a href=\"/public/v1/plans/" + E(plan_id) + "\">/public/v1/plans/" + E(plan_id) + "</a></p>";
  return Page(Str(latest, "title"), b);
}

std::string TaskPage(const json& t, const json& item_list, const json& draws) {
  const std::string id = Str(t, "task_id");
  std::string b = "<section>" +
                  Facts({{"任务编号", Code(id)},
                         {"所属计划", "<a href=\"/public/plans/" + E(Str(t, "plan_id")) + "\">" + E(Str(t, "plan_id")) + "</a>"},
                         {"检查机关", E(Str(t, "org_name"))},
                         {"联合检查部门", E(JoinWords(t.value("joint_departments", json::array()), "无（本部门单独检查）"))},
                         {"检查期间", E(Str(t, "window_start")) + " 至 " + E(Str(t, "window_end"))},
                         {"发布日期", E(Str(t, "defined_date"))},
                         {"状态", t.value("withdrawn", false)
                                      ? "已撤回（" + E(Str(t, "withdrawn_date")) + "）：" + E(Str(t, "withdrawal_reason"))
                                      : "有效"},
                         {"重抽次数", E(Str(t, "redraws"))}}) +
                  "</section>";

  // Items, with their legal basis from the published item list.
  std::map<std::string, json> listed;
  if (item_list.is_object()) {
    for (const auto& it : item_list.value("items", json::array())) listed[Str(it, "item_id")] = it;
  }
  b += "<h2>抽查事项（事项清单第" + E(Str(t, "item_list_version")) + "版）</h2>";
  std::vector<std::vector<std::string>> rows;
  for (const auto& it : t.value("items", json::array())) {
    const std::string item_id = Str(it, "item_id");
    const json l = listed.count(item_id) ? listed[item_id] : json::object();
    rows.push_back({Code(item_id), E(Str(it, "name")), E(Str(l, "legal_basis")), E(Str(l, "content")),
                    E(MethodWords(Str(l, "method"))), Str(l, "kind") == "key" ? "重点事项" : "一般事项"});
  }
  b += CardTable({"事项编号", "抽查事项", "抽查依据", "抽查内容", "检查方式", "类别"}, rows);

  // Scope and selection.
  std::string regions;
  for (const auto& r : t.value("regions", json::array())) regions += (regions.empty() ? "" : "、") + RegionLabel(r.get<std::string>());
  const bool by_count = t.contains("count");
  std::string grades;
  for (const auto& g : t.value("credit_grades", json::array())) grades += (grades.empty() ? "" : "、") + GradeLabel(g.get<std::string>());
  std::string quotas;
  for (const auto& q : t.value("quotas", json::array())) {
    quotas += (quotas.empty() ? "" : "；") + Str(q, "key") + "：" + Str(q, "count") + "家";
  }
  b += "<h2>抽查范围与比例</h2><section>" +
       Facts({{"地区范围", E(regions)},
              {"行业范围", E(JoinWords(t.value("industries", json::array()), "全部行业"))},
              {"最少职工人数", E(Num(t, "min_headcount")) + "人"},
              {"抽取方式", t.value("directed", false) ? "定向抽查" : "不定向抽查"},
              {"信用等级限定", E(grades.empty() ? "不限" : grades)},
              {"仅黑名单单位", t.value("blacklisted_only", false) ? "是" : "否"},
              {"抽取比例或数量", by_count ? "共抽取 " + E(Num(t, "count")) + " 家"
                                        : "每层抽取 " + E(Percent(t.value("ratio_bp", 0U)))},
              {"分层", E(StrataWords(Str(t, "strata_by")))},
              {"名额分配", E(QuotaSplitWords(Str(t, "quota_split")))},
              {"逐层名额", E(quotas.empty() ? "无" : quotas)},
              {"重点事项整批抽取", t.value("key_items", false)
                                       ? "是，按批次顺序整批抽取" + (t.value("batch_size", 0U) > 0
                                                                        ? "，每批 " + E(Num(t, "batch_size")) + " 家"
                                                                        : std::string())
                                       : "否"}}) +
       "</section>";

  const json c = t.value("credit", json::object());
  const json f = t.value("frequency", json::object());
  b += "<h2>信用与频次规则</h2><section>" +
       Facts({{"A级单位", E(Num(c, "grade_a_exempt_years")) + "年内免于抽查"},
              {"C级单位", "按 " + E(Percent(c.value("grade_c_ratio_bp", 0U))) + " 的比例抽取" +
                              (c.value("grade_c_ignores_no_repeat", false) ? "，不受“不重复抽查”限制" : "")},
              {"基础权重", E(Num(c, "base_weight"))},
              {"黑名单单位", "权重乘以 " + E(Num(c, "blacklist_multiplier"))},
              {"和谐劳动关系星级", E(Num(c, "star_threshold")) + "星及以上：" + E(StarWords(Str(c, "star_policy")))},
              {"投诉举报", "每件增加权重 " + E(Num(c, "complaint_step")) + "，最多增加 " + E(Num(c, "complaint_cap"))},
              {"每年最多检查", E(Num(f, "max_per_year")) + "次"},
              {"同一事项一年内不重复", f.value("no_repeat_item_within_year", false) ? "是" : "否"}}) +
       "</section>";

  const json in = t.value("inspectors", json::object());
  std::string in_regions;
  for (const auto& r : in.value("regions", json::array())) in_regions += (in_regions.empty() ? "" : "、") + RegionLabel(r.get<std::string>());
  b += "<h2>检查人员要求</h2><section>" +
       Facts({{"执法领域", E(JoinWords(in.value("domains", json::array()), "不限"))},
              {"业务专长", E(JoinWords(in.value("specialties", json::array()), "不限"))},
              {"人员所在地区", E(in_regions.empty() ? "本机关辖区" : in_regions)},
              {"每组人数", E(Num(in, "team_size")) + "人"},
              {"替补人数", E(Num(in, "substitutes")) + "人"},
              {"专家人数", E(Num(in, "experts")) + "人"},
              {"专家专长", E(JoinWords(in.value("expert_specialties", json::array()), "不限"))}}) +
       "</section>";

  b += "<h2>抽取</h2>";
  rows.clear();
  for (const auto& d : draws) {
    rows.push_back({"<a href=\"/public/draws/" + E(Str(d, "draw_id")) + "\">" + E(Str(d, "draw_id")) + "</a>",
                    E(PhaseLabel(Str(d, "phase"))), E(Str(d, "frozen_date")), E(Str(d, "selected")),
                    E(Str(d, "cancel_reason"))});
  }
  b += rows.empty() ? "<section><p>尚未抽取。</p></section>"
                    : CardTable({"抽取编号", "阶段", "冻结日期", "抽中数", "取消原因"}, rows);
  b += "<h2>数据</h2><section><p>以上规则的原始数据（与抽取算法使用的参数一致）：<a href=\"/public/v1/tasks/" + E(id) +
       "\">/public/v1/tasks/" + E(id) + "</a></p><details><summary>展开 JSON</summary><pre>" + E(t.dump(2)) +
       "</pre></details></section>";
  return Page(Str(t, "title"), b);
}

std::string DrawPage(const json& d, const json& task) {
  const std::string id = Str(d, "draw_id");
  const std::string task_id = Str(d, "task_id");
  const bool cancelled = d.value("cancelled", false);
  std::string b = "<section>" +
                  Facts({{"抽取编号", Code(id)},
                         {"抽查任务", "<a href=\"/public/tasks/" + E(task_id) + "\">" +
                                          E(task.is_object() ? Str(task, "title") : task_id) + "</a>"},
                         {"检查机关", E(task.is_object() ? Str(task, "org_name") : "")},
                         {"阶段", E(PhaseLabel(Str(d, "phase"))) +
                                    (cancelled ? "（取消前：" + E(PhaseLabel(Str(d, "phase_before_cancel"))) + "）" : "")},
                         {"冻结名单时间", E(Str(d, "frozen_time"))},
                         {"作出承诺时间", E(Str(d, "committed_time"))},
                         {"揭示随机数时间", E(Str(d, "revealed_time"))},
                         {"完成抽取日期", E(Str(d, "drawn_date"))},
                         {"抽中单位数", E(Str(d, "selected"))},
                         {"本任务重抽次数", E(Str(d, "redraws"))}}) +
                  "</section>";
  if (cancelled) {
    b += "<section class=\"correction\"><p><strong>本次抽取已取消</strong>（" + E(Str(d, "cancelled_date")) +
         "）：" + E(Str(d, "cancel_reason")) + "</p></section>";
  }

  // The frozen populations.
  const json pop = d.value("population", json::object());
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, label] : std::vector<std::pair<std::string, std::string>>{
           {"targets", "检查对象"}, {"inspectors", "检查人员"}, {"experts", "专家"}}) {
    const json p = pop.value(key, json::object());
    rows.push_back({E(label), E(Str(p, "count")), Code(Str(p, "root"))});
  }
  b += "<h2>冻结的名单</h2><p class=\"muted\">冻结时符合条件的名单按顺序组成默克尔树，树根在承诺之前写入账本，之后不能改动。</p>" +
       CardTable({"名单", "数量", "默克尔树根"}, rows);
  rows.clear();
  for (const auto& s : d.value("strata", json::array())) {
    rows.push_back({E(Str(s, "key").empty() ? "全部" : RegionLabel(Str(s, "key"))), E(Str(s, "population")),
                    E(Str(s, "quota"))});
  }
  if (!rows.empty()) b += "<h3>分层与名额</h3>" + CardTable({"层", "单位数", "抽取名额"}, rows);

  // The commitment and the entropy.
  const json cm = d.value("commitment", json());
  b += "<h2>承诺</h2><section>";
  if (!cm.is_object()) {
    b += "<p>尚未作出承诺。</p>";
  } else {
    b += Facts({{"承诺值", Code(Str(cm, "hash"))},
                {"作出时间", E(Str(d, "committed_time"))},
                {"参数摘要", Code(Str(cm, "params_hash"))},
                {"秘密值的摘要", Code(Str(cm, "secret_hash"))},
                {"抽取算法", Code(Str(cm, "algorithm"))},
                {"冻结记录序号", E(Str(cm, "freeze_sequence"))},
                {"说明", E(Str(cm, "note"))}});
  }
  b += "</section><h2>随机来源</h2><section>";
  const json rv = d.value("reveal", json());
  if (!cm.is_object()) {
    b += "<p>尚未承诺随机来源。</p>";
  } else {
    b += "<p class=\"muted\">承诺时以下随机数都还不存在；揭示后，任何人都可以在所列地址核对。</p>";
    if (cm["drand"].is_object()) {
      const json& dr = cm["drand"];
      const std::string url = "https://api.drand.sh/" + Str(dr, "chain") + "/public/" + Str(dr, "round");
      const uint64_t round_time = dr.value("round_time", uint64_t{0});
      b += "<h3>drand 公共随机信标</h3>" +
           Facts({{"轮次", E(Str(dr, "round"))},
                  {"产生时间", round_time > 0 ? E(inspection::ChinaTime(static_cast<int64_t>(round_time) * 1000000)) + "（北京时间）" : ""},
                  {"链", Code(Str(dr, "chain"))},
                  {"随机值", rv.is_object() && rv["drand"].is_object() ? Code(Str(rv["drand"], "randomness")) : "尚未揭示"},
                  {"核对地址", External(url, url)}});
    }
    if (cm["lottery"].is_object()) {
      const json& lo = cm["lottery"];
      const auto [site, url] = LotterySite(Str(lo, "name"));
      b += "<h3>彩票开奖号码</h3>" +
           Facts({{"彩种", E(Str(lo, "name"))},
                  {"期号", E(Str(lo, "issue"))},
                  {"开奖时间", E(Str(lo, "time")) + "（北京时间）"},
                  {"开奖号码", rv.is_object() ? Code(Str(rv, "lottery_digits")) : "尚未揭示"},
                  {"核对地址", url.empty() ? "请在该彩票的官方网站查询第 " + E(Str(lo, "issue")) + " 期开奖公告"
                                           : External(url, site) + "，查询第 " + E(Str(lo, "issue")) + " 期"}});
    }
    const json witnesses = cm.value("witnesses", json::array());
    if (!witnesses.empty()) {
      std::map<std::string, std::string> digits;
      if (rv.is_object()) {
        for (const auto& w : rv.value("witness_digits", json::array())) digits[Str(w, "witness")] = Str(w, "digits");
      }
      rows.clear();
      size_t n = 0;
      for (const auto& w : witnesses) {
        const std::string name = w.get<std::string>();
        rows.push_back({std::to_string(++n), E(name), digits.count(name) ? Code(digits[name]) : "尚未揭示"});
      }
      b += "<h3>现场见证人给出的数字</h3><p class=\"muted\">按承诺时公布的顺序；核对方式：见证人本人及现场记录。</p>" +
           CardTable({"顺序", "见证人", "数字"}, rows);
    }
    if (rv.is_object()) b += "<h3>承诺的秘密值（揭示后公开）</h3><p>" + Code(Str(rv, "secret")) + "</p>";
  }
  b += "</section><h2>随机种子</h2><section>";
  b += rv.is_object() ? "<p>" + Code(Str(rv, "seed")) +
                            "</p><p class=\"muted\">种子由秘密值和上述随机来源按 suiji-draw/1 算法计算，"
                            "抽取结果由种子和冻结的名单唯一确定。</p>"
                      : "<p>尚未揭示。</p>";
  b += "</section>";

  // The drawn employers.
  b += "<h2>抽中的检查对象</h2><section>";
  const json an = d.value("announcement", json());
  const json targets = d.value("targets", json::array());
  if (!an.is_object()) {
    b += "<p>抽取结果尚未公告。</p>";
  } else if (!an.value("publish_targets", false)) {
    b += "<p>已于 " + E(Str(an, "announced_date")) + " 公告，抽中名单暂不公布，理由：" + E(Str(an, "withheld_reason")) +
         "。检查结果公示后，相应单位在下表列出。</p>";
  } else {
    b += "<p>已于 " + E(Str(an, "announced_date")) + " 公告（名单确认日期 " + E(Str(an, "confirmed_date")) + "）。</p>";
  }
  if (!Str(an, "note").empty()) b += "<p>说明：" + E(Str(an, "note")) + "</p>";
  rows.clear();
  for (const auto& t : targets) {
    rows.push_back({Code(Str(t, "credit_code")), E(Str(t, "name")), E(Str(t, "region_name")),
                    Str(t, "merged_into").empty() ? "" : "并入 " + E(Str(t, "merged_into")) + " 一并检查"});
  }
  if (!rows.empty()) b += CardTable({"统一社会信用代码", "单位名称", "地区", "备注"}, rows);
  b += "</section>";

  // Cancellations and redraws of the task.
  const json cancels = d.value("task_cancellations", json::array());
  b += "<h2>取消与重抽</h2><section>";
  if (cancels.empty()) {
    b += "<p>本任务没有取消过抽取（重抽 " + E(Str(d, "redraws")) + " 次）。</p>";
  } else {
    rows.clear();
    for (const auto& c : cancels) {
      rows.push_back({"<a href=\"/public/draws/" + E(Str(c, "draw_id")) + "\">" + E(Str(c, "draw_id")) + "</a>",
                      E(Str(c, "date")), E(Str(c, "reason"))});
    }
    b += "<p>本任务重抽 " + E(Str(d, "redraws")) + " 次。被取消的抽取：</p>" + CardTable({"抽取", "取消日期", "原因"}, rows);
  }
  b += "</section>";

  // Verification.
  const std::string bundle = "/public/v1/bundles/" + id;
  b += "<h2>验证</h2><section><p><a href=\"" + E(bundle) + "\" download=\"" + E(id) +
       ".bundle.json\">下载证明包</a>（JSON：本次抽取的签名记录、包含证明、签名检查点和冻结名单）· "
       "<a href=\"/public/key\">验证公钥</a></p>"
       "<p><button type=\"button\" id=\"verify-button\" data-bundle=\"" + E(bundle) +
       "\" hidden>在浏览器中验证</button></p><noscript><p>在浏览器中验证需要启用 JavaScript；也可下载证明包，用 "
       "<code>suiji-verify --bundle</code> 离线验证。</p></noscript>"
       "<ol class=\"steps\" id=\"verify-steps\" aria-live=\"polite\"></ol><div id=\"verify-verdict\" class=\"verdict\" "
       "role=\"status\"></div><p class=\"muted\">离线验证：<code>suiji-verify --bundle " + E(id) +
       ".bundle.json --key \"$(cat verifier-key.txt)\"</code></p></section>";
  b += "<p class=\"muted\">数据：<a href=\"/public/v1/draws/" + E(id) + "\">/public/v1/draws/" + E(id) + "</a></p>";
  return Page("抽取公示 " + id, b, kVerifyScript);
}

}  // namespace suiji::http::pages
