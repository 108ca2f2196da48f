// The fused loops' "fma_f64" node: float32(float64(a) * float64(b) + float64(c))
// on 4 float32 lanes, as two float64x2 halves. It is ATen's float32 fma as
// layer_norm's StableHLO lowering spells it (convert to f64, multiply, add,
// convert back: lazy/src/lower_norm.ts), which the generated JavaScript loop
// evaluates as Math.fround((x0*x1)+x2) in doubles. The same two IEEE float64
// operations and one rounding to float32 give the same bits, so the chain runs
// in WebAssembly instead of the JavaScript loop (it has float64 intermediates).
import type { Body } from "./builder.js";
import { op, V128 } from "./encoder.js";
import { sop } from "./simd_ops.js";

const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** Leaves the f32x4 fma of the locals a, b, c on the stack. */
export function emitFmaF64(b: Body, [x, y, z]: readonly number[]): void {
  const half = (high: boolean): number => {
    const promote = (v: number) =>
      high ? [op.get(v), op.get(v), sop.shuffle(HIGH), sop.f64x2PromoteLowF32x4] : [op.get(v), sop.f64x2PromoteLowF32x4];
    const r = b.local(V128);
    b.emit(...promote(x!), ...promote(y!), sop.f64x2Mul, ...promote(z!), sop.f64x2Add, sop.f32x4DemoteF64x2Zero, op.set(r));
    return r;
  };
  const lo = half(false),
    hi = half(true);
  b.emit(op.get(lo), op.get(hi), sop.shuffle(JOIN));
}
