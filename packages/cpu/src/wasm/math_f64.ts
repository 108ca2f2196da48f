// Float32 functions evaluated on f64x2 lanes (each float32 input widened
// exactly to float64, the result rounded once to float32), for the float32
// elementwise kernels where that costs little: 1/sqrt(x) is then the
// correctly rounded value except within ~1e-16 of a rounding midpoint, bit
// for bit the JavaScript template's. The transcendental functions moved to
// float32 lanes (math_f32.ts, four values per v128 and shorter polynomials);
// this file held their float64 versions before.
import type { Body } from "./builder.js";
import { op, V128 } from "./encoder.js";
import { f64x2, sop } from "./simd_ops.js";

type Lanes = readonly number[];

/** 1 / sqrt(x) in float64, exactly as the JavaScript template computes it, for each of the f64x2 locals in x. */
export function rsqrt(b: Body, x: Lanes): number[] {
  return x.map((l) => {
    const out = b.local(V128);
    b.emit(f64x2(1), op.get(l), sop.f64x2Sqrt, sop.f64x2Div, op.set(out));
    return out;
  });
}
