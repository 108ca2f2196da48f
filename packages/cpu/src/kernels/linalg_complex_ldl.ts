// LAPACK's complex indefinite factorizations (lower: Bunch-Kaufman pivoting
// with 1x1 and 2x2 blocks, unblocked) and their solves, which
// torch.linalg.ldl_factor/ldl_solve compute for complex input:
// - hermitian=False: zsytf2/zsytrs, A = L D L^T with plain transposes (complex
//   symmetric);
// - hermitian=True: zhetf2/zhetrs, A = L D L^H (D Hermitian: real 1x1 blocks,
//   the diagonal's imaginary parts ignored and written as 0).
// The same steps as linalg_ldl.ts's dsytf2/dsytrs in complex arithmetic
// (separate real and imaginary arrays, float64); pivots are chosen by LAPACK's
// cabs1 = |re| + |im| (izamax's measure; zhetf2 compares |Re a_kk| for the
// diagonal), so the interchanges and the packed factor equal PyTorch's up to
// rounding.
import { contiguous, type Strided } from "../strided.js";
import type { AVal } from "@xlatorch/core";
import { interleave, splitParts as split } from "./complex.js";
import { batchOf, matrices } from "./linalg_factor.js";

const ALPHA = (1 + Math.sqrt(17)) / 8;

type C = [number, number];
const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const cdiv = (a: C, b: C): C => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
const csub = (a: C, b: C): C => [a[0] - b[0], a[1] - b[1]];
const conj = (a: C): C => [a[0], -a[1]];

