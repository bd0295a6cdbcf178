// The public proof bundle: built by the node (api/public_bundle.h) for a draw run on a test
// clock, checked offline (verifier/bundle_check.h), and tampered with in every way a
// bundle can be, each of which must fail naming what failed.
#include "verifier/bundle_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/public_bundle.h"
#include "ledger/core/checkpoint.h"
#include "ledger/core/draw/records.h"
#include "tests/support/draw_fixture.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

using nlohmann::json;
using testing_support::DrawNodeTest;

class BundleCheckTest : public DrawNodeTest {
 protected:
  void SetUp() override {
    DrawNodeTest::SetUp();
    MakeDirectory();
    MakePlanAndTask();
  }

  // The bundle of `draw_id` against a fresh checkpoint.
  std::string Bundle(const std::string& draw_id, const std::vector<uint64_t>& extra = {}) {
    EXPECT_TRUE(draws_->Sync().ok());
    auto note = ledger_->IssueCheckpoint();
    EXPECT_TRUE(note.ok()) << note.status().ToString();
    auto b = BuildPublicBundle(*ledger_, *draws_, draw_id, *note, extra);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? b->json : std::string();
  }

  VerifierKey NodeKey() {
    auto k = ParseVerifierKey(ledger_->NodeVerifierKey());
    EXPECT_TRUE(k.ok());
    return *k;
  }

  // Checked against the node's published key (as a careful member of the public does).
  BundleReport Check(const std::string& text) {
    BundleCheckOptions o;
    o.key = NodeKey();
    return CheckBundle(text, o);
  }
  BundleReport Check(const json& j) { return Check(j.dump()); }

  static bool HasFailure(const BundleReport& r, const std::string& needle) {
    return std::any_of(r.failures.begin(), r.failures.end(), [&](const BundleFailure& f) {
      return f.what.find(needle) != std::string::npos;
    });
  }
  static bool FailsAt(const BundleReport& r, uint64_t seq, const std::string& needle) {
    return std::any_of(r.failures.begin(), r.failures.end(), [&](const BundleFailure& f) {
      return f.sequence == seq && f.what.find(needle) != std::string::npos;
    });
  }
  static std::string Failures(const BundleReport& r) {
    std::string s;
    for (const auto& f : r.failures) s += f.what + "\n";
    return s;
  }

  // The index in "entries" of the nth entry of `type`.
  static size_t Find(const json& j, const std::string& type, int nth = 0) {
    const json& e = j["entries"];
    for (size_t i = 0; i < e.size(); ++i) {
      if (e[i]["type"] == type && nth-- == 0) return i;
    }
    ADD_FAILURE() << "no " << type << " entry";
    return 0;
  }
  static Bytes EntryBytes(const json& j, size_t i) {
    return FromBase64(j["entries"][i]["entry"].get<std::string>()).value();
  }
  static void SetEntryBytes(json& j, size_t i, const Bytes& b) {
    j["entries"][i]["entry"] = ToBase64(b);
  }
  static uint64_t Seq(const json& j, size_t i) { return j["entries"][i]["sequence"]; }
};

TEST_F(BundleCheckTest, ACompletedDrawVerifies) {
  const std::string id = RunCeremony();
  const std::string text = Bundle(id);
  BundleReport r = Check(text);
  ASSERT_TRUE(r.ok()) << Failures(r);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.draw_id, id);
  EXPECT_EQ(r.task_id, "T1");
  EXPECT_EQ(r.phase, "drawn");
  EXPECT_TRUE(r.roots_match);
  EXPECT_TRUE(r.recomputed);
  EXPECT_EQ(r.targets, 60u);
  EXPECT_EQ(r.inspectors, 8u);
  EXPECT_EQ(r.selected, 12u);
  EXPECT_EQ(r.commit_number, 1u);
  EXPECT_EQ(r.redraws, 0u);
  EXPECT_EQ(r.entropy, "witnesses 2");
  EXPECT_EQ(r.seed_hex.size(), 64u);
  EXPECT_TRUE(r.extras.empty());
  // Genesis and the node key, the plan, the task, freeze, commit, reveal and one result part;
  // no directory event (the directory holds 60 targets and 8 inspectors before the draw).
  std::vector<std::string> types;
  for (const auto& e : r.entries) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"Genesis", "KeyRegistered", "PlanFiled",
                                             "TaskDefined", "DrawFrozen", "DrawCommitted",
                                             "DrawRevealed", "DrawResult"}));
  // Internal directory data never appears: employers' names, headcounts, inspectors' names.
  EXPECT_EQ(text.find("常州测试企业"), std::string::npos);
  EXPECT_EQ(text.find("检查员"), std::string::npos);
  std::cout << "bundle of " << id << ": " << text.size() << " bytes, " << r.entries.size()
            << " entries, " << r.targets << " target lines\n";
  RecordProperty("bundle_bytes", static_cast<int>(text.size()));
}

