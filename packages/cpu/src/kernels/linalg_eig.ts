// The general eigendecomposition (LAPACK's geev) and geqrf, batched over the
// leading dims, computed in float64. eig works in complex arithmetic for real
// and complex input alike: Householder reduction to Hessenberg form, shifted QR
// (Wilkinson shifts, Givens rotations) to the complex Schur form T = Z^H A Z,
// eigenvectors of T by back-substitution, mapped back by Z. As LAPACK's geev,
// each eigenvector has unit 2-norm and its largest component is real and
// positive. A real input's eigenpairs are then put in LAPACK's order (PyTorch's:
// eig_lapack_order.ts runs dgeev's real double-shift QR for the positions), a
// complex input's in zgeev's (eig_lapack_order_complex.ts: its single-shift QR).
import { contiguous } from "../strided.js";
import { interleave } from "./complex.js";
import { lapackEigenvalueOrder } from "./eig_lapack_order.js";
import { zlapackEigenvalueOrder } from "./eig_lapack_order_complex.js";
import { dense } from "./layout.js";
import { householderInPlace } from "./linalg_decomp.js";
import { batchOf, matrices } from "./linalg_factor.js";
import type { Kernel } from "./types.js";
import { encode } from "./values.js";

const EPS = 2 ** -52;

/** One matrix's complex Schur form: H (re, im) overwritten with T, Z the unitary Schur vectors. */
function schur(Hr: Float64Array, Hi: Float64Array, n: number, Zr: Float64Array, Zi: Float64Array): void {
  Zr.fill(0);
  Zi.fill(0);
  for (let i = 0; i < n; i++) Zr[i * n + i] = 1;
  // Hessenberg reduction: P = I - 2 v v^H / (v^H v) zeroes column k below row k + 1; H = P H P, Z = Z P
  const vr = new Float64Array(n),
    vi = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let xn = 0;
    for (let i = k + 1; i < n; i++) xn = Math.hypot(xn, Hr[i * n + k]!, Hi[i * n + k]!);
    let tail = 0;
    for (let i = k + 2; i < n; i++) tail = Math.hypot(tail, Hr[i * n + k]!, Hi[i * n + k]!);
    if (tail === 0) continue;
    const ar = Hr[(k + 1) * n + k]!,
      ai = Hi[(k + 1) * n + k]!;
    const aa = Math.hypot(ar, ai);
    // v = x + e^{i arg(x0)} |x| e1 (no cancellation)
    const pr = aa === 0 ? 1 : ar / aa,
      pi = aa === 0 ? 0 : ai / aa;
    vr.fill(0);
    vi.fill(0);
    for (let i = k + 1; i < n; i++) {
      vr[i] = Hr[i * n + k]!;
      vi[i] = Hi[i * n + k]!;
    }
    vr[k + 1]! += pr * xn;
    vi[k + 1]! += pi * xn;
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += vr[i]! ** 2 + vi[i]! ** 2;
    const f = 2 / vv;
    // H = P H: row combination s_c = v^H H[:, c]
    for (let c = 0; c < n; c++) {
      let sr = 0,
        si = 0;
      for (let i = k + 1; i < n; i++) {
        const hr = Hr[i * n + c]!,
          hi = Hi[i * n + c]!;
        sr += vr[i]! * hr + vi[i]! * hi;
        si += vr[i]! * hi - vi[i]! * hr;
      }
      sr *= f;
      si *= f;
      for (let i = k + 1; i < n; i++) {
        Hr[i * n + c]! -= vr[i]! * sr - vi[i]! * si;
        Hi[i * n + c]! -= vr[i]! * si + vi[i]! * sr;
      }
    }
    // H = H P and Z = Z P: s_r = M[r, :] v
    for (const [Mr, Mi] of [
      [Hr, Hi],
      [Zr, Zi],
    ] as const) {
      for (let r = 0; r < n; r++) {
        let sr = 0,
          si = 0;
        for (let i = k + 1; i < n; i++) {
          const mr = Mr[r * n + i]!,
            mi = Mi[r * n + i]!;
          sr += mr * vr[i]! - mi * vi[i]!;
          si += mr * vi[i]! + mi * vr[i]!;
        }
        sr *= f;
        si *= f;
        for (let i = k + 1; i < n; i++) {
          Mr[r * n + i]! -= sr * vr[i]! + si * vi[i]!;
          Mi[r * n + i]! -= si * vr[i]! - sr * vi[i]!;
        }
      }
    }
    for (let i = k + 2; i < n; i++) Hr[i * n + k] = Hi[i * n + k] = 0;
  }
  // shifted QR on the active block [lo, hi], deflating from the bottom
  const cs = new Float64Array(n),
    snr = new Float64Array(n),
    sni = new Float64Array(n);
  let hi = n - 1,
    iter = 0;
  while (hi > 0) {
    let lo = hi;
    for (; lo > 0; lo--) {
      const sub = Math.hypot(Hr[lo * n + lo - 1]!, Hi[lo * n + lo - 1]!);
      const d = Math.hypot(Hr[(lo - 1) * n + lo - 1]!, Hi[(lo - 1) * n + lo - 1]!) + Math.hypot(Hr[lo * n + lo]!, Hi[lo * n + lo]!);
      if (sub <= EPS * d || sub < Number.MIN_VALUE * 1e10) {
        Hr[lo * n + lo - 1] = Hi[lo * n + lo - 1] = 0;
        break;
      }
    }
    if (lo === hi) {
      hi--;
      iter = 0;
      continue;
    }
    if (++iter > 1000 * n) throw new Error("eig: the QR algorithm failed to converge");
    // Wilkinson shift: the eigenvalue of the trailing 2x2 block nearer its last diagonal entry
    const a = [Hr[(hi - 1) * n + hi - 1]!, Hi[(hi - 1) * n + hi - 1]!],
      b = [Hr[(hi - 1) * n + hi]!, Hi[(hi - 1) * n + hi]!],
      c = [Hr[hi * n + hi - 1]!, Hi[hi * n + hi - 1]!],
      d = [Hr[hi * n + hi]!, Hi[hi * n + hi]!];
    let mr: number, mi: number;
    if (iter % 11 === 10) {
      // exceptional shift (breaks cycles, as LAPACK's lahqr does)
      mr = d[0]! + 0.75 * Math.abs(c[0]!) + Math.abs(c[1]!);
      mi = d[1]!;
    } else {
      const hr = (a[0]! - d[0]!) / 2,
        hm = (a[1]! - d[1]!) / 2;
      // disc = sqrt(h^2 + b c)
      const qr = hr * hr - hm * hm + b[0]! * c[0]! - b[1]! * c[1]!,
        qi = 2 * hr * hm + b[0]! * c[1]! + b[1]! * c[0]!;
      const qa = Math.hypot(qr, qi);
      let sr = Math.sqrt((qa + qr) / 2),
        si = Math.sqrt(Math.max(0, (qa - qr) / 2)) * (qi < 0 ? -1 : 1);
      // choose the sign making |h + disc| large, so mu = d - b c / (h + disc) is the nearer root
      if (hr * sr + hm * si < 0) {
        sr = -sr;
        si = -si;
      }
      const er = hr + sr,
        ei = hm + si;
      const ee = er * er + ei * ei;
      const bcr = b[0]! * c[0]! - b[1]! * c[1]!,
        bci = b[0]! * c[1]! + b[1]! * c[0]!;
      if (ee === 0) {
        mr = d[0]!;
        mi = d[1]!;
      } else {
        mr = d[0]! - (bcr * er + bci * ei) / ee;
        mi = d[1]! - (bci * er - bcr * ei) / ee;
      }
    }
    for (let k = lo; k <= hi; k++) {
      Hr[k * n + k]! -= mr;
      Hi[k * n + k]! -= mi;
    }
    // QR of the shifted block by Givens rotations G_k = [[c, s], [-conj(s), c]] on rows k, k + 1
    for (let k = lo; k < hi; k++) {
      const xr = Hr[k * n + k]!,
        xi = Hi[k * n + k]!,
        yr = Hr[(k + 1) * n + k]!,
        yi = Hi[(k + 1) * n + k]!;
      const ax = Math.hypot(xr, xi),
        r = Math.hypot(ax, yr, yi);
      let c: number, sr: number, si: number;
      if (r === 0) {
        c = 1;
        sr = si = 0;
      } else if (ax === 0) {
        c = 0;
        sr = yr / r;
        si = -yi / r;
      } else {
        c = ax / r;
        // s = (x / |x|) conj(y) / r
        const ur = xr / ax,
          ui = xi / ax;
        sr = (ur * yr + ui * yi) / r;
        si = (ui * yr - ur * yi) / r;
      }
      cs[k] = c;
      snr[k] = sr;
      sni[k] = si;
      for (let col = k; col < n; col++) {
        const pr = Hr[k * n + col]!,
          pi = Hi[k * n + col]!,
          qr = Hr[(k + 1) * n + col]!,
          qi = Hi[(k + 1) * n + col]!;
        Hr[k * n + col] = c * pr + sr * qr - si * qi;
        Hi[k * n + col] = c * pi + sr * qi + si * qr;
        // -conj(s) p + c q
        Hr[(k + 1) * n + col] = -(sr * pr + si * pi) + c * qr;
        Hi[(k + 1) * n + col] = -(sr * pi - si * pr) + c * qi;
      }
    }
    // RQ: M = M G_k^H on columns k, k + 1 (H's rows up to k + 1, all of Z's)
    for (let k = lo; k < hi; k++) {
      const c = cs[k]!,
        sr = snr[k]!,
        si = sni[k]!;
      for (const [Mr, Mi, rowsUpTo] of [
        [Hr, Hi, k + 1],
        [Zr, Zi, n - 1],
      ] as const) {
        for (let row = 0; row <= rowsUpTo; row++) {
          const pr = Mr[row * n + k]!,
            pi = Mi[row * n + k]!,
            qr = Mr[row * n + k + 1]!,
            qi = Mi[row * n + k + 1]!;
          // p c + q conj(s), -p s + q c
          Mr[row * n + k] = pr * c + qr * sr + qi * si;
          Mi[row * n + k] = pi * c + qi * sr - qr * si;
          Mr[row * n + k + 1] = -(pr * sr - pi * si) + qr * c;
          Mi[row * n + k + 1] = -(pr * si + pi * sr) + qi * c;
        }
      }
    }
    for (let k = lo; k <= hi; k++) {
      Hr[k * n + k]! += mr;
      Hi[k * n + k]! += mi;
    }
  }
}

