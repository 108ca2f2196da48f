// Lowerings of core's prims_bits.ts primitives, one StableHLO op each:
// stablehlo.clamp (min, operand, max), cbrt, shift_left/right_arithmetic/
// right_logical, popcnt, bitcast_convert, reduce_precision,
// optimization_barrier and rng_bit_generator. (A 0-d bound or shift amount is
// broadcast by lower.ts's scalar-operand wrapper.)
import type { AVal, DType } from "@xlatorch/core";
import { elementTypeOf, tensorType, type Attr, type Builder, type Value } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const et = (d: DType) => elementTypeOf(d.name);
const ty = (a: AVal) => tensorType([...a.shape], et(a.dtype));
const i32 = (value: number): Attr => ({ kind: "int", value, type: "i32" });

const clamp: Lowering<unknown> = (b, [lo, x, hi], _a, [o]) => {
  // the operand carries the result's shape (the bounds may stay 0-d: stablehlo.clamp takes scalar bounds)
  const xs = x!.type.shape.length === o!.shape.length ? x! : b.broadcastInDim(x!, [...o!.shape], []);
  return [b.clamp(lo!, xs, hi!)];
};

/**
 * bitcast_convert. bool is a byte in PyTorch but one bit (i1) in StableHLO, which
 * bitcast_convert does not take: a bool result is the byte's value != 0, a bool
 * operand is converted to its 0/1 byte first.
 */
const bitcastConvert: Lowering<{ dtype: DType }> = (b, [x], a, [o], [ia]) => {
  let v = ia!.dtype.name === "bool" ? b.convert(x!, "ui8") : x!;
  if (a.dtype.name !== "bool") return [b.emit("stablehlo.bitcast_convert", [v], [ty(o!)])[0]!];
  if (v.type.element !== "ui8" && v.type.element !== "i8")
    v = b.emit("stablehlo.bitcast_convert", [v], [tensorType(v.type.shape, "ui8")])[0]!;
  return [b.compare(v, b.broadcastInDim(b.constant(0, v.type.element), [...v.type.shape], []), "NE")];
};

const reducePrecision: Lowering<{ exponent_bits: number; mantissa_bits: number }> = (b, [x], a, [o]) =>
  b.emit("stablehlo.reduce_precision", [x!], [ty(o!)], { exponent_bits: i32(a.exponent_bits), mantissa_bits: i32(a.mantissa_bits) });

const optimizationBarrier: Lowering<unknown> = (b, ins, _a, outs) => b.emit("stablehlo.optimization_barrier", ins, outs.map(ty));

/** The state is int64 in xlatorch and ui64 in the spec: bitcast in and out (the same bits). */
const rngBitGenerator: Lowering<{ algorithm: string }> = (b, [s], a, [so, o]) => {
  const u = tensorType([...so!.shape], "ui64");
  const state = b.emit("stablehlo.bitcast_convert", [s!], [u])[0]!;
  // the parser spells this enum kind the same way (the IR's EnumKind does not list it)
  const algorithm: Attr = { kind: "enum", enum: "rng_algorithm" as "precision", value: a.algorithm };
  const [next, bits] = b.emit("stablehlo.rng_bit_generator", [state], [u, ty(o!)], { rng_algorithm: algorithm });
  return [b.emit("stablehlo.bitcast_convert", [next!], [ty(so!)])[0]!, bits!];
};

export const BITS_LOWERINGS = {
  clamp,
  cbrt: ((b, [x]) => [b.cbrt(x!)]) as Lowering<unknown>,
  shift_left: ((b, [x, y]) => [b.shiftLeft(x!, y!)]) as Lowering<unknown>,
  shift_right_arithmetic: ((b, [x, y]) => [b.shiftRightArithmetic(x!, y!)]) as Lowering<unknown>,
  shift_right_logical: ((b, [x, y]) => [b.shiftRightLogical(x!, y!)]) as Lowering<unknown>,
  popcnt: ((b, [x]) => [b.popcnt(x!)]) as Lowering<unknown>,
  bitcast_convert: bitcastConvert,
  reduce_precision: reducePrecision,
  optimization_barrier: optimizationBarrier,
  rng_bit_generator: rngBitGenerator,
};
