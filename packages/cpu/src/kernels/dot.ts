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

/**
 * out[b] = A[b] (MxK) @ Bm[b] (KxN). Four output rows at a time share each
 * load of a B row (register blocking); k and j are blocked to stay in cache.
 */
function matmulF64(A: Float64Array, Bm: Float64Array, out: Float64Array, B: number, M: number, K: number, N: number): void {
  const JB = 256, KB = 256;
  for (let b = 0; b < B; b++) {
    const aOff = b * M * K, bOff = b * K * N, oOff = b * M * N;
    for (let j0 = 0; j0 < N; j0 += JB) {
      const j1 = Math.min(N, j0 + JB);
      for (let k0 = 0; k0 < K; k0 += KB) {
        const k1 = Math.min(K, k0 + KB);
        let i = 0;
        for (; i + 4 <= M; i += 4) {
          const o0 = oOff + i * N, o1 = o0 + N, o2 = o1 + N, o3 = o2 + N;
          const r0 = aOff + i * K, r1 = r0 + K, r2 = r1 + K, r3 = r2 + K;
          for (let k = k0; k < k1; k++) {
            const a0 = A[r0 + k]!, a1 = A[r1 + k]!, a2 = A[r2 + k]!, a3 = A[r3 + k]!;
            const br = bOff + k * N;
            for (let j = j0; j < j1; j++) {
              const v = Bm[br + j]!;
              out[o0 + j] += a0 * v; out[o1 + j] += a1 * v; out[o2 + j] += a2 * v; out[o3 + j] += a3 * v;
            }
          }
        }
        for (; i < M; i++) {
          const orow = oOff + i * N, arow = aOff + i * K;
          for (let k = k0; k < k1; k++) {
            const a = A[arow + k]!, br = bOff + k * N;
            for (let j = j0; j < j1; j++) out[orow + j] += a * Bm[br + j]!;
          }
        }
      }
    }
  }
}
