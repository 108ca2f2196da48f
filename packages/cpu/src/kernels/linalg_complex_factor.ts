// The factorizations of complex64/complex128 matrices (cholesky, qr, geqrf,
// eigh, svd), batched over the leading dims and computed in float64 complex
// arithmetic (separate real and imaginary arrays). They follow LAPACK's complex
// routines where PyTorch's values depend on them:
// - cholesky: zpotrf, A = L L^H from the lower triangle (the diagonal's real part);
// - geqrf/qr: zgeqrf/zungqr, reflectors H = I - tau v v^H with v_j = 1 and
//   zlarfg's choice of beta (real, -sign(Re alpha) |(alpha, x)|), so R's
//   diagonal is real and Q, R, tau equal PyTorch's up to rounding;
// - eigh: a Hermitian Jacobi method (each rotation a phase that makes the pivot
//   real, then a real rotation); eigenvalues ascending, real. An eigenvector is
//   defined up to a complex phase: as zheevd's (whose tridiagonal reduction
//   leaves the first row of Q, for UPLO='L', or the last, for 'U', equal to a
//   unit vector), that row's component is made real and nonnegative;
// - svd: the complex one-sided Jacobi method (the column pair's inner product
//   made real by a phase, then a real rotation), singular values descending;
// - ldl, ldl_solve: zsytrf/zsytrs (linalg_complex_ldl.ts).
// complexFactorizations() routes the complex operands of these primitives here
// and everything else to the real kernels.
import { contiguous } from "../strided.js";
import { interleave, splitParts as split } from "./complex.js";
import { ldlComplex, ldlSolveComplex } from "./linalg_complex_ldl.js";
import { batchOf } from "./linalg_factor.js";
import type { Kernel } from "./types.js";
import { encode } from "./values.js";
import type { Strided } from "../strided.js";
import type { AVal } from "@xlatorch/core";

/** The conjugate transpose of the r x c matrix at (sr, si)[soff], written as c x r at (dr, di)[doff]. */
function adjointInto(
  sr: Float64Array,
  si: Float64Array,
  soff: number,
  r: number,
  c: number,
  dr: Float64Array,
  di: Float64Array,
  doff: number,
): void {
  for (let i = 0; i < c; i++)
    for (let j = 0; j < r; j++) {
      dr[doff + i * r + j] = sr[soff + j * c + i]!;
      di[doff + i * r + j] = -si[soff + j * c + i]!;
    }
}
const out = (re: Float64Array, im: Float64Array, o: AVal) => interleave(re, im, o.dtype, o.shape);
const realOut = (v: Float64Array, o: AVal) => contiguous(encode(v, o.dtype), o.shape);

// ---- cholesky -------------------------------------------------------------------------
/** zpotrf (lower): NaN from the first pivot that is not positive on, as the real kernel. */
function cholesky([x]: readonly Strided[], [a]: readonly AVal[], _attrs: unknown, [o]: readonly AVal[]): Strided[] {
  const n = a!.shape.at(-1)!;
  const [Ar, Ai] = split(x!, a!);
  const Lr = new Float64Array(Ar.length),
    Li = new Float64Array(Ar.length);
  for (let b = 0, off = 0; b < batchOf(a!.shape); b++, off += n * n) {
    for (let j = 0; j < n; j++) {
      let d = Ar[off + j * n + j]!;
      for (let k = 0; k < j; k++) d -= Lr[off + j * n + k]! ** 2 + Li[off + j * n + k]! ** 2;
      if (!(d > 0)) {
        for (let c = j; c < n; c++)
          for (let i = c; i < n; i++) {
            Lr[off + i * n + c] = NaN;
            Li[off + i * n + c] = NaN;
          }
        break;
      }
      const ljj = Math.sqrt(d);
      Lr[off + j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        // (A_ij - sum_k L_ik conj(L_jk)) / L_jj
        let sr = Ar[off + i * n + j]!,
          si = Ai[off + i * n + j]!;
        for (let k = 0; k < j; k++) {
          const pr = Lr[off + i * n + k]!,
            pi = Li[off + i * n + k]!,
            qr = Lr[off + j * n + k]!,
            qi = Li[off + j * n + k]!;
          sr -= pr * qr + pi * qi;
          si -= pi * qr - pr * qi;
        }
        Lr[off + i * n + j] = sr / ljj;
        Li[off + i * n + j] = si / ljj;
      }
    }
  }
  return [out(Lr, Li, o!)];
}

