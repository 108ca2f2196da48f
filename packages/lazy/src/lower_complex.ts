// StableHLO lowerings of complex tensors: the primitives complex/real/imag/fft,
// and the complex forms of primitives whose generic lowering needs a constant of
// the element type (reduce and cumulative sums, pad) or changes type (abs, convert).
// Those run on the real and imaginary parts and recombine with stablehlo.complex,
// so no complex constant is ever emitted.
import type { AVal, PrimName } from "@xlatorch/core";
import { elementTypeOf, isComplex, realPartType, tensorType, type Builder, type Value } from "@xlatorch/stablehlo";

type Lowering = (b: Builder, ins: Value[], attrs: never, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];
const ty = (a: AVal) => tensorType([...a.shape], elementTypeOf(a.dtype.name));

const realOf = (b: Builder, z: Value) => b.emit("stablehlo.real", [z], [tensorType(z.type.shape, realPartType(z.type.element))])[0]!;
const imagOf = (b: Builder, z: Value) => b.emit("stablehlo.imag", [z], [tensorType(z.type.shape, realPartType(z.type.element))])[0]!;
const complexOf = (b: Builder, re: Value, im: Value, o: AVal) => b.emit("stablehlo.complex", [re, im], [ty(o)])[0]!;

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
  wrap("convert", (real, b, [x], a, [o], [ia]) => {
    const out = elementTypeOf(o!.dtype.name);
    // to a real dtype (bool included): the real part, as PyTorch 1.13's cast (which warns that it discards the
    // imaginary part), converted by the real lowering (to a narrow integer through i64, wrapping: -3.7 -> uint8 253)
    if (!isComplex(out)) return real(b, [realOf(b, x!)], a, [o!], [{ shape: ia!.shape, dtype: realDtypeOf(ia!) }]);
    if (ia!.dtype.is_complex) return [b.convert(x!, out)];
    const re = b.convert(x!, realPartType(out));
    return [complexOf(b, re, b.broadcastInDim(b.constant(0, realPartType(out)), [...o!.shape], []), o!)];
  });
}

import { toRealValueType, type DType } from "@xlatorch/core";
const realDtypeOf = (a: AVal): DType => toRealValueType(a.dtype);
