#include "api/node.h"

#include "ledger/keystore.h"
#include "ledger/lmdb/lmdb_storage.h"

namespace suiji {

StatusOr<InitResult> InitNode(const NodePaths& paths, std::string_view ledger_id,
                              std::string_view description,
                              const std::filesystem::path& root_key_out, const Actor& actor,
                              LedgerOptions options) {
  SUIJI_RETURN_IF_ERROR(ValidateLedgerId(ledger_id));
  std::error_code ec;
  std::filesystem::create_directories(paths.keys(), ec);
  if (ec) return Unavailable("cannot create " + paths.keys().string() + ": " + ec.message());
  std::filesystem::permissions(paths.keys(), std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  SUIJI_ASSIGN_OR_RETURN(auto storage, OpenLmdbStorage(paths.dir, StorageMode::kWriter));
  SUIJI_ASSIGN_OR_RETURN(uint64_t existing, storage->Size());
  if (existing != 0) return AlreadyExists("a ledger already exists in " + paths.dir.string());

  KeyPair root = KeyPair::Generate();
  KeyPair node = KeyPair::Generate();
  std::filesystem::path root_path = root_key_out.empty() ? paths.root_key() : root_key_out;
  SUIJI_RETURN_IF_ERROR(WriteKeyFile(root_path, root));
  Status node_written = WriteKeyFile(paths.node_key(), node);
  if (!node_written.ok()) {
    std::filesystem::remove(root_path, ec);
    return node_written;
  }
  auto ledger = Ledger::Create(std::move(storage), ledger_id, description, root, std::move(node),
                               actor, std::move(options));
  if (!ledger.ok()) {
    std::filesystem::remove(root_path, ec);
    std::filesystem::remove(paths.node_key(), ec);
    return ledger.status();
  }
  InitResult out;
  out.ledger = std::move(*ledger);
  out.root_key_id = root.key_id();
  out.root_key_path = root_path;
  return out;
}

StatusOr<std::unique_ptr<Ledger>> OpenWriter(const NodePaths& paths, LedgerOptions options) {
  // Opening the LMDB writer would create the environment: refuse first if there is no
  // ledger, so a mistyped --data leaves nothing behind.
  std::error_code ec;
  if (!std::filesystem::exists(paths.dir / "log" / "data.mdb", ec)) {
    return NotFound("no ledger in " + paths.dir.string() + ": run `suiji init` first");
  }
  SUIJI_ASSIGN_OR_RETURN(auto storage, OpenLmdbStorage(paths.dir, StorageMode::kWriter));
  SUIJI_ASSIGN_OR_RETURN(KeyPair node, ReadKeyFile(paths.node_key()));
  return Ledger::Open(std::move(storage), std::move(node), std::move(options));
}

StatusOr<std::unique_ptr<Ledger>> OpenReader(const NodePaths& paths) {
  SUIJI_ASSIGN_OR_RETURN(auto storage, OpenLmdbStorage(paths.dir, StorageMode::kReadOnly));
  return Ledger::Open(std::move(storage), std::nullopt, {});
}

}  // namespace suiji
