// The eager `cpu` device: runs each primitive's kernel immediately.
import {
  internals,
  numelOf,
  registerDevice,
  resolvePayload,
  storageKey,
  type AVal,
  type DeviceBackend,
  type DType,
  type HostArray,
  type Primitive,
  type Shape,
  type Tensor,
} from "@xlatorch/core";
import { accumulateInPlace } from "./accumulate.js";
import { updateInPlace } from "./optim_in_place.js";
import { tuneHeapGrowth } from "./heap_growth.js";
import { KERNELS, type Kernel } from "./kernels/index.js";
import { dense, stridedCopy } from "./kernels/layout.js";
import { contiguous, type Strided } from "./strided.js";

/** A tensor's cpu payload; one made inside a compiled cpu call may hold the recorder's, resolved on first use (core/capture_hooks.ts). */
const payload = (t: Tensor): Strided => {
  const p = internals(t)._payload as Strided;
  if (p.data !== undefined) return p;
  resolvePayload(t);
  return internals(t)._payload as Strided;
};

export const cpuBackend: DeviceBackend = {
  type: "cpu",
  run(prim: Primitive, inputs: readonly Tensor[], attrs: unknown, outs: readonly AVal[]): Strided[] {
    const k = (KERNELS as Record<string, Kernel | undefined>)[prim.name];
    if (!k) throw new Error(`no CPU kernel for primitive ${prim.name}`);
    // a Tensor is an AVal ({shape, dtype}): the inputs are their own avals (no copy per call)
    return k(inputs.map(payload), inputs, attrs, outs);
  },
  fromHost(data: HostArray, shape: Shape, _dtype: DType): Strided {
    return contiguous(data, shape);
  },
  toHost(t: Tensor): HostArray {
    const p = payload(t);
    const n = numelOf(t.shape);
    if (p.offset === 0 && p.data.length === n && isRowMajor(t.shape, p.strides)) return p.data.slice() as HostArray;
    return dense(p, t.shape, t.dtype);
  },
  write(target: Tensor, value: Tensor): void {
    const t = payload(target);
    let v = payload(value);
    // A source aliasing the target's memory is copied first so overlap cannot corrupt it.
    if (storageKey(v.data) === storageKey(t.data)) v = contiguous(dense(v, value.shape, value.dtype), value.shape);
    stridedCopy(t, target.shape, v, target.dtype);
  },
  peekHost(t: Tensor): HostArray {
    return this.toHost(t);
  },
  accumulate: accumulateInPlace,
  updateInPlace,
  strides: (t) => [...payload(t).strides],
  storageOffset: (t) => payload(t).offset,
};

function isRowMajor(shape: Shape, strides: readonly number[]): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== acc) return false;
    acc *= shape[i]!;
  }
  return true;
}

registerDevice(cpuBackend);
// the eager device's plain result arrays are external memory to V8: without a fixed growing factor a
// training loop can fall into a mark-compact every ~100 ms (heap_growth.ts)
tuneHeapGrowth();
