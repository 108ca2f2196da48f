// LAPACK's symmetric indefinite factorization (sytrf, lower: Bunch-Kaufman
// diagonal pivoting with 1x1 and 2x2 blocks, unblocked as dsytf2) and its solve
// (sytrs), batched over the leading dims. They compute in float64 and round once
// to the output dtype, as linalg_factor.ts does; the xla device runs both through
// its CPU fallback (pivoting is data-dependent row and column swapping).
//
// The factor is left in LAPACK's packed form, which torch.linalg.ldl_factor
// returns as it is: D's 1x1 and 2x2 blocks on and just below the diagonal, the
// multipliers of L below them, and each later interchange applied only to the
// trailing matrix (not to the columns already factored). pivots are LAPACK's
// ipiv: 1-based, pivots[k] = p > 0 for a 1x1 block (rows/columns k and p-1
// swapped), pivots[k] = pivots[k+1] = -p for a 2x2 block at k, k+1 (k+1 and p-1
// swapped). info is the first k (1-based) whose D[k, k] is exactly zero, or 0.
import { contiguous } from "../strided.js";
import { batchOf, matrices } from "./linalg_factor.js";
import type { Kernel } from "./types.js";
import { encode } from "./values.js";

/** Bunch-Kaufman's alpha = (1 + sqrt(17)) / 8: the growth bound that chooses between 1x1 and 2x2 pivots. */
const ALPHA = (1 + Math.sqrt(17)) / 8;

/** dsytf2 with uplo = 'L' on the n x n matrix at A[off]: row-major, A[i, j] = A[off + i n + j], lower triangle read. */
function sytf2Lower(A: Float64Array, off: number, n: number, ipiv: Int32Array, poff: number): number {
  const at = (i: number, j: number) => off + i * n + j;
  const swap = (p: number, q: number) => {
    const t = A[p]!;
    A[p] = A[q]!;
    A[q] = t;
  };
  let info = 0;
  let k = 0;
  while (k < n) {
    let kstep = 1;
    let kp = k;
    const absakk = Math.abs(A[at(k, k)]!);
    // imax: the row of the largest off-diagonal entry of column k (the first of equal ones, as idamax)
    let imax = k,
      colmax = 0;
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(A[at(i, k)]!);
      if (v > colmax) {
        colmax = v;
        imax = i;
      }
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      // column k is zero (or NaN): D[k, k] is left as it is and info names it
      if (info === 0) info = k + 1;
    } else {
      if (absakk < ALPHA * colmax) {
        // rowmax: the largest off-diagonal entry of row/column imax of the trailing matrix
        let rowmax = 0;
        for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(A[at(imax, j)]!));
        for (let i = imax + 1; i < n; i++) rowmax = Math.max(rowmax, Math.abs(A[at(i, imax)]!));
        if (absakk >= ALPHA * colmax * (colmax / rowmax)) kp = k;
        else if (Math.abs(A[at(imax, imax)]!) >= ALPHA * rowmax) kp = imax;
        else {
          kp = imax;
          kstep = 2;
        }
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        // interchange rows and columns kk and kp of the trailing matrix A[k:, k:] (its lower triangle)
        for (let i = kp + 1; i < n; i++) swap(at(i, kk), at(i, kp));
        for (let j = kk + 1; j < kp; j++) swap(at(j, kk), at(kp, j));
        swap(at(kk, kk), at(kp, kp));
        if (kstep === 2) swap(at(k + 1, k), at(kp, k));
      }
      if (kstep === 1) {
        // A[k+1:, k+1:] -= x x^T / d with x = A[k+1:, k] (lower triangle); then L's column is x / d
        if (k < n - 1) {
          const d11 = 1 / A[at(k, k)]!;
          for (let j = k + 1; j < n; j++) {
            const xj = A[at(j, k)]!;
            if (xj === 0) continue;
            const t = -d11 * xj;
            for (let i = j; i < n; i++) A[at(i, j)]! += A[at(i, k)]! * t;
          }
          for (let i = k + 1; i < n; i++) A[at(i, k)]! *= d11;
        }
      } else if (k < n - 2) {
        // a 2x2 block D = [[a, b], [b, c]] at k, k+1: the columns of L are [x, y] D^{-1}, as dsytf2 forms them
        let d21 = A[at(k + 1, k)]!;
        const d11 = A[at(k + 1, k + 1)]! / d21;
        const d22 = A[at(k, k)]! / d21;
        const t = 1 / (d11 * d22 - 1);
        d21 = t / d21;
        for (let j = k + 2; j < n; j++) {
          const wk = d21 * (d11 * A[at(j, k)]! - A[at(j, k + 1)]!);
          const wkp1 = d21 * (d22 * A[at(j, k + 1)]! - A[at(j, k)]!);
          for (let i = j; i < n; i++) A[at(i, j)]! -= A[at(i, k)]! * wk + A[at(i, k + 1)]! * wkp1;
          A[at(j, k)] = wk;
          A[at(j, k + 1)] = wkp1;
        }
      }
    }
    if (kstep === 1) ipiv[poff + k] = kp + 1;
    else {
      ipiv[poff + k] = -(kp + 1);
      ipiv[poff + k + 1] = -(kp + 1);
    }
    k += kstep;
  }
  return info;
}

