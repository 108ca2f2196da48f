// Kernels of every elementwise primitive, built from the expression templates.
import { BINARY, SPECIAL_BINARY, SPECIAL_UNARY, UNARY, isContiguous, numelOf, type DType } from "@xlatorch/core";
import { elementwiseLoop, type LoopFn } from "../codegen.js";
import { binaryExpr, compareExpr, convertExpr, readExpr, selectExpr, storeExpr, unaryExpr } from "../exprs.js";
import { contiguous } from "../strided.js";
import { wasmCompareF32, wasmSelectF32 } from "../wasm/select_module.js";
import { resultF32, wasmElementwiseF32 } from "../wasm/simd_f32.js";
import type { Kernel } from "./types.js";

const reads = (ds: readonly DType[]) => ds.map((d) => readExpr(d, "@"));

/**
 * Builds an elementwise kernel from a body over x0..x{n-1}. The body depends on the operand and
 * result dtypes only, or also on the attribute `attrKey` names (compare's direction): its loop is
 * looked up once per such combination and kept (found by comparing the dtypes, a short list), not
 * rebuilt from expression strings at each call (~1 us of an 8x8 add).
 */
function ew<A = unknown>(
  body: (ins: readonly DType[], attrs: A, out: DType) => string,
  prim?: string,
  attrKey?: (attrs: A) => string,
): Kernel {
  const loops: { out: DType; ins: DType[]; attr: string | undefined; loop: LoopFn }[] = [];
  return (ins, avals, attrs, outs) => {
    const out = outs[0]!;
    const n = avals.length;
    // float32 in WebAssembly SIMD where the primitive, layout and size allow (wasm/simd_f32.ts), a large
    // result in the kernels' memory (written there, read in place by the next kernel)
    let f32 = prim !== undefined && out.dtype.name === "float32";
    for (let i = 0; i < n && f32; i++) f32 = avals[i]!.dtype.name === "float32";
    const size = numelOf(out.shape);
    const data = (f32 ? resultF32(size) : null) ?? out.dtype.alloc(size);
    if (f32 && wasmElementwiseF32(prim!, ins, out.shape, data as Float32Array)) return [contiguous(data, out.shape)];
    const attr = attrKey ? attrKey(attrs as A) : undefined;
    let loop: LoopFn | undefined;
    find: for (let k = 0; k < loops.length; k++) {
      const e = loops[k]!;
      if (e.out !== out.dtype || e.attr !== attr || e.ins.length !== n) continue;
      for (let i = 0; i < n; i++) if (e.ins[i] !== avals[i]!.dtype) continue find;
      loop = e.loop;
      break;
    }
    if (loop === undefined) {
      const dts = avals.map((a) => a.dtype);
      loop = elementwiseLoop(ins.length, reads(dts), storeExpr(out.dtype, body(dts, attrs as A, out.dtype)));
      loops.push({ out: out.dtype, ins: dts, attr, loop });
    }
    loop(data, out.shape, ins);
    return [contiguous(data, out.shape)];
  };
}

export const elementwiseKernels: Record<string, Kernel> = {};
for (const p of UNARY) elementwiseKernels[p] = ew((d) => unaryExpr(p, d[0]!, "x0"), p);
for (const p of BINARY) elementwiseKernels[p] = ew((d) => binaryExpr(p, d[0]!, "x0", "x1"), p);
for (const p of SPECIAL_UNARY) elementwiseKernels[p] = ew((d) => unaryExpr(p, d[0]!, "x0"));
for (const p of SPECIAL_BINARY) elementwiseKernels[p] = ew((d) => binaryExpr(p, d[0]!, "x0", "x1"));
elementwiseKernels.is_finite = ew((d) => unaryExpr("is_finite", d[0]!, "x0"));
const compareLoop = ew<{ direction: Parameters<typeof compareExpr>[0] }>(
  (_d, a) => compareExpr(a.direction, "x0", "x1"),
  undefined,
  (a) => a.direction,
);
const selectLoop = ew(() => selectExpr("x0", "x1", "x2"));
// float32 comparisons and float32 selects in WebAssembly SIMD where the layout and size allow (wasm/select_module.ts)
elementwiseKernels.compare = (ins, avals, attrs, outs) => {
  const o = outs[0]!;
  if (o.dtype.name === "bool" && avals[0]!.dtype.name === "float32" && avals[1]!.dtype.name === "float32") {
    const data = o.dtype.alloc(numelOf(o.shape)) as Uint8Array;
    if (wasmCompareF32((attrs as { direction: string }).direction, ins, o.shape, data)) return [contiguous(data, o.shape)];
  }
  return compareLoop(ins, avals, attrs, outs);
};
elementwiseKernels.select = (ins, avals, attrs, outs) => {
  const o = outs[0]!;
  if (
    o.dtype.name === "float32" &&
    avals[0]!.dtype.name === "bool" &&
    avals[1]!.dtype.name === "float32" &&
    avals[2]!.dtype.name === "float32"
  ) {
    const data = o.dtype.alloc(numelOf(o.shape)) as Float32Array;
    if (wasmSelectF32(ins, o.shape, data)) return [contiguous(data, o.shape)];
  }
  return selectLoop(ins, avals, attrs, outs);
};
const convertLoop = ew((d, _a, out) => convertExpr(d[0]!, out, "x0"));
/** float32 <-> float64: TypedArray.set converts each value exactly as the loop's store does (widening is exact; narrowing rounds to nearest even). */
const SET_CONVERT = new Set(["float32>float64", "float64>float32"]);
elementwiseKernels.convert = (ins, avals, attrs, outs) => {
  const x = ins[0]!,
    o = outs[0]!,
    n = numelOf(o.shape);
  if (SET_CONVERT.has(`${avals[0]!.dtype.name}>${o.dtype.name}`) && isContiguous(o.shape, x.strides) && x.offset + n <= x.data.length) {
    const data = o.dtype.alloc(n) as Float32Array;
    data.set((x.data as Float32Array).subarray(x.offset, x.offset + n));
    return [contiguous(data, o.shape)];
  }
  return convertLoop(ins, avals, attrs, outs);
};
const copyLoop = ew(() => "x0");
/** Dtypes whose elements the copy loop moves unchanged (no half decode/encode, no bool normalisation). */
const RAW_COPY = new Set(["float32", "float64", "int8", "int16", "int32", "int64", "uint8"]);
// a row-major input of such a dtype is copied as one block (slice), the same values as the loop
elementwiseKernels.copy = (ins, avals, attrs, outs) => {
  const x = ins[0]!,
    o = outs[0]!,
    n = numelOf(o.shape);
  if (RAW_COPY.has(o.dtype.name) && avals[0]!.dtype === o.dtype && isContiguous(o.shape, x.strides) && x.offset + n <= x.data.length)
    return [contiguous(x.data.slice(x.offset, x.offset + n), o.shape)];
  return copyLoop(ins, avals, attrs, outs);
};
