// Writer and reader for checkpoint.fbs, hand-written on the flatbuffers runtime
// (no flatc in the build). A CRC-32 of the whole file catches corruption and
// truncation, and the reader bounds-checks every offset it follows besides.
import * as flatbuffers from "flatbuffers";
import { fileCrc } from "../file_crc.js";
import { TorchError } from "@xlatorch/core";

export const FILE_IDENTIFIER = "XLTC";
export const FORMAT_VERSION = 1;

/** checkpoint.fbs `enum DType`, by code. */
export const DTYPE_CODES = ["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool"] as const;
export type DTypeCodeName = (typeof DTYPE_CODES)[number];

/** checkpoint.fbs `enum Kind`. */
export const Kind = {
  None: 0,
  Undefined: 1,
  Bool: 2,
  Number: 3,
  BigInt: 4,
  String: 5,
  List: 6,
  Dict: 7,
  Map: 8,
  Tensor: 9,
  DType: 10,
  Device: 11,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];
const KIND_COUNT = 12;

export interface StorageRec {
  dtype: DTypeCodeName;
  data: Uint8Array;
}
export interface TensorRec {
  storage: number;
  offset: number;
  shape: number[];
  stride: number[];
  device: string;
  requires_grad: boolean;
  parameter: boolean;
}
export interface ValueRec {
  kind: Kind;
  flag?: boolean;
  number?: number;
  text?: string;
  keys?: string[];
  items?: number[];
  tensor?: TensorRec;
}
export interface CheckpointRec {
  root: number;
  values: ValueRec[];
  storages: StorageRec[];
}

/** Where Checkpoint.crc32 sits in a buffer this module wrote. */
function crcField(bytes: Uint8Array): number {
  const bb = new flatbuffers.ByteBuffer(bytes);
  const root = bb.readUint32(0),
    vt = root - bb.readInt32(root);
  return root + bb.readUint16(vt + 4 + 2 * CRC_SLOT);
}
const CRC_SLOT = 4;

// ---- writing ---------------------------------------------------------------------------

const MAX_BYTES = 0x7fff_fff0; // flatbuffers' 32-bit offsets

export function writeCheckpoint(ck: CheckpointRec): Uint8Array {
  // The size up front (the builder only doubles up to 1 GiB), generously for the metadata.
  let size = 1024;
  for (const s of ck.storages) size += s.data.length + 32;
  for (const v of ck.values) {
    size += 96 + 3 * (v.text?.length ?? 0) + 4 * (v.items?.length ?? 0);
    for (const k of v.keys ?? []) size += 8 + 3 * k.length;
    if (v.tensor) size += 96 + 16 * v.tensor.shape.length + 3 * v.tensor.device.length;
  }
  if (size > MAX_BYTES)
    throw new TorchError(
      `torch.save: the checkpoint would take about ${size} bytes, beyond the 2 GiB limit of the xlatorch format (flatbuffers' 32-bit offsets); save the state dict in several files`,
    );
  const b = new flatbuffers.Builder(size);

  const vector = (elemSize: number, n: number, add: (i: number) => void): number => {
    b.startVector(elemSize, n, elemSize);
    for (let i = n - 1; i >= 0; i--) add(i);
    return b.endVector();
  };
  const offsets = (offs: number[]) => vector(4, offs.length, (i) => b.addOffset(offs[i]!));
  const longs = (xs: number[]) => vector(8, xs.length, (i) => b.addInt64(BigInt(xs[i]!)));

  const storages = ck.storages.map((s) => {
    b.prep(16, s.data.length); // the data starts 16-byte aligned in the file
    const data = b.createByteVector(s.data);
    b.startObject(2);
    b.addFieldInt8(0, DTYPE_CODES.indexOf(s.dtype), 0);
    b.addFieldOffset(1, data, 0);
    return b.endObject();
  });

  const tensorMeta = (t: TensorRec): number => {
    const shape = longs(t.shape),
      stride = longs(t.stride),
      device = b.createString(t.device);
    b.startObject(7);
    b.addFieldInt32(0, t.storage, 0);
    b.addFieldInt64(1, BigInt(t.offset), 0n);
    b.addFieldOffset(2, shape, 0);
    b.addFieldOffset(3, stride, 0);
    b.addFieldOffset(4, device, 0);
    b.addFieldInt8(5, +t.requires_grad, 0);
    b.addFieldInt8(6, +t.parameter, 0);
    return b.endObject();
  };

  const values = ck.values.map((v) => {
    const text = v.text !== undefined ? b.createString(v.text) : 0;
    const keys = v.keys ? offsets(v.keys.map((k) => b.createSharedString(k))) : 0;
    const items = v.items ? vector(4, v.items.length, (i) => b.addInt32(v.items![i]!)) : 0;
    const tensor = v.tensor ? tensorMeta(v.tensor) : 0;
    b.startObject(7);
    b.addFieldInt8(0, v.kind, 0);
    if (v.flag !== undefined) b.addFieldInt8(1, +v.flag, 0);
    if (v.number !== undefined) b.addFieldFloat64(2, v.number, null);
    b.addFieldOffset(3, text, 0);
    b.addFieldOffset(4, keys, 0);
    b.addFieldOffset(5, items, 0);
    b.addFieldOffset(6, tensor, 0);
    return b.endObject();
  });

  const valuesVec = offsets(values),
    storagesVec = offsets(storages);
  b.startObject(5);
  b.addFieldInt32(0, FORMAT_VERSION, 0);
  b.addFieldInt32(1, ck.root, 0);
  b.addFieldOffset(2, valuesVec, 0);
  b.addFieldOffset(3, storagesVec, 0);
  b.addFieldInt32(CRC_SLOT, 0, null); // always written; filled in below
  b.finish(b.endObject(), FILE_IDENTIFIER);
  const bytes = b.asUint8Array();
  const at = crcField(bytes);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, fileCrc(bytes, at), true);
  return bytes;
}

