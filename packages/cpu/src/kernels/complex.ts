// Complex tensors in the CPU kernels. A complex payload is an interleaved
// (re, im) Float32Array/Float64Array whose offset and strides count complex
// elements (docs/ARCHITECTURE.md). The real kernels serve it three ways:
// - views (broadcast_in_dim, reshape, transpose, slice) run on the real
//   [..., 2] pair view of the same memory, so they stay aliases;
// - componentwise primitives (copy, pad, concatenate, reverse, select, gather,
//   scatter, sum reductions and scans) run once on the real parts and once on
//   the imaginary parts (both strided views, no copy), and the results are
//   interleaved;
// - arithmetic (elementwise math, convert, dot_general) has its own loops here.
import {
  bf16ToF32,
  f16ToF32,
  float32,
  float64,
  numelOf,
  toRealValueType,
  TorchError,
  type AVal,
  type DType,
  type HostArray,
  type Shape,
} from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
import { cpowf } from "../complex_pow_f32.js";
import { COMPLEX_BINARY_MATH, COMPLEX_UNARY_MATH } from "./complex_math.js";
import { dense, pairView } from "./layout.js";
import { encode } from "./values.js";
import type { Kernel } from "./types.js";

/** The real and imaginary parts of a complex payload, as real strided views of its memory. */
export const parts = (s: Strided): [Strided, Strided] => [
  { data: s.data, offset: 2 * s.offset, strides: s.strides.map((st) => 2 * st) },
  { data: s.data, offset: 2 * s.offset + 1, strides: s.strides.map((st) => 2 * st) },
];
const fromPairView = (s: Strided): Strided => ({ data: s.data, offset: s.offset / 2, strides: s.strides.slice(0, -1).map((st) => st / 2) });
const realAval = (a: AVal): AVal => ({ shape: a.shape, dtype: toRealValueType(a.dtype) });
const pairAval = (a: AVal): AVal => ({ shape: [...a.shape, 2], dtype: toRealValueType(a.dtype) });

/** Interleaves dense real and imaginary parts into a complex payload of `shape`. */
export function interleave(re: ArrayLike<number>, im: ArrayLike<number>, dtype: DType, shape: Shape): Strided {
  const n = numelOf(shape);
  const out = dtype.alloc(n) as Float32Array | Float64Array;
  for (let i = 0; i < n; i++) {
    out[2 * i] = re[i]!;
    out[2 * i + 1] = im[i]!;
  }
  return contiguous(out, shape);
}

/** A complex operand's values as dense interleaved float64 pairs (a 0-d operand stays one pair). */
function pairsOf(s: Strided, a: AVal): Float64Array {
  const d = dense(s, a.shape, a.dtype);
  return d instanceof Float64Array ? d : Float64Array.from(d as Float32Array);
}

/** A complex operand as dense float64 real and imaginary parts (fresh copies; the linalg kernels' layout). */
export function splitParts(x: Strided, a: AVal): [Float64Array, Float64Array] {
  const d = dense(x, a.shape, a.dtype) as Float32Array | Float64Array;
  const n = d.length / 2;
  const re = new Float64Array(n),
    im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = d[2 * i]!;
    im[i] = d[2 * i + 1]!;
  }
  return [re, im];
}

/** A real operand's values as float64 (int64, half and bool decoded). */
function realValues(s: Strided, a: AVal): Float64Array {
  const d = dense(s, a.shape, a.dtype);
  if (d instanceof BigInt64Array) return Float64Array.from(d, Number);
  if (a.dtype.name === "float16") return Float64Array.from(d as Uint16Array, f16ToF32);
  if (a.dtype.name === "bfloat16") return Float64Array.from(d as Uint16Array, bf16ToF32);
  return d instanceof Float64Array ? d : Float64Array.from(d as ArrayLike<number>);
}

