// Kernels of the primitives in core's prims_bits.ts. clamp, the shifts and
// float32/float64 cbrt are expressions compiled into strided loops (codegen.ts;
// a 0-d bound or shift amount is read once); the others read their inputs
// densely and compute in the dtype's own domain: numbers for the narrow
// integers, BigInt for int64, decoded values for float16/bfloat16 (rounded
// once when stored, as the reference evaluator rounds). The same kernels run StableHLO's
// clamp/cbrt/shift/popcnt/bitcast_convert/reduce_precision/optimization_barrier/
// rng_bit_generator in the CPU runtime (runtime/translate_bits.ts) where
// interpret/table.ts's primitiveIsExact says they compute the op exactly.
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, numelOf, type AVal, type DType, type HostArray } from "@xlatorch/core";
import { elementwiseLoop } from "../codegen.js";
import { readExpr, storeExpr } from "../exprs.js";
import { roundFloat } from "../runtime/interpret/values.js";
import { contiguous, type Elements, type Strided } from "../strided.js";
import { dense } from "./layout.js";
import { rngBitGenerator, type Algorithm } from "./rng_bits.js";
import { reinterpret } from "./reinterpret.js";
import type { Kernel } from "./types.js";

/** Element reader of an input: a 0-d input reads its one value at every index. */
function reader(s: Strided, a: AVal): (i: number) => number | bigint {
  const d = dense(s, a.shape, a.dtype);
  return a.shape.length === 0 ? () => d[0]! : (i) => d[i]!;
}

/** Float reads and stores of a dtype's host layout (float16/bfloat16 as bits, rounded once to the format). */
const decode = (d: DType): ((x: number) => number) => (d.name === "float16" ? f16ToF32 : d.name === "bfloat16" ? bf16ToF32 : (x) => x);
const encode = (d: DType): ((x: number) => number) =>
  d.name === "float16" ? (x) => f32ToF16(roundFloat(x, 5, 10)) : d.name === "bfloat16" ? (x) => f32ToBf16(roundFloat(x, 8, 7)) : (x) => x;

/** An elementwise kernel over n inputs computing one element at a time. */
function map(f: (dt: DType) => (xs: (number | bigint)[]) => number | bigint): Kernel {
  return (ins, avals, _attrs, [o]) => {
    const n = numelOf(o!.shape);
    const rs = ins.map((s, k) => reader(s, avals[k]!));
    const out = o!.dtype.alloc(n);
    const fn = f(avals[avals.length === 3 ? 1 : 0]!.dtype);
    const xs: (number | bigint)[] = new Array(rs.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < rs.length; k++) xs[k] = rs[k]!(i);
      (out as Elements)[i] = fn(xs);
    }
    return [contiguous(out, o!.shape)];
  };
}

const bitsOf = (d: DType): number => d.itemsize * 8;

/**
 * An elementwise kernel from an expression over x0..x{n-1} (decoded to the compute domain),
 * compiled into a strided loop (codegen.ts; 0-d inputs are read once); undefined body: `fallback`.
 */
function loop(body: (dt: DType) => string | undefined, fallback?: Kernel): Kernel {
  return (ins, avals, attrs, outs) => {
    const o = outs[0]!;
    const dt = avals[avals.length === 3 ? 1 : 0]!.dtype;
    const b = body(dt);
    if (b === undefined) return fallback!(ins, avals, attrs, outs);
    const out = o.dtype.alloc(numelOf(o.shape));
    elementwiseLoop(
      ins.length,
      avals.map((a) => readExpr(a.dtype, "@")),
      storeExpr(o.dtype, b),
    )(out, o.shape, ins);
    return [contiguous(out, o.shape)];
  };
}

/** clamp's expression: max(x, min) then min(., max), NaN propagating (Math.max/min do). */
function clampExpr(dt: DType): string {
  if (dt.isBig) return "(x1>x0?(x1<x2?x1:x2):(x0<x2?x0:x2))";
  return "Math.min(Math.max(x1,x0),x2)";
}