// ---- reading ---------------------------------------------------------------------------

/** Bounds-checked access to the tables of one buffer. */
class Reader {
  readonly bb: flatbuffers.ByteBuffer;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  constructor(
    readonly bytes: Uint8Array,
    private readonly corrupt: (what: string) => never,
  ) {
    this.bb = new flatbuffers.ByteBuffer(bytes);
  }
  private need(pos: number, len: number, what: string): void {
    if (!(pos >= 0 && pos + len <= this.bytes.length))
      this.corrupt(`${what} at byte ${pos} runs past the end (${this.bytes.length} bytes)`);
  }
  /** A table at `pos` (checked); returns it for field reads. */
  table(pos: number): { pos: number; vt: number; vtSize: number } {
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
  field(t: Tbl, slot: number, size: number): number {
    const vo = 4 + 2 * slot;
    if (vo >= t.vtSize) return 0;
    const o = this.bb.readUint16(t.vt + vo);
    if (!o) return 0;
    this.need(t.pos + o, size, "field");
    return t.pos + o;
  }
  u8(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 1);
    return p ? this.bb.readUint8(p) : 0;
  }
  u32(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 4);
    return p ? this.bb.readUint32(p) : 0;
  }
  f64(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 8);
    return p ? this.bb.readFloat64(p) : 0;
  }
  u64(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 8);
    const v = p ? this.bb.readUint64(p) : 0n;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.corrupt(`offset ${v} out of range`);
    return Number(v);
  }
  /** [start, length] of a vector field with `elemSize`-byte elements, or null when absent. */
  vector(t: Tbl, slot: number, elemSize: number): [number, number] | null {
    const p = this.field(t, slot, 4);
    if (!p) return null;
    const v = p + this.bb.readUint32(p);
    this.need(v, 4, "vector");
    const n = this.bb.readUint32(v);
    this.need(v + 4, n * elemSize, "vector");
    return [v + 4, n];
  }
  tables(t: Tbl, slot: number): Tbl[] {
    const [s, n] = this.vector(t, slot, 4) ?? [0, 0];
    return Array.from({ length: n }, (_, i) => this.table(s + 4 * i + this.bb.readUint32(s + 4 * i)));
  }
  private stringAt(p: number): string {
    const s = p + this.bb.readUint32(p);
    this.need(s, 4, "string");
    const n = this.bb.readUint32(s);
    this.need(s + 4, n, "string");
    try {
      return this.decoder.decode(this.bytes.subarray(s + 4, s + 4 + n));
    } catch {
      return this.corrupt(`invalid UTF-8 in a string at byte ${s}`);
    }
  }
  str(t: Tbl, slot: number): string | undefined {
    const p = this.field(t, slot, 4);
    return p ? this.stringAt(p) : undefined;
  }
  strings(t: Tbl, slot: number): string[] | undefined {
    const v = this.vector(t, slot, 4);
    return v ? Array.from({ length: v[1] }, (_, i) => this.stringAt(v[0] + 4 * i)) : undefined;
  }
  u32s(t: Tbl, slot: number): number[] | undefined {
    const v = this.vector(t, slot, 4);
    return v ? Array.from({ length: v[1] }, (_, i) => this.bb.readUint32(v[0] + 4 * i)) : undefined;
  }
  i64s(t: Tbl, slot: number): number[] {
    const v = this.vector(t, slot, 8);
    return v ? Array.from({ length: v[1] }, (_, i) => Number(this.bb.readInt64(v[0] + 8 * i))) : [];
  }
  tableField(t: Tbl, slot: number): Tbl | undefined {
    const p = this.field(t, slot, 4);
    return p ? this.table(p + this.bb.readUint32(p)) : undefined;
  }
}
type Tbl = ReturnType<Reader["table"]>;