/** Eigenvectors of the upper-triangular T (back-substitution, LAPACK's trevc), mapped by Z and normalized as geev. */
function eigenvectors(
  Tr: Float64Array,
  Ti: Float64Array,
  n: number,
  Zr: Float64Array,
  Zi: Float64Array,
  Vr: Float64Array,
  Vi: Float64Array,
) {
  let tnorm = 0;
  for (let i = 0; i < n * n; i++) tnorm = Math.max(tnorm, Math.hypot(Tr[i]!, Ti[i]!));
  const smin = Math.max(EPS * tnorm, Number.MIN_VALUE * 1e10);
  const xr = new Float64Array(n),
    xi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    xr.fill(0);
    xi.fill(0);
    xr[k] = 1;
    const lr = Tr[k * n + k]!,
      li = Ti[k * n + k]!;
    for (let i = k - 1; i >= 0; i--) {
      let sr = 0,
        si = 0;
      for (let j = i + 1; j <= k; j++) {
        const tr = Tr[i * n + j]!,
          ti = Ti[i * n + j]!;
        sr += tr * xr[j]! - ti * xi[j]!;
        si += tr * xi[j]! + ti * xr[j]!;
      }
      let dr = Tr[i * n + i]! - lr,
        di = Ti[i * n + i]! - li;
      if (Math.hypot(dr, di) < smin) {
        dr = smin;
        di = 0;
      }
      const dd = dr * dr + di * di;
      xr[i] = -(sr * dr + si * di) / dd;
      xi[i] = -(si * dr - sr * di) / dd;
    }
    // v = Z x, then unit norm with the largest component real and positive
    let norm = 0,
      best = -1,
      at = 0;
    const col = new Float64Array(2 * n);
    for (let r = 0; r < n; r++) {
      let sr = 0,
        si = 0;
      for (let j = 0; j <= k; j++) {
        sr += Zr[r * n + j]! * xr[j]! - Zi[r * n + j]! * xi[j]!;
        si += Zr[r * n + j]! * xi[j]! + Zi[r * n + j]! * xr[j]!;
      }
      col[2 * r] = sr;
      col[2 * r + 1] = si;
      norm = Math.hypot(norm, sr, si);
      const m2 = sr * sr + si * si;
      if (m2 > best) {
        best = m2;
        at = r;
      }
    }
    const ar = col[2 * at]!,
      ai = col[2 * at + 1]!;
    const aa = Math.hypot(ar, ai) || 1;
    // multiply by conj(a) / (|a| norm)
    const fr = ar / aa / norm,
      fi = -ai / aa / norm;
    for (let r = 0; r < n; r++) {
      const sr = col[2 * r]!,
        si = col[2 * r + 1]!;
      Vr[r * n + k] = sr * fr - si * fi;
      Vi[r * n + k] = r === at ? 0 : sr * fi + si * fr;
    }
  }
}

