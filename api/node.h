// A node's data directory: where a ledger's storage and key files live, and how to open it.
//
//   DIR/log/            LMDB environment (ledger/lmdb)
//   DIR/writer.lock     held by the one writing process
//   DIR/keys/node.key   the node key (writer + checkpoint), 0600
//   DIR/keys/root.key   the root authority key, 0600, unless `init --root-key-out` put it
//                       elsewhere (it should live offline in production)
//
// The same functions serve the command line now and the HTTP server later.
#pragma once

#include <filesystem>
#include <memory>

#include "ledger/ledger.h"

namespace suiji {

struct NodePaths {
  explicit NodePaths(std::filesystem::path data) : dir(std::move(data)) {}
  std::filesystem::path dir;
  std::filesystem::path keys() const { return dir / "keys"; }
  std::filesystem::path node_key() const { return keys() / "node.key"; }
  std::filesystem::path root_key() const { return keys() / "root.key"; }
};

struct InitResult {
  std::unique_ptr<Ledger> ledger;
  std::string root_key_id;
  std::filesystem::path root_key_path;
};

// Creates a new ledger in `paths.dir`: key files, genesis, node key registration, first
// checkpoint. kAlreadyExists if a ledger or key file is there already.
StatusOr<InitResult> InitNode(const NodePaths& paths, std::string_view ledger_id,
                              std::string_view description,
                              const std::filesystem::path& root_key_out, const Actor& actor,
                              LedgerOptions options);

// Opens the ledger for writing (takes the writer lock, loads the node key).
StatusOr<std::unique_ptr<Ledger>> OpenWriter(const NodePaths& paths, LedgerOptions options = {});
// Opens the ledger read-only (no lock, no key; works while a writer runs).
StatusOr<std::unique_ptr<Ledger>> OpenReader(const NodePaths& paths);

}  // namespace suiji