// ---- complex scalar math (re, im) -> [re, im] -------------------------------
type C = [number, number];
const cexp = (a: number, b: number): C => {
  const e = Math.exp(a);
  return b === 0 ? [e, b] : [e * Math.cos(b), e * Math.sin(b)];
};
const clog = (a: number, b: number): C => [Math.log(Math.hypot(a, b)), Math.atan2(b, a)];
/** Principal square root, the branch cut on the negative real axis keeping the sign of a zero imaginary part (C99 csqrt). */
function csqrt(a: number, b: number): C {
  if (a === 0 && b === 0) return [0, b];
  if (b === Infinity || b === -Infinity) return [Infinity, b];
  const r = Math.hypot(a, b);
  if (a >= 0) {
    const t = Math.sqrt((r + a) / 2);
    return [t, b / (2 * t)];
  }
  const t = Math.sqrt((r - a) / 2);
  const neg = b < 0 || Object.is(b, -0);
  return [Math.abs(b) / (2 * t), neg ? -t : t];
}
/** Smith's division, which avoids overflow in |d|^2. */
function cdiv(a: number, b: number, c: number, d: number): C {
  if (Math.abs(c) >= Math.abs(d)) {
    if (c === 0 && d === 0) return [a / 0, b / 0];
    const r = d / c,
      den = c + d * r;
    return [(a + b * r) / den, (b - a * r) / den];
  }
  const r = c / d,
    den = c * r + d;
  return [(a * r + b) / den, (b * r - a) / den];
}
const UNARY_C: Record<string, (a: number, b: number) => C> = {
  neg: (a, b) => [-a, -b],
  exp: cexp,
  log: clog,
  sqrt: csqrt,
  ...COMPLEX_UNARY_MATH,
};
const BINARY_C: Record<string, (a: number, b: number, c: number, d: number) => C> = {
  add: (a, b, c, d) => [a + c, b + d],
  subtract: (a, b, c, d) => [a - c, b - d],
  multiply: (a, b, c, d) => [a * c - b * d, a * d + b * c],
  divide: cdiv,
  ...COMPLEX_BINARY_MATH,
};

function unaryComplex(f: (a: number, b: number) => C): Kernel {
  return ([x], [a], _attrs, [o]) => {
    const v = pairsOf(x!, a!);
    const n = numelOf(o!.shape);
    const out = o!.dtype.alloc(n) as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) {
      const [re, im] = f(v[2 * i]!, v[2 * i + 1]!);
      out[2 * i] = re;
      out[2 * i + 1] = im;
    }
    return [contiguous(out, o!.shape)];
  };
}
function binaryComplex(f: (a: number, b: number, c: number, d: number) => C): Kernel {
  return ([x, y], [ax, ay], _attrs, [o]) => {
    const u = pairsOf(x!, ax!),
      v = pairsOf(y!, ay!);
    // a 0-d operand stands for its value at every position (Primitive.scalarOperands)
    const su = ax!.shape.length === 0 ? 0 : 2,
      sv = ay!.shape.length === 0 ? 0 : 2;
    const n = numelOf(o!.shape);
    const out = o!.dtype.alloc(n) as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) {
      const [re, im] = f(u[su * i]!, u[su * i + 1]!, v[sv * i]!, v[sv * i + 1]!);
      out[2 * i] = re;
      out[2 * i + 1] = im;
    }
    return [contiguous(out, o!.shape)];
  };
}

/** The primitives complex tensors reach in the real kernels' place; `k` is the real kernel. */
type ComplexKernel = (ins: readonly Strided[], avals: readonly AVal[], attrs: unknown, outs: readonly AVal[], k: Kernel) => Strided[];

const viewOn =
  (mapAttrs: (attrs: Record<string, number[]>, rank: number) => unknown): ComplexKernel =>
  ([x], [a], attrs, [o], k) =>
    k([pairView(x!)], [pairAval(a!)], mapAttrs(attrs as Record<string, number[]>, a!.shape.length), [pairAval(o!)]).map(fromPairView);