/** Puts the eigenvalues (wr, wi) and the columns of (vr, vi) in the order of `target` ((re, im) pairs), each to its nearest unused match. */
function reorder(target: Float64Array, wr: Float64Array, wi: Float64Array, vr: Float64Array, vi: Float64Array, n: number): void {
  const used = new Uint8Array(n);
  const perm = new Array<number>(n);
  for (let q = 0; q < n; q++) {
    let best = -1,
      dist = Infinity;
    for (let j = 0; j < n; j++) {
      if (used[j]) continue;
      const d = Math.hypot(wr[j]! - target[2 * q]!, wi[j]! - target[2 * q + 1]!);
      if (d < dist || best < 0) {
        best = j;
        dist = d;
      }
    }
    used[best] = 1;
    perm[q] = best;
  }
  const [wr0, wi0, vr0, vi0] = [wr.slice(), wi.slice(), vr.slice(), vi.slice()];
  for (let q = 0; q < n; q++) {
    const j = perm[q]!;
    wr[q] = wr0[j]!;
    wi[q] = wi0[j]!;
    for (let r = 0; r < n; r++) {
      vr[r * n + q] = vr0[r * n + j]!;
      vi[r * n + q] = vi0[r * n + j]!;
    }
  }
}

export const eigKernels: Record<string, Kernel> = {
  eig: ([x], [a], _attrs, [ow, ov]) => {
    const n = a!.shape.at(-1)!;
    const batch = batchOf(a!.shape);
    const cx = a!.dtype.is_complex;
    const src = cx ? (dense(x!, a!.shape, a!.dtype) as Float32Array | Float64Array) : matrices(x!, a!.shape, a!.dtype);
    const Wr = new Float64Array(batch * n),
      Wi = new Float64Array(batch * n),
      Vr = new Float64Array(batch * n * n),
      Vi = new Float64Array(batch * n * n);
    const Hr = new Float64Array(n * n),
      Hi = new Float64Array(n * n),
      Zr = new Float64Array(n * n),
      Zi = new Float64Array(n * n);
    for (let b = 0; b < batch; b++) {
      const off = b * n * n;
      let finite = true;
      for (let i = 0; i < n * n; i++) {
        Hr[i] = cx ? src[2 * (off + i)]! : src[off + i]!;
        Hi[i] = cx ? src[2 * (off + i) + 1]! : 0;
        if (!Number.isFinite(Hr[i]!) || !Number.isFinite(Hi[i]!)) finite = false;
      }
      if (!finite) {
        Wr.fill(NaN, b * n, (b + 1) * n);
        Wi.fill(NaN, b * n, (b + 1) * n);
        Vr.fill(NaN, off, off + n * n);
        Vi.fill(NaN, off, off + n * n);
        continue;
      }
      let anorm = 0;
      for (let i = 0; i < n * n; i++) anorm = Math.max(anorm, Math.hypot(Hr[i]!, Hi[i]!));
      schur(Hr, Hi, n, Zr, Zi);
      const vr = Vr.subarray(off, off + n * n),
        vi = Vi.subarray(off, off + n * n);
      eigenvectors(Hr, Hi, n, Zr, Zi, vr, vi);
      for (let i = 0; i < n; i++) {
        Wr[b * n + i] = Hr[i * n + i]!;
        Wi[b * n + i] = Hi[i * n + i]!;
        // a real input's real eigenvalues (and their vectors) are real, as LAPACK's real geev gives them:
        // drop the rounding-level imaginary parts the complex iteration leaves
        if (!cx && Math.abs(Wi[b * n + i]!) <= 16 * n * EPS * anorm) {
          Wi[b * n + i] = 0;
          for (let r = 0; r < n; r++) vi[r * n + i] = 0;
        }
      }
      // a real input's eigenpairs in LAPACK dgeev's order (PyTorch's), which its real double-shift QR decides
      if (!cx) {
        // float32: sgeev's order, which PyTorch computes in float32
        const order = lapackEigenvalueOrder(src.subarray(off, off + n * n) as Float64Array, n, a!.dtype.name === "float32");
        if (order) reorder(order, Wr.subarray(b * n, (b + 1) * n), Wi.subarray(b * n, (b + 1) * n), vr, vi, n);
      } else {
        // a complex input's in zgeev's order, which its complex single-shift QR decides
        const Ar = new Float64Array(n * n),
          Ai = new Float64Array(n * n);
        for (let i = 0; i < n * n; i++) {
          Ar[i] = src[2 * (off + i)]!;
          Ai[i] = src[2 * (off + i) + 1]!;
        }
        // complex64: cgeev's order, which PyTorch computes in float32
        const order = zlapackEigenvalueOrder(Ar, Ai, n, a!.dtype.name === "complex64");
        if (order) reorder(order, Wr.subarray(b * n, (b + 1) * n), Wi.subarray(b * n, (b + 1) * n), vr, vi, n);
      }
    }
    return [interleave(Wr, Wi, ow!.dtype, ow!.shape), interleave(Vr, Vi, ov!.dtype, ov!.shape)];
  },

  geqrf: ([x], [a], _attrs, [oa, ot]) => {
    const m = a!.shape.at(-2)!,
      n = a!.shape.at(-1)!,
      k = Math.min(m, n);
    const A = matrices(x!, a!.shape, a!.dtype);
    const batch = batchOf(a!.shape);
    const T = new Float64Array(batch * k);
    for (let b = 0; b < batch; b++) householderInPlace(A.subarray(b * m * n, (b + 1) * m * n), m, n, T.subarray(b * k, (b + 1) * k));
    return [contiguous(encode(A, oa!.dtype), oa!.shape), contiguous(encode(T, ot!.dtype), ot!.shape)];
  },
};
