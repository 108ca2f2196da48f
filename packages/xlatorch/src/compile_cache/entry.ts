// Writer and reader of one persistent compile cache entry (cache_entry.fbs),
// hand-written on the flatbuffers runtime (no flatc in the build). The reader
// bounds-checks every offset it follows and checks the file identifier, the
// format version, the key and a CRC-32 of the whole file, so a truncated,
// corrupted, foreign or other-version file is an EntryError, never a wrong
// payload.
import * as flatbuffers from "flatbuffers";
import { CheckedReader, type Tbl } from "../checked_reader.js";
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
  const r = reader(bytes);
  const at = r.field(r.table(r.bb.readUint32(0)), SLOT.crc, 4);
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
  const r = reader(bytes);
  const root = r.table(r.bb.readUint32(0));
  const version = r.u32(root, SLOT.version);
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
    key: r.str(root, SLOT.key) ?? corrupt("the entry has no key"),
    platform: r.str(root, SLOT.platform) ?? corrupt("the entry has no platform"),
    identity: r.str(root, SLOT.identity) ?? corrupt("the entry has no identity"),
    payload: payloadOf(r, root),
  };
  if (rec.key !== key)
    throw new EntryError("key", `the entry holds key ${rec.key.slice(0, 16)}..., not ${key.slice(0, 16)}... (a file copied or renamed)`);
  return rec;
}

const corrupt = (what: string): never => {
  throw new EntryError("corrupt", `${what} (truncated or corrupted)`);
};
const reader = (bytes: Uint8Array) => new CheckedReader(bytes, corrupt);
function payloadOf(r: CheckedReader, root: Tbl): Uint8Array {
  const [at, n] = r.vector(root, SLOT.payload, 1) ?? corrupt("the entry has no payload");
  return r.bytes.subarray(at, at + n);
}

const hex = (x: number) => `0x${x.toString(16).padStart(8, "0")}`;