TEST_F(BundleCheckTest, WithoutAPublishedKeyItVerifiesButWarns) {
  const std::string text = Bundle(RunCeremony());
  BundleReport r = CheckBundle(text, {});
  ASSERT_TRUE(r.ok()) << Failures(r);
  EXPECT_TRUE(r.key_from_bundle);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("Compare it with the verifier key the bureau publishes"),
            std::string::npos);
}

TEST_F(BundleCheckTest, ARedrawVerifiesAndIsCounted) {
  const std::string first = RunCeremony();
  ASSERT_TRUE(draws_->Cancel(first, "抽取时检查人员名录未更新 (inspector list was stale)", actor_)
                  .ok());
  Advance(3600);
  const std::string second = RunCeremony();
  BundleReport r = Check(Bundle(second));
  ASSERT_TRUE(r.ok()) << Failures(r);
  EXPECT_EQ(r.draw_id, "T1-d2");
  EXPECT_EQ(r.commit_number, 2u);
  EXPECT_EQ(r.commits, 2u);
  EXPECT_EQ(r.redraws, 1u);
  ASSERT_EQ(r.cancellations.size(), 1u);
  EXPECT_NE(r.cancellations[0].find("T1-d1: 抽取时检查人员名录未更新"), std::string::npos);
  EXPECT_TRUE(r.recomputed);
}

TEST_F(BundleCheckTest, DeclinesAreCheckedAndCounted) {
  const std::string id = RunCeremony();
  ASSERT_TRUE(draws_->Sync().ok());
  const draw::VisitRecord v = draws_->world().Draw(id)->visits[0];
  ASSERT_TRUE(draws_->Decline(id, v.credit_code, v.team[0], "病假 (ill)", actor_).ok());
  BundleReport r = Check(Bundle(id));
  ASSERT_TRUE(r.ok()) << Failures(r);
  EXPECT_EQ(r.declines, 1u);
  EXPECT_TRUE(r.recomputed);
}

TEST_F(BundleCheckTest, ExtraEntriesAreProvenAndListedButNeverDirectoryEvents) {
  const std::string id = RunCeremony();
  auto memo = ledger_->Append(std::vector<EventDraft>{
      {EventType::Memo, MakeMemoPayload("公示", "抽查结果已公示 (published)"), actor_}});
  ASSERT_TRUE(memo.ok());
  BundleReport r = Check(Bundle(id, {*memo}));
  ASSERT_TRUE(r.ok()) << Failures(r);
  ASSERT_EQ(r.extras.size(), 1u);
  EXPECT_EQ(r.extras[0].sequence, *memo);
  EXPECT_EQ(r.extras[0].type, "Memo");

  ASSERT_TRUE(draws_->Sync().ok());
  auto note = ledger_->IssueCheckpoint();
  ASSERT_TRUE(note.ok());
  // Entry 5 is a directory event (the item list, org units and targets come first).
  uint64_t target_event = 0;
  for (uint64_t s = 0; s < ledger_->size() && target_event == 0; ++s) {
    auto bytes = ledger_->ReadEntry(s);
    ASSERT_TRUE(bytes.ok());
    if (ParseEntry(*bytes)->type() == EventType::TargetRegistered) target_event = s;
  }
  auto refused = BuildPublicBundle(*ledger_, *draws_, id, *note, {target_event});
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("directory events hold internal data"),
            std::string::npos)
      << refused.status().message();
}

