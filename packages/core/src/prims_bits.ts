// The small StableHLO ops that were missing as primitives (issue 13): clamp,
// cbrt, the three shifts, popcnt, bitcast_convert, reduce_precision,
// optimization_barrier and rng_bit_generator. Each is one StableHLO op, so the
// torch surface that uses them lowers to that op instead of a composition
// (torch.clamp with two bounds is one stablehlo.clamp). Shape rules here; CPU
// kernels in cpu/src/kernels/bits.ts, lowerings in lazy/src/lower_bits.ts, VJPs
// (or explicit non-differentiable rules) in vjps_bits.ts.
import type { DType } from "./dtype.js";
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const BITS_PRIMS = [
  "clamp",
  "cbrt",
  "shift_left",
  "shift_right_arithmetic",
  "shift_right_logical",
  "popcnt",
  "bitcast_convert",
  "reduce_precision",
  "optimization_barrier",
  "rng_bit_generator",
] as const;

/** stablehlo.rng_bit_generator's algorithms; DEFAULT is PHILOX, as XLA's CPU and GPU backends choose. */
export type RngAlgorithm = "DEFAULT" | "THREE_FRY" | "PHILOX";

/**
 * bitcast_convert's result shape (the StableHLO rule): same element size keeps
 * the shape; a wider operand gains a trailing dim of the size ratio; a narrower
 * one loses its trailing dim, which must equal the ratio (checked by the callers).
 */
export function bitcastShape(shape: readonly number[], from: DType, to: DType): number[] {
  const a = from.itemsize,
    b = to.itemsize;
  if (a === b) return [...shape];
  if (a > b) return [...shape, a / b];
  return shape.slice(0, -1);
}

/** The output of an elementwise primitive with 0-d operands allowed: its first operand that is not 0-d. */
const fullShape = (ins: readonly AVal[]): AVal["shape"] => ins.find((a) => a.shape.length !== 0)?.shape ?? ins[0]!.shape;
const same = (ins: readonly AVal[]): AVal[] => [{ shape: ins[0]!.shape, dtype: ins[0]!.dtype }];

export function defineBitsPrims(P: Record<string, Primitive>): void {
  /** clamp(min, x, max) = min(max(x, min), max), NaN propagating (StableHLO's operand order; min/max full-shape or 0-d). */
  P.clamp = definePrimitive({
    name: "clamp",
    abstract: (ins): AVal[] => [{ shape: fullShape(ins), dtype: ins[1]!.dtype }],
    scalarOperands: true,
  });
  /** The real cube root (negative for negative x). */
  P.cbrt = definePrimitive({ name: "cbrt", abstract: same });
  /** Shifts of integers by per-element amounts: an amount outside [0, bits) gives 0 (left, logical) or the sign (arithmetic). */
  for (const n of ["shift_left", "shift_right_arithmetic", "shift_right_logical"] as const)
    P[n] = definePrimitive({ name: n, abstract: (ins): AVal[] => [{ shape: fullShape(ins), dtype: ins[0]!.dtype }], scalarOperands: true });
  /** The number of set bits of each integer (of its two's complement bits). */
  P.popcnt = definePrimitive({ name: "popcnt", abstract: same });
  /**
   * The operand's bytes read as `dtype` (little-endian, as every host and XLA device lays them out). A view:
   * view(dtype), view_as_real/view_as_complex and real/imag alias their input through it (cpu: a typed array
   * over the same bytes). `grad`: the complex <-> component-pair reinterpretations of view_as_real/complex
   * (and real/imag), which PyTorch differentiates; view(dtype) is not differentiable.
   */
  P.bitcast_convert = definePrimitive<{ dtype: DType; grad?: boolean }>({
    name: "bitcast_convert",
    isView: true,
    abstract: ([x], a): AVal[] => [{ shape: bitcastShape(x!.shape, x!.dtype, a.dtype), dtype: a.dtype }],
  });
  /** Floats rounded (to nearest even) to exponent_bits / mantissa_bits, kept in their own dtype. */
  P.reduce_precision = definePrimitive<{ exponent_bits: number; mantissa_bits: number }>({ name: "reduce_precision", abstract: same });
  /** Identity over all its operands: XLA may not move computation across it (it is a scheduling fence, not a value change). */
  P.optimization_barrier = definePrimitive({
    name: "optimization_barrier",
    abstract: (ins): AVal[] => ins.map((a) => ({ shape: a.shape, dtype: a.dtype })),
  });
  /**
   * rng_bit_generator(state): (new state, random bits of `shape`/`dtype`). The state is a 1-d
   * int64 tensor holding the spec's ui64 words (2 for THREE_FRY, 2 or 3 for PHILOX): the key
   * first, then the counter, as XLA's generators read it.
   */
  P.rng_bit_generator = definePrimitive<{ algorithm: RngAlgorithm; shape: number[]; dtype: DType }>({
    name: "rng_bit_generator",
    abstract: ([s], a): AVal[] => [
      { shape: s!.shape, dtype: s!.dtype },
      { shape: a.shape.slice(), dtype: a.dtype },
    ],
  });
}
