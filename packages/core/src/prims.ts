// The primitive set, close to StableHLO ops. Each entry here is the shape/dtype
// rule; kernels live in packages/cpu, lowerings in packages/lazy, VJPs in vjps.ts.
import { bool, int32, int64, toComplexType, toRealValueType, type DType } from "./dtype.js";
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";
import { numelOf } from "./shape.js";
import { SPECIAL_BINARY, SPECIAL_UNARY } from "./prims_special.js";
import { WINDOW_PRIMS, defineWindowPrims } from "./prims_window.js";
import { CONTROL_PRIMS, defineControlPrims } from "./prims_control.js";
import { LDL_PRIMS, defineLdlPrims } from "./prims_ldl.js";
import { SELECT_PRIMS, defineSelectPrims } from "./prims_select.js";
import { DYNAMIC_PRIMS, defineDynamicPrims } from "./prims_dynamic.js";
import { GATHER_PRIMS, defineGatherPrims } from "./prims_gather.js";
import { BITS_PRIMS, defineBitsPrims } from "./prims_bits.js";
import { OPTIM_PRIMS, defineOptimPrims } from "./prims_optim.js";
import { NORM_PRIMS, defineNormPrims } from "./prims_norm.js";
import { GELU_PRIMS, defineGeluPrims } from "./prims_gelu.js";
import { SOFTMAX_PRIMS, defineSoftmaxPrims } from "./prims_softmax.js";

const same = (ins: readonly AVal[]): AVal[] => [{ shape: ins[0]!.shape, dtype: ins[0]!.dtype }];
/** The output shape of an elementwise primitive: its first operand that is not 0-d (see Primitive.scalarOperands). */
function elementwiseShape(ins: readonly AVal[]): AVal["shape"] {
  for (let i = 0; i < ins.length; i++) if (ins[i]!.shape.length !== 0) return ins[i]!.shape;
  return ins[0]!.shape;
}
const sameBinary = (ins: readonly AVal[]): AVal[] => [{ shape: elementwiseShape(ins), dtype: ins[0]!.dtype }];

export const UNARY = [
  "neg",
  "abs",
  "sign",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "sin",
  "cos",
  "tan",
  "tanh",
  "logistic",
  "erf",
  "floor",
  "ceil",
  "round_nearest_even",
  "not",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "asinh",
  "acosh",
  "atanh",
  "erfinv",
] as const;
export const BINARY = [
  "add",
  "subtract",
  "multiply",
  "divide",
  "remainder",
  "power",
  "maximum",
  "minimum",
  "atan2",
  "and",
  "or",
  "xor",
] as const;
export type UnaryName = (typeof UNARY)[number];
export type BinaryName = (typeof BINARY)[number];

