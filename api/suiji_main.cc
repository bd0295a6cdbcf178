// suiji: the node's command line, run in this process (RunCommandLine; `main`, in
// suiji_entry.cc, forwards a write command to a running server first: cli_socket.h).
//
// Exit codes (also in README.md):
//   0  done
//   1  refused or failed; stderr says what was wrong (bad input, missing ledger, key not in
//      force, another writer holds the ledger, ...)
//   2  usage error (unknown command or option, missing argument)
//   3  retryable: a stale expected sequence or a transient storage error
//   4  integrity failure: stored data is corrupt or the chain is broken
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/calendar_data.h"
#include "api/cli.h"
#include "api/cli_socket.h"
#include "api/node.h"
#include "api/node_key.h"
#include "ledger/core/directory/calendar.h"
#include "ledger/core/proof_format.h"
#include "ledger/exporter.h"
#include "ledger/keystore.h"

namespace {

using suiji::Status;
using suiji::StatusCode;

using suiji::cli::Err;
using suiji::cli::Fail;
using suiji::cli::Out;
using suiji::cli::kExitUsage;

std::string TimeString(int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1000000);
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Writes text to a file or, for "-" or "", to stdout.
int Emit(const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    Out() << text;
    return 0;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) return Fail(suiji::Unavailable("cannot write " + out));
  Err() << "wrote " << out << "\n";
  return 0;
}

nlohmann::json EntryJson(const suiji::EntryView& e) {
  nlohmann::json j;
  j["sequence"] = e.sequence();
  j["type"] = std::string(suiji::EventTypeName(e.type()));
  j["time"] = TimeString(e.event->time_us());
  j["time_us"] = e.event->time_us();
  j["key_id"] = std::string(e.key_id());
  j["hash"] = suiji::ToHex(suiji::LeafHash(e.bytes));
  if (const auto* a = e.event->actor()) {
    j["actor"] = {{"org_unit", a->org_unit() ? a->org_unit()->str() : ""},
                  {"user", a->user() ? a->user()->str() : ""}};
  }
  if (suiji::VerifyPayload(e.type(), e.payload()).ok()) {
    switch (e.type()) {
      case suiji::EventType::Genesis: {
        const auto* g = suiji::PayloadAs<suiji::schema::Genesis>(e);
        j["payload"] = {{"ledger_id", g->ledger_id() ? g->ledger_id()->str() : ""},
                        {"description", g->description() ? g->description()->str() : ""}};
        break;
      }
      case suiji::EventType::KeyRegistered: {
        const auto* k = suiji::PayloadAs<suiji::schema::KeyRegistered>(e);
        suiji::PublicKey pk{};
        if (k->public_key() && k->public_key()->size() == 32) {
          std::copy(k->public_key()->begin(), k->public_key()->end(), pk.begin());
        }
        j["payload"] = {{"key_id", suiji::KeyIdOf(pk)},
                        {"roles", suiji::RoleNames(static_cast<uint32_t>(k->roles()))},
                        {"label", k->label() ? k->label()->str() : ""},
                        {"replaces_key_id", k->replaces_key_id() ? k->replaces_key_id()->str() : ""}};
        break;
      }
      case suiji::EventType::KeyRevoked: {
        const auto* k = suiji::PayloadAs<suiji::schema::KeyRevoked>(e);
        j["payload"] = {{"key_id", k->key_id() ? k->key_id()->str() : ""},
                        {"reason", k->reason() ? k->reason()->str() : ""}};
        break;
      }
      case suiji::EventType::Memo: {
        const auto* m = suiji::PayloadAs<suiji::schema::Memo>(e);
        j["payload"] = {{"subject", m->subject() ? m->subject()->str() : ""},
                        {"text", m->text() ? m->text()->str() : ""}};
        break;
      }
      default: break;
    }
  }
  return j;
}