TEST_F(BundleCheckTest, AFlippedByteInAnEntryFails) {
  json j = json::parse(Bundle(RunCeremony()));
  const size_t i = Find(j, "DrawCommitted");
  Bytes b = EntryBytes(j, i);
  b[b.size() / 2] ^= 0x01;
  SetEntryBytes(j, i, b);
  BundleReport r = Check(j);
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.failures.empty());
  EXPECT_EQ(r.failures[0].sequence, Seq(j, i)) << Failures(r);
  EXPECT_NE(r.failures[0].what.find("entry " + std::to_string(Seq(j, i))), std::string::npos)
      << Failures(r);
}

TEST_F(BundleCheckTest, ADroppedResultPartFails) {
  json j = json::parse(Bundle(RunCeremony()));
  j["entries"].erase(Find(j, "DrawResult"));
  BundleReport r = Check(j);
  EXPECT_TRUE(HasFailure(r, "draw T1-d1: result parts are missing from the bundle (0 of at "
                            "least 1"))
      << Failures(r);
}

TEST_F(BundleCheckTest, TheCancelledDrawsCommitDroppedFails) {
  const std::string first = RunCeremony();
  ASSERT_TRUE(draws_->Cancel(first, "会场停电 (power cut)", actor_).ok());
  Advance(3600);
  json j = json::parse(Bundle(RunCeremony()));
  const size_t commit = Find(j, "DrawCommitted", 0);  // the first draw's
  const uint64_t reveal_seq = Seq(j, Find(j, "DrawRevealed", 0));
  j["entries"].erase(commit);
  BundleReport r = Check(j);
  EXPECT_TRUE(FailsAt(r, reveal_seq, "reveal of draw \"T1-d1\", which is not committed"))
      << Failures(r);
  // A whole draw left out is caught by the task's draw numbering.
  json k = json::parse(Bundle("T1-d2"));
  json kept = json::array();
  for (const auto& e : k["entries"]) {
    auto bytes = FromBase64(e["entry"].get<std::string>()).value();
    auto view = ParseEntry(bytes);
    ASSERT_TRUE(view.ok());
    const bool of_d1 =
        AsChars(view->payload()).find("T1-d1") != std::string_view::npos &&
        static_cast<uint16_t>(view->type()) >= 220;
    if (!of_d1) kept.push_back(e);
  }
  k["entries"] = kept;
  BundleReport missing = Check(k);
  EXPECT_TRUE(HasFailure(missing, "draw T1-d1 of task T1 is missing from the bundle"))
      << Failures(missing);
}

TEST_F(BundleCheckTest, AChangedLeafLineFailsTheRootCheck) {
  json j = json::parse(Bundle(RunCeremony()));
  std::string line = j["frozen"]["targets"][7];
  const size_t weight_at = line.rfind('\x1f', line.rfind('\x1f') - 1) + 1;
  line[weight_at] = line[weight_at] == '9' ? '8' : static_cast<char>(line[weight_at] + 1);
  j["frozen"]["targets"][7] = line;
  BundleReport r = Check(j);
  EXPECT_TRUE(HasFailure(r, "the bundle's frozen target lines do not match the freeze"))
      << Failures(r);
  EXPECT_FALSE(r.roots_match);
  EXPECT_FALSE(r.recomputed);
}

TEST_F(BundleCheckTest, AChangedConflictPairChangesTheTeamAndFails) {
  const std::string id = RunCeremony();
  json j = json::parse(Bundle(id));
  const draw::VisitRecord v = draws_->world().Draw(id)->visits[0];
  j["team_inputs"]["conflicts"].push_back({{"inspector", v.team[0]}, {"credit_code", v.credit_code}});
  BundleReport r = Check(j);
  EXPECT_TRUE(HasFailure(r, "visit 0 (" + v.credit_code +
                                ") does not match the recomputed draw: the team differs"))
      << Failures(r);
  EXPECT_TRUE(HasFailure(r, "given the bundle's stated team inputs")) << Failures(r);
}