/** Runs the real kernel on the real parts, then on the imaginary parts, and interleaves (attrsIm: the attrs of the second run). */
const componentwise =
  (check?: (attrs: Record<string, unknown>) => string | null, attrsIm?: (attrs: Record<string, unknown>) => unknown): ComplexKernel =>
  (ins, avals, attrs, outs, k) => {
    const why = check?.(attrs as Record<string, unknown>);
    if (why) throw new TorchError(why);
    const run = (part: 0 | 1, at: unknown) =>
      k(
        ins.map((s, i) => (avals[i]!.dtype.is_complex ? parts(s)[part] : s)),
        avals.map((a) => (a.dtype.is_complex ? realAval(a) : a)),
        at,
        outs.map(realAval),
      )[0]!;
    const o = outs[0]!;
    const rd = toRealValueType(o.dtype);
    const re = dense(run(0, attrs), o.shape, rd),
      im = dense(run(1, attrsIm ? attrsIm(attrs as Record<string, unknown>) : attrs), o.shape, rd);
    return [interleave(re as Float64Array, im as Float64Array, o.dtype, o.shape)];
  };
const sumOnly = (what: string) => (a: Record<string, unknown>) =>
  a.op === "sum" ? null : `${what} ${String(a.op)}: not implemented for complex tensors (only sum)`;

/**
 * dot_general as four real products: (a + ib)(c + id) = (ac - bd) + i(ad + bc). complex64's products run in
 * float64 and round once: in float32, ac - bd would lose the low bits that a complex GEMM's (PyTorch's) keeps.
 */
const complexDot: ComplexKernel = ([l, r], [la, ra], attrs, [o], k) => {
  const wide = (s: Strided, a: AVal): [Strided, Strided] => {
    if (toRealValueType(a.dtype) === float64) return parts(s);
    return parts(s).map((p) => contiguous(Float64Array.from(dense(p, a.shape, float32) as Float32Array), a.shape)) as [Strided, Strided];
  };
  const [lr, li] = wide(l!, la!),
    [rr, ri] = wide(r!, ra!);
  const lA = { shape: la!.shape, dtype: float64 },
    rA = { shape: ra!.shape, dtype: float64 },
    oA = { shape: o!.shape, dtype: float64 };
  const prod = (x: Strided, y: Strided) => dense(k([x, y], [lA, rA], attrs, [oA])[0]!, o!.shape, float64) as Float64Array;
  const ac = prod(lr, rr),
    bd = prod(li, ri),
    ad = prod(lr, ri),
    bc = prod(li, rr);
  const n = numelOf(o!.shape);
  const out = o!.dtype.alloc(n) as Float32Array | Float64Array;
  for (let i = 0; i < n; i++) {
    out[2 * i] = ac[i]! - bd[i]!;
    out[2 * i + 1] = ad[i]! + bc[i]!;
  }
  return [contiguous(out, o!.shape)];
};

/** convert to, from or between complex dtypes (to a real dtype: the real part, as PyTorch's .to() with its warning). */
const complexConvert: ComplexKernel = ([x], [a], _attrs, [o]) => {
  const n = numelOf(o!.shape);
  if (a!.dtype.is_complex && o!.dtype.is_complex) return [contiguous(toDtype(pairsOf(x!, a!), o!.dtype), o!.shape)];
  if (o!.dtype.is_complex) {
    const re = realValues(x!, a!);
    return [interleave(re, new Float64Array(n), o!.dtype, o!.shape)];
  }
  // to a real dtype (bool included): the real part, as PyTorch 1.13's cast (which warns that it discards the imaginary part)
  const v = pairsOf(x!, a!);
  const re = Float64Array.from({ length: n }, (_, i) => v[2 * i]!);
  return [contiguous(encode(re, o!.dtype), o!.shape)];
};
function toDtype(v: Float64Array, d: DType): HostArray {
  const out = d.alloc(v.length / 2) as Float32Array | Float64Array;
  out.set(v);
  return out;
}

