// WebAssembly SIMD kernels of float32 row reductions:
//   sum(src, rows, len, dst) / max / min
// reduce each of `rows` consecutive rows of `len` float32 values at src. sum
// stores float64 results (8 bytes apart) at dst, max/min float32 ones (4 bytes
// apart). The tail of a row (len % 4) is one vector load masked to the
// reduction's identity, so the caller leaves 16 readable bytes after the data.
//
// sum accumulates in float64 lanes (each f32x4 widened into two f64x2), like
// the JavaScript kernel's float64 accumulator: its error stays that of a
// float64 sum (about n * 1e-16 relative, far under a float32 ulp for any
// tensor that fits in memory), so the float32 result is the correctly rounded
// sum in all but ties, better than PyTorch's float32 cascade sum. U vectors
// per step with independent accumulators keep the adds' latency hidden.
// max/min use f32x4.max/min, which propagate NaN as PyTorch's max/min do.
import { Body } from "./builder.js";
import { I32, op, V128 } from "./encoder.js";
import { f32x4, f64x2, konst, sop } from "./simd_ops.js";

const U = 4;
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

export type ReduceOp = "sum" | "max" | "min";

function rowKernel(kind: ReduceOp) {
  const [src, rows, len, dst] = [0, 1, 2, 3];
  const b = new Body([I32, I32, I32, I32]);
  const p = b.local(I32),
    cnt = b.local(I32),
    row = b.local(I32),
    v = b.local(V128);
  const isSum = kind === "sum";
  const nacc = isSum ? 2 * U : U;
  const acc = Array.from({ length: nacc }, () => b.local(V128));
  const identity = isSum ? f64x2(0) : f32x4(kind === "max" ? -Infinity : Infinity);
  const combine = isSum ? sop.f64x2Add : kind === "max" ? sop.f32x4Max : sop.f32x4Min;
  /** acc[u] (and acc[u + U] for sum) absorb the f32x4 in v. */
  const absorb = (u: number) => {
    if (isSum) {
      b.emit(op.get(acc[u]!), op.get(v), sop.f64x2PromoteLowF32x4, sop.f64x2Add, op.set(acc[u]!));
      b.emit(
        op.get(acc[u + U]!),
        op.get(v),
        op.get(v),
        sop.shuffle(HIGH_HALF),
        sop.f64x2PromoteLowF32x4,
        sop.f64x2Add,
        op.set(acc[u + U]!),
      );
    } else b.emit(op.get(acc[u]!), op.get(v), combine, op.set(acc[u]!));
  };
  b.emit(op.get(src), op.set(p), op.get(rows), op.set(row));
  b.countDown(row, () => {
    for (const a of acc) b.emit(identity, op.set(a));
    // whole groups of U vectors
    b.emit(op.get(len), op.i32(2 + Math.log2(U)), sop.i32ShrU, op.set(cnt));
    b.countDown(cnt, () => {
      for (let u = 0; u < U; u++) {
        b.emit(op.get(p), op.v128Load(16 * u), op.set(v));
        absorb(u);
      }
      b.emit(op.get(p), op.i32(16 * U), op.add, op.set(p));
    });
    // the remaining whole vectors
    b.emit(op.get(len), op.i32(2), sop.i32ShrU, op.i32(U - 1), sop.i32And, op.set(cnt));
    b.countDown(cnt, () => {
      b.emit(op.get(p), op.v128Load(0), op.set(v));
      absorb(0);
      b.emit(op.get(p), op.i32(16), op.add, op.set(p));
    });
    // the last len % 4 values: lanes >= len % 4 replaced by the identity
    b.emit(op.get(len), op.i32(3), sop.i32And, op.set(cnt));
    b.emit(op.get(p), op.v128Load(0));
    if (isSum) b.emit(f32x4(0));
    else b.emit(identity);
    b.emit(konst(new Int32Array([0, 1, 2, 3])), op.get(cnt), sop.i32x4Splat, sop.i32x4LtS, sop.v128Bitselect, op.set(v));
    absorb(0);
    b.emit(op.get(p), op.get(cnt), op.i32(2), sop.i32Shl, op.add, op.set(p));
    // fold the accumulators, then the lanes
    b.emit(op.get(acc[0]!));
    for (let i = 1; i < nacc; i++) b.emit(op.get(acc[i]!), combine);
    b.emit(op.set(v));
    if (isSum) {
      b.emit(op.get(dst), op.get(v), sop.f64x2ExtractLane(0), op.get(v), sop.f64x2ExtractLane(1), sop.f64Add, sop.f64Store(0));
      b.emit(op.get(dst), op.i32(8), op.add, op.set(dst));
    } else {
      b.emit(op.get(v), op.get(v), op.get(v), sop.shuffle(HIGH_HALF), combine, op.set(v));
      b.emit(op.get(v), op.get(v), op.get(v), sop.shuffle([4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7]), combine, op.set(v));
      b.emit(op.get(dst), op.get(v), sop.f32x4ExtractLane(0), sop.f32Store(0));
      b.emit(op.get(dst), op.i32(4), op.add, op.set(dst));
    }
  });
  return b.func(`reduce_${kind}`);
}

export const reduceFuncs = () => (["sum", "max", "min"] as const).map(rowKernel);
