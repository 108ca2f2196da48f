// Writer and reader of one persistent compile cache entry (cache_entry.fbs),
// hand-written on the flatbuffers runtime (no flatc in the build). The reader
// bounds-checks every offset it follows and checks the file identifier, the
// format version, the key and a CRC-32 of the whole file, so a truncated,
// corrupted, foreign or other-version file is an EntryError, never a wrong
// payload.
import * as flatbuffers from "flatbuffers";
import { fileCrc } from "../file_crc.js";

export const ENTRY_IDENTIFIER = "XLCC";
export const ENTRY_FORMAT_VERSION = 1;
const SLOT = { version: 0, key: 1, platform: 2, identity: 3, payload: 4, crc: 5 } as const;
const MAX_BYTES = 0x7fff_fff0; // flatbuffers' 32-bit offsets

export interface EntryRec {
  key: string;
  platform: string;
  identity: string;
  payload: Uint8Array;
}

/** Why an entry cannot be used; `kind` says what to report. */
export class EntryError extends Error {
  constructor(
    readonly kind: "foreign" | "version" | "corrupt" | "key",
    message: string,
  ) {
    super(message);
    this.name = "EntryError";
  }
}

/** Serialises an entry; `version` is only for tests that write other versions. */
export function writeEntry(e: EntryRec, version: number = ENTRY_FORMAT_VERSION): Uint8Array {
  const size = 256 + e.payload.length + 3 * (e.key.length + e.platform.length + e.identity.length);
  if (size > MAX_BYTES) throw new RangeError(`a compile cache entry of ${e.payload.length} bytes is beyond the 2 GiB limit of the format`);
  const b = new flatbuffers.Builder(size);
  b.prep(16, e.payload.length); // the payload starts 16-byte aligned in the file
  const payload = b.createByteVector(e.payload);
  const key = b.createString(e.key),
    platform = b.createString(e.platform),
    identity = b.createString(e.identity);
  b.startObject(6);
  b.addFieldInt32(SLOT.version, version, null); // always written, so any value reads back
  b.addFieldOffset(SLOT.key, key, 0);
  b.addFieldOffset(SLOT.platform, platform, 0);
  b.addFieldOffset(SLOT.identity, identity, 0);
  b.addFieldOffset(SLOT.payload, payload, 0);
  b.addFieldInt32(SLOT.crc, 0, null); // always written; filled in below
  b.finish(b.endObject(), ENTRY_IDENTIFIER);
  const bytes = b.asUint8Array().slice();
  const r = new Reader(bytes);
  const at = r.field(r.root(), SLOT.crc, 4);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, fileCrc(bytes, at), true);
  return bytes;
}

/**
 * Parses an entry and checks it belongs to `key`. Returns the payload (a view
 * into `bytes`). Throws EntryError for anything else.
 */
export function readEntry(bytes: Uint8Array, key: string): EntryRec {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== ENTRY_IDENTIFIER) {
    throw new EntryError("foreign", `not an xlatorch compile cache entry (file identifier "${ENTRY_IDENTIFIER}" expected at bytes 4-7)`);
  }
  const r = new Reader(bytes);
  const root = r.root();
  const vp = r.field(root, SLOT.version, 4);
  const version = vp ? r.bb.readUint32(vp) : 0;
  if (version !== ENTRY_FORMAT_VERSION) {
    throw new EntryError("version", `the entry has format version ${version}; this xlatorch reads version ${ENTRY_FORMAT_VERSION}`);
  }
  const at = r.field(root, SLOT.crc, 4);
  if (!at) throw new EntryError("corrupt", "the entry has no CRC-32");
  const stored = r.bb.readUint32(at),
    computed = fileCrc(bytes, at);
  if (stored !== computed)
    throw new EntryError("corrupt", `its CRC-32 is ${hex(computed)}, but ${hex(stored)} was written (corrupted or truncated)`);
  const rec: EntryRec = {
    key: r.str(root, SLOT.key),
    platform: r.str(root, SLOT.platform),
    identity: r.str(root, SLOT.identity),
    payload: r.bytesField(root, SLOT.payload),
  };
  if (rec.key !== key)
    throw new EntryError("key", `the entry holds key ${rec.key.slice(0, 16)}..., not ${key.slice(0, 16)}... (a file copied or renamed)`);
  return rec;
}

const hex = (x: number) => `0x${x.toString(16).padStart(8, "0")}`;

/** Bounds-checked reads of the root table. */
class Reader {
  readonly bb: flatbuffers.ByteBuffer;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  constructor(readonly bytes: Uint8Array) {
    this.bb = new flatbuffers.ByteBuffer(bytes);
  }
  private need(pos: number, len: number, what: string): void {
    if (!(Number.isInteger(pos) && pos >= 0 && len >= 0 && pos + len <= this.bytes.length)) {
      throw new EntryError("corrupt", `${what} at byte ${pos} runs past the end (${this.bytes.length} bytes; truncated or corrupted)`);
    }
  }
  root(): { pos: number; vt: number; vtSize: number } {
    this.need(0, 4, "root offset");
    const pos = this.bb.readUint32(0);
    this.need(pos, 4, "table");
    const vt = pos - this.bb.readInt32(pos);
    this.need(vt, 4, "vtable");
    const vtSize = this.bb.readUint16(vt),
      size = this.bb.readUint16(vt + 2);
    this.need(vt, vtSize, "vtable");
    this.need(pos, size, "table");
    return { pos, vt, vtSize };
  }
  /** Absolute position of a field of `size` bytes, or 0 when absent. */
  field(t: { pos: number; vt: number; vtSize: number }, slot: number, size: number): number {
    const vo = 4 + 2 * slot;
    if (vo + 2 > t.vtSize) return 0;
    const o = this.bb.readUint16(t.vt + vo);
    if (!o) return 0;
    this.need(t.pos + o, size, "field");
    return t.pos + o;
  }
  private vector(t: { pos: number; vt: number; vtSize: number }, slot: number, what: string): [number, number] {
    const p = this.field(t, slot, 4);
    if (!p) throw new EntryError("corrupt", `the entry has no ${what}`);
    const v = p + this.bb.readUint32(p);
    this.need(v, 4, what);
    const n = this.bb.readUint32(v);
    this.need(v + 4, n, what);
    return [v + 4, n];
  }
  str(t: { pos: number; vt: number; vtSize: number }, slot: number): string {
    const [s, n] = this.vector(t, slot, "string");
    try {
      return this.decoder.decode(this.bytes.subarray(s, s + n));
    } catch {
      throw new EntryError("corrupt", `invalid UTF-8 in a string at byte ${s}`);
    }
  }
  bytesField(t: { pos: number; vt: number; vtSize: number }, slot: number): Uint8Array {
    const [s, n] = this.vector(t, slot, "payload");
    return this.bytes.subarray(s, s + n);
  }
}
