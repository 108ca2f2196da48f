// torch.load's half: checkpoint records to objects, checking every index, kind
// and tensor extent first (a bad file fails with a message, not a wrong value).
// format.ts's reader has checked the buffer's structure, kinds and CRCs.
import {
  DType,
  Device,
  Tensor,
  TorchError,
  TorchTypeError,
  device as toDevice,
  dtypeOf,
  fromHost,
  int64,
  internals,
  isContiguous,
  no_grad,
  numelOf,
  type DeviceLike,
  type HostArray,
} from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import { nn } from "@xlatorch/nn";
import { Kind, type CheckpointRec, type TensorRec } from "./format.js";

/** Where each saved device goes: one device for all, or a table by saved device ("xla:0" or "xla"). */
export type MapLocation = DeviceLike | Record<string, DeviceLike> | null | undefined;

export interface DecodeOptions {
  /** The storages' bytes belong to the loader (a file it read): tensors may view them instead of copying. */
  own?: boolean;
  /** The format, in messages. */
  format?: string;
}

export function decodeObject(ck: CheckpointRec, mapLocation: MapLocation, describe: string, opts: DecodeOptions = {}): unknown {
  const corrupt = (what: string): never => {
    throw new TorchError(`torch.load: ${describe}: the ${opts.format ?? "xlatorch checkpoint"} is corrupted: ${what}`);
  };
  const target = deviceMap(mapLocation);
  const { values, storages } = ck;
  const parses = (parse: (text: string) => unknown, text: string | undefined, what: string) => {
    try {
      parse(text ?? "");
    } catch {
      corrupt(`${what} '${text}'`);
    }
  };

  // Checks first: nothing is built from a bad file.
  if (ck.root >= values.length) corrupt(`root value ${ck.root} of ${values.length}`);
  const byStorage = new Map<number, [number, TensorRec][]>();
  values.forEach((v, i) => {
    const items = v.items ?? [];
    const bad = items.find((j) => j >= values.length);
    if (bad !== undefined) corrupt(`value ${i} refers to value ${bad} of ${values.length}`);
    if (v.kind === Kind.Dict && (v.keys ?? []).length !== items.length)
      corrupt(`value ${i} has ${v.keys?.length ?? 0} keys and ${items.length} values`);
    if (v.kind === Kind.Map && items.length % 2) corrupt(`map value ${i} has an odd number of entries`);
    if (v.kind === Kind.BigInt && !/^-?\d+$/.test(v.text ?? "")) corrupt(`value ${i} is not a bigint: ${v.text}`);
    if (v.kind === Kind.DType) parses(dtypeOf, v.text, `value ${i}: unknown dtype`);
    if (v.kind === Kind.Device) parses(toDevice, v.text, `value ${i}: unknown device`);
    if (v.kind !== Kind.Tensor) return;
    const t = v.tensor ?? corrupt(`tensor value ${i} has no tensor metadata`);
    if (t.storage >= storages.length) corrupt(`tensor value ${i} refers to storage ${t.storage} of ${storages.length}`);
    parses(toDevice, t.device, `tensor value ${i}: unknown device`);
    const g = byStorage.get(t.storage);
    if (g) g.push([i, t]);
    else byStorage.set(t.storage, [[i, t]]);
  });
  for (const [s, recs] of byStorage) {
    const { dtype, data } = storages[s]!;
    const { itemsize, is_floating_point } = dtypeOf(dtype);
    if (data.length % itemsize) corrupt(`storage ${s} holds ${data.length} bytes, not a whole number of ${dtype} elements`);
    for (const [i, t] of recs) {
      checkExtent(t, data.length / itemsize, (what) => corrupt(`tensor value ${i}: ${what}`));
      if (t.requires_grad && !is_floating_point) corrupt(`tensor value ${i} of dtype ${dtype} requires grad`);
    }
    if (new Set(recs.map(([, t]) => t.device)).size > 1) corrupt(`storage ${s} is shared by tensors saved on different devices`);
  }

  // Tensors, storage by storage.
  const objects: unknown[] = new Array(values.length);
  for (const [s, recs] of byStorage) {
    const dtype = dtypeOf(storages[s]!.dtype),
      data = storages[s]!.data;
    // The file's bytes when the loader owns them and they are aligned (no second copy of the
    // weights); otherwise a copy, so tensors own aligned memory independent of the caller's buffer.
    const view = opts.own && (data.byteOffset % dtype.itemsize === 0 || data.length === 0);
    const host = hostArray(dtype, view ? data : new Uint8Array(data));
    makeTensors(
      host,
      dtype,
      data.length / dtype.itemsize,
      recs.map(([, t]) => t),
      target(recs[0]![1].device),
    ).forEach((t, n) => {
      objects[recs[n]![0]] = t;
    });
  }

  // Everything else: containers first as empty shells, so shared and cyclic references resolve.
  values.forEach((v, i) => {
    switch (v.kind) {
      case Kind.None:
        objects[i] = null;
        break;
      case Kind.Undefined:
        objects[i] = undefined;
        break;
      case Kind.Bool:
        objects[i] = v.flag;
        break;
      case Kind.Number:
        objects[i] = v.number;
        break;
      case Kind.BigInt:
        objects[i] = BigInt(v.text!);
        break;
      case Kind.String:
        objects[i] = v.text ?? "";
        break;
      case Kind.DType:
        objects[i] = dtypeOf(v.text!);
        break;
      case Kind.Device:
        objects[i] = toDevice(v.text!);
        break;
      case Kind.List:
        objects[i] = [];
        break;
      case Kind.Dict:
        objects[i] = {};
        break;
      case Kind.Map:
        objects[i] = new Map();
        break;
    }
  });
  values.forEach((v, i) => {
    const items = (v.items ?? []).map((j) => objects[j]);
    if (v.kind === Kind.List) {
      (objects[i] as unknown[]).push(...items);
    } else if (v.kind === Kind.Dict) {
      const o = objects[i] as Record<string, unknown>;
      // defineProperty, so a "__proto__" key stays a key rather than setting the prototype
      v.keys!.forEach((k, n) => Object.defineProperty(o, k, { value: items[n], writable: true, enumerable: true, configurable: true }));
    } else if (v.kind === Kind.Map) {
      const m = objects[i] as Map<unknown, unknown>;
      for (let n = 0; n < items.length; n += 2) m.set(items[n], items[n + 1]);
    }
  });
  return objects[ck.root];
}

