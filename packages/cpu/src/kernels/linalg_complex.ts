// Complex forms of the LU and triangular-solve kernels (linalg_factor.ts has the
// real ones), batched over the leading dims and computed in float64 pairs. They
// replace the real kernels' entries in the kernel table and hand real operands to
// them, so the eager device, the xla device's CPU fallback (lu) and the CPU
// runtime's stablehlo.triangular_solve share one kernel per primitive.
import { TorchError, type TriangularSolveAttrs } from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
import { dense } from "./layout.js";
import { batchOf, factorKernels } from "./linalg_factor.js";
import type { Kernel } from "./types.js";

/** A complex operand's values as dense interleaved (re, im) float64 pairs (a fresh copy the kernel may overwrite). */
function pairs(s: Strided, a: Parameters<Kernel>[1][number]): Float64Array {
  const d = dense(s, a.shape, a.dtype);
  return d instanceof Float64Array ? d : Float64Array.from(d as Float32Array);
}
/** Interleaved float64 pairs as a complex payload of `o`'s dtype. */
function complexOut(v: Float64Array, o: Parameters<Kernel>[3][number]): Strided {
  const out = o.dtype.alloc(v.length / 2) as Float32Array | Float64Array;
  out.set(v);
  return contiguous(out, o.shape);
}

/** LAPACK's izamax measure (|re| + |im|, BLAS's dcabs1): zgetrf's pivot is the first entry largest in it. */
const cabs1 = (re: number, im: number) => Math.abs(re) + Math.abs(im);

/** Complex division a / b (Smith's, which avoids overflow in |b|^2). */
function cdiv(ar: number, ai: number, br: number, bi: number): [number, number] {
  if (Math.abs(br) >= Math.abs(bi)) {
    const r = bi / br,
      den = br + bi * r;
    return [(ar + ai * r) / den, (ai - ar * r) / den];
  }
  const r = br / bi,
    den = br * r + bi;
  return [(ar * r + ai) / den, (ai * r - ar) / den];
}

/** LU with partial pivoting of complex matrices (zgetrf): outputs as the real kernel's (LU, 1-based pivots, row permutation). */
const luComplex: Kernel = ([x], [a], _attrs, outs) => {
  const m = a!.shape.at(-2)!,
    n = a!.shape.at(-1)!,
    kk = Math.min(m, n);
  const A = pairs(x!, a!);
  const batch = batchOf(a!.shape);
  const piv = new Int32Array(batch * kk);
  const perm = new BigInt64Array(batch * m);
  const p = new Array<number>(m);
  // element (i, j) of matrix b: re at A[at(i, j)], im at A[at(i, j) + 1]
  for (let b = 0; b < batch; b++) {
    const off = 2 * b * m * n;
    const at = (i: number, j: number) => off + 2 * (i * n + j);
    for (let i = 0; i < m; i++) p[i] = i;
    for (let j = 0; j < kk; j++) {
      let r = j,
        best = cabs1(A[at(j, j)]!, A[at(j, j) + 1]!);
      for (let i = j + 1; i < m; i++) {
        const v = cabs1(A[at(i, j)]!, A[at(i, j) + 1]!);
        if (v > best) {
          best = v;
          r = i;
        }
      }
      piv[b * kk + j] = r + 1;
      const pr = A[at(r, j)]!,
        pi = A[at(r, j) + 1]!;
      if (pr !== 0 || pi !== 0) {
        if (r !== j) {
          for (let c = 0; c < 2 * n; c++) {
            const t = A[at(j, 0) + c]!;
            A[at(j, 0) + c] = A[at(r, 0) + c]!;
            A[at(r, 0) + c] = t;
          }
          const t = p[j]!;
          p[j] = p[r]!;
          p[r] = t;
        }
        for (let i = j + 1; i < m; i++) {
          const [qr, qi] = cdiv(A[at(i, j)]!, A[at(i, j) + 1]!, pr, pi);
          A[at(i, j)] = qr;
          A[at(i, j) + 1] = qi;
        }
      }
      for (let i = j + 1; i < m; i++) {
        const lr = A[at(i, j)]!,
          li = A[at(i, j) + 1]!;
        if (lr === 0 && li === 0) continue;
        for (let c = j + 1; c < n; c++) {
          const ur = A[at(j, c)]!,
            ui = A[at(j, c) + 1]!;
          A[at(i, c)]! -= lr * ur - li * ui;
          A[at(i, c) + 1]! -= lr * ui + li * ur;
        }
      }
    }
    for (let i = 0; i < m; i++) perm[b * m + i] = BigInt(p[i]!);
  }
  return [complexOut(A, outs[0]!), contiguous(piv, outs[1]!.shape), contiguous(perm, outs[2]!.shape)];
};

