// Householder QR, symmetric eigendecomposition (cyclic Jacobi) and SVD
// (one-sided Jacobi), batched over the leading dims, computed in float64.
// QR follows LAPACK's geqrf/orgqr sign convention (R's diagonal is -sign(a_jj)
// times the column norm), so Q and R equal PyTorch's up to rounding. The signs of
// eigenvectors and singular vectors are not unique; these are deterministic.
import { contiguous } from "../strided.js";
import { batchOf, matrices } from "./linalg_factor.js";
import type { Kernel } from "./types.js";
import { encode } from "./values.js";

/**
 * LAPACK's geqrf on one row-major m x n matrix W (overwritten): R on and above the diagonal, the
 * Householder vectors (v_j = 1 implied) below it, their scales in tau.
 */
export function householderInPlace(W: Float64Array, m: number, n: number, tau: Float64Array): void {
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    const alpha = W[j * n + j]!;
    let xn = 0;
    for (let i = j + 1; i < m; i++) xn = Math.hypot(xn, W[i * n + j]!);
    if (xn === 0) continue; // H = I: LAPACK's dlarfg leaves the column (and R's sign) as it is
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xn);
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) W[i * n + j]! *= scale;
    W[j * n + j] = beta;
    // apply H = I - tau v v^T (v_j = 1) to the trailing columns
    for (let c = j + 1; c < n; c++) {
      let s = W[j * n + c]!;
      for (let i = j + 1; i < m; i++) s += W[i * n + j]! * W[i * n + c]!;
      s *= tau[j]!;
      W[j * n + c]! -= s;
      for (let i = j + 1; i < m; i++) W[i * n + c]! -= s * W[i * n + j]!;
    }
  }
}

/** Householder QR of one m x n matrix at A[off]: Q (m x qc) and R (rc x n) written row-major. */
function qrOne(
  A: Float64Array,
  off: number,
  m: number,
  n: number,
  Q: Float64Array,
  qOff: number,
  qc: number,
  R: Float64Array,
  rOff: number,
  rc: number,
): void {
  const W = A.slice(off, off + m * n);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  householderInPlace(W, m, n, tau);
  for (let i = 0; i < rc; i++) for (let c = 0; c < n; c++) R[rOff + i * n + c] = i < m && c >= i ? W[i * n + c]! : 0;
  // Q = H_0 ... H_{k-1} applied to the first qc columns of the identity
  for (let i = 0; i < m; i++) for (let c = 0; c < qc; c++) Q[qOff + i * qc + c] = i === c ? 1 : 0;
  for (let j = k - 1; j >= 0; j--) {
    const t = tau[j]!;
    if (t === 0) continue;
    for (let c = 0; c < qc; c++) {
      let s = Q[qOff + j * qc + c]!;
      for (let i = j + 1; i < m; i++) s += W[i * n + j]! * Q[qOff + i * qc + c]!;
      s *= t;
      Q[qOff + j * qc + c]! -= s;
      for (let i = j + 1; i < m; i++) Q[qOff + i * qc + c]! -= s * W[i * n + j]!;
    }
  }
}