/** A shift's expression over the operand x0 and the amount x1 (read as unsigned of the width). */
function shiftExpr(kind: "left" | "arith" | "logical", dt: DType): string {
  const w = bitsOf(dt);
  if (dt.isBig) {
    const s = "BigInt.asUintN(64,x1)";
    if (kind === "arith") return `(${s}>=64n?(x0<0n?-1n:0n):(x0>>${s}))`;
    if (kind === "left") return `(${s}>=64n?0n:BigInt.asIntN(64,x0<<${s}))`;
    return `(${s}>=64n?0n:BigInt.asIntN(64,BigInt.asUintN(64,x0)>>${s}))`;
  }
  const s = w === 32 ? "(x1>>>0)" : `(x1&${2 ** w - 1})`;
  const signed = w === 32 ? "(x0|0)" : `((x0<<${32 - w})>>${32 - w})`;
  const unsigned = w === 32 ? "(x0>>>0)" : `(x0&${2 ** w - 1})`;
  // stored into the dtype's typed array, which wraps to its width
  if (kind === "arith") return `(${s}>=${w}?(${signed}<0?-1:0):(${signed}>>${s}))`;
  if (kind === "left") return `(${s}>=${w}?0:(x0<<${s}))`;
  return `(${s}>=${w}?0:(${unsigned}>>>${s}))`;
}

function popcntFn(dt: DType): (xs: (number | bigint)[]) => number | bigint {
  if (dt.isBig)
    return ([a]) => {
      let x = BigInt.asUintN(64, a as bigint),
        n = 0n;
      for (; x; x >>= 1n) n += x & 1n;
      return n;
    };
  const w = bitsOf(dt);
  return ([a]) => {
    let x = w === 32 ? (a as number) >>> 0 : (a as number) & (2 ** w - 1),
      n = 0;
    for (; x; x >>>= 1) n += x & 1;
    return n;
  };
}

function cbrtFn(dt: DType): (xs: (number | bigint)[]) => number | bigint {
  const dec = decode(dt),
    enc = encode(dt);
  return ([x]) => enc(Math.cbrt(dec(x as number)));
}

const reducePrecision: Kernel = ([x], [a], attrs, [o]) => {
  const { exponent_bits: e, mantissa_bits: m } = attrs as { exponent_bits: number; mantissa_bits: number };
  const dec = decode(a!.dtype),
    enc = encode(a!.dtype);
  const d = dense(x!, a!.shape, a!.dtype);
  const out = o!.dtype.alloc(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = dec(d[i] as number);
    // NaN stays NaN, except with no mantissa bits to keep it one: then infinity (XLA's rule)
    out[i] = enc(Number.isNaN(v) ? (m === 0 ? Infinity : v) : roundFloat(v, e, m));
  }
  return [contiguous(out, o!.shape)];
};

// identity: dense copies (the primitive is not a view: its results never alias the operands)
const barrier: Kernel = (ins, avals) => ins.map((s, k) => contiguous(dense(s, avals[k]!.shape, avals[k]!.dtype), avals[k]!.shape));

const rng: Kernel = ([s], [sa], attrs) => {
  const { algorithm, shape, dtype } = attrs as { algorithm: Algorithm; shape: number[]; dtype: DType };
  const words = [...(dense(s!, sa!.shape, sa!.dtype) as BigInt64Array)];
  const r = rngBitGenerator(algorithm, words, shape, bitsOf(dtype));
  const state = new BigInt64Array(r.state.map((w) => BigInt.asIntN(64, w)));
  const out = dtype.alloc(numelOf(shape));
  const v = r.values;
  // the low bits of each value, in the dtype's own bytes (float results are those bits read as floats)
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (v instanceof BigUint64Array) bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  else if (dtype.itemsize === 4) bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  else if (dtype.itemsize === 2) bytes.set(new Uint8Array(Uint16Array.from(v).buffer));
  else bytes.set(Uint8Array.from(v));
  if (dtype.name === "bool") for (let i = 0; i < out.length; i++) out[i] = out[i]! ? 1 : 0;
  return [contiguous(state, sa!.shape), contiguous(out, shape)];
};

export const bitsKernels: Record<string, Kernel> = {
  // compiled loops where an expression computes the op; float16/bfloat16 cbrt rounds once per element (map)
  clamp: loop(clampExpr),
  cbrt: loop((d) => (d.name === "float32" || d.name === "float64" ? "Math.cbrt(x0)" : undefined), map(cbrtFn)),
  shift_left: loop((d) => shiftExpr("left", d)),
  shift_right_arithmetic: loop((d) => shiftExpr("arith", d)),
  shift_right_logical: loop((d) => shiftExpr("logical", d)),
  popcnt: map(popcntFn),
  // a view: the operand's bytes as the new dtype, no copy (reinterpret.ts)
  bitcast_convert: reinterpret,
  reduce_precision: reducePrecision,
  optimization_barrier: barrier,
  rng_bit_generator: rng,
};
