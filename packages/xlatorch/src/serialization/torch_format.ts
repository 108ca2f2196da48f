// PyTorch's checkpoint format (torch.save's default since 1.6): a zip archive
// of `<name>/data.pkl` (a protocol-2 pickle of the object, tensors as calls to
// torch._utils._rebuild_tensor_v2 whose storages are persistent ids
// ('storage', torch.FloatStorage, key, location, numel)), one record
// `<name>/data/<key>` per storage (its raw little-endian bytes), `byteorder`
// and `version`. docs/SERIALIZATION.md.
//
// Both directions go through the XLTC format's intermediate records
// (format.ts's CheckpointRec): encode.ts plans storages (shared payloads and
// views saved once) and decode.ts checks extents and builds tensors, so the two
// formats share one object model and one set of checks.
import { type Device, TorchError, TorchTypeError, device as toDevice, dtypeOf } from "@xlatorch/core";
import { decodeObject, deviceMap, type MapLocation } from "./decode.js";
import { encodeObject } from "./encode.js";
import { Kind, type CheckpointRec, type StorageRec, type TensorRec, type ValueRec } from "./format.js";
import { STORAGE_DTYPES, pyType, unpickle, type PyDict, type PyStorage, type PyTensor, type PyValue } from "./pickle_read.js";
import { PickleWriter } from "./pickle_write.js";
import { ZipReader, writeZip } from "./zip.js";

/** The archive's folder name in files xlatorch writes (PyTorch uses the file's stem, or "archive"). */
const ARCHIVE = "archive";
/** PyTorch's serialization format version in the `version` record (1.13 and 2.x write 3). */
const VERSION = "3\n";
const STORAGE_TYPES = Object.fromEntries(Object.entries(STORAGE_DTYPES).map(([k, v]) => [v, k])) as Record<string, string>;
/** A plain-object key that torch.save writes as a Python int (an optimizer state dict's parameter indices). */
const INT_KEY = /^(0|-?[1-9][0-9]{0,14})$/; // at most 15 digits: exact as a number
/** Deeper nesting is refused rather than overflowing the stack. */
const MAX_DEPTH = 1000;

export const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

// ---- saving ----------------------------------------------------------------------------