// ---- Householder QR ------------------------------------------------------------------------
/**
 * zgeqrf on one row-major m x n matrix (Wr, Wi overwritten): R on and above the diagonal (its diagonal
 * real), the reflectors' v below it (v_j = 1 implied), their scales in (tr, ti).
 */
export function complexHouseholderInPlace(
  Wr: Float64Array,
  Wi: Float64Array,
  m: number,
  n: number,
  tr: Float64Array,
  ti: Float64Array,
): void {
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    const ar = Wr[j * n + j]!,
      ai = Wi[j * n + j]!;
    let xn = 0;
    for (let i = j + 1; i < m; i++) xn = Math.hypot(xn, Wr[i * n + j]!, Wi[i * n + j]!);
    tr[j] = ti[j] = 0;
    // zlarfg: H = I when x = 0 and alpha is real
    if (xn === 0 && ai === 0) continue;
    const beta = -(ar >= 0 ? 1 : -1) * Math.hypot(ar, ai, xn);
    tr[j] = (beta - ar) / beta;
    ti[j] = -ai / beta;
    // x scaled by 1 / (alpha - beta)
    const dr = ar - beta,
      di = ai,
      dd = dr * dr + di * di;
    const sr = dr / dd,
      si = -di / dd;
    for (let i = j + 1; i < m; i++) {
      const xr = Wr[i * n + j]!,
        xi = Wi[i * n + j]!;
      Wr[i * n + j] = xr * sr - xi * si;
      Wi[i * n + j] = xr * si + xi * sr;
    }
    Wr[j * n + j] = beta;
    Wi[j * n + j] = 0;
    // apply H^H = I - conj(tau) v v^H to the trailing columns (zgeqr2)
    applyReflector(Wr, Wi, m, n, j, tr[j]!, -ti[j]!, Wr, Wi, n, j + 1, n);
  }
}

/**
 * C[j:, c] -= (t v)(v^H C[j:, c]) for columns c0 <= c < c1 of the row-major C (cc columns), v the
 * reflector stored in column j of W (n columns) below row j, v_j = 1.
 */
function applyReflector(
  Wr: Float64Array,
  Wi: Float64Array,
  m: number,
  n: number,
  j: number,
  tr: number,
  ti: number,
  Cr: Float64Array,
  Ci: Float64Array,
  cc: number,
  c0: number,
  c1: number,
  cOff = 0,
): void {
  if (tr === 0 && ti === 0) return;
  for (let c = c0; c < c1; c++) {
    // s = v^H C[:, c]
    let sr = Cr[cOff + j * cc + c]!,
      si = Ci[cOff + j * cc + c]!;
    for (let i = j + 1; i < m; i++) {
      const vr = Wr[i * n + j]!,
        vi = Wi[i * n + j]!,
        xr = Cr[cOff + i * cc + c]!,
        xi = Ci[cOff + i * cc + c]!;
      sr += vr * xr + vi * xi;
      si += vr * xi - vi * xr;
    }
    // s *= t
    const pr = sr * tr - si * ti,
      pi = sr * ti + si * tr;
    Cr[cOff + j * cc + c]! -= pr;
    Ci[cOff + j * cc + c]! -= pi;
    for (let i = j + 1; i < m; i++) {
      const vr = Wr[i * n + j]!,
        vi = Wi[i * n + j]!;
      Cr[cOff + i * cc + c]! -= pr * vr - pi * vi;
      Ci[cOff + i * cc + c]! -= pr * vi + pi * vr;
    }
  }
}