/** dsytrs with uplo = 'L': overwrites the n x m right-hand sides at B[boff] (row-major) with A^{-1} B. */
function sytrsLower(A: Float64Array, off: number, n: number, ipiv: Float64Array, poff: number, B: Float64Array, boff: number, m: number) {
  const a = (i: number, j: number) => A[off + i * n + j]!;
  const b = (i: number, c: number) => boff + i * m + c;
  const swapRows = (p: number, q: number) => {
    if (p === q) return;
    for (let c = 0; c < m; c++) {
      const t = B[b(p, c)]!;
      B[b(p, c)] = B[b(q, c)]!;
      B[b(q, c)] = t;
    }
  };
  // L D Y = P B, forward over the blocks
  let k = 0;
  while (k < n) {
    const p = ipiv[poff + k]!;
    if (p > 0) {
      swapRows(k, p - 1);
      for (let i = k + 1; i < n; i++) {
        const l = a(i, k);
        if (l !== 0) for (let c = 0; c < m; c++) B[b(i, c)]! -= l * B[b(k, c)]!;
      }
      const r = 1 / a(k, k);
      for (let c = 0; c < m; c++) B[b(k, c)]! *= r;
      k += 1;
    } else {
      swapRows(k + 1, -p - 1);
      for (let i = k + 2; i < n; i++) {
        const l0 = a(i, k),
          l1 = a(i, k + 1);
        for (let c = 0; c < m; c++) B[b(i, c)]! -= l0 * B[b(k, c)]! + l1 * B[b(k + 1, c)]!;
      }
      // the 2x2 block's solve, scaled by its off-diagonal entry as dsytrs does
      const akm1k = a(k + 1, k);
      const akm1 = a(k, k) / akm1k;
      const ak = a(k + 1, k + 1) / akm1k;
      const denom = akm1 * ak - 1;
      for (let c = 0; c < m; c++) {
        const bkm1 = B[b(k, c)]! / akm1k;
        const bk = B[b(k + 1, c)]! / akm1k;
        B[b(k, c)] = (ak * bkm1 - bk) / denom;
        B[b(k + 1, c)] = (akm1 * bk - bkm1) / denom;
      }
      k += 2;
    }
  }
  // L^T X = Y, backward over the blocks, undoing the interchanges
  k = n - 1;
  while (k >= 0) {
    const p = ipiv[poff + k]!;
    const first = p > 0 ? k : k - 1;
    for (let j = first; j <= k; j++)
      for (let c = 0; c < m; c++) {
        let s = 0;
        for (let i = k + 1; i < n; i++) s += a(i, j) * B[b(i, c)]!;
        B[b(j, c)]! -= s;
      }
    swapRows(k, Math.abs(p) - 1);
    k = first - 1;
  }
}

export const ldlKernels: Record<string, Kernel> = {
  // ldl(A) -> LD, int32 pivots [..., n], int32 info [...]
  ldl: ([x], [a], _attrs, [oLD, oPiv, oInfo]) => {
    const n = a!.shape.at(-1)!;
    const A = matrices(x!, a!.shape, a!.dtype);
    const batch = batchOf(a!.shape);
    const piv = new Int32Array(batch * n);
    const info = new Int32Array(batch);
    for (let bi = 0; bi < batch; bi++) info[bi] = sytf2Lower(A, bi * n * n, n, piv, bi * n);
    // LAPACK leaves the strict upper triangle as it was; PyTorch's LD is lower triangular (it zeroes the rest)
    for (let bi = 0; bi < batch; bi++) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) A[bi * n * n + i * n + j] = 0;
    return [contiguous(encode(A, oLD!.dtype), oLD!.shape), contiguous(piv, oPiv!.shape), contiguous(info, oInfo!.shape)];
  },
  // ldl_solve(LD, pivots, B) -> X, A X = B; the three share their batch dims
  ldl_solve: ([x, p, y], [a, pv, bv], _attrs, [o]) => {
    const n = a!.shape.at(-1)!,
      m = bv!.shape.at(-1)!;
    const A = matrices(x!, a!.shape, a!.dtype);
    const piv = matrices(p!, pv!.shape, pv!.dtype);
    const B = matrices(y!, bv!.shape, bv!.dtype);
    for (let bi = 0; bi < batchOf(a!.shape); bi++) sytrsLower(A, bi * n * n, n, piv, bi * n, B, bi * n * m, m);
    return [contiguous(encode(B, o!.dtype), o!.shape)];
  },
};