// After an export that could not sign a checkpoint of its own (`why`): says on stderr how
// many of the `entries` exported lie beyond the latest stored checkpoint and are therefore
// not covered by any checkpoint. Returns an exit code (0, or the storage's error).
int ReportUncoveredTip(const suiji::Ledger& reader, uint64_t entries, const std::string& why) {
  if (why.empty()) return 0;
  uint64_t covered = 0;
  Status read = reader.storage().ReadCheckpoints([&](uint64_t size, std::string_view) {
    if (size <= entries) covered = std::max(covered, size);
    return true;
  });
  if (!read.ok()) return Fail(read);
  if (covered >= entries) return 0;
  const uint64_t tip = entries - covered;
  Err() << "suiji: note: no new checkpoint was signed (" << why << "); "
            << (covered == 0 ? std::string("no checkpoint is stored")
                             : "the latest stored checkpoint covers entries 0.." +
                                   std::to_string(covered - 1))
            << ", so "
            << (tip == 1 ? "entry " + std::to_string(covered) + " at the tip is"
                         : "the " + std::to_string(tip) + " entries " + std::to_string(covered) +
                               ".." + std::to_string(entries - 1) + " at the tip are")
            << " not covered by any checkpoint\n";
  return 0;
}

}  // namespace

namespace suiji::cli {

// Runs one command line of `suiji` in this process (api/cli_socket.h: `main` forwards a write
// command to a running server first; the server runs a forwarded one through here too, with
// `ctx.served` set). `registered`, if given, sees the whole command tree before parsing.
int RunCommandLine(int argc, const char* const* argv, Context& ctx,
                   const std::function<void(CLI::App&)>& registered) {
  CLI::App app{
      "suiji: the node and command line of a verifiable double-random inspection ledger.\n"
      "Exit codes: 0 done; 1 refused or failed (stderr says why); 2 usage error;\n"
      "3 retryable (stale sequence, transient storage error); 4 integrity failure."};
  app.require_subcommand(1);
  std::string& data = ctx.data;
  auto add_common = [&](CLI::App* c) { suiji::cli::AddCommon(c, ctx); };

  // init
  auto* init = app.add_subcommand("init", "create a ledger: genesis, root and node keys, first checkpoint");
  std::string ledger_name, description, root_out;
  add_common(init);
  init->add_option("--ledger", ledger_name, "ledger name, e.g. cz.hrss.gov.cn/inspections")->required();
  init->add_option("--description", description, "what this ledger records");
  init->add_option("--root-key-out", root_out,
                   "where to write the root key (default DIR/keys/root.key; keep it offline)");
  bool no_calendar = false;
  init->add_flag("--no-calendar", no_calendar,
                 "do not publish the bundled 2016-2026 holiday schedules (see `suiji calendar`)");
  std::string backend = "lmdb";
  suiji::NodeConfig node_config;
  init->add_option("--backend", backend, "where the log lives: lmdb (in DIR) or kafka")
      ->check(CLI::IsMember({"lmdb", "kafka"}))
      ->capture_default_str();
  init->add_option("--kafka-brokers", node_config.kafka_brokers,
                   "Kafka bootstrap servers, e.g. k1:9092,k2:9092,k3:9092");
  init->add_option("--kafka-topic", node_config.kafka_topic,
                   "the ledger's topic (default suiji.<ledger name with / as .>)");
  init->add_option("--kafka-transactional-id", node_config.kafka_transactional_id,
                   "the writer's transactional.id (default suiji-writer-<topic>)");
  init->add_option("--kafka-replication-factor", node_config.kafka_replication_factor,
                   "replication factor of the topics init creates (production: 3)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  init->add_option("--kafka-min-insync-replicas", node_config.kafka_min_insync_replicas,
                   "min.insync.replicas of the topics init creates (production: 2)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  // log export / log show
  auto* log = app.add_subcommand("log", "read the log");
  log->require_subcommand(1);
  auto* exp = log->add_subcommand("export", "write every entry and checkpoint to a portable file");
  std::string out;
  add_common(exp);
  exp->add_option("--out", out, "output file, or - for standard output")->required();
  auto* show = log->add_subcommand("show", "print entries");
  uint64_t from = 0, limit = 20;
  bool json = false;
  add_common(show);
  show->add_option("--from", from, "first sequence")->capture_default_str();
  show->add_option("--limit", limit, "how many entries")->capture_default_str();
  show->add_flag("--json", json, "one JSON object per line");

  // memo
  auto* memo = app.add_subcommand("memo", "record a statement (e.g. ceremony minutes) as a signed event");
  std::string subject, text;
  add_common(memo);
  memo->add_option("--subject", subject, "subject")->required();
  memo->add_option("--text", text, "text (UTF-8)")->required();

  // checkpoint
  auto* cp = app.add_subcommand("checkpoint", "issue a signed checkpoint now and print it");
  add_common(cp);

  // proof
  auto* proof = app.add_subcommand("proof", "print Merkle proofs a third party can check with suiji-verify");
  proof->require_subcommand(1);
  auto* incl = proof->add_subcommand("inclusion", "prove that an entry is in the log");
  uint64_t seq = 0, size = 0, size1 = 0;
  add_common(incl);
  incl->add_option("--seq", seq, "sequence number of the entry")->required();
  incl->add_option("--size", size, "tree size (default: the latest checkpoint's)");
  incl->add_option("--out", out, "output file (default: standard output)");
  auto* cons = proof->add_subcommand("consistency", "prove that the log only grew since a size");
  add_common(cons);
  cons->add_option("--from", size1, "the earlier tree size")->required();
  cons->add_option("--to", size, "the later tree size (default: the latest checkpoint's)");
  cons->add_option("--out", out, "output file (default: standard output)");

  // keys
  auto* key = app.add_subcommand("key", "manage signing keys (signed by the root key)");
  key->require_subcommand(1);
  std::string root_key_path, key_id, reason;
  auto* klist = key->add_subcommand("list", "list keys and their state");
  add_common(klist);
  auto* krot = key->add_subcommand("rotate", "replace the node key with a new one");
  add_common(krot);
  krot->add_option("--root-key", root_key_path, "root key file (default DIR/keys/root.key)");
  auto* krev = key->add_subcommand("revoke", "take a key out of force");
  add_common(krev);
  krev->add_option("--root-key", root_key_path, "root key file (default DIR/keys/root.key)");
  krev->add_option("--key-id", key_id, "key id to revoke")->required();
  krev->add_option("--reason", reason, "why")->required();
  auto* kreg = key->add_subcommand("register", "register another key (e.g. a second authority)");
  std::string pub_hex, roles_text = "writer", label;
  add_common(kreg);
  kreg->add_option("--root-key", root_key_path, "root key file (default DIR/keys/root.key)");
  kreg->add_option("--public-key", pub_hex, "the new key's Ed25519 public key, 64 hex digits")->required();
  kreg->add_option("--roles", roles_text, "comma-separated: authority, writer, checkpoint")->capture_default_str();
  kreg->add_option("--label", label, "what the key is for")->required();
  auto* kver = key->add_subcommand("verifier", "print the node's checkpoint verifier key");
  add_common(kver);

  suiji::cli::RegisterDirectoryCommands(app, ctx);
  suiji::cli::RegisterDrawCommands(app, ctx);
  suiji::cli::RegisterInspectionCommands(app, ctx);
  suiji::cli::RegisterStatsCommands(app, ctx);
  suiji::cli::RegisterPublicCommands(app, ctx);
  suiji::cli::RegisterIdentityCommands(app, ctx);
  suiji::cli::RegisterServeCommands(app, ctx);
  if (registered) registered(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e, Out(), Err());
    return rc == 0 ? 0 : kExitUsage;
  }
  for (const auto* sub : app.get_subcommands()) {
    if (sub->get_name() == "org" || sub->get_name() == "target" || sub->get_name() == "inspector" ||
        sub->get_name() == "conflict" || sub->get_name() == "import" || sub->get_name() == "show" ||
        sub->get_name() == "list" || sub->get_name() == "history" || sub->get_name() == "projection" ||
        sub->get_name() == "plan" || sub->get_name() == "task" || sub->get_name() == "draw" ||
        sub->get_name() == "calendar" || sub->get_name() == "announce" ||
        sub->get_name() == "result" || sub->get_name() == "followup" || sub->get_name() == "public" ||
        sub->get_name() == "stats" || sub->get_name() == "user" || sub->get_name() == "token" ||
        sub->get_name() == "serve" || sub->get_name() == "replica" || sub->get_name() == "openapi") {
      return ctx.exit_code;  // handled by the group's callbacks
    }
  }
  suiji::NodePaths paths{data};
  const suiji::Actor actor = ctx.actor();

  if (init->parsed()) {
    if (backend == "kafka") {
      if (!suiji::KafkaSupported()) {
        return Fail(suiji::FailedPrecondition("this suiji was built without Kafka (-DSUIJI_KAFKA=OFF)"));
      }
      if (node_config.kafka_brokers.empty()) {
        Err() << "suiji: --backend kafka needs --kafka-brokers\n";
        return kExitUsage;
      }
      node_config.backend = suiji::Backend::kKafka;
    } else if (!node_config.kafka_brokers.empty() || !node_config.kafka_topic.empty()) {
      Err() << "suiji: --kafka-* options need --backend kafka\n";
      return kExitUsage;
    }
    auto r = suiji::InitNode(paths, ledger_name, description, root_out, actor, {}, node_config);
    if (!r.ok()) return Fail(r.status());
    auto conf = suiji::ReadNodeConfig(paths);
    Out() << "created ledger " << r->ledger->ledger_id() << " in " << data << "\n";
    if (!no_calendar) {  // R18: deadlines need the official holiday schedules
      auto years = suiji::directory::ParseScheduleTable(suiji::BundledCalendarTable());
      if (!years.ok()) return Fail(years.status());
      std::vector<suiji::EventDraft> drafts;
      for (const auto& y : *years) {
        drafts.push_back({suiji::EventType::CalendarPublished,
                          suiji::directory::EncodeSchedule(y), actor});
      }
      auto s = r->ledger->Append(drafts);
      if (!s.ok()) return Fail(s.status());
      Out() << "calendar:      holiday schedules " << years->front().year << "-"
                << years->back().year << " at entries " << *s << ".."
                << *s + drafts.size() - 1 << "\n";
    }
    if (conf.ok() && conf->backend == suiji::Backend::kKafka) {
      Out() << "log:           Kafka topic " << conf->kafka_topic << " at " << conf->kafka_brokers
                << " (" << paths.config().string() << ")\n";
    }
    Out()
              << "root key:      " << r->root_key_id << " (" << r->root_key_path.string()
              << ", keep it offline)\n"
              << "verifier key:  " << r->ledger->NodeVerifierKey() << "\n"
              << "checkpoint:\n"
              << r->ledger->LatestCheckpoint().value_or("") ;
    return 0;
  }
  if (exp->parsed()) {
    // Cover the tip with a checkpoint if we can be the writer; a running node covers it
    // itself by its own policy. Without a node key in force the export carries the stored
    // checkpoints only, and says what they leave uncovered.
    std::string not_covered_why;
    {
      auto writer = suiji::OpenWriter(paths);
      if (writer.ok()) {
        // A checkpoint that cannot be written (a full disk) leaves the export to the stored
        // ones: reading and exporting never need room to write.
        auto note = (*writer)->IssueCheckpoint();
        if (!note.ok() && note.status().code() == StatusCode::kDataLoss) return Fail(note.status());
        if (!note.ok()) not_covered_why = note.status().message();
      } else if (writer.status().code() == StatusCode::kFailedPrecondition || IsDiskFull(writer.status())) {
        not_covered_why = writer.status().message();
      } else {
        return Fail(writer.status());
      }
    }
    auto reader = suiji::OpenReader(paths);
    if (!reader.ok()) return Fail(reader.status());
    auto summary = suiji::ExportLog((*reader)->storage(), out);
    if (!summary.ok()) return Fail(summary.status());
    Err() << "exported " << summary->entries << " entries and " << summary->checkpoints
              << " checkpoints (" << summary->bytes << " bytes)"
              << (out == "-" ? std::string() : " to " + out) << "\n";
    if (int rc = ReportUncoveredTip(**reader, summary->entries, not_covered_why);
        rc != 0) {
      return rc;
    }
    return 0;
  }
  if (show->parsed()) {
    auto reader = suiji::OpenReader(paths);
    if (!reader.ok()) return Fail(reader.status());
    const uint64_t n = (*reader)->size();
    const uint64_t to = std::min(n, from + limit);
    Status err;
    Status read = (*reader)->storage().Read(std::min(from, n), to, [&](uint64_t, suiji::ByteView b) {
      auto e = suiji::ParseEntry(b);
      if (!e.ok()) {
        err = e.status();
        return false;
      }
      nlohmann::json j = EntryJson(*e);
      if (json) {
        Out() << j.dump() << "\n";
      } else {
        Out() << j["sequence"] << "  " << j["time"].get<std::string>() << "  "
                  << j["type"].get<std::string>() << "  by " << j["actor"]["user"].get<std::string>()
                  << "@" << j["actor"]["org_unit"].get<std::string>() << "  key "
                  << j["key_id"].get<std::string>();
        if (j.contains("payload")) Out() << "  " << j["payload"].dump();
        Out() << "\n";
      }
      return true;
    });
    if (!read.ok()) return Fail(read);
    if (!err.ok()) return Fail(err);
    return 0;
  }
  // The writes below take the node's writer (Context::node: this process's own, or the
  // running server's when the command was forwarded to it).
  if (memo->parsed()) {
    auto w = ctx.node().Writer();
    if (!w.ok()) return Fail(w.status());
    suiji::EventDraft d{suiji::EventType::Memo, suiji::MakeMemoPayload(subject, text), actor};
    auto s = (*w)->Append(std::span(&d, 1));
    if (!s.ok()) return Fail(s.status());
    Out() << "appended entry " << *s << "\n";
    return 0;
  }
  if (cp->parsed()) {
    auto w = ctx.node().Writer();
    if (!w.ok()) return Fail(w.status());
    auto note = (*w)->IssueCheckpoint();
    if (!note.ok()) return Fail(note.status());
    Out() << *note;
    return 0;
  }
  if (incl->parsed() || cons->parsed()) {
    auto r = suiji::OpenReader(paths);
    if (!r.ok()) return Fail(r.status());
    suiji::Ledger& l = **r;
    auto latest = l.LatestCheckpoint();
    if (!latest) return Fail(suiji::FailedPrecondition("the ledger has no checkpoint yet"));
    // Proofs are made against a stored checkpoint, which is what binds them to the ledger.
    std::string note;
    uint64_t want = size;
    Status found = l.storage().ReadCheckpoints([&](uint64_t s, std::string_view n) {
      if (want == 0 || s == want) note = std::string(n);
      return true;
    });
    if (!found.ok()) return Fail(found);
    auto parsed = suiji::ParseNote(note);
    if (note.empty() || !parsed.ok()) {
      return Fail(suiji::NotFound("no checkpoint of size " + std::to_string(want) +
                                  "; issue one with `suiji checkpoint` or omit --size/--to"));
    }
    auto cpv = suiji::ParseCheckpoint(parsed->text);
    if (!cpv.ok()) return Fail(cpv.status());
    const uint64_t tree_size = cpv->size;
    if (incl->parsed()) {
      if (seq >= tree_size) {
        return Fail(suiji::InvalidArgument("entry " + std::to_string(seq) +
                                           " is not covered by the checkpoint of size " +
                                           std::to_string(tree_size)));
      }
      auto path = l.InclusionProof(seq, tree_size);
      if (!path.ok()) return Fail(path.status());
      auto entry = l.ReadEntry(seq);
      if (!entry.ok()) return Fail(entry.status());
      suiji::InclusionProofFile p{seq, tree_size, *entry, *path, note};
      return Emit(out, suiji::FormatInclusionProof(p));
    }
    if (size1 > tree_size) {
      return Fail(suiji::InvalidArgument("--from " + std::to_string(size1) +
                                         " is larger than the checkpoint's size " +
                                         std::to_string(tree_size)));
    }
    auto path = l.ConsistencyProof(size1, tree_size);
    if (!path.ok()) return Fail(path.status());
    auto root1 = l.RootAt(size1);
    if (!root1.ok()) return Fail(root1.status());
    suiji::ConsistencyProofFile p{size1, *root1, tree_size, *path, note};
    return Emit(out, suiji::FormatConsistencyProof(p));
  }
  if (klist->parsed() || kver->parsed()) {
    auto r = suiji::OpenReader(paths);
    if (!r.ok()) return Fail(r.status());
    if (kver->parsed()) {
      // The key a writer would sign with (a rotation a kill interrupted counts as done if
      // the log says so); a reader never repairs the files.
      auto node = suiji::ChooseNodeKey(paths, (*r)->keys(), /*repair=*/false);
      if (!node.ok()) return Fail(node.status());
      Out() << suiji::VerifierKeyString((*r)->ledger_id(), node->public_key()) << "\n";
      return 0;
    }
    for (const auto& [id, k] : (*r)->keys().keys()) {
      Out() << id << "  " << suiji::RoleNames(k.roles) << "  registered at " << k.registered_at;
      if (k.revoked_at) Out() << "  revoked at " << *k.revoked_at;
      Out() << "  " << k.label << "\n";
    }
    return 0;
  }
  if (kreg->parsed()) {
    auto pk_bytes = suiji::FromHex(pub_hex);
    if (!pk_bytes.ok() || pk_bytes->size() != 32) {
      return Fail(suiji::InvalidArgument("--public-key must be 64 hex digits (32 bytes)"));
    }
    uint32_t roles = 0;
    std::stringstream ss(roles_text);
    for (std::string r; std::getline(ss, r, ',');) {
      if (r == "authority") roles |= suiji::kRoleAuthority;
      else if (r == "writer") roles |= suiji::kRoleWriter;
      else if (r == "checkpoint") roles |= suiji::kRoleCheckpoint;
      else return Fail(suiji::InvalidArgument("unknown role '" + r + "' (authority, writer, checkpoint)"));
    }
    // Signed by the root key: works while the node key is lost or out of force.
    auto w = ctx.node().Writer(suiji::NodeKeyRule::kReportOnly);
    if (!w.ok()) return Fail(w.status());
    auto root = suiji::ReadKeyFile(root_key_path.empty() ? paths.root_key() : std::filesystem::path(root_key_path));
    if (!root.ok()) return Fail(root.status());
    suiji::PublicKey pk{};
    std::copy(pk_bytes->begin(), pk_bytes->end(), pk.begin());
    auto s = (*w)->RegisterKey(*root, pk, roles, label, actor);
    if (!s.ok()) return Fail(s.status());
    Out() << "registered key " << suiji::KeyIdOf(pk) << " (" << suiji::RoleNames(roles)
              << ") at entry " << *s << "\n";
    return 0;
  }
  if (krot->parsed() || krev->parsed()) {
    // Signed by the root key: works while the node key is lost or out of force (a rotation
    // is then the way to give the node a key in force again).
    auto w = ctx.node().Writer(suiji::NodeKeyRule::kReportOnly);
    if (!w.ok()) return Fail(w.status());
    auto root = suiji::ReadKeyFile(root_key_path.empty() ? paths.root_key() : std::filesystem::path(root_key_path));
    if (!root.ok()) return Fail(root.status());
    if (krev->parsed()) {
      auto s = (*w)->RevokeKey(*root, key_id, reason, actor);
      if (!s.ok()) return Fail(s.status());
      Out() << "revoked key " << key_id << " at entry " << *s << "\n";
      if (Status k = (*w)->NodeKeyStatus(); !k.ok()) Err() << "suiji: warning: " << k.message() << "\n";
      return 0;
    }
    // Crash-safe: see api/node_key.h for the steps and the recovery rule.
    auto rotated = suiji::RotateNodeKeyFiles(paths, **w, *root, actor);
    if (!rotated.ok()) return Fail(rotated.status());
    Out() << "rotated node key to " << rotated->key_id << " at entry " << rotated->sequence << "\n"
              << "verifier key: " << (*w)->NodeVerifierKey() << "\n";
    if (!rotated->replaced) {
      // Nothing was revoked: a lost key still in force should be.
      for (const auto& [id, k] : (*w)->keys().keys()) {
        if (id != rotated->key_id && !k.revoked_at && (k.roles & suiji::kRoleWriter) != 0) {
          Err() << "suiji: note: key " << id << " (" << k.label << ") is still in force; if its "
                    << "key file is lost, revoke it: suiji key revoke --data " << data << " --key-id "
                    << id << " --reason ...\n";
        }
      }
    }
    return 0;
  }
  return kExitUsage;
}

}  // namespace suiji::cli