/** op(a) x = b (left) or x op(a) = b for complex a, b; op is the plain transpose (StableHLO's TRANSPOSE, not ADJOINT). */
const triangularSolveComplex: Kernel = ([x, y], [a, bv], attrs, [o]) => {
  const { left, lower, unit_diagonal, transpose_a } = attrs as TriangularSolveAttrs;
  const n = a!.shape.at(-1)!;
  const A = pairs(x!, a!);
  const B = pairs(y!, bv!);
  const k = left ? bv!.shape.at(-1)! : bv!.shape.at(-2)!;
  // x op(a) = b is op(a)^T x^T = b^T: solve G Y = C with G = a or a^T
  const tr = transpose_a !== !left;
  const low = lower !== tr;
  const X = new Float64Array(B.length);
  const yr = new Float64Array(n),
    yi = new Float64Array(n);
  for (let bi = 0, offA = 0, offB = 0; bi < batchOf(a!.shape); bi++, offA += n * n, offB += n * k) {
    const g = tr ? (i: number, j: number) => 2 * (offA + j * n + i) : (i: number, j: number) => 2 * (offA + i * n + j);
    // column c of C: b[:, c] (left) or b[c, :] (right)
    const at = left ? (i: number, c: number) => 2 * (offB + i * k + c) : (i: number, c: number) => 2 * (offB + c * n + i);
    const row = (i: number, c: number, j0: number, j1: number) => {
      let sr = B[at(i, c)]!,
        si = B[at(i, c) + 1]!;
      for (let j = j0; j < j1; j++) {
        const gr = A[g(i, j)]!,
          gi = A[g(i, j) + 1]!;
        sr -= gr * yr[j]! - gi * yi[j]!;
        si -= gr * yi[j]! + gi * yr[j]!;
      }
      if (unit_diagonal) {
        yr[i] = sr;
        yi[i] = si;
      } else {
        const [qr, qi] = cdiv(sr, si, A[g(i, i)]!, A[g(i, i) + 1]!);
        yr[i] = qr;
        yi[i] = qi;
      }
    };
    for (let c = 0; c < k; c++) {
      if (low) for (let i = 0; i < n; i++) row(i, c, 0, i);
      else for (let i = n - 1; i >= 0; i--) row(i, c, i + 1, n);
      for (let i = 0; i < n; i++) {
        X[at(i, c)] = yr[i]!;
        X[at(i, c) + 1] = yi[i]!;
      }
    }
  }
  return [complexOut(X, o!)];
};

const orReal =
  (name: string, complex: Kernel, real: Kernel): Kernel =>
  (ins, avals, attrs, outs) => {
    if (!avals.some((a) => a.dtype.is_complex)) return real(ins, avals, attrs, outs);
    if (!avals.every((a) => a.dtype.is_complex))
      throw new TorchError(`${name}: expected all operands complex or none, got ${avals.map((a) => a.dtype.scalarName).join(", ")}`);
    return complex(ins, avals, attrs, outs);
  };

/** lu and triangular_solve for real and complex operands (entries that take the place of factorKernels' in the table). */
export const complexFactorKernels: Record<string, Kernel> = {
  lu: orReal("lu", luComplex, factorKernels.lu!),
  triangular_solve: orReal("triangular_solve", triangularSolveComplex, factorKernels.triangular_solve!),
};
