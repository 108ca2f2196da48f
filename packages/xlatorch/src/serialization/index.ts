// torch.save / torch.load. torch.save writes PyTorch's own format (a zip of a
// pickle and storages, torch_format.ts), so PyTorch reads xlatorch's files and
// the other way round; torch.load also reads xlatorch's earlier FlatBuffer
// format ("XLTC", format.ts), telling them apart by their first bytes.
// docs/SERIALIZATION.md.
import * as flatbuffers from "flatbuffers";
import { TorchError, TorchTypeError, parseArgs, type DeviceLike } from "@xlatorch/core";
import { decodeObject, type MapLocation } from "./decode.js";
import { encodeObject } from "./encode.js";
import { readFileBytes, writeFileBytes } from "./files.js";
import { FILE_IDENTIFIER, readCheckpoint, writeCheckpoint } from "./format.js";
import { isLegacy, loadLegacyFormat } from "./legacy_format.js";
import { isZip, loadTorchFormat, saveTorchFormat } from "./torch_format.js";

export { FILE_IDENTIFIER, FORMAT_VERSION } from "./format.js";
export type { MapLocation } from "./decode.js";

/** Where torch.save writes: a path, or a writable object (a stream, a file-like). */
export type SaveTarget = string | URL | { write(bytes: Uint8Array): unknown };
/** What torch.load reads: a path, or the bytes of a checkpoint. */
export type LoadSource = string | URL | Uint8Array | ArrayBuffer;
export interface LoadOptions {
  map_location?: MapLocation;
  /** Accepted for porting; loading never runs code, so it is always weights-only. */
  weights_only?: boolean;
}

function checkHost(op: string): void {
  if (!flatbuffers.isLittleEndian) throw new TorchError(`${op}: xlatorch checkpoints hold little-endian data and this host is big-endian`);
}

/** The bytes of the earlier xlatorch format (XLTC), which torch.load still reads; for tests and migration tools. */
export function saveXltc(obj: unknown): Uint8Array {
  checkHost("torch.save");
  return writeCheckpoint(encodeObject(obj));
}

/**
 * `torch.save(obj, f)`, in PyTorch's format: writes tensors and nested arrays, plain objects and
 * Maps of tensors, numbers, bigints, booleans, strings, null/undefined,
 * dtypes and devices (what state_dict() returns) to a path or to `f.write(bytes)`.
 * Reading xla tensors is a sync point.
 */
export function save(obj: unknown, f: SaveTarget): void {
  checkHost("torch.save");
  const isPath = typeof f === "string" || f instanceof URL;
  if (!isPath && typeof (f as { write?: unknown } | null)?.write !== "function") {
    throw new TorchTypeError(
      `torch.save: expected 'f' to be a path (string or URL) or an object with a write(bytes) method, but got ${f === null ? "null" : typeof f}`,
    );
  }
  const bytes = saveTorchFormat(obj);
  if (isPath) writeFileBytes(f, bytes);
  else f.write(bytes);
}

/**
 * `torch.load(f, map_location?)`: reads a checkpoint written by PyTorch's or
 * xlatorch's torch.save (or xlatorch's earlier XLTC format), from a path or bytes.
 * Tensors return to the device they were saved from unless `map_location`
 * ("cpu", "xla", a device, or a table such as `{ xla: "cpu" }`) says otherwise.
 */
// biome-ignore lint/suspicious/noExplicitAny: PyTorch's torch.load returns Any: callers read a checkpoint's structure (torch.load(p).w) without naming its type; pass T to type it
export function load<T = any>(f: LoadSource, map_location?: DeviceLike | null, options?: LoadOptions): T;
// biome-ignore lint/suspicious/noExplicitAny: as above
export function load<T = any>(f: LoadSource, options: LoadOptions): T;
export function load(f: LoadSource, ...args: unknown[]): unknown {
  checkHost("torch.load");
  const o = parseArgs("load", args, ["map_location", "weights_only"]) as LoadOptions;
  if (o.weights_only !== undefined && typeof o.weights_only !== "boolean") {
    throw new TorchTypeError(`torch.load: weights_only must be a boolean, got ${typeof o.weights_only}`);
  }
  let bytes: Uint8Array, describe: string;
  let own = false;
  if (typeof f === "string" || f instanceof URL) {
    bytes = readFileBytes(f);
    own = true;
    describe = typeof f === "string" ? `'${f}'` : `'${f.href}'`;
  } else if (f instanceof Uint8Array || f instanceof ArrayBuffer) {
    bytes = f instanceof ArrayBuffer ? new Uint8Array(f) : f;
    describe = `the given ${bytes.length}-byte buffer`;
  } else {
    throw new TorchTypeError(
      `torch.load: expected 'f' to be a path (string or URL), a Uint8Array or an ArrayBuffer, but got ${f === null ? "null" : typeof f}`,
    );
  }
  if (isZip(bytes)) return loadTorchFormat(bytes, describe, o.map_location, own);
  if (isLegacy(bytes)) return loadLegacyFormat(bytes, describe, o.map_location, own);
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === FILE_IDENTIFIER)
    return decodeObject(readCheckpoint(bytes, describe), o.map_location, describe, { own });
  throw new TorchError(`torch.load: ${describe}: ${unknownFormat(bytes)}`);
}

/** Why `bytes` is no checkpoint torch.load reads. */
function unknownFormat(bytes: Uint8Array): string {
  const expected = `expected a checkpoint written by torch.save: PyTorch's zip format (starting "PK\\x03\\x04"), its legacy format (a pickle of its magic number) or xlatorch's earlier format (identifier "${FILE_IDENTIFIER}" at bytes 4-7)`;
  if (bytes.length === 0) return `${expected}, but the file is empty`;
  if (bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5)
    return `${expected}, but this is a Python pickle without PyTorch's magic number (pickle.dump's output, or PyTorch's older tar format), which xlatorch does not read`;
  const head = Array.from(bytes.subarray(0, 8), (x) => x.toString(16).padStart(2, "0")).join(" ");
  return `${expected}, but the file starts with bytes ${head}`;
}
