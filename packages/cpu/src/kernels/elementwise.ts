// Kernels of every elementwise primitive, built from the expression templates.
import { BINARY, SPECIAL_BINARY, SPECIAL_UNARY, UNARY, numelOf, type DType } from "@xlatorch/core";
import { elementwiseLoop } from "../codegen.js";
import { binaryExpr, compareExpr, convertExpr, readExpr, selectExpr, storeExpr, unaryExpr } from "../exprs.js";
import { contiguous } from "../strided.js";
import { wasmElementwiseF32 } from "../wasm/simd_f32.js";
import type { Kernel } from "./types.js";

const reads = (ds: readonly DType[]) => ds.map((d) => readExpr(d, "@"));

/** Builds an elementwise kernel from a body over x0..x{n-1}. */
function ew<A = unknown>(body: (ins: readonly DType[], attrs: A, out: DType) => string, prim?: string): Kernel {
  return (ins, avals, attrs, outs) => {
    const out = outs[0]!;
    const data = out.dtype.alloc(numelOf(out.shape));
    const dts = avals.map((a) => a.dtype);
    // float32 in WebAssembly SIMD where the primitive, layout and size allow (wasm/simd_f32.ts)
    const f32 =
      prim !== undefined && data instanceof Float32Array && out.dtype.name === "float32" && dts.every((d) => d.name === "float32");
    if (f32 && wasmElementwiseF32(prim, ins, out.shape, data)) return [contiguous(data, out.shape)];
    elementwiseLoop(ins.length, reads(dts), storeExpr(out.dtype, body(dts, attrs as A, out.dtype)))(data, out.shape, ins);
    return [contiguous(data, out.shape)];
  };
}

export const elementwiseKernels: Record<string, Kernel> = {};
for (const p of UNARY) elementwiseKernels[p] = ew((d) => unaryExpr(p, d[0]!, "x0"), p);
for (const p of BINARY) elementwiseKernels[p] = ew((d) => binaryExpr(p, d[0]!, "x0", "x1"), p);
for (const p of SPECIAL_UNARY) elementwiseKernels[p] = ew((d) => unaryExpr(p, d[0]!, "x0"));
for (const p of SPECIAL_BINARY) elementwiseKernels[p] = ew((d) => binaryExpr(p, d[0]!, "x0", "x1"));
elementwiseKernels.is_finite = ew((d) => unaryExpr("is_finite", d[0]!, "x0"));
elementwiseKernels.compare = ew<{ direction: Parameters<typeof compareExpr>[0] }>((_d, a) => compareExpr(a.direction, "x0", "x1"));
elementwiseKernels.select = ew(() => selectExpr("x0", "x1", "x2"));
elementwiseKernels.convert = ew((d, _a, out) => convertExpr(d[0]!, out, "x0"));
elementwiseKernels.copy = ew(() => "x0");