/** torch.save's bytes in PyTorch's format: what PyTorch's torch.load(f, weights_only=True) reads. */
export function saveTorchFormat(obj: unknown, forceZip64 = false): Uint8Array {
  const ck = encodeObject(obj);
  const { values, storages } = ck;
  // Storage locations: the device of the tensors in it (encode.ts never mixes devices in one storage).
  const location = new Map<number, string>();
  for (const v of values) if (v.tensor) location.set(v.tensor.storage, v.tensor.device);
  for (const [i, v] of values.entries()) {
    if (v.kind !== Kind.Map) continue;
    for (let k = 0; k < v.items!.length; k += 2) {
      const key = values[v.items![k]!]!.kind;
      if (key === Kind.Tensor || key === Kind.List || key === Kind.Dict || key === Kind.Map)
        throw new TorchTypeError(
          `torch.save: a Map key (entry ${k / 2} of value ${i}) is ${key === Kind.Tensor ? "a tensor" : "an array or object"}; PyTorch's format keeps dicts, whose keys must be hashable (strings, numbers, booleans, null, dtypes, devices)`,
        );
    }
  }

  const w = new PickleWriter();
  const memo = new Map<number, number>();
  /** A tuple of what `items` pushes (TUPLE1-3 or MARK ... TUPLE, as Python's pickler). */
  const tuple = (n: number, items: () => void) => {
    if (n > 3) w.mark();
    items();
    w.tuple(n, n > 3);
  };
  const emptyOrderedDict = () => {
    w.global("collections", "OrderedDict");
    w.tuple(0, false);
    w.reduce();
  };
  const tensor = (t: TensorRec) => {
    w.global("torch._utils", "_rebuild_tensor_v2");
    tuple(6, () => {
      const s = storages[t.storage]!;
      tuple(5, () => {
        w.str("storage");
        w.global("torch", STORAGE_TYPES[s.dtype]!);
        w.str(String(t.storage));
        w.str(location.get(t.storage)!);
        w.int(s.data.length / dtypeOf(s.dtype).itemsize);
      });
      w.persid();
      w.int(t.offset);
      tuple(t.shape.length, () => t.shape.forEach((n) => w.int(n)));
      tuple(t.stride.length, () => t.stride.forEach((n) => w.int(n)));
      w.bool(t.parameter ? false : t.requires_grad); // a Parameter's data is detached, as in PyTorch
      emptyOrderedDict(); // backward hooks
    });
    w.reduce();
  };
  const key = (v: ValueRec | string) => {
    if (typeof v === "string") {
      if (INT_KEY.test(v)) w.int(Number(v));
      else w.str(v);
    } else emit(v);
  };
  const BATCH = 1000; // Python's pickler batches APPENDS/SETITEMS by 1000
  const emit = (v: ValueRec, i?: number): void => {
    if (i !== undefined && memo.has(i)) return w.get(memo.get(i)!);
    const remember = () => {
      if (i !== undefined) memo.set(i, w.memoize());
    };
    switch (v.kind) {
      case Kind.None:
      case Kind.Undefined:
        return w.none();
      case Kind.Bool:
        return w.bool(v.flag!);
      case Kind.Number:
        return Number.isSafeInteger(v.number!) && !Object.is(v.number, -0) ? w.int(v.number!) : w.float(v.number!);
      case Kind.BigInt:
        return w.int(BigInt(v.text!));
      case Kind.String:
        return w.str(v.text!);
      case Kind.DType:
        return w.global("torch", v.text!);
      case Kind.Device: {
        const [type, index] = v.text!.split(":");
        w.global("torch", "device");
        tuple(index === undefined ? 1 : 2, () => {
          w.str(type!);
          if (index !== undefined) w.int(Number(index));
        });
        w.reduce();
        return remember();
      }
      case Kind.Tensor: {
        const t = v.tensor!;
        if (t.parameter) {
          w.global("torch._utils", "_rebuild_parameter");
          tuple(3, () => {
            tensor(t);
            w.bool(t.requires_grad);
            emptyOrderedDict();
          });
          w.reduce();
        } else tensor(t);
        return remember();
      }
      case Kind.List: {
        w.emptyList();
        remember();
        const items = v.items!;
        for (let b = 0; b < items.length; b += BATCH) {
          w.mark();
          for (const j of items.slice(b, b + BATCH)) emit(values[j]!, j);
          w.appends();
        }
        return;
      }
      case Kind.Dict:
      case Kind.Map: {
        const items = v.items!;
        // A plain object of tensors is a state dict: an OrderedDict, as PyTorch's state_dict() returns.
        const stateDict = v.kind === Kind.Dict && items.length > 0 && items.every((j) => values[j]!.kind === Kind.Tensor);
        if (stateDict) emptyOrderedDict();
        else w.emptyDict();
        remember();
        const n = v.kind === Kind.Dict ? items.length : items.length / 2;
        for (let b = 0; b < n; b += BATCH) {
          w.mark();
          for (let e = b; e < Math.min(n, b + BATCH); e++) {
            if (v.kind === Kind.Dict) {
              key(v.keys![e]!);
              emit(values[items[e]!]!, items[e]!);
            } else {
              key(values[items[2 * e]!]!);
              emit(values[items[2 * e + 1]!]!, items[2 * e + 1]!);
            }
          }
          w.setitems();
        }
        return;
      }
    }
  };
  emit(values[ck.root]!, ck.root);
  const records = [
    { name: `${ARCHIVE}/data.pkl`, data: w.finish() },
    { name: `${ARCHIVE}/byteorder`, data: new TextEncoder().encode("little") },
    ...storages.map((s, i) => ({ name: `${ARCHIVE}/data/${i}`, data: s.data })),
    { name: `${ARCHIVE}/version`, data: new TextEncoder().encode(VERSION) },
  ];
  return writeZip(records, forceZip64);
}

// ---- loading ---------------------------------------------------------------------------

/**
 * Loads a PyTorch zip checkpoint. Everything is checked (zip structure, CRCs,
 * the pickle, storage sizes and tensor extents) before any tensor is made.
 * `own`: the bytes are the loader's (read from a file), so tensors may view them.
 */
