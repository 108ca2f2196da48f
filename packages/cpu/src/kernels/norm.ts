// Kernel of core's prims_norm.ts: mul_add_convert(a, b, c; dtype) = convert(a * b + c, dtype)
// over float64 operands, one generated loop over any strides (b and c are usually broadcast
// views). JavaScript evaluates x0 * x1 + x2 as two float64 operations, each rounded (no fused
// multiply-add), and the store rounds to the result type as the convert kernel does (a
// Float32Array store: to nearest even, as its set()): the bits of the float64 multiply, add and
// convert kernels this replaces.
import { float64, numelOf, type DType } from "@xlatorch/core";
import { elementwiseLoop, type LoopFn } from "../codegen.js";
import { convertExpr, readExpr, storeExpr } from "../exprs.js";
import { contiguous } from "../strided.js";
import type { Kernel } from "./types.js";

const loops = new Map<DType, LoopFn>();
const loopFor = (to: DType): LoopFn => {
  let f = loops.get(to);
  if (!f) {
    const r = readExpr(float64, "@");
    f = elementwiseLoop(3, [r, r, r], storeExpr(to, convertExpr(float64, to, "(x0 * x1 + x2)")));
    loops.set(to, f);
  }
  return f;
};

export const normKernels: Record<string, Kernel> = {
  mul_add_convert: (ins, _avals, _attrs, [o]) => {
    const data = o!.dtype.alloc(numelOf(o!.shape));
    loopFor(o!.dtype)(data, o!.shape, ins);
    return [contiguous(data, o!.shape)];
  },
};
