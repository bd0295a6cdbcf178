#include "projections/projections.h"

#include "projections/directory_projection.h"
#include "projections/draw_projection.h"
#include "projections/identity_projection.h"
#include "projections/inspection_projection.h"
#include "projections/public_projection.h"
#include "projections/stats_projection.h"

namespace suiji {

std::vector<std::unique_ptr<ProjectionFolder>> NodeFolders() {
  std::vector<std::unique_ptr<ProjectionFolder>> folders;
  folders.push_back(NewDirectoryFolder());
  folders.push_back(NewDrawFolder(*folders.front()));
  ProjectionFolder& draws = *folders.back();
  folders.push_back(NewInspectionFolder(draws));  // reads the draws (and the directory)
  folders.push_back(NewStatsFolder(draws));       // reads the draws folder
  folders.push_back(NewIdentityFolder());
  folders.push_back(NewPublicFolder(*folders.front()));  // reads the directory
  return folders;
}

StatusOr<std::shared_ptr<LmdbProjection>> OpenProjections(const std::filesystem::path& data_dir,
                                                          ProjectionSync sync) {
  SUIJI_ASSIGN_OR_RETURN(auto p, LmdbProjection::Open(data_dir / "projections" / "state", sync, NodeFolders()));
  return std::shared_ptr<LmdbProjection>(std::move(p));
}

}  // namespace suiji
