// One StableHLO lowering per primitive. A trace (primitive applications over
// device data) becomes a @main function whose parameters are the device data.
import { checkPrimitiveTable, P, type AVal, type CompareDirection, type DType, type PrimName } from "@xlatorch/core";
import { CPU_FALLBACK } from "./cpu_fallback_prims.js";
import { COMPLEX_LOWERINGS, withComplexLowerings } from "./lower_complex.js";
import { WINDOW_LOWERINGS } from "./lower_window.js";
import { controlLowerings } from "./lower_control.js";
import { DYNAMIC_LOWERINGS } from "./lower_dynamic.js";
import { GATHER_LOWERINGS } from "./lower_gather.js";
import { BITS_LOWERINGS } from "./lower_bits.js";
import { OPTIM_LOWERINGS } from "./lower_optim.js";
import { NORM_LOWERINGS } from "./lower_norm.js";
import { GELU_LOWERINGS } from "./lower_gelu.js";
import { SOFTMAX_LOWERINGS } from "./lower_softmax.js";
import { lowerReduce, REDUCE_BODY } from "./lower_reduce.js";
import { elementTypeOf, tensorType, type Builder, type ElementType, type Value } from "@xlatorch/stablehlo";

export const et = (d: DType): ElementType => elementTypeOf(d.name);
const ty = (a: AVal) => tensorType(a.shape.slice(), et(a.dtype));

/**
 * The attributes primitives carry (core's prims.ts); each lowering reads those of its own primitive,
 * which bind passed through (the table holds every primitive's lowering, so it names them all).
 */