function geqrf([x]: readonly Strided[], [a]: readonly AVal[], _attrs: unknown, [oa, ot]: readonly AVal[]): Strided[] {
  const m = a!.shape.at(-2)!,
    n = a!.shape.at(-1)!,
    k = Math.min(m, n);
  const [Ar, Ai] = split(x!, a!);
  const batch = batchOf(a!.shape);
  const Tr = new Float64Array(batch * k),
    Ti = new Float64Array(batch * k);
  for (let b = 0; b < batch; b++) {
    const s = (v: Float64Array, len: number) => v.subarray(b * len, (b + 1) * len);
    complexHouseholderInPlace(s(Ar, m * n), s(Ai, m * n), m, n, s(Tr, k), s(Ti, k));
  }
  return [out(Ar, Ai, oa!), out(Tr, Ti, ot!)];
}

function qr([x]: readonly Strided[], [a]: readonly AVal[], _attrs: unknown, [oq, or]: readonly AVal[]): Strided[] {
  const m = a!.shape.at(-2)!,
    n = a!.shape.at(-1)!,
    k = Math.min(m, n);
  const qc = oq!.shape.at(-1)!,
    rc = or!.shape.at(-2)!;
  const [Ar, Ai] = split(x!, a!);
  const batch = batchOf(a!.shape);
  const Qr = new Float64Array(batch * m * qc),
    Qi = new Float64Array(batch * m * qc),
    Rr = new Float64Array(batch * rc * n),
    Ri = new Float64Array(batch * rc * n);
  const tr = new Float64Array(k),
    ti = new Float64Array(k);
  for (let b = 0; b < batch; b++) {
    const Wr = Ar.subarray(b * m * n, (b + 1) * m * n),
      Wi = Ai.subarray(b * m * n, (b + 1) * m * n);
    complexHouseholderInPlace(Wr, Wi, m, n, tr, ti);
    const rOff = b * rc * n,
      qOff = b * m * qc;
    for (let i = 0; i < Math.min(rc, m); i++)
      for (let c = i; c < n; c++) {
        Rr[rOff + i * n + c] = Wr[i * n + c]!;
        Ri[rOff + i * n + c] = Wi[i * n + c]!;
      }
    // zungqr: Q = H_0 ... H_{k-1} applied to the first qc columns of the identity
    for (let i = 0; i < Math.min(m, qc); i++) Qr[qOff + i * qc + i] = 1;
    for (let j = k - 1; j >= 0; j--) applyReflector(Wr, Wi, m, n, j, tr[j]!, ti[j]!, Qr, Qi, qc, 0, qc, qOff);
  }
  return [out(Qr, Qi, oq!), out(Rr, Ri, or!)];
}

// ---- Hermitian eigendecomposition ----------------------------------------------------------------
/** Cyclic Jacobi on a Hermitian n x n (Sr, Si overwritten): eigenvalues in w, eigenvectors as columns of V. */
function jacobiHermitian(Sr: Float64Array, Si: Float64Array, n: number, w: Float64Array, Vr: Float64Array, Vi: Float64Array): void {
  Vr.fill(0);
  Vi.fill(0);
  for (let i = 0; i < n; i++) {
    Vr[i * n + i] = 1;
    Si[i * n + i] = 0;
  }
  // column q times (cr + i ci) and row q times its conjugate: S <- P^H S P, V <- V P, P = diag(.., e^{-i phi}, ..)
  const phase = (q: number, cr: number, ci: number) => {
    for (let r = 0; r < n; r++) {
      const xr = Sr[r * n + q]!,
        xi = Si[r * n + q]!;
      Sr[r * n + q] = xr * cr - xi * ci;
      Si[r * n + q] = xr * ci + xi * cr;
      const yr = Vr[r * n + q]!,
        yi = Vi[r * n + q]!;
      Vr[r * n + q] = yr * cr - yi * ci;
      Vi[r * n + q] = yr * ci + yi * cr;
    }
    for (let c = 0; c < n; c++) {
      const xr = Sr[q * n + c]!,
        xi = Si[q * n + c]!;
      Sr[q * n + c] = xr * cr + xi * ci;
      Si[q * n + c] = xi * cr - xr * ci;
    }
  };
  const rotate = (M: Float64Array, p: number, q: number, c: number, s: number, rowsToo: boolean) => {
    for (let r = 0; r < n; r++) {
      const mp = M[r * n + p]!,
        mq = M[r * n + q]!;
      M[r * n + p] = c * mp - s * mq;
      M[r * n + q] = s * mp + c * mq;
    }
    if (!rowsToo) return;
    for (let r = 0; r < n; r++) {
      const mp = M[p * n + r]!,
        mq = M[q * n + r]!;
      M[p * n + r] = c * mp - s * mq;
      M[q * n + r] = s * mp + c * mq;
    }
  };
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const mag = Math.hypot(Sr[p * n + q]!, Si[p * n + q]!);
        if (mag === 0) continue;
        const app = Sr[p * n + p]!,
          aqq = Sr[q * n + q]!;
        const g = 1e2 * mag;
        if (Math.abs(app) + g === Math.abs(app) && Math.abs(aqq) + g === Math.abs(aqq)) {
          Sr[p * n + q] = Si[p * n + q] = Sr[q * n + p] = Si[q * n + p] = 0;
          continue;
        }
        rotated = true;
        // make S_pq real and positive: column q times conj(S_pq) / |S_pq|
        phase(q, Sr[p * n + q]! / mag, -Si[p * n + q]! / mag);
        const theta = (aqq - app) / (2 * mag);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        rotate(Sr, p, q, c, s, true);
        rotate(Si, p, q, c, s, true);
        Sr[p * n + q] = Si[p * n + q] = Sr[q * n + p] = Si[q * n + p] = 0;
        Si[p * n + p] = Si[q * n + q] = 0;
        rotate(Vr, p, q, c, s, false);
        rotate(Vi, p, q, c, s, false);
      }
    }
    if (!rotated) break;
  }
  for (let i = 0; i < n; i++) w[i] = Sr[i * n + i]!;
}

