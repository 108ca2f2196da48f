// Cholesky, triangular solve and LU with partial pivoting, batched over the
// leading dims. They compute in float64 and round once to the output dtype (the
// eager device and the CPU runtime share them; the lazy device lowers cholesky and
// triangular_solve to StableHLO and runs lu through its CPU fallback).
import type { TriangularSolveAttrs } from "@xlatorch/core";
import { contiguous } from "../strided.js";
import type { Kernel } from "./types.js";
import { decode, encode, prod } from "./values.js";

/** The matrices of a [..., r, c] input as one dense float64 array (a fresh copy the kernel may overwrite). */
export const matrices = (x: Parameters<typeof decode>[0], shape: readonly number[], dtype: Parameters<typeof decode>[2]) =>
  decode(x, shape, dtype) as Float64Array;
export const batchOf = (shape: readonly number[]): number => prod(shape.slice(0, -2));

export const factorKernels: Record<string, Kernel> = {
  // Lower factor of the lower triangle, as LAPACK's potrf: from the first pivot that is not positive on,
  // the factor is NaN (the surface reads the failing order off its diagonal).
  cholesky: ([x], [a], _attrs, [o]) => {
    const n = a!.shape.at(-1)!;
    const A = matrices(x!, a!.shape, a!.dtype);
    const L = new Float64Array(A.length);
    for (let b = 0, off = 0; b < batchOf(a!.shape); b++, off += n * n) {
      for (let j = 0; j < n; j++) {
        let d = A[off + j * n + j]!;
        for (let k = 0; k < j; k++) d -= L[off + j * n + k]! ** 2;
        if (!(d > 0)) {
          for (let c = j; c < n; c++) for (let i = c; i < n; i++) L[off + i * n + c] = NaN;
          break;
        }
        const ljj = Math.sqrt(d);
        L[off + j * n + j] = ljj;
        for (let i = j + 1; i < n; i++) {
          let s = A[off + i * n + j]!;
          for (let k = 0; k < j; k++) s -= L[off + i * n + k]! * L[off + j * n + k]!;
          L[off + i * n + j] = s / ljj;
        }
      }
    }
    return [contiguous(encode(L, o!.dtype), o!.shape)];
  },

  // op(a) x = b (left) or x op(a) = b, reading only a's `lower`/upper triangle (StableHLO's triangular_solve).
  triangular_solve: ([x, y], [a, bv], { left, lower, unit_diagonal, transpose_a }: TriangularSolveAttrs, [o]) => {
    const n = a!.shape.at(-1)!;
    const A = matrices(x!, a!.shape, a!.dtype);
    const B = matrices(y!, bv!.shape, bv!.dtype);
    const k = left ? bv!.shape.at(-1)! : bv!.shape.at(-2)!;
    // x op(a) = b is op(a)^T x^T = b^T: solve G Y = C with G = a or a^T
    const tr = transpose_a !== !left;
    const low = lower !== tr;
    const X = new Float64Array(B.length);
    const y_ = new Float64Array(n);
    for (let bi = 0, offA = 0, offB = 0; bi < batchOf(a!.shape); bi++, offA += n * n, offB += n * k) {
      const g = tr ? (i: number, j: number) => A[offA + j * n + i]! : (i: number, j: number) => A[offA + i * n + j]!;
      // column c of C: b[:, c] (left) or b[c, :] (right)
      const at = left ? (i: number, c: number) => offB + i * k + c : (i: number, c: number) => offB + c * n + i;
      for (let c = 0; c < k; c++) {
        if (low) {
          for (let i = 0; i < n; i++) {
            let s = B[at(i, c)]!;
            for (let j = 0; j < i; j++) s -= g(i, j) * y_[j]!;
            y_[i] = unit_diagonal ? s : s / g(i, i);
          }
        } else {
          for (let i = n - 1; i >= 0; i--) {
            let s = B[at(i, c)]!;
            for (let j = i + 1; j < n; j++) s -= g(i, j) * y_[j]!;
            y_[i] = unit_diagonal ? s : s / g(i, i);
          }
        }
        for (let i = 0; i < n; i++) X[at(i, c)] = y_[i]!;
      }
    }
    return [contiguous(encode(X, o!.dtype), o!.shape)];
  },

  // LAPACK's getrf: the pivot is the first entry of largest magnitude; a zero pivot column is left as is.
  lu: ([x], [a], _attrs, outs) => {
    const m = a!.shape.at(-2)!,
      n = a!.shape.at(-1)!,
      kk = Math.min(m, n);
    const A = matrices(x!, a!.shape, a!.dtype);
    const batch = batchOf(a!.shape);
    const piv = new Int32Array(batch * kk);
    const perm = new BigInt64Array(batch * m);
    const p = new Array<number>(m);
    for (let b = 0, off = 0; b < batch; b++, off += m * n) {
      for (let i = 0; i < m; i++) p[i] = i;
      for (let j = 0; j < kk; j++) {
        let r = j,
          best = Math.abs(A[off + j * n + j]!);
        for (let i = j + 1; i < m; i++) {
          const v = Math.abs(A[off + i * n + j]!);
          if (v > best) {
            best = v;
            r = i;
          }
        }
        piv[b * kk + j] = r + 1;
        const pivot = A[off + r * n + j]!;
        if (pivot !== 0) {
          if (r !== j) {
            for (let c = 0; c < n; c++) {
              const t = A[off + j * n + c]!;
              A[off + j * n + c] = A[off + r * n + c]!;
              A[off + r * n + c] = t;
            }
            const t = p[j]!;
            p[j] = p[r]!;
            p[r] = t;
          }
          for (let i = j + 1; i < m; i++) A[off + i * n + j]! /= pivot;
        }
        for (let i = j + 1; i < m; i++) {
          const l = A[off + i * n + j]!;
          if (l === 0) continue;
          for (let c = j + 1; c < n; c++) A[off + i * n + c]! -= l * A[off + j * n + c]!;
        }
      }
      for (let i = 0; i < m; i++) perm[b * m + i] = BigInt(p[i]!);
    }
    return [contiguous(encode(A, outs[0]!.dtype), outs[0]!.shape), contiguous(piv, outs[1]!.shape), contiguous(perm, outs[2]!.shape)];
  },
};