/** Every primitive: one shape rule here, one CPU kernel, one lowering, one VJP (each table keyed by these names). */
export const PRIM_NAMES = [
  ...UNARY,
  ...BINARY,
  "is_finite",
  "compare",
  "select",
  "convert",
  "copy",
  "broadcast_in_dim",
  "reshape",
  "transpose",
  "slice",
  "pad",
  "concatenate",
  "iota",
  "reverse",
  "dot_general",
  "reduce",
  "argreduce",
  "cumulative",
  "gather",
  "scatter",
  "sort",
  // linear algebra over the last two dims (batched over the leading ones)
  "cholesky",
  "triangular_solve",
  "qr",
  "eigh",
  "svd",
  "lu",
  "eig",
  "geqrf",
  // Bunch-Kaufman LDL^T and its solve (prims_ldl.ts)
  ...LDL_PRIMS,
  // kthvalue: PyTorch's quickselect (prims_select.ts)
  ...SELECT_PRIMS,
  // complex numbers (stablehlo.complex/real/imag) and the FFT (stablehlo.fft)
  "complex",
  "real",
  "imag",
  "fft",
  // torch.special's math (prims_special.ts)
  ...SPECIAL_UNARY,
  ...SPECIAL_BINARY,
  // convolution, reduce_window, select_and_scatter (prims_window.ts)
  ...WINDOW_PRIMS,
  // while, case: control flow with traced sub-graph bodies (prims_control.ts)
  ...CONTROL_PRIMS,
  // dynamic_slice, dynamic_update_slice (prims_dynamic.ts)
  ...DYNAMIC_PRIMS,
  // clamp, cbrt, shifts, popcnt, bitcast_convert, reduce_precision, optimization_barrier, rng_bit_generator (prims_bits.ts)
  ...BITS_PRIMS,
  // gather_slices, scatter_slices: windowed gather/scatter with full dimension numbers (prims_gather.ts)
  ...GATHER_PRIMS,
  // adam_update, sgd_update: fused optimizer updates (prims_optim.ts)
  ...OPTIM_PRIMS,
  // layer_norm, layer_norm_backward: F.layer_norm as one primitive each way (prims_norm.ts)
  ...NORM_PRIMS,
  // gelu, gelu_backward: F.gelu (erf form) as one primitive each way (prims_gelu.ts)
  ...GELU_PRIMS,
  // softmax, softmax_backward: softmax over one dim as one primitive each way (prims_softmax.ts)
  ...SOFTMAX_PRIMS,
] as const;
export type PrimName = (typeof PRIM_NAMES)[number];

/** The primitives by name: `P.tpyo` is a compile error. Filled below, checked complete at import. */
export const P = {} as Record<PrimName, Primitive>;
// |z| of a complex operand is real (stablehlo.abs)
const absRule = ([x]: readonly AVal[]): AVal[] => [{ shape: x!.shape, dtype: toRealValueType(x!.dtype) }];
for (const n of UNARY) P[n] = definePrimitive({ name: n, abstract: n === "abs" ? absRule : same });
for (const n of BINARY) P[n] = definePrimitive({ name: n, abstract: sameBinary, scalarOperands: true });

for (const n of SPECIAL_UNARY) P[n] = definePrimitive({ name: n, abstract: same });
for (const n of SPECIAL_BINARY) P[n] = definePrimitive({ name: n, abstract: sameBinary, scalarOperands: true });

export type CompareDirection = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE";
P.is_finite = definePrimitive({ name: "is_finite", abstract: (i) => [{ shape: i[0]!.shape, dtype: bool }] });
P.compare = definePrimitive<{ direction: CompareDirection }>({
  name: "compare",
  abstract: (i) => [{ shape: elementwiseShape(i), dtype: bool }],
  scalarOperands: true,
});
/** select(pred, on_true, on_false), all the same shape (or 0-d). */
P.select = definePrimitive({ name: "select", abstract: (i) => [{ shape: elementwiseShape(i), dtype: i[1]!.dtype }], scalarOperands: true });
P.convert = definePrimitive<{ dtype: DType }>({ name: "convert", abstract: (i, a) => [{ shape: i[0]!.shape, dtype: a.dtype }] });
/** Materialise a contiguous copy (identity on lazy devices). */
P.copy = definePrimitive({ name: "copy", abstract: same });