TEST_F(BundleCheckTest, ACheckpointSignedByAnotherKeyFails) {
  json j = json::parse(Bundle(RunCeremony()));
  auto note = ParseNote(j["checkpoint"]["note"].get<std::string>());
  ASSERT_TRUE(note.ok());
  KeyPair other = KeyPair::Generate();
  j["checkpoint"]["note"] = SignNote(note->text, ledger_->ledger_id(), other);
  j["checkpoint"]["verifier_key"] = VerifierKeyString(ledger_->ledger_id(), other.public_key());
  BundleReport r = Check(j);
  EXPECT_TRUE(HasFailure(r, "checkpoint: the signature does not verify against key " +
                                ledger_->NodeVerifierKey()))
      << Failures(r);
  // Without --key the bundle's own key signs it, but the ledger's key events never made it
  // a checkpoint key.
  BundleReport own = CheckBundle(j.dump(), {});
  EXPECT_TRUE(HasFailure(own, "is not a checkpoint key in force at size")) << Failures(own);
}

TEST_F(BundleCheckTest, AnAlteredInclusionPathFails) {
  json j = json::parse(Bundle(RunCeremony()));
  const size_t i = Find(j, "DrawRevealed");
  ASSERT_FALSE(j["entries"][i]["path"].empty());
  Bytes h = FromBase64(j["entries"][i]["path"][0].get<std::string>()).value();
  h[0] ^= 0x80;
  j["entries"][i]["path"][0] = ToBase64(h);
  BundleReport r = Check(j);
  EXPECT_TRUE(FailsAt(r, Seq(j, i), "its inclusion proof does not lead to the checkpoint's root"))
      << Failures(r);
}

TEST_F(BundleCheckTest, AChangedSeedInTheRevealFailsItsSignature) {
  json j = json::parse(Bundle(RunCeremony()));
  const size_t i = Find(j, "DrawRevealed");
  Bytes b = EntryBytes(j, i);
  auto view = ParseEntry(b);
  ASSERT_TRUE(view.ok());
  auto reveal = draw::DecodeReveal(view->payload());
  ASSERT_TRUE(reveal.ok());
  auto at = std::search(b.begin(), b.end(), reveal->seed.begin(), reveal->seed.end());
  ASSERT_NE(at, b.end());
  *at ^= 0x01;
  SetEntryBytes(j, i, b);
  BundleReport r = Check(j);
  EXPECT_TRUE(FailsAt(r, Seq(j, i), "the signature does not verify against key")) << Failures(r);
  EXPECT_TRUE(FailsAt(r, Seq(j, i), "inclusion proof")) << Failures(r);
}

TEST_F(BundleCheckTest, AForgedRevealSignedByAnUnregisteredKeyIsRefused) {
  json j = json::parse(Bundle(RunCeremony()));
  const size_t i = Find(j, "DrawRevealed");
  Bytes original = EntryBytes(j, i);
  auto view = ParseEntry(original);
  ASSERT_TRUE(view.ok());
  auto reveal = draw::DecodeReveal(view->payload());
  ASSERT_TRUE(reveal.ok());
  reveal->seed[0] ^= 0x01;
  const Bytes payload = draw::EncodeReveal(*reveal);
  const Actor actor{view->event->actor()->org_unit()->str(), view->event->actor()->user()->str()};
  EntryFields f;
  f.ledger_id = view->ledger_id();
  f.sequence = view->sequence();
  f.prev_hash = view->prev_hash();
  f.time_us = view->event->time_us();
  f.actor = &actor;
  f.type = EventType::DrawRevealed;
  f.payload = payload;
  KeyPair rogue = KeyPair::Generate();
  SetEntryBytes(j, i, BuildEntry(f, rogue));
  BundleReport r = Check(j);
  EXPECT_TRUE(FailsAt(r, Seq(j, i), "signed by key " + rogue.key_id() +
                                        ", which is not registered in this ledger"))
      << Failures(r);
}

TEST_F(BundleCheckTest, AMissingKeyEventFailsEverySignatureItMade) {
  json j = json::parse(Bundle(RunCeremony()));
  j["entries"].erase(Find(j, "KeyRegistered"));
  BundleReport r = Check(j);
  EXPECT_TRUE(HasFailure(r, "which is not registered in this ledger")) << Failures(r);
  EXPECT_TRUE(HasFailure(r, "is not a checkpoint key in force")) << Failures(r);
}

