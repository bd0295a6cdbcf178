// LocalNode: the NodeAccess of a command that runs without a server. It opens the data
// directory the way each command group did on its own before (the writer lock, the ledger,
// then a service folded to the end of the log), once per process and only what is asked for.
#include "api/cli.h"
#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/identity_service.h"
#include "api/inspection_service.h"
#include "projections/directory_projection.h"

namespace suiji::cli {

namespace {

class LocalNode final : public NodeAccess {
 public:
  explicit LocalNode(std::string data) : paths_(std::move(data)) {}

  StatusOr<Ledger*> Writer(NodeKeyRule rule) override {
    if (!ledger_) {
      SUIJI_ASSIGN_OR_RETURN(ledger_, OpenWriter(paths_, {}, rule));
    }
    return ledger_.get();
  }
  StatusOr<DirectoryService*> Directory() override {
    if (!dirs_) {
      SUIJI_ASSIGN_OR_RETURN(Ledger * l, Writer(NodeKeyRule::kInForce));
      SUIJI_ASSIGN_OR_RETURN(auto proj, Projections());
      projection_ = DirectoryProjection::Over(proj);
      auto s = std::make_unique<DirectoryService>(*l, *projection_, l->storage());
      SUIJI_RETURN_IF_ERROR(s->Sync());
      dirs_ = std::move(s);
    }
    return dirs_.get();
  }
  StatusOr<DrawService*> Draws() override {
    if (!draws_) {
      SUIJI_ASSIGN_OR_RETURN(Ledger * l, Writer(NodeKeyRule::kInForce));
      SUIJI_ASSIGN_OR_RETURN(auto proj, Projections());
      auto s = std::make_unique<DrawService>(*l, proj, l->storage(), paths_.dir);
      SUIJI_RETURN_IF_ERROR(s->Sync());
      draws_ = std::move(s);
    }
    return draws_.get();
  }
  StatusOr<InspectionService*> Inspections() override {
    if (!inspections_) {
      SUIJI_ASSIGN_OR_RETURN(Ledger * l, Writer(NodeKeyRule::kInForce));
      SUIJI_ASSIGN_OR_RETURN(auto proj, Projections());
      auto s = std::make_unique<InspectionService>(*l, proj, l->storage());
      SUIJI_RETURN_IF_ERROR(s->Sync());
      inspections_ = std::move(s);
    }
    return inspections_.get();
  }
  StatusOr<IdentityService*> Identity() override {
    if (!identity_) {
      SUIJI_ASSIGN_OR_RETURN(Ledger * l, Writer(NodeKeyRule::kInForce));
      SUIJI_ASSIGN_OR_RETURN(auto proj, Projections());
      auto s = std::make_unique<IdentityService>(*l, proj, l->storage());
      SUIJI_RETURN_IF_ERROR(s->Sync());
      identity_ = std::move(s);
    }
    return identity_.get();
  }

 private:
  // The node's projections, opened once for every service of this process (an LMDB rule).
  StatusOr<std::shared_ptr<LmdbProjection>> Projections() {
    if (!projections_) {
      SUIJI_ASSIGN_OR_RETURN(projections_, OpenProjections(paths_.dir));
    }
    return projections_;
  }

  NodePaths paths_;
  // Declared before what borrows them, so they are destroyed last.
  std::unique_ptr<Ledger> ledger_;
  std::shared_ptr<LmdbProjection> projections_;
  std::unique_ptr<DirectoryProjection> projection_;
  std::unique_ptr<DirectoryService> dirs_;
  std::unique_ptr<DrawService> draws_;
  std::unique_ptr<InspectionService> inspections_;
  std::unique_ptr<IdentityService> identity_;
};

}  // namespace

std::unique_ptr<NodeAccess> OpenLocalNode(std::string data) {
  return std::make_unique<LocalNode>(std::move(data));
}

}  // namespace suiji::cli
