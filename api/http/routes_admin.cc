// The administrator's and the supervisor's console routes (issue #18): the users of the
// administrator's jurisdiction with their tokens (from the identity projection), and the
// verifier run as a background job whose progress the console polls.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "api/http/route_helpers.h"
#include "ledger/exporter.h"
#include "verifier/report.h"

namespace suiji::http {

namespace {

// --- users ----------------------------------------------------------------------------------

// Every user (disabled ones too) whose org unit lies in the administrator's jurisdiction, in
// id order, with its tokens (id, label, expiry, revoked; never the token or its hash).
Reply ListUsers(Call& c) {
  json users = json::array();
  Status read = c.node.identity->Read([&](const identity::IdentityStore& s) {
    s.ForEachUser([&](const identity::UserInfo& u) {
      if (!c.user->Covers(u.region)) return true;
      json tokens = json::array();
      for (const identity::TokenInfo& t : s.TokensOf(u.user.user_id)) {
        tokens.push_back({{"token_id", t.token.token_id}, {"label", t.token.label},
                          {"expires_us", t.token.expires_us}, {"revoked", t.revoked}, {"sequence", t.sequence}});
      }
      users.push_back({{"user_id", u.user.user_id}, {"name", u.user.name}, {"org_id", u.user.org_id},
                       {"region", u.region}, {"roles", u.user.roles}, {"inspector_id", u.user.inspector_id},
                       {"disabled", u.disabled}, {"version", u.version},
                       {"signs_requests", !u.user.public_key.empty()}, {"note", u.user.note}, {"tokens", tokens}});
      return true;
    });
    return s.status();
  });
  if (!read.ok()) return FromStatus(read);
  return Json(json{{"users", users}});
}

// --- verification as a job ------------------------------------------------------------------

// One verification at a time for the whole process: the job reads a copy of the log taken
// when it started (so it holds no reference into the node) on one background thread with a
// bounded number of verifier threads; the console polls its progress. The last job's report
// stays until the next one starts.
struct VerifyJob {
  std::string job_id;
  std::string started_by;
  uint64_t entries = 0;  // the log's size when it started
  uint64_t bytes = 0;
  int64_t started_us = 0;
  // Guarded by VerifyJobs::mu:
  std::string phase = "integrity";  // integrity, draws, inspections, authority, done
  double progress = 0;              // 0..1 over the four passes
  bool done = false;
  json report;
};

struct VerifyJobs {
  std::mutex mu;
  std::shared_ptr<VerifyJob> current;
  uint64_t counter = 0;
};

VerifyJobs& Jobs() {
  static VerifyJobs* jobs = new VerifyJobs();  // never destroyed: a detached job may outlive main
  return *jobs;
}

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json JobJson(const VerifyJob& j) {  // Jobs().mu held
  json out{{"job_id", j.job_id},         {"state", j.done ? "done" : "running"}, {"phase", j.phase},
           {"progress", j.progress},     {"entries", j.entries},                 {"bytes", j.bytes},
           {"started_by", j.started_by}, {"started_us", j.started_us}};
  if (j.done) out["report"] = j.report;
  return out;
}

void RunJob(std::shared_ptr<VerifyJob> job, std::shared_ptr<const std::string> log) {
  static constexpr const char* kPhases[] = {"integrity", "draws", "inspections", "authority"};
  const ByteView bytes = AsBytes(*log);
  auto pass = [&](int i) {
    std::lock_guard lock(Jobs().mu);
    job->phase = kPhases[i];
    job->progress = i / 4.0;
  };
  auto consumed = [&](int i) {
    return [job, i, size = bytes.size()](size_t offset) {
      std::lock_guard lock(Jobs().mu);
      if (size > 0) job->progress = (i + std::min<double>(1.0, double(offset) / double(size))) / 4.0;
    };
  };
  // Half the cores at most (at least one): the server keeps answering meanwhile.
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency() / 2);
  const auto start = std::chrono::steady_clock::now();
  FullAudit audit;
  VerifyOptions options;
  options.threads = threads;
  options.consumed = consumed(0);
  pass(0);
  audit.integrity = VerifyExport(bytes, options);
  if (audit.integrity.ok()) {
    pass(1);
    DrawAuditOptions draws;
    draws.threads = threads;
    draws.consumed = consumed(1);
    audit.draws = AuditDraws(bytes, draws);
    pass(2);
    audit.inspections = AuditInspections(bytes, consumed(2));
    pass(3);
    audit.authority = AuditAuthority(bytes, consumed(3));
  }
  audit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  json report = ReportJson(audit);
  std::lock_guard lock(Jobs().mu);
  job->report = std::move(report);
  job->phase = "done";
  job->progress = 1;
  job->done = true;
}

Reply StartVerify(Call& c) {
  if (!CoversAll(c)) {
    return Error(403, "outside_jurisdiction",
                 "verification reads every org unit's events: it is for supervisors whose jurisdiction covers "
                 "the whole node");
  }
  {
    std::lock_guard lock(Jobs().mu);
    if (Jobs().current && !Jobs().current->done) {
      return Error(409, "verification_running",
                   "核验正在进行，请等待其完成 (a verification is running; wait for it to finish)",
                   json{{"job_id", Jobs().current->job_id}});
    }
  }
  const LogStorage& log = c.node.ledger->storage();
  const std::string user = c.user->user.user_id;
  c.after_unlock = [&log, user]() -> Reply {
    auto size = log.Size();
    if (!size.ok()) return FromStatus(size.status());
    auto bytes = ExportLogBytes(log);
    if (!bytes.ok()) return FromStatus(bytes.status());
    auto copy = std::make_shared<const std::string>(std::move(*bytes));
    auto job = std::make_shared<VerifyJob>();
    job->started_by = user;
    job->bytes = copy->size();
    job->entries = *size;
    job->started_us = NowUs();
    json reply;
    {
      std::lock_guard lock(Jobs().mu);
      // Another request may have started one while this one exported.
      if (Jobs().current && !Jobs().current->done) {
        return Error(409, "verification_running",
                     "核验正在进行，请等待其完成 (a verification is running; wait for it to finish)",
                     json{{"job_id", Jobs().current->job_id}});
      }
      job->job_id = "verify-" + std::to_string(++Jobs().counter);
      Jobs().current = job;
      reply = JobJson(*job);
    }
    std::thread(RunJob, job, copy).detach();
    return Json(reply, 202);
  };
  return Reply{};
}

Reply GetVerifyJob(Call& c) {
  if (!CoversAll(c)) {
    return Error(403, "outside_jurisdiction",
                 "verification reads every org unit's events: it is for supervisors whose jurisdiction covers "
                 "the whole node");
  }
  std::lock_guard lock(Jobs().mu);
  if (!Jobs().current || Jobs().current->job_id != c.params[0]) {
    return Error(404, "not_found", "no verification job " + c.params[0] + " (only the latest is kept)");
  }
  return Json(JobJson(*Jobs().current));
}

}  // namespace

std::vector<Route> AdminRoutes() {
  return {
      R("GET", "/api/v1/users", {kAdmin}, false, "users of your jurisdiction with their roles and tokens", ListUsers),
      R("POST", "/api/v1/verify/jobs", {kSupervisor}, false,
        "start the verifier over the whole log in the background (one at a time; 202, poll the job)", StartVerify),
      R("GET", "/api/v1/verify/jobs/{job_id}", {kSupervisor}, false,
        "a verification job: phase, progress 0-1, and its report once done", GetVerifyJob),
  };
}

}  // namespace suiji::http
