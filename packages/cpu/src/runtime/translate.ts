// StableHLO op -> (primitive kernel, attributes). The CPU runtime executes a
// module with the same kernels the eager `cpu` device uses; this table is the
// inverse of the lowering table in packages/lazy, for the op forms it emits.
import { dtypeOf as coreDtype, int64, type DType } from "@xlatorch/core";
import { dtypeOf, isComplex, type Attr, type ElementType, type Op, type Region } from "@xlatorch/stablehlo";
import { convolutionCall, reduceWindowCall, selectAndScatterCall } from "./translate_window.js";
import { dynamicSliceCall, dynamicUpdateSliceCall } from "./translate_dynamic.js";
import { gatherSlicesCall, scatterSlicesCall } from "./translate_gather.js";
import { bitsCall } from "./translate_bits.js";

export const dtypeOfElement = (e: ElementType): DType => coreDtype(dtypeOf(e));

const ints = (a: Attr | undefined): number[] => (a && a.kind === "ints" ? a.values : []);
const int = (a: Attr | undefined): number => (a && a.kind === "int" ? Number(a.value) : 0);

/** Elementwise StableHLO/CHLO ops and the primitive each one is. */
export const ELEMENTWISE: Record<string, string> = {
  "stablehlo.negate": "neg",
  "stablehlo.abs": "abs",
  "stablehlo.sign": "sign",
  "stablehlo.exponential": "exp",
  "stablehlo.log": "log",
  "stablehlo.log_plus_one": "log1p",
  "stablehlo.exponential_minus_one": "expm1",
  "stablehlo.sqrt": "sqrt",
  "stablehlo.rsqrt": "rsqrt",
  "stablehlo.sine": "sin",
  "stablehlo.cosine": "cos",
  "stablehlo.tan": "tan",
  "stablehlo.tanh": "tanh",
  "stablehlo.logistic": "logistic",
  "stablehlo.floor": "floor",
  "stablehlo.ceil": "ceil",
  "stablehlo.round_nearest_even": "round_nearest_even",
  "stablehlo.not": "not",
  "stablehlo.is_finite": "is_finite",
  "chlo.erf": "erf",
  "chlo.erf_inv": "erfinv",
  "chlo.asin": "asin",
  "chlo.acos": "acos",
  "chlo.atan": "atan",
  "chlo.sinh": "sinh",
  "chlo.cosh": "cosh",
  "chlo.asinh": "asinh",
  "chlo.acosh": "acosh",
  "chlo.atanh": "atanh",
  "chlo.lgamma": "lgamma",
  "chlo.digamma": "digamma",
  "chlo.polygamma": "polygamma",
  "chlo.zeta": "zeta",
  "stablehlo.add": "add",
  "stablehlo.subtract": "subtract",
  "stablehlo.multiply": "multiply",
  "stablehlo.divide": "divide",
  "stablehlo.remainder": "remainder",
  "stablehlo.power": "power",
  "stablehlo.maximum": "maximum",
  "stablehlo.minimum": "minimum",
  "stablehlo.atan2": "atan2",
  "stablehlo.and": "and",
  "stablehlo.or": "or",
  "stablehlo.xor": "xor",
  "stablehlo.compare": "compare",
  "stablehlo.select": "select",
  "stablehlo.convert": "convert",
};

/**
 * Elementwise ops fused into generated loops: those of ELEMENTWISE over real types. Complex
 * operands or results run as kernel steps (kernels/complex.ts), one op each.
 */
export const fusable = (op: Op): boolean =>
  !!ELEMENTWISE[op.name] && !op.operands.some((v) => isComplex(v.type.element)) && !op.results.some((v) => isComplex(v.type.element));

const BODY_OP: Record<string, string> = {
  "stablehlo.add": "sum",
  "stablehlo.multiply": "prod",
  "stablehlo.maximum": "max",
  "stablehlo.minimum": "min",
  "stablehlo.and": "and",
  "stablehlo.or": "or",
};
/** The reduction a single-op body computes (add -> sum, ...). */
function bodyKind(r: Region | undefined, op: string): string {
  const inner = r?.ops ?? [];
  const k = inner.length === 1 ? BODY_OP[inner[0]!.name] : undefined;
  if (!k)
    throw new Error(
      `cpu runtime: unsupported ${op} body (${inner.map((o) => o.name).join(", ")}); expected one add/multiply/maximum/minimum/and/or`,
    );
  return k;
}

export interface Call {
  kernel: string;
  attrs: unknown;
  operands: number;
}

