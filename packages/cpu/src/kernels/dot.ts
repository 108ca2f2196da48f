// dot_general: float32/float64 through the system BLAS when one is present
// (dot_blas.ts); float32 otherwise on the WebAssembly SIMD GEMM (wasm/gemm.ts),
// which packs each operand from its own strides (dot_operands.ts);
// otherwise permute both operands to [batch, free, contract] /
// [batch, contract, free], then a cache-friendly i-k-j product per batch.
import type { DotDims } from "@xlatorch/core";
import { contiguous } from "../strided.js";
import { gemmF32Strided, wasmGemmEnabled } from "../wasm/gemm.js";
import { blasDotGeneral } from "./dot_blas.js";
import { takeResultMemory } from "./result_memory.js";
import { stridedMatrices } from "./dot_operands.js";
import type { Kernel } from "./types.js";
import { encode, values } from "./values.js";

export const dotKernels: Record<string, Kernel> = {
  dot_general: ([l, r], [la, ra], dd: DotDims, [o]) => {
    const lf = freeDims(la!.shape.length, dd.lhs_batch, dd.lhs_contract);
    const rf = freeDims(ra!.shape.length, dd.rhs_batch, dd.rhs_contract);
    const B = sizeOf(la!.shape, dd.lhs_batch);
    const M = sizeOf(la!.shape, lf);
    const K = sizeOf(la!.shape, dd.lhs_contract);
    const N = sizeOf(ra!.shape, rf);
    // float32/float64 through the system BLAS when there is one (kernels/dot_blas.ts)
    const viaBlas = blasDotGeneral(l!, r!, la!, ra!, dd, o!, lf, rf, B, M, K, N);
    if (viaBlas) return [viaBlas];
    // float32 without a BLAS: the WebAssembly SIMD kernel (wasm/gemm.ts), unless unavailable or XLATORCH_WASM=off;
    // its packing reads both operands in their own strides (a transposed view is not copied first)
    if (la!.dtype.name === "float32" && ra!.dtype.name === "float32" && o!.dtype.name === "float32" && wasmGemmEnabled()) {
      // (it writes every value: the runtime's offered array, result_memory.ts)
      const out32 = (takeResultMemory("float32", B * M * N) as Float32Array | null) ?? new Float32Array(B * M * N);
      const sa = stridedMatrices(l!, la!, dd.lhs_batch, lf, dd.lhs_contract, M, K);
      const sb = stridedMatrices(r!, ra!, dd.rhs_batch, dd.rhs_contract, rf, K, N);
      if (gemmF32Strided(sa, sb, out32, B, M, K, N)) return [contiguous(out32, o!.shape)];
    }
    // read in place when already laid out [batch, free, contract] / [batch, contract, free]
    const A = values(l!, la!.shape, la!.dtype, [...dd.lhs_batch, ...lf, ...dd.lhs_contract]);
    const Bm = values(r!, ra!.shape, ra!.dtype, [...dd.rhs_batch, ...dd.rhs_contract, ...rf]);
    if (A instanceof BigInt64Array || Bm instanceof BigInt64Array) {
      const out = new BigInt64Array(B * M * N);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < M; i++)
          for (let k = 0; k < K; k++) {
            const a = (A as BigInt64Array)[(b * M + i) * K + k]!;
            for (let j = 0; j < N; j++)
              out[(b * M + i) * N + j] = BigInt.asIntN(64, out[(b * M + i) * N + j]! + a * (Bm as BigInt64Array)[(b * K + k) * N + j]!);
          }
      return [contiguous(out, o!.shape)];
    }
    const out = new Float64Array(B * M * N);
    matmulF64(A as ArrayLike<number>, Bm as ArrayLike<number>, out, B, M, K, N);
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
};

// plain loops: the CPU runtime's steps call this with tiny matrices, where the setup's iterator spreads showed
/** The dims of a rank-`rank` operand that are neither batch nor contracting, in order. */
function freeDims(rank: number, batch: readonly number[], contract: readonly number[]): number[] {
  const f: number[] = [];
  for (let d = 0; d < rank; d++) if (!batch.includes(d) && !contract.includes(d)) f.push(d);
  return f;
}
/** The product of `shape`'s sizes at `dims` (1 for none). */
function sizeOf(shape: readonly number[], dims: readonly number[]): number {
  let p = 1;
  for (let i = 0; i < dims.length; i++) p *= shape[dims[i]!]!;
  return p;
}