/** zsytf2 (zhetf2 with `herm`) with uplo = 'L' on the n x n complex matrix at (R, I)[off], row-major, lower triangle read. */
function zsytf2Lower(R: Float64Array, I: Float64Array, off: number, n: number, ipiv: Int32Array, poff: number, herm: boolean): number {
  const at = (i: number, j: number) => off + i * n + j;
  const get = (p: number): C => [R[p]!, I[p]!];
  const set = (p: number, v: C) => {
    R[p] = v[0];
    I[p] = v[1];
  };
  const cabs1 = (p: number) => Math.abs(R[p]!) + Math.abs(I[p]!);
  const swap = (p: number, q: number) => {
    const t = get(p);
    set(p, get(q));
    set(q, t);
  };
  // zhetf2 reads only the diagonal's real parts
  const diagAbs = (p: number) => (herm ? Math.abs(R[p]!) : cabs1(p));
  const realDiag = (p: number) => {
    if (herm) I[p] = 0;
  };
  // the conjugate where the Hermitian interchange takes one
  const cj = (a: C): C => (herm ? conj(a) : a);
  let info = 0;
  let k = 0;
  while (k < n) {
    let kstep = 1;
    let kp = k;
    const absakk = diagAbs(at(k, k));
    let imax = k,
      colmax = 0;
    for (let i = k + 1; i < n; i++) {
      const v = cabs1(at(i, k));
      if (v > colmax) {
        colmax = v;
        imax = i;
      }
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      if (info === 0) info = k + 1;
      realDiag(at(k, k));
    } else {
      if (absakk < ALPHA * colmax) {
        // rowmax: cabs1 of the largest (by cabs1, first of equal ones) off-diagonal entry of row imax
        let rowmax = 0;
        for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, cabs1(at(imax, j)));
        for (let i = imax + 1; i < n; i++) rowmax = Math.max(rowmax, cabs1(at(i, imax)));
        if (absakk >= ALPHA * colmax * (colmax / rowmax)) kp = k;
        else if (diagAbs(at(imax, imax)) >= ALPHA * rowmax) kp = imax;
        else {
          kp = imax;
          kstep = 2;
        }
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        for (let i = kp + 1; i < n; i++) swap(at(i, kk), at(i, kp));
        for (let j = kk + 1; j < kp; j++) {
          // the Hermitian interchange moves an entry across the diagonal: conjugated
          const t = cj(get(at(j, kk)));
          set(at(j, kk), cj(get(at(kp, j))));
          set(at(kp, j), t);
        }
        if (herm) set(at(kp, kk), conj(get(at(kp, kk))));
        swap(at(kk, kk), at(kp, kp));
        realDiag(at(kk, kk));
        realDiag(at(kp, kp));
        if (kstep === 2) {
          realDiag(at(k, k));
          swap(at(k + 1, k), at(kp, k));
        }
      }
      realDiag(at(k, k));
      if (kstep === 2) realDiag(at(k + 1, k + 1));
      if (kstep === 1 && herm) {
        // zher: A[k+1:, k+1:] -= x x^H / d (d real, lower triangle, diagonal kept real); L's column is x / d
        if (k < n - 1) {
          const r1 = 1 / R[at(k, k)]!;
          for (let j = k + 1; j < n; j++) {
            const xj = conj(get(at(j, k)));
            for (let i = j; i < n; i++) {
              const u = cmul(get(at(i, k)), xj);
              set(at(i, j), [R[at(i, j)]! - r1 * u[0], I[at(i, j)]! - r1 * u[1]]);
            }
            I[at(j, j)] = 0;
          }
          for (let i = k + 1; i < n; i++) set(at(i, k), [R[at(i, k)]! * r1, I[at(i, k)]! * r1]);
        }
      } else if (kstep === 2 && herm) {
        // zhetf2's 2x2 block [[d11, conj(d21)], [d21, d22]] (d11, d22 real)
        if (k < n - 2) {
          let d = Math.hypot(R[at(k + 1, k)]!, I[at(k + 1, k)]!);
          const d11 = R[at(k + 1, k + 1)]! / d;
          const d22 = R[at(k, k)]! / d;
          const tt = 1 / (d11 * d22 - 1);
          const d21: C = [R[at(k + 1, k)]! / d, I[at(k + 1, k)]! / d];
          d = tt / d;
          for (let j = k + 2; j < n; j++) {
            const ajk = get(at(j, k)),
              ajk1 = get(at(j, k + 1));
            const x = csub([d11 * ajk[0], d11 * ajk[1]], cmul(d21, ajk1));
            const y = csub([d22 * ajk1[0], d22 * ajk1[1]], cmul(conj(d21), ajk));
            const wk: C = [d * x[0], d * x[1]],
              wkp1: C = [d * y[0], d * y[1]];
            for (let i = j; i < n; i++) {
              const u = cmul(get(at(i, k)), conj(wk)),
                v = cmul(get(at(i, k + 1)), conj(wkp1));
              set(at(i, j), [R[at(i, j)]! - u[0] - v[0], I[at(i, j)]! - u[1] - v[1]]);
            }
            set(at(j, k), wk);
            set(at(j, k + 1), wkp1);
            I[at(j, j)] = 0;
          }
        }
      } else if (kstep === 1) {
        // A[k+1:, k+1:] -= x x^T / d (lower triangle); L's column is x / d
        if (k < n - 1) {
          const r1 = cdiv([1, 0], get(at(k, k)));
          for (let j = k + 1; j < n; j++) {
            const xj = get(at(j, k));
            if (xj[0] === 0 && xj[1] === 0) continue;
            const t = cmul(r1, xj);
            for (let i = j; i < n; i++) set(at(i, j), csub(get(at(i, j)), cmul(get(at(i, k)), t)));
          }
          for (let i = k + 1; i < n; i++) set(at(i, k), cmul(get(at(i, k)), r1));
        }
      } else if (k < n - 2) {
        // the 2x2 block [[a, b], [b, c]] at k, k+1: the columns of L are [x, y] D^{-1}, as zsytf2 forms them
        let d21 = get(at(k + 1, k));
        const d11 = cdiv(get(at(k + 1, k + 1)), d21);
        const d22 = cdiv(get(at(k, k)), d21);
        const t = cdiv([1, 0], csub(cmul(d11, d22), [1, 0]));
        d21 = cdiv(t, d21);
        for (let j = k + 2; j < n; j++) {
          const ajk = get(at(j, k)),
            ajk1 = get(at(j, k + 1));
          const wk = cmul(d21, csub(cmul(d11, ajk), ajk1));
          const wkp1 = cmul(d21, csub(cmul(d22, ajk1), ajk));
          for (let i = j; i < n; i++) {
            const u = cmul(get(at(i, k)), wk),
              v = cmul(get(at(i, k + 1)), wkp1);
            set(at(i, j), [R[at(i, j)]! - u[0] - v[0], I[at(i, j)]! - u[1] - v[1]]);
          }
          set(at(j, k), wk);
          set(at(j, k + 1), wkp1);
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

/** zsytrs (zhetrs with `herm`) with uplo = 'L': overwrites the n x m right-hand sides at (BR, BI)[boff] with A^{-1} B. */
function zsytrsLower(
  R: Float64Array,
  I: Float64Array,
  off: number,
  n: number,
  ipiv: Float64Array,
  poff: number,
  BR: Float64Array,
  BI: Float64Array,
  boff: number,
  m: number,
  herm: boolean,
) {
  const a = (i: number, j: number): C => [R[off + i * n + j]!, I[off + i * n + j]!];
  const b = (i: number, c: number) => boff + i * m + c;
  const gb = (p: number): C => [BR[p]!, BI[p]!];
  const sb = (p: number, v: C) => {
    BR[p] = v[0];
    BI[p] = v[1];
  };
  const swapRows = (p: number, q: number) => {
    if (p === q) return;
    for (let c = 0; c < m; c++) {
      const t = gb(b(p, c));
      sb(b(p, c), gb(b(q, c)));
      sb(b(q, c), t);
    }
  };
  let k = 0;
  while (k < n) {
    const p = ipiv[poff + k]!;
    if (p > 0) {
      swapRows(k, p - 1);
      for (let i = k + 1; i < n; i++) {
        const l = a(i, k);
        for (let c = 0; c < m; c++) sb(b(i, c), csub(gb(b(i, c)), cmul(l, gb(b(k, c)))));
      }
      // (zhetrs divides by the real part of D's 1x1 block)
      const r = cdiv([1, 0], herm ? [a(k, k)[0], 0] : a(k, k));
      for (let c = 0; c < m; c++) sb(b(k, c), cmul(gb(b(k, c)), r));
      k += 1;
    } else {
      swapRows(k + 1, -p - 1);
      for (let i = k + 2; i < n; i++) {
        const l0 = a(i, k),
          l1 = a(i, k + 1);
        for (let c = 0; c < m; c++) {
          const u = cmul(l0, gb(b(k, c))),
            v = cmul(l1, gb(b(k + 1, c)));
          sb(b(i, c), [BR[b(i, c)]! - u[0] - v[0], BI[b(i, c)]! - u[1] - v[1]]);
        }
      }
      const akm1k = a(k + 1, k);
      // zhetrs: D's upper off-diagonal entry is conj(akm1k)
      const up = herm ? conj(akm1k) : akm1k;
      const akm1 = cdiv(a(k, k), up);
      const ak = cdiv(a(k + 1, k + 1), akm1k);
      const denom = csub(cmul(akm1, ak), [1, 0]);
      for (let c = 0; c < m; c++) {
        const bkm1 = cdiv(gb(b(k, c)), up);
        const bk = cdiv(gb(b(k + 1, c)), akm1k);
        sb(b(k, c), cdiv(csub(cmul(ak, bkm1), bk), denom));
        sb(b(k + 1, c), cdiv(csub(cmul(akm1, bk), bkm1), denom));
      }
      k += 2;
    }
  }
  // L^T X = Y (L^H with `herm`), backward over the blocks, undoing the interchanges
  k = n - 1;
  while (k >= 0) {
    const p = ipiv[poff + k]!;
    const first = p > 0 ? k : k - 1;
    for (let j = first; j <= k; j++)
      for (let c = 0; c < m; c++) {
        let s: C = [0, 0];
        for (let i = k + 1; i < n; i++) {
          const l = a(i, j);
          const u = cmul(herm ? conj(l) : l, gb(b(i, c)));
          s = [s[0] + u[0], s[1] + u[1]];
        }
        sb(b(j, c), csub(gb(b(j, c)), s));
      }
    swapRows(k, Math.abs(p) - 1);
    k = first - 1;
  }
}

/** ldl(A) of a complex symmetric (Hermitian with `hermitian`) A -> LD (strict upper triangle zero), int32 pivots, int32 info. */
export function ldlComplex(
  [x]: readonly Strided[],
  [a]: readonly AVal[],
  attrs: { hermitian?: boolean } | undefined,
  [oLD, oPiv, oInfo]: readonly AVal[],
): Strided[] {
  const n = a!.shape.at(-1)!;
  const [R, I] = split(x!, a!);
  const batch = batchOf(a!.shape);
  const piv = new Int32Array(batch * n);
  const info = new Int32Array(batch);
  for (let bi = 0; bi < batch; bi++) info[bi] = zsytf2Lower(R, I, bi * n * n, n, piv, bi * n, !!attrs?.hermitian);
  for (let bi = 0; bi < batch; bi++)
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) R[bi * n * n + i * n + j] = I[bi * n * n + i * n + j] = 0;
  return [interleave(R, I, oLD!.dtype, oLD!.shape), contiguous(piv, oPiv!.shape), contiguous(info, oInfo!.shape)];
}

/** ldl_solve(LD, pivots, B) of a complex symmetric (Hermitian with `hermitian`) factorization -> X with A X = B. */
export function ldlSolveComplex(
  [x, p, y]: readonly Strided[],
  [a, pv, bv]: readonly AVal[],
  attrs: { hermitian?: boolean } | undefined,
  [o]: readonly AVal[],
): Strided[] {
  const n = a!.shape.at(-1)!,
    m = bv!.shape.at(-1)!;
  const [R, I] = split(x!, a!);
  const piv = matrices(p!, pv!.shape, pv!.dtype);
  const [BR, BI] = split(y!, bv!);
  for (let bi = 0; bi < batchOf(a!.shape); bi++) zsytrsLower(R, I, bi * n * n, n, piv, bi * n, BR, BI, bi * n * m, m, !!attrs?.hermitian);
  return [interleave(BR, BI, o!.dtype, o!.shape)];
}