// ---- shape primitives (views on eager devices where marked) ----------------
/** dims[i] is the output dim that input dim i maps to (StableHLO broadcast_in_dim). */
P.broadcast_in_dim = definePrimitive<{ shape: number[]; dims: number[] }>({
  name: "broadcast_in_dim",
  isView: true,
  abstract: (i, a) => [{ shape: a.shape, dtype: i[0]!.dtype }],
});
P.reshape = definePrimitive<{ shape: number[] }>({
  name: "reshape",
  isView: true,
  abstract: (i, a) => [{ shape: a.shape, dtype: i[0]!.dtype }],
});
P.transpose = definePrimitive<{ perm: number[] }>({
  name: "transpose",
  isView: true,
  abstract: (i, a) => [{ shape: a.perm.map((p) => i[0]!.shape[p]!), dtype: i[0]!.dtype }],
});
/** Strided slice; step > 0. */
P.slice = definePrimitive<{ start: number[]; limit: number[]; step: number[] }>({
  name: "slice",
  isView: true,
  abstract: (i, a) => [{ shape: a.start.map((s, d) => Math.max(0, Math.ceil((a.limit[d]! - s) / a.step[d]!))), dtype: i[0]!.dtype }],
});
/** Pad with a scalar value; interior padding inserts between elements. */
P.pad = definePrimitive<{ low: number[]; high: number[]; interior: number[]; value: number }>({
  name: "pad",
  abstract: (i, a) => [
    { shape: i[0]!.shape.map((n, d) => a.low[d]! + a.high[d]! + n + Math.max(0, n - 1) * a.interior[d]!), dtype: i[0]!.dtype },
  ],
});
P.concatenate = definePrimitive<{ dim: number }>({
  name: "concatenate",
  abstract: (i, a) => {
    const shape = [...i[0]!.shape];
    shape[a.dim] = i.reduce((s, x) => s + x.shape[a.dim]!, 0);
    return [{ shape, dtype: i[0]!.dtype }];
  },
});
P.iota = definePrimitive<{ shape: number[]; dim: number; dtype: DType }>({
  name: "iota",
  abstract: (_i, a) => [{ shape: a.shape, dtype: a.dtype }],
});
P.reverse = definePrimitive<{ dims: number[] }>({ name: "reverse", abstract: same });

// ---- contraction, reductions, scans ----------------------------------------
export interface DotDims {
  lhs_batch: number[];
  rhs_batch: number[];
  lhs_contract: number[];
  rhs_contract: number[];
}
P.dot_general = definePrimitive<DotDims>({
  name: "dot_general",
  abstract: (i, a) => {
    // batch dims, then lhs free dims, then rhs free dims
    const l = i[0]!.shape,
      r = i[1]!.shape;
    const shape: number[] = [];
    for (const d of a.lhs_batch) shape.push(l[d]!);
    for (let d = 0; d < l.length; d++) if (!a.lhs_batch.includes(d) && !a.lhs_contract.includes(d)) shape.push(l[d]!);
    for (let d = 0; d < r.length; d++) if (!a.rhs_batch.includes(d) && !a.rhs_contract.includes(d)) shape.push(r[d]!);
    return [{ shape, dtype: i[0]!.dtype }];
  },
});
export type ReduceOp = "sum" | "prod" | "max" | "min" | "and" | "or";
/** Reduce over dims (removed from the shape). */
P.reduce = definePrimitive<{ op: ReduceOp; dims: number[] }>({
  name: "reduce",
  abstract: (i, a) => [{ shape: reducedShape(i[0]!.shape, a.dims), dtype: i[0]!.dtype }],
});
/** `shape` without `dims` (a loop: the backward of every broadcast records a reduce). */
function reducedShape(shape: readonly number[], dims: readonly number[]): number[] {
  const out: number[] = [];
  outer: for (let d = 0; d < shape.length; d++) {
    for (let k = 0; k < dims.length; k++) if (dims[k] === d) continue outer;
    out.push(shape[d]!);
  }
  return out;
}
/** Index of the first max/min along dim (removed), NaN counting as the extreme. */
P.argreduce = definePrimitive<{ op: "max" | "min"; dim: number }>({
  name: "argreduce",
  abstract: (i, a) => [{ shape: i[0]!.shape.filter((_, d) => d !== a.dim), dtype: int64 }],
});
P.cumulative = definePrimitive<{ op: "sum" | "prod" | "max" | "min"; dim: number }>({ name: "cumulative", abstract: same });
/**
 * Point gather: idx is int64 [...batch, rank(x)], a full coordinate per output
 * element; out[...batch] = x[idx[...batch, :]]. The restricted StableHLO gather
 * (all dims collapsed, slice sizes 1), so one kernel serves eager and lowered code.
 */