/** Column order sorting `keys` ascending (descending with `desc`), ties by index. */
const order = (keys: Float64Array, desc: boolean): number[] =>
  [...keys.keys()].sort((i, j) => (desc ? keys[j]! - keys[i]! : keys[i]! - keys[j]!) || i - j);

function eigh([x]: readonly Strided[], [a]: readonly AVal[], { lower }: { lower: boolean }, [ow, ov]: readonly AVal[]): Strided[] {
  const n = a!.shape.at(-1)!;
  const [Ar, Ai] = split(x!, a!);
  const batch = batchOf(a!.shape);
  const W = new Float64Array(batch * n),
    Vr = new Float64Array(batch * n * n),
    Vi = new Float64Array(batch * n * n);
  const Sr = new Float64Array(n * n),
    Si = new Float64Array(n * n),
    w = new Float64Array(n),
    vr = new Float64Array(n * n),
    vi = new Float64Array(n * n);
  // the row whose components are made real (zheevd's unit row of Q)
  const fixRow = lower ? 0 : n - 1;
  for (let b = 0; b < batch; b++) {
    const off = b * n * n;
    // the Hermitian matrix of one triangle (zheevd reads only UPLO's; the diagonal's real part)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const own = lower ? i >= j : i <= j;
        Sr[i * n + j] = own ? Ar[off + i * n + j]! : Ar[off + j * n + i]!;
        Si[i * n + j] = i === j ? 0 : own ? Ai[off + i * n + j]! : -Ai[off + j * n + i]!;
      }
    jacobiHermitian(Sr, Si, n, w, vr, vi);
    order(w, false).forEach((src, j) => {
      W[b * n + j] = w[src]!;
      const fr = vr[fixRow * n + src]!,
        fi = vi[fixRow * n + src]!;
      const fm = Math.hypot(fr, fi);
      // multiply the column by conj(f) / |f|
      const cr = fm === 0 ? 1 : fr / fm,
        ci = fm === 0 ? 0 : -fi / fm;
      for (let i = 0; i < n; i++) {
        const yr = vr[i * n + src]!,
          yi = vi[i * n + src]!;
        Vr[off + i * n + j] = yr * cr - yi * ci;
        Vi[off + i * n + j] = i === fixRow && fm !== 0 ? 0 : yr * ci + yi * cr;
      }
    });
  }
  return [realOut(W, ow!), out(Vr, Vi, ov!)];
}

// ---- SVD ------------------------------------------------------------------------------------
/**
 * Fills the columns of the r x c complex matrix M (row-major) not flagged in `ok` with unit vectors
 * orthogonal to every other column: the standard basis vector with the largest residual, orthogonalised twice.
 */
