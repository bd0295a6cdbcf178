// SHA-256, Ed25519, RFC 6962/9162 Merkle hashing and inclusion proofs, C2SP signed notes.
//
// SHA-256 and Ed25519 come from @noble/hashes and @noble/curves (pinned): synchronous pure
// functions over bytes that run the same in every browser and in Node. WebCrypto would be
// asynchronous per call (a draw hashes each target once or more: tens of thousands of small
// messages, where a promise per hash costs more than the hash) and has Ed25519 only in recent
// browsers (Chromium 113+, Firefox 129+, Safari 17+); the portal must work on older phones too.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { ed25519 } from '@noble/curves/ed25519';
import { concat, fromBase64, toHex, utf8, equalBytes } from './bytes';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return nobleSha256(parts[0]);
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Ed25519 (RFC 8032) verification; false for a malformed key or signature too. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** The ledger's key id: 16 hex characters, the first 8 bytes of SHA-256(public key). */
export function keyId(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey).subarray(0, 8));
}

const ZERO = new Uint8Array([0]);
const ONE = new Uint8Array([1]);
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(ZERO, data);
}
export function nodeHash(l: Uint8Array, r: Uint8Array): Uint8Array {
  return sha256(ONE, l, r);
}

/** RFC 6962 Merkle tree hash of leaf hashes: pairs left to right, an odd last node carried up. */
export function merkleRootOfLeaves(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/**
 * RFC 9162 §2.1.3.2: whether `path` proves leaf `index` (with hash `leaf`) in the tree of `size`
 * leaves with root `root`.
 */
export function verifyInclusion(index: bigint, size: bigint, leaf: Uint8Array, path: Uint8Array[], root: Uint8Array): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of path) {
    if (p.length !== 32) return false;
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, root);
}

/** A C2SP note verifier key `name+hash+base64(0x01 ‖ public key)` (Ed25519). */
export interface VerifierKey {
  text: string;
  name: string;
  hash: Uint8Array;       // 4 bytes
  publicKey: Uint8Array;  // 32 bytes
}

export function parseVerifierKey(text: string): VerifierKey {
  const t = text.trim();
  // The name holds no '+'; the base64 may.
  const m = /^([^+\s]+)\+([^+]*)\+(\S+)$/.exec(t);
  if (!m) throw new Error(`验证密钥格式应为 名称+哈希+公钥 (name+hash+base64): ${t.slice(0, 80)}`);
  const [, name, hashHex, b64] = m;
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new Error(`验证密钥的哈希应为 8 位十六进制: ${hashHex}`);
  const raw = fromBase64(b64);
  if (!raw || raw.length !== 33 || raw[0] !== 1) throw new Error('验证密钥不是 Ed25519 密钥 (0x01 ‖ 32 字节)');
  const publicKey = raw.subarray(1);
  const hash = noteKeyHash(name, publicKey);
  if (toHex(hash) !== hashHex) throw new Error(`验证密钥的哈希 ${hashHex} 与名称和公钥不符 (应为 ${toHex(hash)})`);
  return { text: t, name, hash, publicKey };
}

export function noteKeyHash(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(utf8(name), new Uint8Array([0x0a, 0x01]), publicKey).subarray(0, 4);
}

export interface NoteSignature { name: string; hash: Uint8Array; signature: Uint8Array; }
export interface Note { text: string; signatures: NoteSignature[]; }

/** Splits a signed note into its text (up to and including the newline before the blank line) and its signature lines. */
export function parseNote(note: string): Note {
  const at = note.indexOf('\n\n');
  if (at < 0) throw new Error('签名注记缺少正文与签名之间的空行');
  const text = note.slice(0, at + 1);
  const sigs: NoteSignature[] = [];
  const rest = note.slice(at + 2);
  if (!rest.endsWith('\n')) throw new Error('签名注记的最后一行没有换行');
  for (const line of rest.slice(0, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error(`签名注记的签名行格式错误: ${line.slice(0, 80)}`);
    const raw = fromBase64(m[2]);
    if (!raw || raw.length < 5) throw new Error(`签名注记的签名不是 base64: ${line.slice(0, 80)}`);
    sigs.push({ name: m[1], hash: raw.subarray(0, 4), signature: raw.subarray(4) });
  }
  return { text, signatures: sigs };
}

/** Whether one of the note's signatures is by `key` and verifies. */
export function noteSignedBy(note: Note, key: VerifierKey): boolean {
  const msg = utf8(note.text);
  return note.signatures.some(
    (s) => s.name === key.name && equalBytes(s.hash, key.hash) && ed25519Verify(s.signature, msg, key.publicKey),
  );
}

export interface Checkpoint { origin: string; size: bigint; root: Uint8Array; }
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4) throw new Error('检查点正文应有来源、树大小和根哈希三行');
  const [origin, sizeText, rootText] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new Error(`检查点的树大小不是十进制数: ${sizeText}`);
  const root = fromBase64(rootText);
  if (!root || root.length !== 32) throw new Error('检查点的根哈希不是 32 字节的 base64');
  return { origin, size: BigInt(sizeText), root };
}

export { concat };