export const COMPLEX_KERNELS: Record<string, ComplexKernel> = {
  broadcast_in_dim: viewOn((a) => ({ shape: [...a.shape!, 2], dims: [...a.dims!, a.shape!.length] })),
  reshape: viewOn((a) => ({ shape: [...a.shape!, 2] })),
  transpose: viewOn((a, r) => ({ perm: [...a.perm!, r] })),
  slice: viewOn((a) => ({ start: [...a.start!, 0], limit: [...a.limit!, 2], step: [...a.step!, 1] })),
  copy: componentwise(),
  // a pad value is real: the imaginary parts pad with 0
  pad: componentwise(undefined, (a) => ({ ...a, value: 0 })),
  concatenate: componentwise(),
  reverse: componentwise(),
  select: componentwise(),
  gather: componentwise(),
  scatter: componentwise(),
  reduce: componentwise(sumOnly("reduce")),
  cumulative: componentwise(sumOnly("cumulative")),
  dot_general: complexDot,
  convert: complexConvert,
  abs: ([x], [a], _attrs, [o]) => {
    const v = pairsOf(x!, a!);
    const n = numelOf(o!.shape);
    const out = o!.dtype.alloc(n) as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) out[i] = Math.hypot(v[2 * i]!, v[2 * i + 1]!);
    return [contiguous(out, o!.shape)];
  },
};
for (const [p, f] of Object.entries(UNARY_C)) COMPLEX_KERNELS[p] = unaryComplex(f);
for (const [p, f] of Object.entries(BINARY_C)) COMPLEX_KERNELS[p] = binaryComplex(f);
// complex64 power step by step in float32, as PyTorch's std::pow(complex<float>) (glibc's cpowf)
const power64 = COMPLEX_KERNELS.power!,
  power32 = binaryComplex((a, b, c, d) => cpowf(a, b, c, d, COMPLEX_BINARY_MATH.power!));
COMPLEX_KERNELS.power = (ins, avals, attrs, outs, k) =>
  outs[0]!.dtype.name === "complex64" ? power32(ins, avals, attrs, outs) : power64(ins, avals, attrs, outs, k);

/** The kernels of the complex primitives themselves (complex, real, imag). */
export const complexPrimKernels: Record<string, Kernel> = {
  complex: ([re, im], [ar, ai], _attrs, [o]) => {
    const u = realValues(re!, ar!),
      v = realValues(im!, ai!);
    const su = ar!.shape.length === 0 ? 0 : 1,
      sv = ai!.shape.length === 0 ? 0 : 1;
    const n = numelOf(o!.shape);
    const out = o!.dtype.alloc(n) as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) {
      out[2 * i] = u[su * i]!;
      out[2 * i + 1] = v[sv * i]!;
    }
    return [contiguous(out, o!.shape)];
  },
  real: ([z], [a], _attrs, [o]) => [contiguous(dense(parts(z!)[0], a!.shape, o!.dtype), o!.shape)],
  imag: ([z], [a], _attrs, [o]) => [contiguous(dense(parts(z!)[1], a!.shape, o!.dtype), o!.shape)],
};

/** The first complex aval (a loop, not find() with a closure: every cpu kernel call passes here). */
function firstComplex(avals: readonly AVal[]): AVal | undefined {
  for (let i = 0; i < avals.length; i++) if (avals[i]!.dtype.is_complex) return avals[i];
  return undefined;
}

/**
 * Wraps every kernel of a table: operands and results without complex dtypes go to the real
 * kernel unchanged; complex ones to COMPLEX_KERNELS, or an error naming the primitive.
 */
export function complexAware(table: Record<string, Kernel>): Record<string, Kernel> {
  const out: Record<string, Kernel> = {};
  for (const [name, k] of Object.entries(table)) {
    if (name in complexPrimKernels || name === "fft") {
      out[name] = k;
      continue;
    }
    const c = COMPLEX_KERNELS[name];
    out[name] = (ins, avals, attrs, outs) => {
      const cx = firstComplex(avals) ?? firstComplex(outs);
      if (!cx) return k(ins, avals, attrs, outs);
      if (!c) throw new TorchError(`${name}: not implemented for complex tensors ('${cx.dtype.scalarName}')`);
      return c(ins, avals, attrs, outs, k);
    };
  }
  return out;
}