function completeColumns(Mr: Float64Array, Mi: Float64Array, r: number, c: number, ok: boolean[]): void {
  const xr = new Float64Array(r),
    xi = new Float64Array(r);
  for (let j = 0; j < c; j++) {
    if (ok[j]) continue;
    let best = 0,
      bestNorm = -1;
    for (let e = 0; e < r; e++) {
      let s = 1;
      for (let q = 0; q < c; q++) if (ok[q]) s -= Mr[e * c + q]! ** 2 + Mi[e * c + q]! ** 2;
      if (s > bestNorm) {
        bestNorm = s;
        best = e;
      }
    }
    xr.fill(0);
    xi.fill(0);
    xr[best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < c; q++) {
        if (!ok[q]) continue;
        // d = m_q^H x; x -= d m_q
        let dr = 0,
          di = 0;
        for (let i = 0; i < r; i++) {
          const mr = Mr[i * c + q]!,
            mi = Mi[i * c + q]!;
          dr += mr * xr[i]! + mi * xi[i]!;
          di += mr * xi[i]! - mi * xr[i]!;
        }
        for (let i = 0; i < r; i++) {
          const mr = Mr[i * c + q]!,
            mi = Mi[i * c + q]!;
          xr[i]! -= dr * mr - di * mi;
          xi[i]! -= dr * mi + di * mr;
        }
      }
    }
    let nv = 0;
    for (let i = 0; i < r; i++) nv = Math.hypot(nv, xr[i]!, xi[i]!);
    for (let i = 0; i < r; i++) {
      Mr[i * c + j] = xr[i]! / nv;
      Mi[i * c + j] = xi[i]! / nv;
    }
    ok[j] = true;
  }
}

/**
 * One-sided Jacobi SVD of a tall complex m x n matrix (m >= n, W = (Wr, Wi) overwritten): U (m x uc),
 * S (n) descending, V (n x n) with A = U S V^H.
 */
function jacobiSvdTall(
  Wr: Float64Array,
  Wi: Float64Array,
  m: number,
  n: number,
  uc: number,
  Ur: Float64Array,
  Ui: Float64Array,
  S: Float64Array,
  Vr: Float64Array,
  Vi: Float64Array,
): void {
  const Xr = new Float64Array(n * n),
    Xi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Xr[i * n + i] = 1;
  const scaleCol = (Mr: Float64Array, Mi: Float64Array, rowsN: number, q: number, cr: number, ci: number) => {
    for (let i = 0; i < rowsN; i++) {
      const a = Mr[i * n + q]!,
        b = Mi[i * n + q]!;
      Mr[i * n + q] = a * cr - b * ci;
      Mi[i * n + q] = a * ci + b * cr;
    }
  };
  const rotate = (M: Float64Array, rowsN: number, p: number, q: number, c: number, s: number) => {
    for (let i = 0; i < rowsN; i++) {
      const mp = M[i * n + p]!,
        mq = M[i * n + q]!;
      M[i * n + p] = c * mp - s * mq;
      M[i * n + q] = s * mp + c * mq;
    }
  };
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0,
          beta = 0,
          gr = 0,
          gi = 0;
        for (let i = 0; i < m; i++) {
          const pr = Wr[i * n + p]!,
            pi = Wi[i * n + p]!,
            qr = Wr[i * n + q]!,
            qi = Wi[i * n + q]!;
          alpha += pr * pr + pi * pi;
          beta += qr * qr + qi * qi;
          // w_p^H w_q
          gr += pr * qr + pi * qi;
          gi += pr * qi - pi * qr;
        }
        const gamma = Math.hypot(gr, gi);
        if (gamma === 0 || gamma <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // column q times conj(g)/|g| makes w_p^H w_q real and positive
        const cr = gr / gamma,
          ci = -gi / gamma;
        scaleCol(Wr, Wi, m, q, cr, ci);
        scaleCol(Xr, Xi, n, q, cr, ci);
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t),
          s = c * t;
        rotate(Wr, m, p, q, c, s);
        rotate(Wi, m, p, q, c, s);
        rotate(Xr, n, p, q, c, s);
        rotate(Xi, n, p, q, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  let largest = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s = Math.hypot(s, Wr[i * n + j]!, Wi[i * n + j]!);
    norms[j] = s;
    largest = Math.max(largest, s);
  }
  const ok = new Array<boolean>(uc).fill(false);
  Ur.fill(0);
  Ui.fill(0);
  order(norms, true).forEach((src, j) => {
    const s = norms[src]!;
    S[j] = s;
    for (let i = 0; i < n; i++) {
      Vr[i * n + j] = Xr[i * n + src]!;
      Vi[i * n + j] = Xi[i * n + src]!;
    }
    if (s > largest * 1e-300 && s > 0) {
      for (let i = 0; i < m; i++) {
        Ur[i * uc + j] = Wr[i * n + src]! / s;
        Ui[i * uc + j] = Wi[i * n + src]! / s;
      }
      ok[j] = true;
    }
  });
  completeColumns(Ur, Ui, m, uc, ok);
}

