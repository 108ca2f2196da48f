// StableHLO lowerings of complex tensors: the primitives complex/real/imag/fft,
// and the complex forms of primitives whose generic lowering needs a constant of
// the element type (reduce and cumulative sums, pad) or changes type (abs, convert).
// Those run on the real and imaginary parts and recombine with stablehlo.complex,
// so no complex constant is ever emitted.
import type { AVal, PrimName } from "@xlatorch/core";
import { elementTypeOf, isComplex, realPartType, tensorType, type Builder, type ElementType, type Value } from "@xlatorch/stablehlo";

type Lowering = (b: Builder, ins: Value[], attrs: never, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];
const ty = (a: AVal) => tensorType(a.shape.slice(), elementTypeOf(a.dtype.name));

const realOf = (b: Builder, z: Value) => b.emit("stablehlo.real", [z], [tensorType(z.type.shape, realPartType(z.type.element))])[0]!;
const imagOf = (b: Builder, z: Value) => b.emit("stablehlo.imag", [z], [tensorType(z.type.shape, realPartType(z.type.element))])[0]!;
const complexOf = (b: Builder, re: Value, im: Value, o: AVal) => b.emit("stablehlo.complex", [re, im], [ty(o)])[0]!;

/** A 0-d zero of any element type: a complex one is stablehlo.complex of two real zeros (no complex constants are emitted). */
export function zeroOf(b: Builder, e: ElementType): Value {
  if (!isComplex(e)) return b.constant(0, e);
  const z = b.constant(0, realPartType(e));
  return b.emit("stablehlo.complex", [z, z], [tensorType([], e)])[0]!;
}

/** The lowerings of the complex primitives (complex, real, imag, fft). */
export const COMPLEX_LOWERINGS = {
  complex: (b: Builder, [re, im]: Value[], _a: unknown, [o]: readonly AVal[]) => [complexOf(b, re!, im!, o!)],
  real: (b: Builder, [z]: Value[]) => [realOf(b, z!)],
  imag: (b: Builder, [z]: Value[]) => [imagOf(b, z!)],
  fft: (b: Builder, [x]: Value[], a: { fft_type: string; fft_length: number[] }, [o]: readonly AVal[]) =>
    b.emit("stablehlo.fft", [x!], [ty(o!)], {
      fft_type: { kind: "enum", enum: "fft_type", value: a.fft_type },
      fft_length: { kind: "ints", values: a.fft_length },
    }),
};

/** Complex forms of generic lowerings: each wraps the real one and runs only for complex operands or results. */
export function withComplexLowerings(table: Record<PrimName, Lowering>): void {
  const wrap = (name: PrimName, f: (real: Lowering, ...args: Parameters<Lowering>) => Value[]) => {
    const real = table[name];
    table[name] = (b, ins, attrs, outs, inAvals) =>
      inAvals.some((a) => a.dtype.is_complex) || outs.some((a) => a.dtype.is_complex)
        ? f(real, b, ins, attrs, outs, inAvals)
        : real(b, ins, attrs, outs, inAvals);
  };
  const parts =
    (imAttrs?: (a: Record<string, unknown>) => unknown) =>
    (real: Lowering, b: Builder, [x]: Value[], attrs: never, [o]: readonly AVal[], [ia]: readonly AVal[]) => {
      const ro = { shape: o!.shape, dtype: o!.dtype };
      const part = (v: Value, at: unknown) =>
        real(b, [v], at as never, [{ ...ro, dtype: realDtypeOf(o!) }], [{ shape: ia!.shape, dtype: realDtypeOf(ia!) }])[0]!;
      return [
        complexOf(b, part(realOf(b, x!), attrs), part(imagOf(b, x!), imAttrs ? imAttrs(attrs as Record<string, unknown>) : attrs), o!),
      ];
    };
  // sums only: a max/min/prod of the parts would be a wrong value, not an error
  const sumOnly = (name: string) => (a: Record<string, unknown>) => {
    if (a.op !== "sum") throw new Error(`${name} ${String(a.op)}: not implemented for complex tensors (only sum)`);
    return a;
  };
  wrap("reduce", parts(sumOnly("reduce")));
  wrap("cumulative", parts(sumOnly("cumulative")));
  // a pad value is real: the imaginary parts pad with 0
  wrap(
    "pad",
    parts((a) => ({ ...a, value: 0 })),
  );
  wrap("abs", (_r, b, [x], _a, [o]) => b.emit("stablehlo.abs", [x!], [ty(o!)]));
  // C99's branch cuts, as PyTorch's std::complex functions: the sign of a zero imaginary part picks the side,
  // f(conj z) = conj f(z). The CHLO decompositions compare with 0 (-0 is not below it): evaluate at (re, |im|)
  // and conjugate where im's sign bit is set (im < 0, or 1 / im < 0 for -0).
  for (const name of ["asin", "acos", "asinh", "acosh", "atanh"] as PrimName[])
    wrap(name, (real, b, [x], attrs, outs, inAvals) => {
      const o = outs[0]!;
      const im = imagOf(b, x!);
      const zero = b.broadcastInDim(b.constant(0, im.type.element), im.type.shape.slice(), []);
      const one = b.broadcastInDim(b.constant(1, im.type.element), im.type.shape.slice(), []);
      const r = real(b, [complexOf(b, realOf(b, x!), b.unary("abs", im), o)], attrs, outs, inAvals)[0]!;
      const signBit = b.binary("or", b.compare(im, zero, "LT"), b.compare(b.divide(one, im), zero, "LT"));
      return [b.select(signBit, complexOf(b, realOf(b, r), b.unary("negate", imagOf(b, r)), o), r)];
    });
  // PyTorch's complex atan (its vectorized formula): i/2 log((i + z) / (i - z)), NaN at the poles +-i as PyTorch's
  wrap("atan", (_r, b, [x], _a, [o]) => {
    const shape = o!.shape.slice();
    const c = (re: number, im: number) => {
      const e = realPartType(elementTypeOf(o!.dtype.name));
      const part = (v: number) => b.broadcastInDim(b.constant(v, e), shape, []);
      return complexOf(b, part(re), part(im), o!);
    };
    const q = b.divide(b.add(c(0, 1), x!), b.binary("subtract", c(0, 1), x!));
    return [b.binary("multiply", c(0, 0.5), b.log(q))];
  });
  wrap("convert", (real, b, [x], a, [o], [ia]) => {
    const out = elementTypeOf(o!.dtype.name);
    // to a real dtype (bool included): the real part, as PyTorch 1.13's cast (which warns that it discards the
    // imaginary part), converted by the real lowering (to a narrow integer through i64, wrapping: -3.7 -> uint8 253)
    if (!isComplex(out)) return real(b, [realOf(b, x!)], a, [o!], [{ shape: ia!.shape, dtype: realDtypeOf(ia!) }]);
    if (ia!.dtype.is_complex) return [b.convert(x!, out)];
    const re = b.convert(x!, realPartType(out));
    return [complexOf(b, re, b.broadcastInDim(b.constant(0, realPartType(out)), o!.shape.slice(), []), o!)];
  });
}

import { toRealValueType, type DType } from "@xlatorch/core";
const realDtypeOf = (a: AVal): DType => toRealValueType(a.dtype);
