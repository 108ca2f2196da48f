// The StableHLO ops of core's prims_bits.ts -> their primitive kernels
// (kernels/bits.ts), for translate.ts, and the forms those kernels compute
// exactly as the spec says (for interpret/table.ts's primitiveIsExact: the
// others run in the reference evaluator, which already computes them).
import { dtypeOf as coreDtype } from "@xlatorch/core";
import { dtypeOf, isComplex, isFloat, type Attr, type Op } from "@xlatorch/stablehlo";

interface Call {
  kernel: string;
  attrs: unknown;
  operands: number;
}

const int = (a: Attr | undefined): number => (a && a.kind === "int" ? Number(a.value) : 0);

const SAME_NAME = new Set([
  "clamp",
  "cbrt",
  "shift_left",
  "shift_right_arithmetic",
  "shift_right_logical",
  "popcnt",
  "optimization_barrier",
]);

/** The kernel call of one of these ops; undefined for other ops. */
export function bitsCall(op: Op): Call | undefined {
  const short = op.name.replace(/^stablehlo\./, "");
  if (!op.name.startsWith("stablehlo.")) return undefined;
  if (SAME_NAME.has(short)) return { kernel: short, attrs: {}, operands: op.operands.length };
  const out = op.results.at(-1)!.type;
  switch (short) {
    case "bitcast_convert":
      return { kernel: short, attrs: { dtype: coreDtype(dtypeOf(out.element)) }, operands: 1 };
    case "reduce_precision":
      return {
        kernel: short,
        attrs: { exponent_bits: int(op.attrs.exponent_bits), mantissa_bits: int(op.attrs.mantissa_bits) },
        operands: 1,
      };
    case "rng_bit_generator": {
      const a = op.attrs.rng_algorithm;
      const algorithm = a && a.kind === "enum" ? a.value : "DEFAULT";
      return { kernel: short, attrs: { algorithm, shape: out.shape, dtype: coreDtype(dtypeOf(out.element)) }, operands: 1 };
    }
  }
  return undefined;
}

/**
 * Whether the kernel computes this op exactly (undefined: not one of these ops). The kernels
 * cover real dtypes with a cpu dtype of their own (carrier types are excluded before); i1 is a bit,
 * not a byte, for bitcast_convert, and no integer for shifts and popcnt.
 */
export function bitsExact(op: Op): boolean | undefined {
  const short = op.name.replace(/^stablehlo\./, "");
  if (!op.name.startsWith("stablehlo.") || (!SAME_NAME.has(short) && !bitsCall(op))) return undefined;
  const types = [...op.operands, ...op.results].map((v) => v.type.element);
  if (types.some(isComplex)) return short === "optimization_barrier";
  switch (short) {
    case "cbrt":
    case "reduce_precision":
      return types.every(isFloat);
    case "shift_left":
    case "shift_right_arithmetic":
    case "shift_right_logical":
    case "popcnt":
    case "bitcast_convert":
      return !types.includes("i1");
  }
  return true;
}
