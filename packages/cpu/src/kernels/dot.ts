// dot_general: permute both operands to [batch, free, contract] / [batch,
// contract, free], then a cache-friendly i-k-j product per batch.
import type { DotDims } from "@xlatorch/core";
import { contiguous } from "../strided.js";
import type { Kernel } from "./types.js";
import { decode, encode, prod } from "./values.js";

export const dotKernels: Record<string, Kernel> = {
  dot_general: ([l, r], [la, ra], dd: DotDims, [o]) => {
    const lf = [...la!.shape.keys()].filter((d) => !dd.lhs_batch.includes(d) && !dd.lhs_contract.includes(d));
    const rf = [...ra!.shape.keys()].filter((d) => !dd.rhs_batch.includes(d) && !dd.rhs_contract.includes(d));
    const B = prod(dd.lhs_batch.map((d) => la!.shape[d]!));
    const M = prod(lf.map((d) => la!.shape[d]!));
    const K = prod(dd.lhs_contract.map((d) => la!.shape[d]!));
    const N = prod(rf.map((d) => ra!.shape[d]!));
    const A = decode(l!, la!.shape, la!.dtype, [...dd.lhs_batch, ...lf, ...dd.lhs_contract]);
    const Bm = decode(r!, ra!.shape, ra!.dtype, [...dd.rhs_batch, ...dd.rhs_contract, ...rf]);
    if (A instanceof BigInt64Array || Bm instanceof BigInt64Array) {
      const out = new BigInt64Array(B * M * N);
      for (let b = 0; b < B; b++) for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
        const a = (A as BigInt64Array)[(b * M + i) * K + k]!;
        for (let j = 0; j < N; j++) out[(b * M + i) * N + j] = BigInt.asIntN(64, out[(b * M + i) * N + j]! + a * (Bm as BigInt64Array)[(b * K + k) * N + j]!);
      }
      return [contiguous(out, o!.shape)];
    }
    const out = new Float64Array(B * M * N);
    matmulF64(A, Bm as Float64Array, out, B, M, K, N);
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
};

/** out[b] = A[b] (MxK) @ Bm[b] (KxN), blocked over k and j to stay in cache. */
function matmulF64(A: Float64Array, Bm: Float64Array, out: Float64Array, B: number, M: number, K: number, N: number): void {
  const KB = 128, JB = 512;
  for (let b = 0; b < B; b++) {
    const aOff = b * M * K, bOff = b * K * N, oOff = b * M * N;
    for (let j0 = 0; j0 < N; j0 += JB) {
      const j1 = Math.min(N, j0 + JB);
      for (let k0 = 0; k0 < K; k0 += KB) {
        const k1 = Math.min(K, k0 + KB);
        for (let i = 0; i < M; i++) {
          const orow = oOff + i * N, arow = aOff + i * K;
          for (let k = k0; k < k1; k++) {
            const a = A[arow + k]!;
            if (a === 0) continue;
            const brow = bOff + k * N;
            for (let j = j0; j < j1; j++) out[orow + j] += a * Bm[brow + j]!;
          }
        }
      }
    }
  }
}
