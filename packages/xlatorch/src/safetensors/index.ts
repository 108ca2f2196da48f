// `import { load_file, save_file, load, save } from "xlatorch/safetensors"`:
// safetensors.torch's four functions, with their names and parameters
// (load_file(filename, device="cpu"), save_file(tensors, filename,
// metadata=None), load(data), save(tensors, metadata=None) -> bytes). They are
// not in the torch namespace, as in Python, where they live in the safetensors
// package. A file is checked whole (format.ts) before any tensor is built, so a
// malformed one loads nothing.
import {
  Tensor,
  TorchError,
  TorchTypeError,
  dtypeOf,
  fromHost,
  getBackend,
  internals,
  device as toDevice,
  type DeviceLike,
} from "@xlatorch/core";
import { readFileBytes, writeFileBytes } from "./files.js";
import { FROM_TORCH, SafetensorError, TO_TORCH, compareNames, parseFile, serializeFile, type TensorBytes } from "./format.js";

export { SafetensorError } from "./format.js";

/** Tensors by name, as a plain object (a state_dict) or a Map. */
export type TensorDict = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;
/** The file's `__metadata__`: strings to strings. */
export type Metadata = Readonly<Record<string, string>>;

/** The bytes of a safetensors file holding `tensors` (and `metadata`), laid out as the reference writer does (a Blob part as it is). */
export function save(tensors: TensorDict, metadata?: Metadata | null): Uint8Array<ArrayBuffer>;
export function save(tensors: TensorDict, options: { metadata?: Metadata | null }): Uint8Array<ArrayBuffer>;
export function save(tensors: TensorDict, ...args: unknown[]): Uint8Array<ArrayBuffer> {
  return encode("save", tensors, metadataArg("save", args));
}

/** Writes `tensors` (and `metadata`) to the safetensors file `filename`. */
export function save_file(tensors: TensorDict, filename: string | URL, metadata?: Metadata | null): void;
export function save_file(tensors: TensorDict, filename: string | URL, options: { metadata?: Metadata | null }): void;
export function save_file(tensors: TensorDict, filename: string | URL, ...args: unknown[]): void {
  checkFilename("save_file", filename);
  const bytes = encode("save_file", tensors, metadataArg("save_file", args));
  writeFileBytes(filename, bytes);
}

/** The tensors of a safetensors file's bytes, on the cpu, by name. */
export function load(data: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  if (!(data instanceof Uint8Array) && !(data instanceof ArrayBuffer)) {
    throw new TorchTypeError(`load(): argument 'data' must be a Uint8Array or an ArrayBuffer (the file's bytes), not ${describe(data)}`);
  }
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  return decode("load", bytes, `the given ${bytes.length}-byte buffer`, "cpu");
}

/** The tensors of the safetensors file `filename`, on `device` ("cpu" by default), by name. */
export function load_file(filename: string | URL, device?: DeviceLike): Record<string, Tensor>;
export function load_file(filename: string | URL, options: { device?: DeviceLike }): Record<string, Tensor>;
export function load_file(filename: string | URL, ...args: unknown[]): Record<string, Tensor> {
  checkFilename("load_file", filename);
  let device: unknown = args[0];
  if (isOptions(device)) {
    const unknown = Object.keys(device).filter((k) => k !== "device");
    if (unknown.length) throw new TorchTypeError(`load_file() got an unexpected keyword argument '${unknown[0]}'`);
    device = device.device;
  }
  if (args.length > 1) throw new TorchTypeError(`load_file() takes from 1 to 2 positional arguments but ${args.length + 1} were given`);
  const dev = toDevice((device ?? "cpu") as DeviceLike);
  const where = typeof filename === "string" ? `'${filename}'` : `'${filename.href}'`;
  return decode("load_file", readFileBytes(filename), where, dev);
}

// ------------------------------------------------------------------ reading