/**
 * out[b] = A[b] (MxK) @ Bm[b] (KxN). For each block of 256 k's, A is packed
 * into 4-row panels and B into 4-column panels (contiguous in k), and each 4x4
 * output tile is accumulated in 16 locals; leftover rows/columns take a plain loop.
 */
function matmulF64(A: ArrayLike<number>, Bm: ArrayLike<number>, out: Float64Array, B: number, M: number, K: number, N: number): void {
  const KB = 256,
    M4 = M - (M % 4),
    N4 = N - (N % 4);
  const kMax = Math.max(1, Math.min(K, KB));
  const pa = new Float64Array(Math.max(1, M4 * kMax)),
    pb = new Float64Array(4 * kMax);
  for (let b = 0; b < B; b++) {
    const aOff = b * M * K,
      bOff = b * K * N,
      oOff = b * M * N;
    for (let k0 = 0; k0 < K; k0 += KB) {
      const k1 = Math.min(K, k0 + KB),
        kl = k1 - k0;
      for (let i = 0; i < M4; i += 4) {
        for (let k = 0; k < kl; k++) {
          for (let r = 0; r < 4; r++) pa[i * kl + k * 4 + r] = A[aOff + (i + r) * K + k0 + k]!;
        }
      }
      for (let j = 0; j < N4; j += 4) {
        for (let k = 0; k < kl; k++) {
          const src = bOff + (k0 + k) * N + j;
          pb[4 * k] = Bm[src]!;
          pb[4 * k + 1] = Bm[src + 1]!;
          pb[4 * k + 2] = Bm[src + 2]!;
          pb[4 * k + 3] = Bm[src + 3]!;
        }
        for (let i = 0; i < M4; i += 4) {
          let c00 = 0,
            c01 = 0,
            c02 = 0,
            c03 = 0,
            c10 = 0,
            c11 = 0,
            c12 = 0,
            c13 = 0;
          let c20 = 0,
            c21 = 0,
            c22 = 0,
            c23 = 0,
            c30 = 0,
            c31 = 0,
            c32 = 0,
            c33 = 0;
          const ab = i * kl;
          for (let q = 0; q < 4 * kl; q += 4) {
            const b0 = pb[q]!,
              b1 = pb[q + 1]!,
              b2 = pb[q + 2]!,
              b3 = pb[q + 3]!;
            const a0 = pa[ab + q]!,
              a1 = pa[ab + q + 1]!,
              a2 = pa[ab + q + 2]!,
              a3 = pa[ab + q + 3]!;
            c00 += a0 * b0;
            c01 += a0 * b1;
            c02 += a0 * b2;
            c03 += a0 * b3;
            c10 += a1 * b0;
            c11 += a1 * b1;
            c12 += a1 * b2;
            c13 += a1 * b3;
            c20 += a2 * b0;
            c21 += a2 * b1;
            c22 += a2 * b2;
            c23 += a2 * b3;
            c30 += a3 * b0;
            c31 += a3 * b1;
            c32 += a3 * b2;
            c33 += a3 * b3;
          }
          let o = oOff + i * N + j;
          out[o] += c00;
          out[o + 1] += c01;
          out[o + 2] += c02;
          out[o + 3] += c03;
          o += N;
          out[o] += c10;
          out[o + 1] += c11;
          out[o + 2] += c12;
          out[o + 3] += c13;
          o += N;
          out[o] += c20;
          out[o + 1] += c21;
          out[o + 2] += c22;
          out[o + 3] += c23;
          o += N;
          out[o] += c30;
          out[o + 1] += c31;
          out[o + 2] += c32;
          out[o + 3] += c33;
        }
      }
      // leftovers: the last N % 4 columns for every row, the last M % 4 rows for the other columns
      for (let i = 0; i < M; i++) {
        const jStart = i < M4 ? N4 : 0;
        for (let k = k0; k < k1; k++) {
          const a = A[aOff + i * K + k]!,
            br = bOff + k * N,
            orow = oOff + i * N;
          for (let j = jStart; j < N; j++) out[orow + j] += a * Bm[br + j]!;
        }
      }
    }
  }
}