/** Kernel and attributes for a non-elementwise op (operands: how many leading operands the kernel takes). */
export function translate(op: Op): Call {
  const a = op.attrs;
  const out = op.results[0]!.type;
  switch (op.name) {
    case "stablehlo.broadcast_in_dim":
      return { kernel: "broadcast_in_dim", attrs: { shape: out.shape, dims: ints(a.broadcast_dimensions) }, operands: 1 };
    // StableHLO reshape is row-major on any layout: the kernel copies first when a strided view cannot express it.
    case "stablehlo.reshape":
      return { kernel: "reshape", attrs: { shape: out.shape }, operands: 1 };
    case "stablehlo.transpose":
      return { kernel: "transpose", attrs: { perm: ints(a.permutation) }, operands: 1 };
    case "stablehlo.slice":
      return { kernel: "slice", attrs: { start: ints(a.start_indices), limit: ints(a.limit_indices), step: ints(a.strides) }, operands: 1 };
    case "stablehlo.pad":
      return {
        kernel: "pad",
        attrs: { low: ints(a.edge_padding_low), high: ints(a.edge_padding_high), interior: ints(a.interior_padding) },
        operands: 2,
      };
    case "stablehlo.concatenate":
      return { kernel: "concatenate", attrs: { dim: int(a.dimension) }, operands: op.operands.length };
    case "stablehlo.iota":
      return { kernel: "iota", attrs: { dim: int(a.iota_dimension) }, operands: 0 };
    case "stablehlo.reverse":
      return { kernel: "reverse", attrs: { dims: ints(a.dimensions) }, operands: 1 };
    case "stablehlo.dot_general": {
      const d = a.dot_dimension_numbers as Extract<Attr, { kind: "dot" }>;
      return {
        kernel: "dot_general",
        attrs: { lhs_batch: d.lhsBatching, rhs_batch: d.rhsBatching, lhs_contract: d.lhsContracting, rhs_contract: d.rhsContracting },
        operands: 2,
      };
    }
    case "stablehlo.reduce": {
      if (op.operands.length !== 2)
        throw new Error("cpu runtime: variadic reduce is not supported (the lowering emits single-operand reduces)");
      return { kernel: "reduce", attrs: { op: bodyKind(op.regions?.[0], "reduce"), dims: ints(a.dimensions) }, operands: 1 };
    }
    case "stablehlo.reduce_window": {
      const w = ints(a.window_dimensions);
      const dim = w.findIndex((n) => n !== 1);
      const shape = op.operands[0]!.type.shape;
      const pad = a.padding && a.padding.kind === "dense" ? a.padding.values.map(Number) : [];
      // size-1 windows, no strides, padding or dilation: identity
      if (dim < 0 && !a.padding && !a.window_strides && !a.base_dilations) return { kernel: "copy", attrs: {}, operands: 1 };
      const cumulative =
        w.every((n, i) => (i === dim ? n === shape[i] : n === 1)) &&
        !a.window_strides &&
        (pad[2 * dim] ?? 0) === Math.max(shape[dim]! - 1, 0);
      // other windows (pooling): the reduce_window kernel, init operand included (translate_window.ts)
      if (!cumulative && shape.length) return reduceWindowCall(op, bodyKind(op.regions?.[0], "reduce_window"));
      return { kernel: "cumulative", attrs: { op: bodyKind(op.regions?.[0], "reduce_window"), dim: Math.max(dim, 0) }, operands: 1 };
    }
    // the window primitives' ops (translate_window.ts)
    case "stablehlo.convolution":
      return convolutionCall(op);
    case "stablehlo.select_and_scatter":
      return selectAndScatterCall(op);
    // the dynamic primitives' ops (translate_dynamic.ts)
    case "stablehlo.dynamic_slice":
      return dynamicSliceCall(op);
    case "stablehlo.dynamic_update_slice":
      return dynamicUpdateSliceCall(op);
    // every gather and the one-input store/add scatters: the windowed kernels (translate_gather.ts)
    case "stablehlo.gather":
      return gatherSlicesCall(op);
    case "stablehlo.scatter":
      return scatterSlicesCall(op);
    case "stablehlo.sort": {
      const cmp = op.regions?.[0]?.ops.find((o) => o.name === "stablehlo.compare");
      const dir = cmp?.attrs.comparison_direction;
      const descending = dir && dir.kind === "enum" && (dir.value === "GT" || dir.value === "GE");
      return { kernel: "sort", attrs: { dim: int(a.dimension), descending: !!descending, stable: true }, operands: 1 };
    }
    // linear algebra: the same kernels as the eager device (the lowering emits lower = true)
    case "stablehlo.cholesky":
      if (!(a.lower && a.lower.kind === "bool" && a.lower.value)) throw new Error("cpu runtime: only lower cholesky is supported");
      return { kernel: "cholesky", attrs: {}, operands: 1 };
    case "stablehlo.triangular_solve": {
      const flag = (k: string) => {
        const v = a[k];
        return !!v && v.kind === "bool" && v.value;
      };
      const t = a.transpose_a;
      const transpose = t && t.kind === "enum" ? t.value : "NO_TRANSPOSE";
      return {
        kernel: "triangular_solve",
        attrs: {
          left: flag("left_side"),
          lower: flag("lower"),
          unit_diagonal: flag("unit_diagonal"),
          transpose_a: transpose !== "NO_TRANSPOSE",
        },
        operands: 2,
      };
    }
    // complex numbers and the FFT (kernels/complex.ts, kernels/fft.ts)
    case "stablehlo.complex":
      return { kernel: "complex", attrs: {}, operands: 2 };
    case "stablehlo.real":
      return { kernel: "real", attrs: {}, operands: 1 };
    case "stablehlo.imag":
      return { kernel: "imag", attrs: {}, operands: 1 };
    case "stablehlo.fft": {
      const t = a.fft_type;
      return { kernel: "fft", attrs: { fft_type: t && t.kind === "enum" ? t.value : "FFT", fft_length: ints(a.fft_length) }, operands: 1 };
    }
    default:
      // an elementwise op not fused (complex types): its primitive's kernel, one step
      if (ELEMENTWISE[op.name]) {
        const d = a.comparison_direction;
        const attrs = { direction: d && d.kind === "enum" ? d.value : "EQ", dtype: dtypeOfElement(out.element) };
        return { kernel: ELEMENTWISE[op.name]!, attrs, operands: op.operands.length };
      }
      // clamp, shifts, bitcast_convert, rng_bit_generator, ... (translate_bits.ts)
      return bitsCall(op) ?? unsupported(op);
  }
}

const unsupported = (op: Op): never => {
  throw new Error(`cpu runtime: unsupported op ${op.name}`);
};

export { int64 };
