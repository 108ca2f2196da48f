// reduce, argreduce and cumulative: move the reduced dim(s) last, then work row by row.
import { contiguousStrides } from "@xlatorch/core";
import { contiguous } from "../strided.js";
import { wasmReduceF32 } from "../wasm/simd_f32.js";
import { reduceStrided } from "./reduce_strided.js";
import { sumLeading32, sumLeading64, sumRows32, sumRows64 } from "./reduce_sum_loops.js";
import { stepRounder } from "./round_step.js";
import type { Kernel } from "./types.js";
import { decode, encode, permToEnd, prod, values } from "./values.js";

type Acc = { init: number; step: (a: number, v: number) => number };
const NUM: Record<string, Acc> = {
  sum: { init: 0, step: (a, v) => a + v },
  prod: { init: 1, step: (a, v) => a * v },
  // NaN propagates, as in PyTorch's max/min.
  max: { init: -Infinity, step: (a, v) => (v > a || v !== v ? v : a) },
  min: { init: Infinity, step: (a, v) => (v < a || v !== v ? v : a) },
  and: { init: 1, step: (a, v) => (a && v ? 1 : 0) },
  or: { init: 0, step: (a, v) => (a || v ? 1 : 0) },
};
type BigAcc = { init: bigint; step: (a: bigint, v: bigint) => bigint };
const BIG: Record<string, BigAcc> = {
  sum: { init: 0n, step: (a, v) => BigInt.asIntN(64, a + v) },
  prod: { init: 1n, step: (a, v) => BigInt.asIntN(64, a * v) },
  max: { init: -(2n ** 63n), step: (a, v) => (v > a ? v : a) },
  min: { init: 2n ** 63n - 1n, step: (a, v) => (v < a ? v : a) },
  and: { init: 1n, step: (a, v) => (a && v ? 1n : 0n) },
  or: { init: 0n, step: (a, v) => (a || v ? 1n : 0n) },
};

/**
 * n float64 accumulators for the sums (reduce_sum_loops.ts), which encode copies into the result at once:
 * one scratch array serves every call up to SCRATCH values (a new Float64Array per call, ~0.3-1 us, cost
 * more than a small model's sums themselves); larger ones are new.
 */
function accumulator(n: number): Float64Array {
  if (n > SCRATCH) return new Float64Array(n);
  return scratch.subarray(0, n);
}
const SCRATCH = 4096;
const scratch = new Float64Array(SCRATCH);

