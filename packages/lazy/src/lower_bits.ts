// Lowerings of core's prims_bits.ts primitives, one StableHLO op each:
// stablehlo.clamp (min, operand, max), cbrt, shift_left/right_arithmetic/
// right_logical, popcnt, bitcast_convert, reduce_precision,
// optimization_barrier and rng_bit_generator. (A 0-d bound or shift amount is
// broadcast by lower.ts's scalar-operand wrapper.)
import { toRealValueType, type AVal, type DType } from "@xlatorch/core";
import { elementTypeOf, tensorType, type Attr, type Builder, type Value } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const et = (d: DType) => elementTypeOf(d.name);
const ty = (a: AVal) => tensorType(a.shape.slice(), et(a.dtype));
const i32 = (value: number): Attr => ({ kind: "int", value, type: "i32" });

const clamp: Lowering<unknown> = (b, [lo, x, hi], _a, [o]) => {
  // the operand carries the result's shape (the bounds may stay 0-d: stablehlo.clamp takes scalar bounds)
  const xs = x!.type.shape.length === o!.shape.length ? x! : b.broadcastInDim(x!, o!.shape.slice(), []);
  return [b.clamp(lo!, xs, hi!)];
};

/**
 * bitcast_convert. bool is a byte in PyTorch but one bit (i1) in StableHLO, which
 * bitcast_convert does not take: a bool result is the byte's value != 0, a bool
 * operand is converted to its 0/1 byte first.
 */
const bitcastConvert: Lowering<{ dtype: DType }> = (b, [x], a, [o], [ia]) => {
  if (ia!.dtype.is_complex || o!.dtype.is_complex) return [bitcastComplex(b, x!, ia!, o!)];
  let v = ia!.dtype.name === "bool" ? b.convert(x!, "ui8") : x!;
  if (a.dtype.name !== "bool") return [b.emit("stablehlo.bitcast_convert", [v], [ty(o!)])[0]!];
  if (v.type.element !== "ui8" && v.type.element !== "i8")
    v = b.emit("stablehlo.bitcast_convert", [v], [tensorType(v.type.shape, "ui8")])[0]!;
  return [b.compare(v, b.broadcastInDim(b.constant(0, v.type.element), v.type.shape.slice(), []), "NE")];
};

/**
 * bitcast_convert from or to a complex type (view_as_real, view_as_complex, real/imag, view(dtype)), which
 * stablehlo.bitcast_convert does not take: through the [..., 2] (re, im) pair of the component type, as
 * the cpu device lays complex values out (interleaved).
 */
function bitcastComplex(b: Builder, x: Value, ia: AVal, o: AVal): Value {
  let v = x,
    va: AVal = ia;
  if (ia.dtype.is_complex) {
    const part = toRealValueType(ia.dtype);
    const pt = tensorType([...ia.shape, 1], et(part));
    const re = b.reshape(b.emit("stablehlo.real", [x], [tensorType(ia.shape.slice(), et(part))])[0]!, pt.shape);
    const im = b.reshape(b.emit("stablehlo.imag", [x], [tensorType(ia.shape.slice(), et(part))])[0]!, pt.shape);
    v = b.concatenate([re, im], ia.shape.length);
    va = { shape: [...ia.shape, 2], dtype: part };
  }
  const to = o.dtype.is_complex ? toRealValueType(o.dtype) : o.dtype;
  if (va.dtype !== to) {
    // StableHLO's shape rule: a smaller element gains a last dim of the ratio, a larger one drops it
    const a = va.dtype.itemsize,
      c = to.itemsize;
    const shape = a === c ? va.shape.slice() : a > c ? [...va.shape, a / c] : va.shape.slice(0, -1);
    v = bitcastConvert(b, [v], { dtype: to }, [{ shape, dtype: to }], [va])[0]!;
  }
  if (!o.dtype.is_complex) return b.reshape(v, o.shape.slice());
  const pair = b.reshape(v, [...o.shape, 2]);
  const half = (i: number) => b.reshape(b.slice(pair, [...o.shape.map(() => 0), i], [...o.shape, i + 1]), o.shape.slice());
  return b.emit("stablehlo.complex", [half(0), half(1)], [ty(o)])[0]!;
}

const reducePrecision: Lowering<{ exponent_bits: number; mantissa_bits: number }> = (b, [x], a, [o]) =>
  b.emit("stablehlo.reduce_precision", [x!], [ty(o!)], { exponent_bits: i32(a.exponent_bits), mantissa_bits: i32(a.mantissa_bits) });

const optimizationBarrier: Lowering<unknown> = (b, ins, _a, outs) => b.emit("stablehlo.optimization_barrier", ins, outs.map(ty));

/** The state is int64 in xlatorch and ui64 in the spec: bitcast in and out (the same bits). */
const rngBitGenerator: Lowering<{ algorithm: string }> = (b, [s], a, [so, o]) => {
  const u = tensorType(so!.shape.slice(), "ui64");
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