P.gather = definePrimitive({ name: "gather", abstract: ([x, idx]) => [{ shape: idx!.shape.slice(0, -1), dtype: x!.dtype }] });
/** Point scatter (out of place): x with x[idx[...b, :]] = upd[...b] (or += for "add"). */
P.scatter = definePrimitive<{ reduce: "none" | "add" }>({ name: "scatter", abstract: same });
/** Sort along dim, returning values and int64 indices. */
P.sort = definePrimitive<{ dim: number; descending: boolean; stable: boolean }>({
  name: "sort",
  abstract: ([x]) => [
    { shape: x!.shape, dtype: x!.dtype },
    { shape: x!.shape, dtype: int64 },
  ],
});

// ---- linear algebra (shape rules; kernels in cpu/src/kernels/linalg_*.ts) ----
const lead = (s: readonly number[]) => s.slice(0, -2);
/** Lower Cholesky factor of the lower triangle of [..., n, n] (NaN from the first non-positive pivot on). */
P.cholesky = definePrimitive({ name: "cholesky", abstract: same });
/** Solves op(a) x = b (left) or x op(a) = b with a triangular [..., n, n]; b [..., n, k] / [..., k, n], batch dims equal (StableHLO triangular_solve). */
export interface TriangularSolveAttrs {
  left: boolean;
  lower: boolean;
  unit_diagonal: boolean;
  transpose_a: boolean;
}
P.triangular_solve = definePrimitive<TriangularSolveAttrs>({
  name: "triangular_solve",
  abstract: (i) => [{ shape: i[1]!.shape, dtype: i[1]!.dtype }],
});
/** Householder QR of [..., m, n] (LAPACK's geqrf + orgqr signs): Q [..., m, k or m], R [..., k or m, n]. */
P.qr = definePrimitive<{ complete: boolean }>({
  name: "qr",
  abstract: ([a], { complete }) => {
    const m = a!.shape.at(-2)!,
      n = a!.shape.at(-1)!,
      k = complete ? m : Math.min(m, n);
    return [
      { shape: [...lead(a!.shape), m, k], dtype: a!.dtype },
      { shape: [...lead(a!.shape), k, n], dtype: a!.dtype },
    ];
  },
});
/** Symmetric eigendecomposition from one triangle of [..., n, n]: eigenvalues ascending [..., n], eigenvectors as columns. */
P.eigh = definePrimitive<{ lower: boolean }>({
  name: "eigh",
  abstract: ([a]) => [
    // a Hermitian matrix's eigenvalues are real
    { shape: a!.shape.slice(0, -1), dtype: toRealValueType(a!.dtype) },
    { shape: a!.shape, dtype: a!.dtype },
  ],
});
/** SVD of [..., m, n]: U, S (descending), Vh; full_matrices gives square U and Vh. */
P.svd = definePrimitive<{ full_matrices: boolean }>({
  name: "svd",
  abstract: ([a], { full_matrices }) => {
    const m = a!.shape.at(-2)!,
      n = a!.shape.at(-1)!,
      k = Math.min(m, n);
    return [
      { shape: [...lead(a!.shape), m, full_matrices ? m : k], dtype: a!.dtype },
      { shape: [...lead(a!.shape), k], dtype: toRealValueType(a!.dtype) },
      { shape: [...lead(a!.shape), full_matrices ? n : k, n], dtype: a!.dtype },
    ];
  },
});
/**
 * LU with partial pivoting of [..., m, n] (LAPACK's getrf): packed L\U, 1-based int32 pivots [..., k],
 * and the int64 row permutation [..., m] they make (a[perm] = L U).
 */
P.lu = definePrimitive({
  name: "lu",
  abstract: ([a]) => [
    { shape: a!.shape, dtype: a!.dtype },
    { shape: [...lead(a!.shape), Math.min(a!.shape.at(-2)!, a!.shape.at(-1)!)], dtype: int32 },
    { shape: a!.shape.slice(0, -1), dtype: int64 },
  ],
});
/**
 * General (nonsymmetric) eigendecomposition of a real or complex [..., n, n] (LAPACK's geev):
 * complex eigenvalues [..., n] and eigenvectors as columns [..., n, n], each of unit 2-norm with its
 * largest component real.
 */
