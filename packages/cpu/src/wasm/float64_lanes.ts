// The fused loops' float64 expressions (fused_module.ts "f32_of" nodes): a
// float32 chain whose intermediates are float64 (layer_norm_backward's
// lowering computes in float64 and converts the result to float32, lazy/src/
// lower_norm.ts), on 4 float32 lanes as two float64x2 halves. The JavaScript
// loop evaluates the same expression in doubles and rounds it once to float32
// (Math.fround or the Float32Array store); each WebAssembly float64 operation
// is the same exactly rounded IEEE operation, applied in the same order, and
// f32x4.demote_f64x2_zero rounds to nearest even as Math.fround does, so the
// bits are the same. Before, such a chain had no WebAssembly form and ran in
// the JavaScript loop (5 loops of 16384 values a nanoGPT tiny step).
import type { Body } from "./builder.js";
import { op, V128 } from "./encoder.js";
import type { FusedTree } from "./fused_module.js";
import { sop } from "./simd_ops.js";

/** The local holding float64 leaf i's low (lanes 0-1) or high (lanes 2-3) half. */
export type Leaf64 = (i: number, high: boolean) => number;

const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const BINARY: Record<string, number[]> = {
  f64_add: sop.f64x2Add,
  f64_subtract: sop.f64x2Sub,
  f64_multiply: sop.f64x2Mul,
  f64_divide: sop.f64x2Div,
};

/**
 * Leaves the f32x4 value of the float64 expression `d` in a fresh local and returns it: each float32 operand
 * (an "f64_of" node's) is emitted once by `f32` (fused_module.ts emitTree), then the expression on each half.
 */
export function emitF32Of(b: Body, d: FusedTree, f32: (t: FusedTree) => number, leaf64: Leaf64): number {
  const narrow = new Map<FusedTree, number>();
  const operands = (t: FusedTree): void => {
    if (typeof t === "number") throw new Error("fused WebAssembly loops: a float32 leaf in a float64 expression");
    if (t[0] === "f64_of") narrow.set(t, f32(t[1]!));
    else if (t[0] !== "f64_leaf") for (const a of t.slice(1)) operands(a as FusedTree);
  };
  operands(d);
  const half = (high: boolean): number => {
    const emit = (t: FusedTree): number => {
      const [head, ...args] = t as [string, ...FusedTree[]];
      if (head === "f64_leaf") return leaf64(args[0] as number, high);
      const r = b.local(V128);
      if (head === "f64_of") {
        const v = narrow.get(t)!;
        b.emit(...(high ? [op.get(v), op.get(v), sop.shuffle(HIGH)] : [op.get(v)]), sop.f64x2PromoteLowF32x4);
      } else if (head === "f64_neg") b.emit(op.get(emit(args[0]!)), sop.f64x2Neg);
      else {
        const x = emit(args[0]!),
          y = emit(args[1]!);
        b.emit(op.get(x), op.get(y), BINARY[head]!);
      }
      b.emit(op.set(r));
      return r;
    };
    const r = b.local(V128);
    b.emit(op.get(emit(d)), sop.f32x4DemoteF64x2Zero, op.set(r));
    return r;
  };
  const lo = half(false),
    hi = half(true);
  const r = b.local(V128);
  b.emit(op.get(lo), op.get(hi), sop.shuffle(JOIN), op.set(r));
  return r;
}
