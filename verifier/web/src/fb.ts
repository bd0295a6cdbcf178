// A bounds-checked FlatBuffers reader over stored bytes (schemas/*.fbs are the layouts).
//
// Why not the `flatbuffers` npm runtime: it has no verifier and reads past the end of a buffer
// silently (undefined → NaN), and a verifier must fail, naming the entry, on malformed bytes.
// This reader checks every offset it follows and throws FlatBufferError; the callers turn that
// into a failure of the entry. Only reading is needed: nothing is ever re-serialized (hashes
// and signatures are over the stored bytes).
import { fromUtf8 } from './bytes';

export class FlatBufferError extends Error {}

export class Buf {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(at: number, n: number): void {
    if (!(at >= 0 && n >= 0 && at + n <= this.bytes.length)) {
      throw new FlatBufferError(`offset ${at}+${n} beyond the ${this.bytes.length}-byte buffer`);
    }
  }
  u8(at: number): number {
    this.need(at, 1);
    return this.view.getUint8(at);
  }
  u16(at: number): number {
    this.need(at, 2);
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    this.need(at, 4);
    return this.view.getUint32(at, true);
  }
  i32(at: number): number {
    this.need(at, 4);
    return this.view.getInt32(at, true);
  }
  u64(at: number): bigint {
    this.need(at, 8);
    return this.view.getBigUint64(at, true);
  }
  i64(at: number): bigint {
    this.need(at, 8);
    return this.view.getBigInt64(at, true);
  }
  /** The root table of a buffer. */
  root(): Table {
    return new Table(this, this.u32(0));
  }
  identifier(): string {
    this.need(4, 4);
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }
}

/** One table: fields by their schema id (the order of declaration, or the explicit `id`). */
export class Table {
  private readonly vt: number;
  private readonly vtSize: number;
  constructor(readonly buf: Buf, readonly pos: number) {
    this.vt = pos - buf.i32(pos);
    this.vtSize = buf.u16(this.vt);
    if (this.vtSize < 4 || this.vtSize % 2 !== 0) throw new FlatBufferError(`bad vtable size ${this.vtSize}`);
    buf.need(this.vt, this.vtSize);
    buf.need(pos, buf.u16(this.vt + 2));
  }
  /** The absolute position of field `id`, or 0 when absent (its default applies). */
  field(id: number): number {
    const o = 4 + 2 * id;
    if (o >= this.vtSize) return 0;
    const off = this.buf.u16(this.vt + o);
    return off === 0 ? 0 : this.pos + off;
  }
  private ref(id: number): number {
    const at = this.field(id);
    return at === 0 ? 0 : at + this.buf.u32(at);
  }
  bool(id: number, def = false): boolean {
    const at = this.field(id);
    return at === 0 ? def : this.buf.u8(at) !== 0;
  }
  u8(id: number, def = 0): number {
    const at = this.field(id);
    return at === 0 ? def : this.buf.u8(at);
  }
  u16(id: number, def = 0): number {
    const at = this.field(id);
    return at === 0 ? def : this.buf.u16(at);
  }
  u32(id: number, def = 0): number {
    const at = this.field(id);
    return at === 0 ? def : this.buf.u32(at);
  }
  u64(id: number, def = 0n): bigint {
    const at = this.field(id);
    return at === 0 ? def : this.buf.u64(at);
  }
  i64(id: number, def = 0n): bigint {
    const at = this.field(id);
    return at === 0 ? def : this.buf.i64(at);
  }
  str(id: number): string {
    const at = this.ref(id);
    return at === 0 ? '' : readString(this.buf, at);
  }
  /** A [ubyte] vector, as a view into the buffer (no copy). */
  bytes(id: number): Uint8Array {
    const at = this.ref(id);
    if (at === 0) return new Uint8Array(0);
    const n = this.buf.u32(at);
    this.buf.need(at + 4, n);
    return this.buf.bytes.subarray(at + 4, at + 4 + n);
  }
  table(id: number): Table | null {
    const at = this.ref(id);
    return at === 0 ? null : new Table(this.buf, at);
  }
  strings(id: number): string[] {
    return this.refs(id).map((at) => readString(this.buf, at));
  }
  tables(id: number): Table[] {
    return this.refs(id).map((at) => new Table(this.buf, at));
  }
  private refs(id: number): number[] {
    const at = this.ref(id);
    if (at === 0) return [];
    const n = this.buf.u32(at);
    this.buf.need(at + 4, 4 * n);
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = at + 4 + 4 * i;
      out[i] = e + this.buf.u32(e);
    }
    return out;
  }
}

function readString(buf: Buf, at: number): string {
  const n = buf.u32(at);
  buf.need(at + 4, n + 1);
  try {
    return fromUtf8(buf.bytes.subarray(at + 4, at + 4 + n));
  } catch {
    throw new FlatBufferError('a string is not UTF-8');
  }
}
