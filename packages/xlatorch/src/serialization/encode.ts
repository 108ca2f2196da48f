// torch.save's half: an object graph to checkpoint records.
//
// Every object (tensor, array, plain object, Map) gets one value record the
// first time it is met, so objects referenced twice are written once and
// cycles terminate. Tensors are then grouped by the memory they use:
// - tensors sharing one payload (a Parameter and its `detach()`, tied weights
//   in a state dict) share one contiguous storage;
// - cpu views of one array (x and x.T, rows of a matrix) share the span of the
//   array they cover, with their offsets and strides, when that span is no
//   larger than their elements together; otherwise each is saved contiguous.
import {
  DType,
  Device,
  Tensor,
  TorchTypeError,
  contiguousStrides,
  getBackend,
  internals,
  isContiguous,
  numelOf,
  type HostArray,
} from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import { nn } from "@xlatorch/nn";
import { Kind, type CheckpointRec, type StorageRec, type TensorRec, type ValueRec } from "./format.js";

export function encodeObject(obj: unknown): CheckpointRec {
  const values: ValueRec[] = [];
  const memo = new Map<object, number>();
  const tensors: [Tensor, ValueRec][] = [];
  const pending: [object, number, string][] = [];

  /** The index of v's record; objects are queued for their contents (no recursion). */
  const intern = (v: unknown, path: string): number => {
    if (typeof v === "object" && v !== null && memo.has(v)) return memo.get(v)!;
    const i = values.length;
    if (v === null) values.push({ kind: Kind.None });
    else if (v === undefined) values.push({ kind: Kind.Undefined });
    else if (typeof v === "boolean") values.push({ kind: Kind.Bool, flag: v });
    else if (typeof v === "number") values.push({ kind: Kind.Number, number: v });
    else if (typeof v === "bigint") values.push({ kind: Kind.BigInt, text: v.toString() });
    else if (typeof v === "string") values.push({ kind: Kind.String, text: v });
    else if (v instanceof DType) values.push({ kind: Kind.DType, text: v.name });
    else if (v instanceof Device) values.push({ kind: Kind.Device, text: v.toString() });
    else if (v instanceof Tensor) {
      if (internals(v)._disposed) throw new TorchTypeError(`torch.save: the tensor at ${path} was disposed`);
      const rec: ValueRec = { kind: Kind.Tensor };
      values.push(rec);
      tensors.push([v, rec]);
    } else if (Array.isArray(v) || v instanceof Map || isPlainObject(v)) {
      values.push({ kind: Array.isArray(v) ? Kind.List : v instanceof Map ? Kind.Map : Kind.Dict });
      pending.push([v, i, path]);
    } else {
      throw new TorchTypeError(
        `torch.save: cannot save ${describe(v)} at ${path}; a checkpoint holds tensors, numbers, bigints, booleans, strings, null/undefined, dtypes, devices, and arrays, plain objects and Maps of these${v instanceof nn.Module ? " (save the module's state_dict() and load it with load_state_dict)" : ""}`,
      );
    }
    if (typeof v === "object" && v !== null) memo.set(v, i);
    return i;
  };

  const root = intern(obj, "obj");
  for (let job; (job = pending.pop()); ) {
    const [v, i, path] = job;
    const rec = values[i]!;
    if (Array.isArray(v)) {
      rec.items = Array.from({ length: v.length }, (_, k) => intern(v[k], `${path}[${k}]`));
    } else if (v instanceof Map) {
      rec.items = [];
      let k = 0;
      for (const [key, val] of v) {
        rec.items.push(
          intern(key, `${path}.keys()[${k}]`),
          intern(val, `${path}.get(${typeof key === "string" ? JSON.stringify(key) : `<key ${k}>`})`),
        );
        k++;
      }
    } else {
      rec.keys = Object.keys(v);
      rec.items = rec.keys.map((k) => intern((v as Record<string, unknown>)[k], `${path}[${JSON.stringify(k)}]`));
    }
  }
  return { root, values, storages: planStorages(tensors) };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

function describe(v: unknown): string {
  if (typeof v === "object" && v !== null) return `an object of type ${v.constructor?.name ?? "Object"}`;
  return `a value of type ${typeof v}`;
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const g = m.get(k);
    if (g) g.push(it);
    else m.set(k, [it]);
  }
  return m;
}