function svd([x]: readonly Strided[], [a]: readonly AVal[], _attrs: unknown, [ou, os, ovh]: readonly AVal[]): Strided[] {
  const m = a!.shape.at(-2)!,
    n = a!.shape.at(-1)!,
    k = Math.min(m, n);
  const [Ar, Ai] = split(x!, a!);
  const batch = batchOf(a!.shape);
  const uc = ou!.shape.at(-1)!,
    vr = ovh!.shape.at(-2)!;
  const Uor = new Float64Array(batch * m * uc),
    Uoi = new Float64Array(batch * m * uc),
    So = new Float64Array(batch * k),
    Vhr = new Float64Array(batch * vr * n),
    Vhi = new Float64Array(batch * vr * n);
  for (let b = 0; b < batch; b++) {
    const off = b * m * n;
    const S = So.subarray(b * k, (b + 1) * k);
    const vo = b * vr * n;
    if (m >= n) {
      const Wr = Ar.slice(off, off + m * n),
        Wi = Ai.slice(off, off + m * n);
      const Ur = new Float64Array(m * uc),
        Ui = new Float64Array(m * uc),
        Vr = new Float64Array(n * n),
        Vi = new Float64Array(n * n);
      jacobiSvdTall(Wr, Wi, m, n, uc, Ur, Ui, S, Vr, Vi);
      Uor.set(Ur, b * m * uc);
      Uoi.set(Ui, b * m * uc);
      adjointInto(Vr, Vi, 0, n, n, Vhr, Vhi, vo); // Vh = V^H
    } else {
      // A^H = U' S V'^H, so A = V' S U'^H: U = V', Vh = U'^H
      const Wr = new Float64Array(n * m),
        Wi = new Float64Array(n * m);
      adjointInto(Ar, Ai, off, m, n, Wr, Wi, 0);
      const Ur = new Float64Array(n * vr),
        Ui = new Float64Array(n * vr),
        Vr = new Float64Array(m * m),
        Vi = new Float64Array(m * m);
      jacobiSvdTall(Wr, Wi, n, m, vr, Ur, Ui, S, Vr, Vi);
      Uor.set(Vr, b * m * uc);
      Uoi.set(Vi, b * m * uc);
      adjointInto(Ur, Ui, 0, n, vr, Vhr, Vhi, vo);
    }
  }
  return [out(Uor, Uoi, ou!), realOut(So, os!), out(Vhr, Vhi, ovh!)];
}

const COMPLEX_FACTOR: Record<string, Kernel> = { cholesky, geqrf, qr, eigh, svd, ldl: ldlComplex, ldl_solve: ldlSolveComplex };

/**
 * The kernels of cholesky, geqrf, qr, eigh, svd, ldl and ldl_solve (linalg_complex_ldl.ts): complex operands to this file's, real ones to
 * `real`'s (the real kernels of those primitives).
 */
export function complexFactorizations(real: Record<string, Kernel>): Record<string, Kernel> {
  const wrapped: Record<string, Kernel> = {};
  for (const [name, c] of Object.entries(COMPLEX_FACTOR)) {
    const r = real[name]!;
    wrapped[name] = (ins, avals, attrs, outs) => (avals[0]!.dtype.is_complex ? c(ins, avals, attrs, outs) : r(ins, avals, attrs, outs));
  }
  return wrapped;
}