P.eig = definePrimitive({
  name: "eig",
  abstract: ([a]) => [
    { shape: a!.shape.slice(0, -1), dtype: toComplexType(a!.dtype) },
    { shape: a!.shape, dtype: toComplexType(a!.dtype) },
  ],
});
/** LAPACK's geqrf of [..., m, n]: R on and above the diagonal, the Householder vectors below it; tau [..., min(m, n)]. */
P.geqrf = definePrimitive({
  name: "geqrf",
  abstract: ([a]) => [
    { shape: a!.shape, dtype: a!.dtype },
    { shape: [...lead(a!.shape), Math.min(a!.shape.at(-2)!, a!.shape.at(-1)!)], dtype: a!.dtype },
  ],
});

// ---- complex numbers and the FFT ---------------------------------------------
/** complex(re, im): both float32 or both float64, one shape (or 0-d, as the elementwise binaries). */
P.complex = definePrimitive({
  name: "complex",
  abstract: (i) => [{ shape: elementwiseShape(i), dtype: toComplexType(i[0]!.dtype) }],
  scalarOperands: true,
});
P.real = definePrimitive({ name: "real", abstract: ([z]) => [{ shape: z!.shape, dtype: toRealValueType(z!.dtype) }] });
P.imag = definePrimitive({ name: "imag", abstract: ([z]) => [{ shape: z!.shape, dtype: toRealValueType(z!.dtype) }] });
export type FftType = "FFT" | "IFFT" | "RFFT" | "IRFFT";
/**
 * stablehlo.fft over the trailing fft_length.length dims, unnormalised except IFFT/IRFFT's 1/n
 * (as XLA): FFT/IFFT complex -> complex; RFFT real -> complex, last dim n/2+1; IRFFT complex
 * (last dim n/2+1 read) -> real, last dim fft_length's.
 */
P.fft = definePrimitive<{ fft_type: FftType; fft_length: number[] }>({
  name: "fft",
  abstract: ([x], { fft_type, fft_length }) => {
    const shape = x!.shape.slice();
    const last = shape.length - 1,
      n = fft_length.at(-1)!;
    if (fft_type === "RFFT") {
      shape[last] = Math.floor(n / 2) + 1;
      return [{ shape, dtype: toComplexType(x!.dtype) }];
    }
    if (fft_type === "IRFFT") {
      shape[last] = n;
      return [{ shape, dtype: toRealValueType(x!.dtype) }];
    }
    return [{ shape, dtype: x!.dtype }];
  },
});

defineWindowPrims(P);
defineControlPrims(P);
defineLdlPrims(P);
defineSelectPrims(P);
defineDynamicPrims(P);
defineGatherPrims(P);
defineBitsPrims(P);
defineOptimPrims(P);
defineNormPrims(P);
defineGeluPrims(P);
defineSoftmaxPrims(P);

export const numelOfAval = (a: AVal): number => numelOf(a.shape);

for (const n of PRIM_NAMES) if (!P[n]) throw new Error(`primitive ${n} has no shape rule`);
if (Object.keys(P).length !== PRIM_NAMES.length)
  throw new Error(
    `primitives missing from PRIM_NAMES: ${Object.keys(P)
      .filter((k) => !(PRIM_NAMES as readonly string[]).includes(k))
      .join(", ")}`,
  );

/** Checks that a per-primitive table (kernels, lowerings) has exactly one entry per primitive. */
export function checkPrimitiveTable(what: string, table: Record<string, unknown>): void {
  const missing = PRIM_NAMES.filter((n) => !table[n]);
  const extra = Object.keys(table).filter((k) => !(PRIM_NAMES as readonly string[]).includes(k));
  if (missing.length || extra.length)
    throw new Error(`${what}: missing ${missing.join(", ") || "none"}; not primitives: ${extra.join(", ") || "none"}`);
}
