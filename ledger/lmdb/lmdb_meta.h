// Checks of an LMDB file's meta pages. LMDB refuses a meta page whose magic or version is
// wrong (MDB_INVALID), but trusts the rest of the one in use: garbage for its map size makes
// mdb_env_open fail with EINVAL or ENOMEM, which reads as a transient error (exit 3,
// "retryable") when it is corruption at rest, and a last page beyond the file would have
// reads fault (SIGBUS) on the map past the file's end.
//
// CheckLmdbMetaPages reads the two meta pages of `data_mdb` (pages 0 and 1) as LMDB 0.9 lays
// them out on this machine (native byte order; a 64-bit build), for use after mdb_env_open
// failed (never while a writer may be writing them: a meta page read as it is written can
// look torn). OK if the file does not exist or is empty, or both pages are plausible;
// kDataLoss naming the file, the page and what is wrong otherwise: no meta page flag, a bad
// magic or version, a page size that is not a power of two from 512 to 64 KiB, a map size
// that is not a multiple of it or beyond 2^48 bytes, and in the page in use (the larger
// transaction id) a last page beyond the map size or a database root beyond the file or the
// last page. (The last page itself may be beyond a healthy file's end: LMDB counts the
// "loose" pages a transaction allocated and freed again but never writes them.)
//
// CheckLmdbLastPage, after a successful open, with the last page of the meta LMDB picked
// (mdb_env_info) and the page size (mdb_env_stat): kDataLoss if the meta page in use names
// a last page beyond its map size or a database root beyond the end of the file (LMDB writes
// the pages a commit names before the meta page that names them, so a file measured after
// the meta was read always holds the roots).
#pragma once

#include <cstdint>
#include <filesystem>

#include "ledger/core/status.h"

namespace suiji {

Status CheckLmdbMetaPages(const std::filesystem::path& data_mdb);
Status CheckLmdbLastPage(const std::filesystem::path& data_mdb, uint64_t last_page, uint64_t page_size);

}  // namespace suiji