/** The device for each saved device string; checks map_location now, whatever the file holds. */
export function deviceMap(m: MapLocation): (saved: string) => Device {
  if (m === null || m === undefined) return (saved) => toDevice(saved);
  if (typeof m === "string" || m instanceof Device) {
    const d = toDevice(m);
    return () => d;
  }
  if (typeof m !== "object" || Object.values(m).some((d) => typeof d !== "string" && !(d instanceof Device))) {
    throw new TorchTypeError(
      `torch.load: map_location must be a device ("cpu", "xla", torch.device(...)) or a table of them by saved device, such as { xla: "cpu" }`,
    );
  }
  const table = new Map(Object.entries(m).map(([k, d]) => [k, toDevice(d)]));
  return (saved) => table.get(saved) ?? table.get(saved.split(":")[0]!) ?? toDevice(saved);
}

function checkExtent(t: TensorRec, len: number, corrupt: (what: string) => never): void {
  if (t.stride.length !== t.shape.length) corrupt(`${t.shape.length} sizes but ${t.stride.length} strides`);
  if (t.shape.some((n) => !Number.isSafeInteger(n) || n < 0) || !t.stride.every(Number.isSafeInteger))
    corrupt(`invalid shape [${t.shape.join(", ")}] or strides [${t.stride.join(", ")}]`);
  if (numelOf(t.shape) === 0) return;
  let lo = t.offset,
    hi = t.offset;
  t.shape.forEach((n, d) => {
    const s = t.stride[d]! * (n - 1);
    if (s < 0) lo += s;
    else hi += s;
  });
  if (!(lo >= 0 && hi < len))
    corrupt(
      `shape [${t.shape.join(", ")}], strides [${t.stride.join(", ")}] and offset ${t.offset} reach outside its storage of ${len} elements`,
    );
}

function hostArray(dtype: DType, bytes: Uint8Array): HostArray {
  const b = bytes.buffer as ArrayBuffer,
    at = bytes.byteOffset,
    n = bytes.length / dtype.itemsize;
  switch (dtype.name) {
    case "float32":
      return new Float32Array(b, at, n);
    case "float64":
      return new Float64Array(b, at, n);
    case "float16":
    case "bfloat16":
      return new Uint16Array(b, at, n);
    case "int8":
      return new Int8Array(b, at, n);
    case "uint8":
    case "bool":
      return bytes;
    case "int16":
      return new Int16Array(b, at, n);
    case "int32":
      return new Int32Array(b, at, n);
    case "int64":
      return new BigInt64Array(b, at, n);
    // Complex: re, im interleaved (ARCHITECTURE.md's host layout), two floats per element.
    case "complex64":
      return new Float32Array(b, at, 2 * n);
    case "complex128":
      return new Float64Array(b, at, 2 * n);
  }
}

/**
 * The tensors of one storage. Whole-storage tensors of one shape share one
 * payload (as a Parameter and its detach() do); other layouts become views of
 * the storage: strided aliases of its array on cpu, and on xla views whose
 * re-derivation from the storage is a gather of their positions.
 */
function makeTensors(host: HostArray, dtype: DType, len: number, recs: TensorRec[], dev: Device): Tensor[] {
  const whole = (t: TensorRec) => t.offset === 0 && numelOf(t.shape) === len && isContiguous(t.shape, t.stride);
  let make: (t: TensorRec) => Tensor;
  if (recs.every((t) => whole(t) && t.shape.join() === recs[0]!.shape.join())) {
    const base = fromHost(host, recs[0]!.shape, dtype, dev);
    make = () => internals(base)._detachedAlias();
  } else if (dev.type === "cpu") {
    const vc = { v: 0, shared: true };
    make = (t) => {
      const v = new Tensor({ data: host, offset: t.offset, strides: [...t.stride] } satisfies Strided, t.shape, dtype, dev);
      internals(v)._vc = vc;
      return v;
    };
  } else {
    const base = fromHost(host, [len], dtype, dev);
    make = (t) => {
      const positions = new BigInt64Array(numelOf(t.shape));
      let k = 0;
      const walk = (d: number, at: number): void => {
        if (d === t.shape.length) {
          positions[k++] = BigInt(at);
          return;
        }
        for (let j = 0; j < t.shape[d]!; j++) walk(d + 1, at + j * t.stride[d]!);
      };
      walk(0, t.offset);
      const viewFn = (b: Tensor) =>
        b
          .reshape(-1)
          .index_select(0, fromHost(positions, [positions.length], int64, b.device))
          .reshape(t.shape.slice());
      const v = new Tensor(internals(no_grad(() => viewFn(base)))._payload, t.shape, dtype, dev);
      const vi = internals(v);
      vi._vc = internals(base)._vc;
      vi._vc.shared = true;
      vi._base = base;
      vi._viewFn = viewFn;
      return v;
    };
  }
  return recs.map((t) => {
    const v = make(t);
    if (t.parameter) return new nn.Parameter(v, t.requires_grad);
    if (t.requires_grad) v.requires_grad_(true);
    return v;
  });
}