/**
 * Parses a checkpoint. `describe` names the source in errors. Storage data are
 * views into `bytes` (not copies). Structural checks only: load.ts checks
 * indices, kinds and tensor extents.
 */
export function readCheckpoint(bytes: Uint8Array, describe: string): CheckpointRec {
  const fail = (msg: string): never => {
    throw new TorchError(`torch.load: ${describe}: ${msg}`);
  };
  const corrupt = (what: string): never => fail(`the xlatorch checkpoint is corrupted or truncated: ${what}`);
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== FILE_IDENTIFIER) fail(foreignMessage(bytes));
  const r = new Reader(bytes, corrupt);
  const root = r.table(r.bb.readUint32(0));
  const version = r.u32(root, 0);
  if (version !== FORMAT_VERSION) {
    fail(
      `the xlatorch checkpoint has format version ${version}, but this xlatorch reads version ${FORMAT_VERSION}${version > FORMAT_VERSION ? " (it was written by a newer xlatorch; upgrade to read it)" : ""}`,
    );
  }
  const at = r.field(root, CRC_SLOT, 4) || corrupt("it has no CRC-32");
  const stored = r.bb.readUint32(at),
    computed = fileCrc(bytes, at);
  if (stored !== computed) corrupt(`its CRC-32 is ${hex(computed)}, but ${hex(stored)} was written`);
  const storages = r.tables(root, 3).map((s, i): StorageRec => {
    const code = r.u8(s, 0);
    if (code >= DTYPE_CODES.length) corrupt(`storage ${i} has unknown dtype code ${code}`);
    const [start, n] = r.vector(s, 1, 1) ?? [0, 0];
    return { dtype: DTYPE_CODES[code]!, data: bytes.subarray(start, start + n) };
  });
  const values = r.tables(root, 2).map((v, i): ValueRec => {
    const kind = r.u8(v, 0) as Kind;
    if (kind >= KIND_COUNT) corrupt(`value ${i} has unknown kind ${kind}`);
    const t = r.tableField(v, 6);
    return {
      kind,
      flag: r.u8(v, 1) !== 0,
      number: r.f64(v, 2),
      text: r.str(v, 3),
      keys: r.strings(v, 4),
      items: r.u32s(v, 5),
      tensor: t && {
        storage: r.u32(t, 0),
        offset: r.u64(t, 1),
        shape: r.i64s(t, 2),
        stride: r.i64s(t, 3),
        device: r.str(t, 4) ?? "cpu",
        requires_grad: r.u8(t, 5) !== 0,
        parameter: r.u8(t, 6) !== 0,
      },
    };
  });
  return { root: r.u32(root, 1), values, storages };
}

const hex = (x: number) => `0x${x.toString(16).padStart(8, "0")}`;

/** Why `bytes` is not an xlatorch checkpoint, recognising PyTorch's own formats. */
function foreignMessage(bytes: Uint8Array): string {
  const expected = `expected an xlatorch checkpoint (written by torch.save, file identifier "${FILE_IDENTIFIER}" at bytes 4-7)`;
  if (bytes.length === 0) return `${expected}, but the file is empty`;
  const hint =
    "xlatorch cannot read PyTorch's pickle-based .pt/.pth files; convert them with scripts/export_state_dict.py (see docs/SERIALIZATION.md)";
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)
    return `${expected}, but this is a zip archive, as PyTorch's torch.save writes; ${hint}`;
  if (bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5)
    return `${expected}, but this is a Python pickle (PyTorch's legacy .pt format); ${hint}`;
  const head = Array.from(bytes.subarray(0, 8), (x) => x.toString(16).padStart(2, "0")).join(" ");
  return `${expected}, but the file starts with bytes ${head}`;
}