/** Cyclic Jacobi on a symmetric n x n S (overwritten): eigenvalues in w, eigenvectors as columns of V. */
function jacobiEigen(S: Float64Array, n: number, w: Float64Array, V: Float64Array): void {
  V.fill(0);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = S[p * n + q]!;
        if (apq === 0) continue;
        const app = S[p * n + p]!,
          aqq = S[q * n + q]!;
        // negligible beside both diagonal entries (in float64): drop it
        const g = 1e2 * Math.abs(apq);
        if (Math.abs(app) + g === Math.abs(app) && Math.abs(aqq) + g === Math.abs(aqq)) {
          S[p * n + q] = S[q * n + p] = 0;
          continue;
        }
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        for (let r = 0; r < n; r++) {
          const srp = S[r * n + p]!,
            srq = S[r * n + q]!;
          S[r * n + p] = c * srp - s * srq;
          S[r * n + q] = s * srp + c * srq;
        }
        for (let r = 0; r < n; r++) {
          const spr = S[p * n + r]!,
            sqr = S[q * n + r]!;
          S[p * n + r] = c * spr - s * sqr;
          S[q * n + r] = s * spr + c * sqr;
        }
        S[p * n + q] = S[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          const vp = V[r * n + p]!,
            vq = V[r * n + q]!;
          V[r * n + p] = c * vp - s * vq;
          V[r * n + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  for (let i = 0; i < n; i++) w[i] = S[i * n + i]!;
}

/** Column order sorting `keys` ascending (descending with `desc`), ties by index. */
const order = (keys: Float64Array, desc: boolean): number[] =>
  [...keys.keys()].sort((i, j) => (desc ? keys[j]! - keys[i]! : keys[i]! - keys[j]!) || i - j);

/**
 * Fills the columns of the r x c matrix M (row-major) not flagged in `ok` with unit vectors orthogonal
 * to every other column: the standard basis vector with the largest residual, orthogonalised twice.
 */
function completeColumns(M: Float64Array, r: number, c: number, ok: boolean[]): void {
  const v = new Float64Array(r);
  for (let j = 0; j < c; j++) {
    if (ok[j]) continue;
    let best = -1,
      bestNorm = -1;
    for (let e = 0; e < r; e++) {
      // residual norm of e_e against the accepted columns: 1 - sum of squares of row e
      let s = 1;
      for (let q = 0; q < c; q++) if (ok[q]) s -= M[e * c + q]! ** 2;
      if (s > bestNorm) {
        bestNorm = s;
        best = e;
      }
    }
    v.fill(0);
    v[best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < c; q++) {
        if (!ok[q]) continue;
        let d = 0;
        for (let i = 0; i < r; i++) d += M[i * c + q]! * v[i]!;
        for (let i = 0; i < r; i++) v[i]! -= d * M[i * c + q]!;
      }
    }
    let nv = 0;
    for (let i = 0; i < r; i++) nv = Math.hypot(nv, v[i]!);
    for (let i = 0; i < r; i++) M[i * c + j] = v[i]! / nv;
    ok[j] = true;
  }
}

/**
 * One-sided Jacobi SVD of a tall m x n matrix (m >= n) given as a getter: U (m x uc, uc = n or m),
 * S (n) descending, V (n x n).
 */
function jacobiSvdTall(
  get: (i: number, j: number) => number,
  m: number,
  n: number,
  uc: number,
  U: Float64Array,
  S: Float64Array,
  V: Float64Array,
): void {
  const W = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) W[i * n + j] = get(i, j);
  const Vw = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Vw[i * n + i] = 1;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0,
          beta = 0,
          gamma = 0;
        for (let i = 0; i < m; i++) {
          const wp = W[i * n + p]!,
            wq = W[i * n + q]!;
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t),
          s = c * t;
        for (let i = 0; i < m; i++) {
          const wp = W[i * n + p]!,
            wq = W[i * n + q]!;
          W[i * n + p] = c * wp - s * wq;
          W[i * n + q] = s * wp + c * wq;
        }
        for (let i = 0; i < n; i++) {
          const vp = Vw[i * n + p]!,
            vq = Vw[i * n + q]!;
          Vw[i * n + p] = c * vp - s * vq;
          Vw[i * n + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  let largest = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s = Math.hypot(s, W[i * n + j]!);
    norms[j] = s;
    largest = Math.max(largest, s);
  }
  const ord = order(norms, true);
  const ok = new Array<boolean>(uc).fill(false);
  U.fill(0);
  ord.forEach((src, j) => {
    const s = norms[src]!;
    S[j] = s;
    for (let i = 0; i < n; i++) V[i * n + j] = Vw[i * n + src]!;
    // a column at rounding level of the largest carries no direction: completed below instead
    if (s > largest * 1e-300 && s > 0) {
      for (let i = 0; i < m; i++) U[i * uc + j] = W[i * n + src]! / s;
      ok[j] = true;
    }
  });
  completeColumns(U, m, uc, ok);
}

export const decompKernels: Record<string, Kernel> = {
  qr: ([x], [a], _attrs, [oq, or]) => {
    const m = a!.shape.at(-2)!,
      n = a!.shape.at(-1)!;
    const qc = oq!.shape.at(-1)!,
      rc = or!.shape.at(-2)!;
    const A = matrices(x!, a!.shape, a!.dtype);
    const batch = batchOf(a!.shape);
    const Q = new Float64Array(batch * m * qc),
      R = new Float64Array(batch * rc * n);
    for (let b = 0; b < batch; b++) qrOne(A, b * m * n, m, n, Q, b * m * qc, qc, R, b * rc * n, rc);
    return [contiguous(encode(Q, oq!.dtype), oq!.shape), contiguous(encode(R, or!.dtype), or!.shape)];
  },

  eigh: ([x], [a], { lower }: { lower: boolean }, [ow, ov]) => {
    const n = a!.shape.at(-1)!;
    const A = matrices(x!, a!.shape, a!.dtype);
    const batch = batchOf(a!.shape);
    const W = new Float64Array(batch * n),
      V = new Float64Array(batch * n * n);
    const S = new Float64Array(n * n),
      w = new Float64Array(n),
      v = new Float64Array(n * n);
    for (let b = 0; b < batch; b++) {
      const off = b * n * n;
      // the symmetric matrix of one triangle (LAPACK's syevd reads only UPLO's)
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) S[i * n + j] = (lower ? i >= j : i <= j) ? A[off + i * n + j]! : A[off + j * n + i]!;
      jacobiEigen(S, n, w, v);
      order(w, false).forEach((src, j) => {
        W[b * n + j] = w[src]!;
        for (let i = 0; i < n; i++) V[off + i * n + j] = v[i * n + src]!;
      });
    }
    return [contiguous(encode(W, ow!.dtype), ow!.shape), contiguous(encode(V, ov!.dtype), ov!.shape)];
  },

  svd: ([x], [a], _attrs, [ou, os, ovh]) => {
    const m = a!.shape.at(-2)!,
      n = a!.shape.at(-1)!,
      k = Math.min(m, n);
    const A = matrices(x!, a!.shape, a!.dtype);
    const batch = batchOf(a!.shape);
    const uc = ou!.shape.at(-1)!,
      vr = ovh!.shape.at(-2)!;
    const Uo = new Float64Array(batch * m * uc),
      So = new Float64Array(batch * k),
      Vho = new Float64Array(batch * vr * n);
    for (let b = 0; b < batch; b++) {
      const off = b * m * n;
      const S = So.subarray(b * k, (b + 1) * k);
      if (m >= n) {
        const U = new Float64Array(m * uc),
          V = new Float64Array(n * n);
        jacobiSvdTall((i, j) => A[off + i * n + j]!, m, n, uc, U, S, V);
        Uo.set(U, b * m * uc);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Vho[b * vr * n + i * n + j] = V[j * n + i]!;
      } else {
        // A^T = U' S V'^T, so A = V' S U'^T: U = V', Vh = U'^T
        const Ut = new Float64Array(n * vr),
          V = new Float64Array(m * m);
        jacobiSvdTall((i, j) => A[off + j * n + i]!, n, m, vr, Ut, S, V);
        Uo.set(V, b * m * uc);
        for (let i = 0; i < vr; i++) for (let j = 0; j < n; j++) Vho[b * vr * n + i * n + j] = Ut[j * vr + i]!;
      }
    }
    return [
      contiguous(encode(Uo, ou!.dtype), ou!.shape),
      contiguous(encode(So, os!.dtype), os!.shape),
      contiguous(encode(Vho, ovh!.dtype), ovh!.shape),
    ];
  },
};
