// Writer and reader for checkpoint.fbs, hand-written on the flatbuffers runtime
// (no flatc in the build). A CRC-32 of the whole file catches corruption and
// truncation, and the reader bounds-checks every offset it follows besides.
import * as flatbuffers from "flatbuffers";
import { fileCrc } from "./crc32.js";
import { CheckedReader } from "../checked_reader.js";
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
  /** Complex only in PyTorch's format: the XLTC format has no complex dtype codes. */
  dtype: DTypeCodeName | "complex64" | "complex128";
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
  for (const s of ck.storages)
    if (!(DTYPE_CODES as readonly string[]).includes(s.dtype))
      throw new TorchError(`torch.save: the xlatorch (XLTC) format cannot hold ${s.dtype} tensors; PyTorch's format (the default) can`);
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
    b.addFieldInt8(0, DTYPE_CODES.indexOf(s.dtype as DTypeCodeName), 0);
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
  const r = new CheckedReader(bytes, corrupt);
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
