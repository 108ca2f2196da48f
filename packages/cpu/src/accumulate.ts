// Gradient accumulation in place on the eager cpu device (DeviceBackend.accumulate):
// acc += g written into acc's own array, as PyTorch's autograd engine adds a
// second cotangent into a buffer it alone holds (InputBuffer::accumulate's
// old_var.add_(var)) and AccumulateGrad into an existing .grad. The add is the
// add primitive's own kernel code, with acc as its first operand and as its
// result: the WebAssembly float32 kernel where add's kernel (kernels/elementwise.ts)
// takes that path, else the same generated JavaScript loop. Both read each
// element before they write it at the same position, so the aliasing is safe
// for the layouts taken here (dense acc, dense g); add(acc, g) would instead make a
// new array per accumulation (a weight used at every time step of an RNN: one
// per step) and a Tensor.add_ one more copy.
import { internals, isContiguous, numelOf, resolvePayload, storageKey, type DType, type Tensor } from "@xlatorch/core";
import { elementwiseLoop, type LoopFn } from "./codegen.js";
import { binaryExpr, readExpr, storeExpr } from "./exprs.js";
import type { Strided } from "./strided.js";
import { wasmElementwiseF32 } from "./wasm/simd_f32.js";

const payload = (t: Tensor): Strided => {
  if ((internals(t)._payload as Strided).data === undefined) resolvePayload(t);
  return internals(t)._payload as Strided;
};

/** add's JavaScript loop per dtype (the loop kernels/elementwise.ts builds for add: codegen caches it by its text). */
const loops = new Map<DType, LoopFn>();
function addLoop(d: DType): LoopFn {
  let loop = loops.get(d);
  if (loop === undefined) {
    loop = elementwiseLoop(2, [readExpr(d, "@"), readExpr(d, "@")], storeExpr(d, binaryExpr("add", d, "x0", "x1")));
    loops.set(d, loop);
  }
  return loop;
}

/**
 * acc += g in place (the caller checked: same dtype, shape and device). False, writing nothing, unless acc
 * is a whole dense array of its own, g is dense and in other memory, and the dtype is a real floating one.
 */
export function accumulateInPlace(acc: Tensor, g: Tensor): boolean {
  const d = acc.dtype;
  if (!d.is_floating_point) return false;
  const a = payload(acc),
    b = payload(g);
  const shape = acc.shape,
    n = numelOf(shape);
  if (a.offset !== 0 || a.data.length !== n || !isContiguous(shape, a.strides)) return false;
  if (!isContiguous(shape, b.strides) || b.offset + n > b.data.length || storageKey(a.data) === storageKey(b.data)) return false;
  if (d.name === "float32" && wasmElementwiseF32("add", [a, b], shape, a.data as Float32Array)) return true;
  addLoop(d)(a.data, shape, [a, b]);
  return true;
}