export function loadTorchFormat(bytes: Uint8Array, describe: string, mapLocation: MapLocation, own: boolean): unknown {
  const fail = (msg: string): never => {
    throw new TorchError(`torch.load: ${describe}: ${msg}`);
  };
  const target = deviceMap(mapLocation); // checks map_location whatever the file holds
  const zip = new ZipReader(bytes, fail);
  const first = zip.names[0];
  if (first === undefined) fail("the zip archive is empty; a PyTorch checkpoint holds <name>/data.pkl and its storages");
  const slash = first!.indexOf("/");
  if (slash <= 0)
    fail(`the zip archive's first record '${first}' is not in a folder; a PyTorch checkpoint holds <name>/data.pkl and its storages`);
  const prefix = first!.slice(0, slash + 1);
  const pkl =
    zip.read(`${prefix}data.pkl`) ??
    fail(
      `the zip archive has no '${prefix}data.pkl' record, so it is not a PyTorch checkpoint (records: ${zip.names.slice(0, 5).join(", ")}${zip.names.length > 5 ? ", ..." : ""})`,
    );
  const order = zip.read(`${prefix}byteorder`);
  if (order && new TextDecoder().decode(order) !== "little")
    fail(
      `the checkpoint was saved on a big-endian machine (byteorder '${new TextDecoder().decode(order)}'); xlatorch reads little-endian checkpoints`,
    );

  // Persistent ids to storage records; each key's record must exist and hold exactly its elements.
  const storage = storageIds(fail, 5, (rec) => {
    const name = `${prefix}data/${rec.key}`;
    const entry = zip.entries.get(name) ?? fail(`the pickle refers to storage '${rec.key}', but the archive has no record '${name}'`);
    const nbytes = rec.numel * dtypeOf(rec.dtype).itemsize;
    if (entry.size !== nbytes)
      fail(`the record '${name}' holds ${entry.size} bytes, but the pickle declares ${rec.numel} ${rec.dtype} elements (${nbytes} bytes)`);
  });
  const root = unpickle(pkl, fail, storage).value;
  // Each storage is read (and CRC-checked) when a tensor first needs it, before any tensor is made.
  return objectsFromPickle(root, (s) => zip.read(`${prefix}data/${s.key}`)!, target, fail, describe, own);
}

/**
 * Checks persistent ids ('storage', storage type, key, location, numel[, view metadata])
 * (`length` items; the legacy format's sixth, view metadata, must be None) and gives one
 * PyStorage per key; `check` vets a key's first use (its record exists, its size).
 */
export function storageIds(fail: (msg: string) => never, length: 5 | 6, check: (rec: PyStorage) => void): (pid: PyValue[]) => PyStorage {
  const storageRecs = new Map<string, PyStorage>();
  return (pid) => {
    const [, type, key, location, numel] = pid;
    const typeName = typeof type === "object" && type !== null && type.t === "global" ? type.name.replace(/^torch\./, "") : undefined;
    if (
      pid.length !== length ||
      !typeName ||
      !Object.hasOwn(STORAGE_DTYPES, typeName) ||
      typeof key !== "string" ||
      typeof location !== "string" ||
      !(typeof numel === "number" && Number.isSafeInteger(numel) && numel >= 0)
    )
      fail(
        `the pickle's persistent id (${pid.map(pyType).join(", ")}) is not ('storage', storage type, key, location, numel${length === 6 ? ", view metadata" : ""})`,
      );
    if (length === 6 && pid[5] !== null)
      fail(`storage '${key}' is saved as a view of another storage (the format before PyTorch 0.4), which xlatorch cannot load`);
    const dtype = STORAGE_DTYPES[typeName!]!;
    const seen = storageRecs.get(key as string);
    if (seen) {
      if (seen.dtype !== dtype || seen.numel !== numel)
        fail(`storage '${key}' is named twice with different types or sizes (${seen.dtype}[${seen.numel}] and ${dtype}[${numel}])`);
      return seen;
    }
    const rec: PyStorage = { t: "storage", key: key as string, dtype, location: location as string, numel: numel as number };
    check(rec);
    storageRecs.set(key as string, rec);
    return rec;
  };
}

/**
 * The unpickled values to checkpoint records, every tensor checked against its storage
 * (`read` gives a storage's bytes, the right size), then to objects (decode.ts).
 */
