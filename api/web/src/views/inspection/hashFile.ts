// SHA-256 of an evidence file, in the browser: the file never leaves it (only its name, size,
// kind and hash are sent). @noble/hashes (pinned in package.json) rather than crypto.subtle:
// subtle exists only in secure contexts (a bureau intranet on plain http is not one) and
// cannot hash a file in pieces, so a 2 GB video would have to be read into memory whole.
// Here the file is read in 4 MiB slices, each hashed and dropped, with the progress reported.
import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex } from '@noble/hashes/utils'

export const HASH_CHUNK_BYTES = 4 * 1024 * 1024

export async function hashFile(file: Blob, onProgress: (done: number, total: number) => void): Promise<string> {
  const h = sha256.create()
  onProgress(0, file.size)
  for (let off = 0; off < file.size; off += HASH_CHUNK_BYTES) {
    const end = Math.min(off + HASH_CHUNK_BYTES, file.size)
    h.update(new Uint8Array(await file.slice(off, end).arrayBuffer()))
    onProgress(end, file.size)
  }
  return bytesToHex(h.digest())
}
