// `suiji public`: what the bureau hands to the public. `public bundle DRAW --out FILE` writes
// the draw's proof bundle (api/public_bundle.h, docs/proof-bundle.md), which anyone checks
// offline with `suiji-verify --bundle FILE --key VERIFIER_KEY`.
#include <filesystem>
#include <fstream>

#include "api/cli.h"
#include "api/draw_service.h"
#include "api/public_bundle.h"
#include "projections/directory_projection.h"
#include "projections/public_projection.h"

namespace suiji::cli {

void RegisterPublicExport(CLI::App* pub, Context& ctx);

namespace {

// The checkpoint to prove against: a fresh one covering the whole log when this process can
// be the writer; otherwise (a running node holds the writer lock) the latest stored one,
// which the node issues by its own policy. Returns the ledger it opened.
StatusOr<std::unique_ptr<Ledger>> OpenWithCheckpoint(const NodePaths& paths, std::string* note) {
  auto writer = OpenWriter(paths);
  if (writer.ok()) {
    SUIJI_ASSIGN_OR_RETURN(*note, (*writer)->IssueCheckpoint());
    return std::move(*writer);
  }
  if (writer.status().code() != StatusCode::kFailedPrecondition) return writer.status();
  SUIJI_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> reader, OpenReader(paths));
  auto latest = reader->LatestCheckpoint();
  if (!latest) return FailedPrecondition("the ledger has no checkpoint yet");
  *note = *latest;
  return reader;
}

}  // namespace

void RegisterPublicCommands(CLI::App& app, Context& ctx) {
  static std::string draw_id, out;
  static std::vector<uint64_t> extra;
  auto* pub = app.add_subcommand("public", "what the public may check: proof bundles of draws");
  pub->require_subcommand(1);
  auto* bundle = pub->add_subcommand(
      "bundle", "write a draw's public proof bundle (checked offline by suiji-verify --bundle)");
  bundle->add_option("--data", ctx.data, "data directory of the ledger")->required();
  bundle->add_option("draw", draw_id, "draw id")->required();
  bundle->add_option("--out", out, "the bundle file to write")->required();
  bundle->add_option("--extra", extra,
                     "another entry to carry, by sequence (e.g. the draw's announcement); "
                     "repeatable; never a directory event");
  RegisterPublicExport(pub, ctx);
  bundle->callback([&] {
    Status s = [&]() -> Status {
      NodePaths paths{ctx.data};
      std::string note;
      SUIJI_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, OpenWithCheckpoint(paths, &note));
      DrawService draws(*ledger, ledger->storage(), paths.dir);
      SUIJI_RETURN_IF_ERROR(draws.Sync());
      // The draw's public inspection events (announcement, published results, corrections,
      // follow-up) travel with it; internal ones (reviews, notes) never do.
      SUIJI_ASSIGN_OR_RETURN(auto record, ReadPublicRecord(ctx.data));
      std::vector<uint64_t> carried = record->PublicSequencesOfDraw(draw_id);
      carried.insert(carried.end(), extra.begin(), extra.end());
      SUIJI_ASSIGN_OR_RETURN(PublicBundle b,
                             BuildPublicBundle(*ledger, draws, draw_id, note, carried));
      std::ofstream f(out, std::ios::binary | std::ios::trunc);
      f << b.json;
      f.close();
      if (!f) return Unavailable("cannot write " + out);
      Out() << "wrote " << out << ": draw " << draw_id << ", " << b.entries
                << " entries proven against the checkpoint of size " << b.checkpoint_size
                << " (" << b.json.size() << " bytes)\n"
                << "check it with: suiji-verify --bundle " << out << " --key " << b.verifier_key
                << "\n";
      return OkStatus();
    }();
    if (!s.ok()) ctx.exit_code = Fail(s);
  });
}

void RegisterPublicExport(CLI::App* pub, Context& ctx) {
  static std::string out_dir;
  auto* exp = pub->add_subcommand(
      "export", "write the public record: notices.json, and published results as CSV and JSON "
                "in the enterprise credit publicity layout");
  exp->add_option("--data", ctx.data, "data directory of the ledger")->required();
  exp->add_option("--out", out_dir, "directory to write into")->required();
  exp->callback([&] {
    Status s = [&]() -> Status {
      // Streamed from the public projection's rows (one read snapshot for all three files),
      // so memory does not grow with the record.
      NodePaths paths{ctx.data};
      SUIJI_ASSIGN_OR_RETURN(auto reader, OpenNodeStorage(paths, NodeRole::kReader));
      SUIJI_ASSIGN_OR_RETURN(auto projection, DirectoryProjection::Open(paths.dir));
      SUIJI_RETURN_IF_ERROR(projection->CatchUp(*reader));
      SUIJI_ASSIGN_OR_RETURN(auto record, PublicReader::Begin(projection->projection()));
      std::error_code ec;
      std::filesystem::create_directories(out_dir, ec);
      if (ec) return Unavailable("cannot create " + out_dir + ": " + ec.message());
      auto write = [&](const std::string& name, const std::function<Status(const Sink&)>& produce,
                       std::string_view tail) -> Status {
        const std::string path = (std::filesystem::path(out_dir) / name).string();
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        uint64_t bytes = 0;
        const Sink sink = [&](std::string_view piece) {
          f.write(piece.data(), static_cast<std::streamsize>(piece.size()));
          bytes += piece.size();
          return static_cast<bool>(f);
        };
        Status made = produce(sink);
        if (made.ok()) sink(tail);
        f.close();
        if (!f) return Unavailable("cannot write " + path);
        SUIJI_RETURN_IF_ERROR(made);
        Out() << "wrote " << path << " (" << bytes << " bytes)\n";
        return OkStatus();
      };
      SUIJI_RETURN_IF_ERROR(write("notices.json", [&](const Sink& out) { return record->WriteNotices(out, true); }, "\n"));
      SUIJI_RETURN_IF_ERROR(write("results.csv", [&](const Sink& out) { return record->WriteCsv(out); }, ""));
      SUIJI_RETURN_IF_ERROR(
          write("results.json", [&](const Sink& out) { return record->WriteCreditJson(out, true); }, "\n"));
      return OkStatus();
    }();
    if (!s.ok()) ctx.exit_code = Fail(s);
  });
}

}  // namespace suiji::cli
