// Files and folders of a data directory are the node's alone: keys, draw secrets, the log,
// the read models, the audit trail. Everything a node creates there is created private
// (folders 0700, files 0600) whatever the process's umask (a node run outside systemd, whose
// unit sets UMask=0077), and a secret file that group or others may read is refused, as a key
// file is (ledger/keystore.h).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "ledger/core/status.h"

namespace suiji {

// Creates `dir` and any missing parent, each created folder with mode 0700 (folders that
// exist are left as they are). kUnavailable (DiskFull on ENOSPC/EDQUOT) naming the folder.
Status CreatePrivateDirectories(const std::filesystem::path& dir);

// Appends `text` to `path`, creating it with mode 0600.
Status AppendPrivateFile(const std::filesystem::path& path, std::string_view text);

// kPermissionDenied "<what> <path> is readable by group or others; chmod 600 it" if the open
// file `fd` is; OK otherwise.
Status CheckPrivateFile(int fd, const std::filesystem::path& path, std::string_view what);

// True if the file system holding `path` has less than 1 MiB free for this user: then an
// EIO from a write there (LMDB reports a short write as EIO) is a full disk.
bool DiskNearlyFull(const std::filesystem::path& path);

// The status of a failed file operation on `path`: DiskFull for ENOSPC and EDQUOT (naming the
// path), kUnavailable otherwise; `what` says what was being done.
Status FileError(int err, const std::filesystem::path& path, const std::string& what);

}  // namespace suiji