interface Attrs {
  dims: number[];
  dim: number;
  shape: number[];
  perm: number[];
  dtype: DType;
  direction: CompareDirection;
  op: "sum" | "prod" | "max" | "min" | "and" | "or";
  reduce: "add" | "none";
  descending: boolean;
  stable: boolean;
  start: number[];
  limit: number[];
  step: number[];
  low: number[];
  high: number[];
  interior: number[];
  value: number;
  lhs_batch: number[];
  lhs_contract: number[];
  rhs_batch: number[];
  rhs_contract: number[];
  left: boolean;
  lower: boolean;
  unit_diagonal: boolean;
  transpose_a: boolean;
}
type Lowering = (b: Builder, ins: Value[], attrs: Attrs, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const UNARY: Record<string, string> = {
  neg: "negate",
  abs: "abs",
  sign: "sign",
  exp: "exponential",
  log: "log",
  log1p: "log_plus_one",
  expm1: "exponential_minus_one",
  sqrt: "sqrt",
  rsqrt: "rsqrt",
  sin: "sine",
  cos: "cosine",
  tan: "tan",
  tanh: "tanh",
  logistic: "logistic",
  floor: "floor",
  ceil: "ceil",
  round_nearest_even: "round_nearest_even",
  not: "not",
};
/** Unary functions StableHLO lacks; chlo (accepted by PJRT plugins) has them. */
const CHLO_UNARY: Record<string, string> = {
  asin: "chlo.asin",
  acos: "chlo.acos",
  atan: "chlo.atan",
  sinh: "chlo.sinh",
  cosh: "chlo.cosh",
  asinh: "chlo.asinh",
  acosh: "chlo.acosh",
  atanh: "chlo.atanh",
  erfinv: "chlo.erf_inv",
  lgamma: "chlo.lgamma",
  digamma: "chlo.digamma",
};
/** torch.special's binary functions CHLO has (same operand order). */
const CHLO_BINARY: Record<string, string> = { polygamma: "chlo.polygamma", zeta: "chlo.zeta" };
const BINARY = ["add", "subtract", "multiply", "divide", "remainder", "power", "maximum", "minimum", "atan2", "and", "or", "xor"];
/** On i1, arithmetic primitives mean logic (bool + bool is or, as in PyTorch). */
const BOOL_BINARY: Record<string, string> = { add: "or", multiply: "and", maximum: "or", minimum: "and" };

export const LOWERINGS = {} as Record<PrimName, Lowering>;
for (const [p, op] of Object.entries(UNARY)) LOWERINGS[p as PrimName] = (b, [x]) => [b.unary(op as never, x!)];
for (const [p, op] of Object.entries(CHLO_UNARY)) LOWERINGS[p as PrimName] = (b, [x], _a, [o]) => b.emit(op, [x!], [ty(o!)]);
for (const [p, op] of Object.entries(CHLO_BINARY)) LOWERINGS[p as PrimName] = (b, [x, y], _a, [o]) => b.emit(op, [x!, y!], [ty(o!)]);
for (const p of BINARY) {
  LOWERINGS[p as PrimName] = (b, [x, y], _a, _o, [ia]) => [
    b.binary((ia!.dtype.name === "bool" ? (BOOL_BINARY[p] ?? p) : p) as never, x!, y!),
  ];
}
Object.assign(LOWERINGS, {
  erf: (b, [x]) => [b.erf(x!)],
  is_finite: (b, [x], _a, [o], [ia]) => [
    ia!.dtype.is_floating_point ? b.isFinite(x!) : b.broadcastInDim(b.constant(true, "i1"), o!.shape.slice(), []),
  ],
  compare: (b, [x, y], a) => [b.compare(x!, y!, a.direction)],
  select: (b, [p, x, y]) => [b.select(p!, x!, y!)],
  // Float to a narrower integer goes through i64: PyTorch truncates toward zero and wraps modulo
  // 2^bits (-5.5 -> uint8 251), where XLA saturates and the StableHLO spec leaves out-of-range open.
  convert: (b, [x], a, _o, [ia]) => {
    const to = a.dtype;
    const narrow = ia!.dtype.is_floating_point && !to.is_floating_point && !to.is_complex && to.name !== "bool" && to.name !== "int64";
    return [b.convert(narrow ? b.convert(x!, "i64") : x!, et(to))];
  },
  copy: (_b, [x]) => [x!],
  broadcast_in_dim: (b, [x], a) => [b.broadcastInDim(x!, a.shape, a.dims)],
  reshape: (b, [x], a) => [b.reshape(x!, a.shape)],
  transpose: (b, [x], a) => [b.transpose(x!, a.perm)],
  slice: (b, [x], a) => [b.slice(x!, a.start, a.limit, a.step)],
  pad: (b, [x], a, _o, [ia]) => [b.pad(x!, b.constant(a.value, et(ia!.dtype)), a.low, a.high, a.interior)],
  concatenate: (b, xs, a) => [b.concatenate(xs, a.dim)],
  iota: (b, _x, a, [o]) => [b.iota(ty(o!), a.dim)],
  reverse: (b, [x], a) => [b.reverse(x!, a.dims)],
  // float32/float64 products at HIGHEST precision: XLA's GPU default (TF32) would differ from PyTorch's float32 matmul.
  // complex64 products accumulate in complex128 and round once, as the primitive's CPU kernel (PyTorch's complex
  // GEMM keeps those bits; a complex<f32> dot_general rounds every step, which a faithful runtime must do)
  dot_general: (b, [l, r], a, _o, [la]) => {
    const dims = { lhsBatching: a.lhs_batch, rhsBatching: a.rhs_batch, lhsContracting: a.lhs_contract, rhsContracting: a.rhs_contract };
    const name = la!.dtype.name;
    if (name === "complex64") {
      const wide = elementTypeOf("complex128");
      return [b.convert(b.dotGeneral(b.convert(l!, wide), b.convert(r!, wide), dims, {}), et(la!.dtype))];
    }
    return [b.dotGeneral(l!, r!, dims, name === "float32" || name === "float64" ? { precision: "HIGHEST" } : {})];
  },
  // half-precision sums and products accumulate in float32, as PyTorch's CPU kernels do
  reduce: (b, [x], a, _o, [ia]) => [lowerReduce(b, x!, ia!.dtype, a.op, a.dims)],
  // First index of the extreme (NaN counting as extreme), from plain ops: reduce,
  // compare, select over an iota and a min-reduce of the candidate indices.
  argreduce: (b, [x], a, _o, [ia]) => {
    const shape = ia!.shape.slice();
    const ext = b.reduceWith(a.op as "max" | "min", x!, [a.dim]);
    const keep = shape.map((_, i) => i).filter((i) => i !== a.dim);
    let hit = b.compare(x!, b.broadcastInDim(ext, shape, keep), "EQ");
    if (ia!.dtype.is_floating_point) hit = b.or(hit, b.compare(x!, x!, "NE"));
    const idx = b.iota(tensorType(shape, "i64"), a.dim);
    const none = b.broadcastInDim(b.constant(BigInt(shape[a.dim]!), "i64"), shape, []);
    return [b.reduceWith("min", b.select(hit, idx, none), [a.dim])];
  },
  // in the element type, each step rounded as the CPU kernel does (torch.cumsum widens first: ops/scan_acc.ts)
  cumulative: (b, [x], a) => [b.cumulative(REDUCE_BODY[a.op]!, x!, a.dim)],
  // Point gather/scatter: every dim collapsed, slice sizes 1, coordinates in the last index dim.
  gather: (b, [x, idx], _a, [o], [xa, ia]) => {
    // an empty operand admits only an empty result (any index would be out of range)
    if (xa!.shape.some((d) => d === 0)) return [b.broadcastInDim(b.constant(0, et(xa!.dtype)), o!.shape.slice(), [])];
    const r = xa!.shape.length;
    const all = [...Array(r).keys()];
    return [
      b.gather(
        x!,
        idx!,
        { offsetDims: [], collapsedSliceDims: all, startIndexMap: all, indexVectorDim: ia!.shape.length - 1 },
        all.map(() => 1),
      ),
    ];
  },
  scatter: (b, [x, idx, u], a, _o, [xa, ia]) => {
    const all = [...Array(xa!.shape.length).keys()];
    return [
      b.scatterWith(a.reduce === "add" ? "add" : "set", x!, idx!, u!, {
        updateWindowDims: [],
        insertedWindowDims: all,
        scatterDimsToOperandDims: all,
        indexVectorDim: ia!.shape.length - 1,
      }),
    ];
  },
  sort: (b, [x], a, _o, [ia]) => {
    const idx = b.iota(tensorType(ia!.shape.slice(), "i64"), a.dim);
    return b.sortBy([x!, idx], a.dim, a.descending, true);
  },
  // linear algebra: StableHLO has cholesky and triangular_solve; the host-computed
  // decompositions never reach the lowering (backend.ts runs them through cpu_fallback.ts)
  cholesky: (b, [x], _a, [o]) => b.emit("stablehlo.cholesky", [x!], [ty(o!)], { lower: { kind: "bool", value: true } }),
  triangular_solve: (b, [x, y], a, [o]) =>
    b.emit("stablehlo.triangular_solve", [x!, y!], [ty(o!)], {
      left_side: { kind: "bool", value: a.left },
      lower: { kind: "bool", value: a.lower },
      unit_diagonal: { kind: "bool", value: a.unit_diagonal },
      transpose_a: { kind: "enum", enum: "transpose", value: a.transpose_a ? "TRANSPOSE" : "NO_TRANSPOSE" },
    }),
  ...Object.fromEntries(
    [...CPU_FALLBACK].map((name) => [
      name,
      () => {
        throw new Error(`${name} has no StableHLO lowering: the xla device computes it on the host (cpu_fallback.ts)`);
      },
    ]),
  ),
  ...(COMPLEX_LOWERINGS as unknown as Record<"complex" | "real" | "imag" | "fft", Lowering>),
  ...(WINDOW_LOWERINGS as unknown as Record<"convolution" | "reduce_window" | "select_and_scatter", Lowering>),
  ...(controlLowerings(LOWERINGS as never) as unknown as Record<"while" | "case", Lowering>),
  ...(DYNAMIC_LOWERINGS as unknown as Record<"dynamic_slice" | "dynamic_update_slice", Lowering>),
  ...(GATHER_LOWERINGS as unknown as Record<"gather_slices" | "scatter_slices", Lowering>),
  ...(BITS_LOWERINGS as unknown as Record<keyof typeof BITS_LOWERINGS, Lowering>),
  ...(OPTIM_LOWERINGS as unknown as Record<keyof typeof OPTIM_LOWERINGS, Lowering>),
  ...(NORM_LOWERINGS as unknown as Record<keyof typeof NORM_LOWERINGS, Lowering>),
  ...(GELU_LOWERINGS as unknown as Record<keyof typeof GELU_LOWERINGS, Lowering>),
  ...(SOFTMAX_LOWERINGS as unknown as Record<keyof typeof SOFTMAX_LOWERINGS, Lowering>),
} satisfies Partial<Record<PrimName, Lowering>>);
withComplexLowerings(LOWERINGS as never);
checkPrimitiveTable("StableHLO lowerings", LOWERINGS);

// StableHLO's elementwise ops take operands of one shape: a 0-d operand of a
// primitive with scalarOperands is broadcast to the output's shape here, once
// per value and shape in a module.
const splats = new WeakMap<Builder, Map<Value, Map<string, Value>>>();
function splat(b: Builder, v: Value, shape: readonly number[]): Value {
  let byValue = splats.get(b);
  if (!byValue) splats.set(b, (byValue = new Map()));
  let byShape = byValue.get(v);
  if (!byShape) byValue.set(v, (byShape = new Map()));
  const key = shape.join(",");
  let s = byShape.get(key);
  if (!s) byShape.set(key, (s = b.broadcastInDim(v, [...shape], [])));
  return s;
}
for (const name of Object.keys(LOWERINGS) as PrimName[]) {
  if (!P[name].scalarOperands) continue;
  const lower = LOWERINGS[name];
  LOWERINGS[name] = (b, ins, attrs, outs, inAvals) => {
    const shape = outs[0]!.shape;
    if (shape.length === 0) return lower(b, ins, attrs, outs, inAvals);
    return lower(
      b,
      ins.map((v, i) => (inAvals[i]!.shape.length === 0 ? splat(b, v, shape) : v)),
      attrs,
      outs,
      inAvals,
    );
  };
}

export { ty };
