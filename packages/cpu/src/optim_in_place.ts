// The fused optimizer update in place on the eager cpu device
// (DeviceBackend.updateInPlace): adam_update's or sgd_update's kernel
// (kernels/optim_update.ts, the same loops and bits) stores each output straight
// into the tensor it updates (the parameter, its state buffers), as PyTorch's
// foreach/fused optimizers do, where bind would make a new array per output and
// the optimizer's copy_ would copy it back (Adam's step on the VAE's 784-400-20
// parameters: 3.7-4.7 -> 1.3-2.0 ms, bench/results/issue11_optim_inplace_s27.md).
// Safe because both loops read every operand at a position before they store
// any output there, and later positions only after (the WebAssembly loop by
// chunks, copied in before copied out): an output may share memory with an
// operand only at exactly the same positions. Anything else (a strided or
// overlapping target, targets sharing memory) is refused, and the caller takes
// the out-of-place path.
import { internals, isContiguous, numelOf, resolvePayload, storageKey, type Primitive, type Tensor } from "@xlatorch/core";
import { updateInto } from "./kernels/optim_update.js";
import type { Strided } from "./strided.js";

const payload = (t: Tensor): Strided => {
  if ((internals(t)._payload as Strided).data === undefined) resolvePayload(t);
  return internals(t)._payload as Strided;
};

/**
 * `prim` over `ins` with output k written into targets[k], no new array. False,
 * writing nothing, unless every target is a row-major run of its own array, of
 * the outputs' dtype and shape, in memory no other target holds, and every
 * operand in a target's memory is that target's array at the target's offset,
 * row-major (read at the positions written, before they are written).
 */
export function updateInPlace(prim: Primitive, ins: readonly Tensor[], attrs: unknown, targets: readonly Tensor[]): boolean {
  // the shape rule checks the operands as bind would (and throws bind's error)
  const outs = prim.abstract(ins, attrs);
  if (outs.length !== targets.length) return false;
  const shape = outs[0]!.shape,
    n = numelOf(shape);
  const ip = ins.map(payload);
  // each operand's storage once (a 0-d hyperparameter beside tensors of more dimensions is read before anything
  // is written: it may be anywhere)
  const keys = ip.map((x, j) => (ins[j]!.ndim === 0 && shape.length > 0 ? null : storageKey(x.data)));
  const tp: Strided[] = [],
    tk: object[] = [];
  for (let k = 0; k < targets.length; k++) {
    const t = targets[k]!;
    if (t._disposed || t.dtype !== outs[k]!.dtype || t.ndim !== shape.length) return false;
    for (let d = 0; d < shape.length; d++) if (t.shape[d] !== shape[d]) return false;
    const s = payload(t);
    if (!isContiguous(shape, s.strides) || s.offset + n > s.data.length) return false;
    const key = storageKey(s.data);
    if (tk.includes(key)) return false;
    for (let j = 0; j < ip.length; j++) {
      if (keys[j] !== key) continue;
      // the same positions of the same array: each is read before it is written
      const x = ip[j]!;
      if (x.data !== s.data || x.offset !== s.offset || ins[j]!.ndim !== shape.length || !isContiguous(shape, x.strides)) return false;
      for (let d = 0; d < shape.length; d++) if (ins[j]!.shape[d] !== shape[d]) return false;
    }
    tp.push(s);
    tk.push(key);
  }
  return updateInto(prim.name, ip, ins, attrs as object, tp);
}