export const reduceKernels: Record<string, Kernel> = {
  reduce: ([x], [a], { op, dims }: { op: string; dims: number[] }, [o]) => {
    const shape = a!.shape;
    // float32 sum/max/min along trailing dims of a dense input: WebAssembly SIMD (wasm/simd_f32.ts)
    const f32 = a!.dtype.name === "float32" && o!.dtype.name === "float32" ? wasmReduceF32(op, x!, shape, dims) : null;
    if (f32) return [contiguous(f32, o!.shape)];
    const leading = dims.length > 0 && dims.every((d, i) => d === i) && dims.length < shape.length;
    if (leading && op === "sum" && !a!.dtype.isBig) {
      // Sum over leading dims of a dense input: add whole rows, no transposed copy.
      const rows = values(x!, shape, a!.dtype) as ArrayLike<number>;
      const n = prod(o!.shape),
        count = prod(dims.map((d) => shape[d]!));
      // float32/float64 rows: the same loop compiled per array type (reduce_sum_loops.ts)
      if (rows instanceof Float64Array) return [contiguous(encode(sumLeading64(rows, 0, count, n, accumulator(n)), o!.dtype), o!.shape)];
      if (rows instanceof Float32Array) return [contiguous(encode(sumLeading32(rows, 0, count, n, accumulator(n)), o!.dtype), o!.shape)];
      const out = new Float64Array(n);
      for (let r = 0; r < count; r++) for (let j = 0, q = r * n; j < n; j++, q++) out[j] += rows[q]!;
      return [contiguous(encode(out, o!.dtype), o!.shape)];
    }
    // float32/float64 over non-trailing dims: read in place, in the transposed copy's order (reduce_strided.ts)
    const trailing = dims.every((d, i) => d === shape.length - dims.length + i);
    const real = a!.dtype.name === "float32" || a!.dtype.name === "float64";
    const strided = trailing || !real || o!.dtype !== a!.dtype ? null : reduceStrided(op, x!, shape, dims);
    if (strided) return [contiguous(encode(strided, o!.dtype), o!.shape)];
    const vals = values(x!, shape, a!.dtype, permToEnd(shape.length, dims));
    const inner = prod(dims.map((d) => shape[d]!));
    const outer = prod(o!.shape);
    if (vals instanceof BigInt64Array) {
      const acc = BIG[op]!,
        out = new BigInt64Array(outer);
      for (let r = 0; r < outer; r++) {
        let s = acc.init;
        for (let i = r * inner, e = i + inner; i < e; i++) s = acc.step(s, vals[i]!);
        out[r] = s;
      }
      return [contiguous(encode(out, o!.dtype), o!.shape)];
    }
    // float32/float64 sums: the same loop compiled per array type (reduce_sum_loops.ts)
    if (op === "sum" && vals instanceof Float64Array)
      return [contiguous(encode(sumRows64(vals, 0, outer, inner, accumulator(outer)), o!.dtype), o!.shape)];
    if (op === "sum" && vals instanceof Float32Array)
      return [contiguous(encode(sumRows32(vals, 0, outer, inner, accumulator(outer)), o!.dtype), o!.shape)];
    const out = new Float64Array(outer);
    if (op === "sum") {
      for (let r = 0; r < outer; r++) {
        let s = 0;
        for (let i = r * inner, e = i + inner; i < e; i++) s += vals[i]!;
        out[r] = s;
      }
    } else {
      const acc = NUM[op]!;
      for (let r = 0; r < outer; r++) {
        let s = acc.init;
        for (let i = r * inner, e = i + inner; i < e; i++) s = acc.step(s, vals[i]!);
        out[r] = s;
      }
    }
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },

  argreduce: ([x], [a], { op, dim }: { op: "max" | "min"; dim: number }, [o]) => {
    const shape = a!.shape;
    const vals = values(x!, shape, a!.dtype, permToEnd(shape.length, [dim]));
    const inner = shape[dim]!,
      outer = prod(o!.shape);
    const out = new BigInt64Array(outer);
    const better = op === "max" ? (v: number | bigint, b: number | bigint) => v > b : (v: number | bigint, b: number | bigint) => v < b;
    for (let r = 0; r < outer; r++) {
      let bi = 0,
        bv = vals[r * inner]!;
      for (let i = 1; i < inner; i++) {
        const v = vals[r * inner + i];
        if (bv !== bv) break; // first NaN wins
        if (v !== v || better(v, bv)) {
          bv = v;
          bi = i;
        }
      }
      out[r] = BigInt(bi);
    }
    return [contiguous(out, o!.shape)];
  },

  cumulative: ([x], [a], { op, dim }: { op: string; dim: number }, [o]) => {
    const shape = a!.shape,
      nd = shape.length;
    const perm = permToEnd(nd, [dim]);
    const vals = decode(x!, shape, a!.dtype, perm);
    const inner = shape[dim]!,
      outer = inner === 0 ? 0 : vals.length / inner;
    if (vals instanceof BigInt64Array) {
      const acc = BIG[op]!;
      for (let r = 0; r < outer; r++) {
        let s = acc.init;
        for (let i = r * inner; i < (r + 1) * inner; i++) vals[i] = s = acc.step(s, vals[i]!);
      }
    } else {
      const acc = NUM[op]!;
      // sums and products round each step to a float element type (StableHLO's body in that type);
      // torch.cumsum/cumprod widen float32 and half inputs first, as PyTorch's CPU kernel accumulates (ops/scan_acc.ts)
      const round = op === "sum" || op === "prod" ? stepRounder(a!.dtype) : null;
      for (let r = 0; r < outer; r++) {
        let s = acc.init;
        if (round) for (let i = r * inner; i < (r + 1) * inner; i++) vals[i] = s = round(acc.step(s, vals[i]!));
        else for (let i = r * inner; i < (r + 1) * inner; i++) vals[i] = s = acc.step(s, vals[i]!);
      }
    }
    // The result is laid out in permuted order; expose it through strides.
    const pst = contiguousStrides(perm.map((p) => shape[p]!));
    const strides = new Array<number>(nd);
    perm.forEach((p, i) => {
      strides[p] = pst[i]!;
    });
    return [{ data: encode(vals, o!.dtype), offset: 0, strides }];
  },
};