const bytesOf = (a: HostArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Fills each tensor record and returns the storages they point into. */
function planStorages(tensors: [Tensor, ValueRec][]): StorageRec[] {
  // One sync for all lazy tensors, rather than one per read.
  for (const [type, ts] of groupBy(tensors, ([t]) => t.device.type)) if (type !== "cpu") getBackend(type).sync?.(ts.map(([t]) => t));
  // Group by memory: the host array on cpu, the payload elsewhere.
  const groups = groupBy(tensors, ([t]) => (t.device.type === "cpu" ? (internals(t)._payload as Strided).data : internals(t)._payload));

  const storages: StorageRec[] = [];
  const meta = (t: Tensor, storage: number, offset: number, stride: number[]): TensorRec => ({
    storage,
    offset,
    shape: t.shape.slice(),
    stride,
    device: t.device.toString(),
    requires_grad: t.requires_grad,
    parameter: t instanceof nn.Parameter,
  });
  /** Tensors sharing one payload: its values, contiguous. */
  const saveContiguous = (members: [Tensor, ValueRec][]) => {
    const t = members[0]![0];
    storages.push({ dtype: storageDtype(t), data: bytesOf(hostValues(t)) });
    const stride = contiguousStrides(t.shape);
    for (const [m, rec] of members) rec.tensor = meta(m, storages.length - 1, 0, stride);
  };

  for (const members of groups.values()) {
    const byPayload = groupBy(members, ([t]) => internals(t)._payload);
    const views = [...byPayload.values()].filter((g) => g[0]![0].numel() > 0);
    if (byPayload.size === 1 || views.length < 2 || !saveSharedSpan(views, storages, meta)) {
      for (const g of byPayload.values()) saveContiguous(g);
    } else {
      for (const g of byPayload.values()) if (g[0]![0].numel() === 0) saveContiguous(g);
    }
  }
  return storages;
}

/** Contiguous values of t: a view of the array when already contiguous on cpu, else a copy (a sync point on xla). */
function hostValues(t: Tensor): HostArray {
  if (t.device.type === "cpu") {
    const p = internals(t)._payload as Strided;
    const per = t.dtype.is_complex ? 2 : 1; // complex: two floats per element
    if (isContiguous(t.shape, p.strides)) return p.data.subarray(per * p.offset, per * (p.offset + t.numel())) as HostArray;
  }
  return internals(t)._host();
}

/** cpu views of one array: saves the span they cover once, if it is no larger than their elements together. */
function saveSharedSpan(
  views: [Tensor, ValueRec][][],
  storages: StorageRec[],
  meta: (t: Tensor, storage: number, offset: number, stride: number[]) => TensorRec,
): boolean {
  let lo = Infinity,
    hi = -Infinity,
    total = 0;
  for (const g of views) {
    const t = g[0]![0],
      p = internals(t)._payload as Strided;
    let a = p.offset,
      b = p.offset;
    t.shape.forEach((n, d) => {
      const s = p.strides[d]! * (n - 1);
      if (s < 0) a += s;
      else b += s;
    });
    lo = Math.min(lo, a);
    hi = Math.max(hi, b + 1);
    total += numelOf(t.shape);
  }
  if (hi - lo > total) return false;
  const t0 = views[0]![0]![0];
  const per = t0.dtype.is_complex ? 2 : 1; // complex: two floats per element
  const data = (internals(t0)._payload as Strided).data.subarray(per * lo, per * hi) as HostArray;
  storages.push({ dtype: storageDtype(t0), data: bytesOf(data) });
  for (const g of views) {
    const p = internals(g[0]![0])._payload as Strided;
    for (const [m, rec] of g) rec.tensor = meta(m, storages.length - 1, p.offset - lo, [...p.strides]);
  }
  return true;
}

/** The storage's dtype name (format.ts's writer refuses complex, which the XLTC format lacks). */
const storageDtype = (t: Tensor): Tensor["dtype"]["name"] => t.dtype.name;
