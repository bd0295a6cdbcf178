// The node's projections: one LmdbProjection (projections/lmdb_projection.h) in
// DIR/projections/state holding every folder, applied in the order NodeFolders() gives, so
// each folder is at the same log position as the others and a later one may read an
// earlier one's state inside the same transaction. Every process opens them through
// OpenProjections, so all agree on the folders; open them once per process and data
// directory (an LMDB rule) and share the handle.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "projections/lmdb_projection.h"

namespace suiji {

// Every folder, in the order they are applied: the directory first (the others read it).
std::vector<std::unique_ptr<ProjectionFolder>> NodeFolders();

// Opens (creating if needed) DIR/projections/state with NodeFolders().
StatusOr<std::shared_ptr<LmdbProjection>> OpenProjections(const std::filesystem::path& data_dir,
                                                          ProjectionSync sync = ProjectionSync::kEachCommit);

}  // namespace suiji