TEST_F(BundleCheckTest, ADirectoryEventSmuggledInFails) {
  const std::string id = RunCeremony();
  json j = json::parse(Bundle(id));
  const uint64_t size = ParseCheckpoint(ParseNote(j["checkpoint"]["note"].get<std::string>())
                                            ->text)
                            ->size;
  uint64_t seq = 0;
  for (uint64_t s = 1; s < size && seq == 0; ++s) {
    if (ParseEntry(ledger_->ReadEntry(s).value())->type() == EventType::InspectorRegistered) seq = s;
  }
  json entry = {{"sequence", seq},
                {"type", "InspectorRegistered"},
                {"entry", ToBase64(ledger_->ReadEntry(seq).value())},
                {"path", json::array()}};
  auto path = ledger_->InclusionProof(seq, size);
  ASSERT_TRUE(path.ok());
  for (const Hash& h : *path) entry["path"].push_back(ToBase64(h));
  auto& entries = j["entries"];
  auto pos = std::find_if(entries.begin(), entries.end(),
                          [&](const json& e) { return e["sequence"].get<uint64_t>() > seq; });
  entries.insert(pos, entry);
  BundleReport r = Check(j);
  EXPECT_TRUE(FailsAt(r, seq, "a public bundle never carries one")) << Failures(r);
}

TEST_F(BundleCheckTest, MalformedBundlesFailWithoutThrowing) {
  EXPECT_TRUE(HasFailure(Check(std::string("{")), "not JSON"));
  EXPECT_TRUE(HasFailure(Check(std::string(R"({"format": "suiji-bundle/9"})")), "suiji-bundle/9"));
  json j = json::parse(Bundle(RunCeremony()));
  j["entries"][0]["path"] = "x";
  EXPECT_TRUE(HasFailure(Check(j), "entries[0].path is not an array"));
}

// The two command lines: `suiji public bundle`, then `suiji-verify --bundle`.
class BundleCli : public BundleCheckTest {
 protected:
  testing_support::RunResult Run(const std::string& binary, const std::vector<std::string>& args) {
    auto r = testing_support::RunBinary(binary, args, dir_);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run " << binary;
    return r;
  }
};

TEST_F(BundleCli, PublicBundleVerifiesAndTamperingFails) {
  const std::string id = RunCeremony();
  const std::string vkey = ledger_->NodeVerifierKey();
  // Close the node so the command line can be the writer (it issues a fresh checkpoint).
  draws_.reset();
  dirsvc_.reset();
  projection_.reset();
  ledger_.reset();
  const std::string file = (dir_ / "bundle.json").string();
  auto made = Run(SUIJI_BIN_SUIJI, {"public", "bundle", id, "--data", dir_.string(), "--out", file});
  ASSERT_EQ(made.exit_code, 0) << made.err << made.out;
  EXPECT_NE(made.out.find("--key " + vkey), std::string::npos) << made.out;

  auto ok = Run(SUIJI_BIN_VERIFY, {"--bundle", file, "--key", vkey});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("recomputed: identical"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("OK: "), std::string::npos) << ok.out;

  auto warned = Run(SUIJI_BIN_VERIFY, {"--bundle", file, "--json"});
  EXPECT_EQ(warned.exit_code, 0) << warned.out;
  json report = json::parse(warned.out);
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["key_from_bundle"], true);
  EXPECT_EQ(report["draw"]["redraws"], 0);
  EXPECT_EQ(report["warnings"].size(), 1u);

  json j = json::parse(testing_support::ReadFile(file));
  std::string line = j["frozen"]["inspectors"][0];
  line.back() = line.back() == '1' ? '0' : '1';
  j["frozen"]["inspectors"][0] = line;
  std::ofstream(file, std::ios::trunc) << j.dump();
  auto bad = Run(SUIJI_BIN_VERIFY, {"--bundle", file, "--key", vkey});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("FAILED at entry"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("frozen inspector lines do not match the freeze"), std::string::npos)
      << bad.out;

  auto unknown = Run(SUIJI_BIN_SUIJI, {"public", "bundle", "T9-d1", "--data", dir_.string(),
                                       "--out", file});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_NE(unknown.err.find("unknown draw"), std::string::npos) << unknown.err;
  auto proof = Run(SUIJI_BIN_VERIFY, {"proof", file, "--key", vkey});
  EXPECT_NE(proof.exit_code, 0);  // a bundle is not a proof file; the subcommand keeps its --key
}

}  // namespace
}  // namespace suiji