export function objectsFromPickle(
  root: PyValue,
  read: (s: PyStorage) => Uint8Array,
  target: (saved: string) => Device,
  fail: (msg: string) => never,
  describe: string,
  own: boolean,
): unknown {
  const values: ValueRec[] = [];
  const storages: StorageRec[] = [];
  const storageIndex = new Map<PyStorage, number>();
  const seen = new Map<object, number>();
  const devices = new Map<string, string>();
  const deviceOf = (location: string): string => {
    let d = devices.get(location);
    if (d === undefined) {
      try {
        d = target(location).toString();
      } catch {
        fail(
          `tensors in the checkpoint were saved on '${location}', which xlatorch does not have; load them with map_location: "cpu" (or "xla", or a table such as { map_location: { ${location.split(":")[0]}: "cpu" } })`,
        );
      }
      devices.set(location, d!);
    }
    return d!;
  };
  const convert = (v: PyValue, path: string, depth: number): number => {
    if (depth > MAX_DEPTH) fail(`the pickle nests containers more than ${MAX_DEPTH} deep (at ${path.slice(0, 60)}...)`);
    if (typeof v === "object" && v !== null && seen.has(v)) return seen.get(v)!;
    const i = values.length;
    const rec: ValueRec = { kind: Kind.None };
    values.push(rec);
    if (typeof v === "object" && v !== null) seen.set(v, i);
    if (v === null) return i;
    if (typeof v === "boolean") Object.assign(rec, { kind: Kind.Bool, flag: v });
    else if (typeof v === "number") Object.assign(rec, { kind: Kind.Number, number: v });
    else if (typeof v === "bigint") Object.assign(rec, { kind: Kind.BigInt, text: v.toString() });
    else if (typeof v === "string") Object.assign(rec, { kind: Kind.String, text: v });
    else if (v.t === "dtype") Object.assign(rec, { kind: Kind.DType, text: v.name });
    else if (v.t === "device") {
      try {
        toDevice(v.name);
      } catch {
        fail(`the checkpoint holds torch.device('${v.name}') at ${path}, a device xlatorch does not have`);
      }
      Object.assign(rec, { kind: Kind.Device, text: v.name });
    } else if (v.t === "tensor") Object.assign(rec, { kind: Kind.Tensor, tensor: tensorRec(v, path) });
    else if (v.t === "list" || v.t === "tuple") {
      rec.kind = Kind.List;
      rec.items = v.items.map((x, k) => convert(x, `${path}[${k}]`, depth + 1));
    } else if (v.t === "dict") dict(v, rec, path, depth);
    else fail(`the pickle's object holds ${pyType(v)} itself at ${path}, not a value a checkpoint holds`);
    return i;
  };
  const dict = (d: PyDict, rec: ValueRec, path: string, depth: number) => {
    // String and int keys make a plain object (int keys as their decimal strings, as JS does);
    // other keys, or keys that would collide, a Map.
    const plainKeys = d.entries.map(([k]) =>
      typeof k === "string" ? k : (typeof k === "number" && Number.isSafeInteger(k)) || typeof k === "bigint" ? String(k) : undefined,
    );
    const plain = plainKeys.every((k) => k !== undefined) && new Set(plainKeys).size === plainKeys.length;
    const at = (k: PyValue, n: number) => `${path}[${typeof k === "string" || typeof k === "number" ? JSON.stringify(k) : `<key ${n}>`}]`;
    if (plain) {
      rec.kind = Kind.Dict;
      rec.keys = plainKeys as string[];
      rec.items = d.entries.map(([k, x], n) => convert(x, at(k, n), depth + 1));
    } else {
      rec.kind = Kind.Map;
      rec.items = d.entries.flatMap(([k, x], n) => [convert(k, `${path}.keys()[${n}]`, depth + 1), convert(x, at(k, n), depth + 1)]);
    }
  };
  const tensorRec = (t: PyTensor, path: string): TensorRec => {
    const s = t.storage;
    let index = storageIndex.get(s);
    if (index === undefined) {
      index = storages.length;
      storageIndex.set(s, index);
      storages.push({ dtype: s.dtype as StorageRec["dtype"], data: read(s) });
    }
    if (t.stride.length !== t.shape.length)
      fail(
        `the tensor at ${path} has ${t.shape.length} sizes [${t.shape.join(", ")}] but ${t.stride.length} strides [${t.stride.join(", ")}]`,
      );
    if (t.shape.some((n) => n < 0) || t.offset < 0) fail(`the tensor at ${path} has a negative size or storage offset`);
    if (t.shape.every((n) => n > 0)) {
      let lo = t.offset,
        hi = t.offset;
      t.shape.forEach((n, d) => {
        const step = t.stride[d]! * (n - 1);
        if (step < 0) lo += step;
        else hi += step;
      });
      if (lo < 0 || hi >= s.numel)
        fail(
          `the tensor at ${path} (size [${t.shape.join(", ")}], stride [${t.stride.join(", ")}], storage offset ${t.offset}) reaches element ${lo < 0 ? lo : hi} of storage '${s.key}', which holds ${s.numel} ${s.dtype} elements`,
        );
    }
    if (t.requires_grad && !dtypeOf(s.dtype).is_floating_point && !dtypeOf(s.dtype).is_complex)
      fail(`the tensor at ${path} of dtype ${s.dtype} requires grad; only floating point and complex tensors can`);
    return {
      storage: index,
      offset: t.offset,
      shape: t.shape,
      stride: t.stride,
      device: deviceOf(s.location),
      requires_grad: t.requires_grad,
      parameter: t.parameter,
    };
  };
  const rootIndex = convert(root, "obj", 0);
  const ck: CheckpointRec = { root: rootIndex, values, storages };
  return decodeObject(ck, null, describe, { own, format: "PyTorch checkpoint" });
}
