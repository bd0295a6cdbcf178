#include "ledger/lmdb/lmdb_meta.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

namespace suiji {

namespace {

// LMDB 0.9's on-disk layout (mdb.c): a page header of 16 bytes (pgno u64, pad u16, flags
// u16, lower/upper u16), then MDB_meta: magic u32, version u32, address u64, mapsize u64,
// two MDB_db of 48 bytes (pad u32 — the page size in the first —, flags u16, depth u16,
// branch/leaf/overflow pages, entries, root: u64 each), last_pg u64, txnid u64.
constexpr size_t kPageHeader = 16;
constexpr uint16_t kPMeta = 0x08;
constexpr uint32_t kMagic = 0xBEEFC0DE;
constexpr uint32_t kDataVersion = 1;
constexpr uint64_t kInvalidPage = ~uint64_t{0};
constexpr size_t kMetaBytes = kPageHeader + 136;

struct Meta {
  uint16_t flags;
  uint32_t magic, version, psize;
  uint64_t mapsize, roots[2], last_pg, txnid;
};

template <typename T>
T At(const unsigned char* p, size_t off) {
  T v;
  std::memcpy(&v, p + off, sizeof v);
  return v;
}

Meta Parse(const unsigned char* page) {
  Meta m{};
  m.flags = At<uint16_t>(page, 10);
  const unsigned char* meta = page + kPageHeader;
  m.magic = At<uint32_t>(meta, 0);
  m.version = At<uint32_t>(meta, 4);
  m.mapsize = At<uint64_t>(meta, 16);
  m.psize = At<uint32_t>(meta, 24);
  for (size_t i = 0; i < 2; ++i) m.roots[i] = At<uint64_t>(meta, 24 + 48 * i + 40);
  m.last_pg = At<uint64_t>(meta, 120);
  m.txnid = At<uint64_t>(meta, 128);
  return m;
}

}  // namespace

Status CheckLmdbLastPage(const std::filesystem::path& data_mdb, uint64_t last_page, uint64_t page_size) {
  // The last page itself may lie beyond the end of a healthy file: LMDB counts pages a
  // transaction allocated and freed again ("loose" pages) in its last page but never writes
  // them. The roots it commits are always written before the meta page that names them.
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(data_mdb, ec);
  if (ec || page_size == 0) return OkStatus();
  const uint64_t pages = file_size / page_size;
  std::ifstream in(data_mdb, std::ios::binary);
  unsigned char buf[kMetaBytes];
  Meta metas[2];
  for (int i = 0; i < 2; ++i) {
    in.seekg(static_cast<std::streamoff>(static_cast<uint64_t>(i) * page_size));
    if (!in.read(reinterpret_cast<char*>(buf), sizeof buf)) return OkStatus();  // LMDB opened it
    metas[i] = Parse(buf);
  }
  const int used = metas[1].txnid > metas[0].txnid ? 1 : 0;
  const Meta& m = metas[used];
  auto bad = [&](const std::string& what) {
    return DataLoss("bad LMDB meta page in use of " + data_mdb.string() + ": " + what);
  };
  if (m.last_pg != last_page) return OkStatus();  // another process committed since: not ours to judge
  if (m.mapsize != 0 && last_page >= m.mapsize / page_size) {
    return bad("its last page " + std::to_string(last_page) + " is beyond its map size");
  }
  for (uint64_t root : m.roots) {
    if (root != kInvalidPage && (root < 2 || root >= pages || root > last_page)) {
      return bad("a database root " + std::to_string(root) + " is not in the file (" + std::to_string(pages) +
                 " pages)");
    }
  }
  return OkStatus();
}

Status CheckLmdbMetaPages(const std::filesystem::path& data_mdb) {
  std::error_code ec;
  if (!std::filesystem::exists(data_mdb, ec)) return OkStatus();
  const uint64_t file_size = std::filesystem::file_size(data_mdb, ec);
  if (ec) return OkStatus();  // LMDB's own open reports what is wrong with the file
  std::ifstream in(data_mdb, std::ios::binary);
  if (!in) return OkStatus();
  auto bad = [&](int page, const std::string& what) {
    return DataLoss("bad LMDB meta page " + std::to_string(page) + " of " + data_mdb.string() + ": " +
                    what);
  };
  if (file_size == 0) return OkStatus();  // created, never committed: LMDB initialises it
  unsigned char buf[kMetaBytes];
  Meta metas[2];
  uint32_t psize = 0;
  for (int i = 0; i < 2; ++i) {
    const uint64_t off = static_cast<uint64_t>(i) * psize;
    if (off + kMetaBytes > file_size) return bad(i, "the file ends before it");
    in.seekg(static_cast<std::streamoff>(off));
    if (!in.read(reinterpret_cast<char*>(buf), sizeof buf)) return bad(i, "cannot read it");
    const Meta m = Parse(buf);
    if ((m.flags & kPMeta) == 0) return bad(i, "not marked as a meta page");
    if (m.magic != kMagic) return bad(i, "bad magic number");
    if (m.version != kDataVersion) return bad(i, "bad version " + std::to_string(m.version));
    if (m.psize < 512 || m.psize > 65536 || (m.psize & (m.psize - 1)) != 0) {
      return bad(i, "implausible page size " + std::to_string(m.psize));
    }
    if (i == 0) psize = m.psize;
    if (m.psize != psize) return bad(i, "page size differs from page 0's");
    if (m.mapsize % psize != 0 || m.mapsize > (uint64_t{1} << 48)) {
      return bad(i, "implausible map size " + std::to_string(m.mapsize));
    }
    metas[i] = m;
  }
  const int used = metas[1].txnid > metas[0].txnid ? 1 : 0;
  const Meta& m = metas[used];
  // The last page may lie beyond a healthy file's end (unwritten "loose" pages, see
  // CheckLmdbLastPage); the roots may not.
  if (m.last_pg < 1 || m.last_pg >= m.mapsize / psize) {
    return bad(used, "its last page " + std::to_string(m.last_pg) + " is beyond its map size");
  }
  for (uint64_t root : m.roots) {
    if (root != kInvalidPage && (root < 2 || root > m.last_pg || root >= file_size / psize)) {
      return bad(used, "a database root " + std::to_string(root) + " is not in the file (" +
                           std::to_string(file_size / psize) + " pages) or beyond its last page " +
                           std::to_string(m.last_pg));
    }
  }
  return OkStatus();
}

}  // namespace suiji