function decode(op: string, bytes: Uint8Array, where: string, device: DeviceLike): Record<string, Tensor> {
  checkHost(op);
  const dev = toDevice(device);
  const { tensors, dataStart } = parseFile(bytes, op, where);
  const out: Record<string, Tensor> = {};
  // By name, as safe_open's keys() lists them.
  for (const t of [...tensors].sort((a, b) => compareNames(a.name, b.name))) {
    const dtype = dtypeOf(TO_TORCH[t.dtype]!);
    const numel = t.shape.reduce((p, d) => p * d, 1);
    const host = dtype.alloc(numel);
    // A copy: the file's offsets need not be aligned for the typed array, and the tensor must not alias the caller's bytes.
    const dst = new Uint8Array(host.buffer, host.byteOffset, host.byteLength);
    dst.set(bytes.subarray(dataStart + t.offsets[0], dataStart + t.offsets[1]));
    if (dtype.name === "bool") for (let i = 0; i < dst.length; i++) dst[i] = dst[i] ? 1 : 0;
    Object.defineProperty(out, t.name, {
      value: fromHost(host, t.shape, dtype, dev),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

// ------------------------------------------------------------------ writing

function encode(op: string, tensors: TensorDict, metadata: Metadata | null): Uint8Array<ArrayBuffer> {
  checkHost(op);
  const entries = tensorEntries(op, tensors);
  const meta = checkMetadata(op, metadata);
  // One sync for all lazy tensors, rather than one per read.
  const lazy = new Map<string, Tensor[]>();
  for (const [, t] of entries) if (t.device.type !== "cpu") lazy.set(t.device.type, [...(lazy.get(t.device.type) ?? []), t]);
  for (const [type, ts] of lazy) getBackend(type).sync?.(ts);
  const items: TensorBytes[] = entries.map(([name, t]) => {
    const h = internals(t)._host();
    return { name, dtype: FROM_TORCH[t.dtype.name]!, shape: t.shape, data: new Uint8Array(h.buffer, h.byteOffset, h.byteLength) };
  });
  return serializeFile(items, meta);
}

function tensorEntries(op: string, tensors: TensorDict): [string, Tensor][] {
  const isMap = tensors instanceof Map;
  if (!isMap && (typeof tensors !== "object" || tensors === null || Array.isArray(tensors) || tensors instanceof Tensor)) {
    throw new TorchTypeError(`${op}(): argument 'tensors' must be an object or Map of tensors by name, not ${describe(tensors)}`);
  }
  const entries: [unknown, unknown][] = isMap ? [...(tensors as Map<unknown, unknown>)] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== "string") throw new TorchTypeError(`${op}(): tensor names must be strings, got ${describe(name)}`);
    if (name === "__metadata__") throw new TorchError(`${op}(): "__metadata__" is reserved by the format and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new TorchTypeError(`${op}(): ${JSON.stringify(name)} must be a tensor, not ${describe(t)}`);
    if (internals(t)._disposed) throw new TorchError(`${op}(): the tensor ${JSON.stringify(name)} was disposed`);
    if (!(t.dtype.name in FROM_TORCH)) {
      throw new TorchError(`${op}(): the tensor ${JSON.stringify(name)} has dtype ${t.dtype}, which safetensors cannot store`);
    }
  }
  return entries as [string, Tensor][];
}

function checkMetadata(op: string, metadata: unknown): Metadata | null {
  if (metadata === null || metadata === undefined) return null;
  if (typeof metadata !== "object" || Array.isArray(metadata) || metadata instanceof Tensor) {
    throw new TorchTypeError(`${op}(): argument 'metadata' must be an object of strings, not ${describe(metadata)}`);
  }
  const entries = metadata instanceof Map ? [...metadata] : Object.entries(metadata);
  for (const [k, v] of entries) {
    if (typeof k !== "string" || typeof v !== "string") {
      throw new TorchTypeError(`${op}(): metadata must map strings to strings, but ${String(k)} maps to ${describe(v)}`);
    }
  }
  return metadata instanceof Map ? Object.fromEntries(entries) : (metadata as Metadata);
}

// ------------------------------------------------------------------ arguments

const isOptions = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;

/**
 * `metadata` positionally or as `{ metadata }`. Both are plain objects: the
 * keyword form is an object whose only key is "metadata" holding an object or
 * null, which as metadata itself would be invalid (its values are strings).
 */
function metadataArg(op: string, args: unknown[]): Metadata | null {
  if (args.length > 1)
    throw new TorchTypeError(`${op}() got ${args.length} arguments after the required ones, expected at most 1 (metadata)`);
  const a = args[0];
  if (isOptions(a)) {
    const keys = Object.keys(a);
    if (keys.length === 1 && keys[0] === "metadata" && typeof a.metadata !== "string") return (a.metadata ?? null) as Metadata | null;
  }
  return (a ?? null) as Metadata | null;
}

function checkFilename(op: string, filename: unknown): void {
  if (typeof filename !== "string" && !(filename instanceof URL)) {
    throw new TorchTypeError(`${op}(): argument 'filename' must be a path (string or URL), not ${describe(filename)}`);
  }
}

function checkHost(op: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new SafetensorError(`${op}: safetensors files hold little-endian data and this host is big-endian`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return `an object of type ${v.constructor?.name ?? "Object"}`;
  return `a value of type ${typeof v}`;
}
