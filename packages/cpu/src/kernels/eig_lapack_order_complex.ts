// The order LAPACK's zgeev gives a complex matrix's eigenvalues (PyTorch's
// torch.linalg.eig / eigvals of complex input on the CPU), as
// eig_lapack_order.ts does for dgeev: the positions on the diagonal of the
// triangular Schur form that its Hessenberg QR converges to. zgeev balances
// (zgebal: eigenvalues isolated by zero rows or columns moved to the ends,
// scaling by powers of 2), reduces to Hessenberg form (zgehd2: Householder
// reflectors as zlarfg makes them) and, for n < 75, runs zlahqr: Wilkinson
// single shifts, the subdiagonal kept real, deflation at the bottom of the
// active block with Ahues-Kressner's small-subdiagonal test, exceptional shifts
// after 10 and 20 iterations without a deflation (LAPACK 3.11, OpenBLAS
// 0.3.21's). The eigenpairs themselves come from linalg_eig.ts's Schur form;
// this only decides their order. Written from the algorithms' descriptions.
// complex64 input (PyTorch runs cgeev, in float32): the matrix is held in
// float32 (each stored entry rounded; the arithmetic between stores is
// float64) with slamch's eps and safe minimum, which is what decides where
// the single-precision iteration deflates. Measured against PyTorch 1.13: the
// order of 180 of 180 random complex128 matrices (n 2..16, integral,
// Hermitian) and 160 of 160 complex64 ones (n 2..12; 121 with the float64
// iteration). Not reproduced: zgeev's scaling of matrices with huge or tiny
// norms and zlarfg's rescaling loop for a tiny beta (both only change rounding
// at the extremes of the exponent range).

const EPS64 = 2 ** -52; // dlamch('P')
const SAFMIN64 = 2.2250738585072014e-308; // dlamch('S')

/** Fortran's SIGN(a, b): |a| with b's sign, -0 included. */
const sign = (a: number, b: number) => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a));
/** LAPACK's CABS1: |re| + |im|. */
const cabs1 = (re: number, im: number) => Math.abs(re) + Math.abs(im);

/** A complex n x n row-major matrix as two planes. */
interface CMat {
  re: Float64Array;
  im: Float64Array;
  n: number;
}

/** (a + bi) / (c + di), scaled as dladiv does against overflow. */
function cdiv(a: number, b: number, c: number, d: number): [number, number] {
  if (Math.abs(d) <= Math.abs(c)) {
    const r = d / c,
      t = c + d * r;
    return [(a + b * r) / t, (b - a * r) / t];
  }
  const r = c / d,
    t = d + c * r;
  return [(a * r + b) / t, (b * r - a) / t];
}

/** Principal complex square root. */
function csqrt(re: number, im: number): [number, number] {
  if (re === 0 && im === 0) return [0, im];
  const m = Math.hypot(re, im);
  if (re >= 0) {
    const t = Math.sqrt(0.5 * (m + re));
    return [t, im / (2 * t)];
  }
  const t = Math.sqrt(0.5 * (m - re));
  return [Math.abs(im) / (2 * t), sign(t, im)];
}

/**
 * zlarfg on (alpha, x[1..nr)): v holds (re, im) pairs, v[0] alpha; on return v[0] is beta (real), v[1..] the
 * reflector's tail; returns tau = (re, im). H = I - tau v v^H with v[0] = 1 maps (alpha, x) to (beta, 0).
 */
function zlarfg(vr: number[], vi: number[], nr: number): [number, number] {
  if (nr <= 0) return [0, 0];
  let xnorm = 0;
  for (let i = 1; i < nr; i++) xnorm = Math.hypot(xnorm, vr[i]!, vi[i]!);
  const ar = vr[0]!,
    ai = vi[0]!;
  if (xnorm === 0 && ai === 0) return [0, 0];
  const beta = -sign(Math.hypot(ar, ai, xnorm), ar);
  const tau: [number, number] = [(beta - ar) / beta, -ai / beta];
  const [sr, si] = cdiv(1, 0, ar - beta, ai);
  for (let i = 1; i < nr; i++) {
    const xr = vr[i]!,
      xi = vi[i]!;
    vr[i] = xr * sr - xi * si;
    vi[i] = xr * si + xi * sr;
  }
  vr[0] = beta;
  vi[0] = 0;
  return tau;
}

/**
 * zgebal('B') on A (overwritten): rows, then columns, isolating an eigenvalue are permuted to the bottom /
 * top, then rows and columns lo..hi are scaled by powers of 2 (2-norms; the largest entries found by
 * izamax's |re| + |im|, measured by their modulus). Returns [lo, hi] (0-based, inclusive).
 */
function zgebal(A: CMat, EPS: number, SAFMIN: number): [number, number] {
  const { re, im, n } = A;
  const nz = (i: number, j: number) => re[i * n + j] !== 0 || im[i * n + j] !== 0;
  const swap = (j: number, m: number, k: number, l: number) => {
    if (j === m) return;
    for (const P of [re, im]) {
      for (let r = 0; r <= l; r++) [P[r * n + j], P[r * n + m]] = [P[r * n + m]!, P[r * n + j]!];
      for (let c = k; c < n; c++) [P[j * n + c], P[m * n + c]] = [P[m * n + c]!, P[j * n + c]!];
    }
  };
  let k = 0,
    l = n - 1;
  rows: for (;;) {
    for (let j = l; j >= 0; j--) {
      let zero = true;
      for (let i = 0; i <= l && zero; i++) if (i !== j && nz(j, i)) zero = false;
      if (!zero) continue;
      swap(j, l, k, l);
      if (l === 0) return [k, l];
      l--;
      continue rows;
    }
    break;
  }
  cols: for (;;) {
    for (let j = k; j <= l; j++) {
      let zero = true;
      for (let i = k; i <= l && zero; i++) if (i !== j && nz(i, j)) zero = false;
      if (!zero) continue;
      swap(j, k, k, l);
      k++;
      continue cols;
    }
    break;
  }
  const scale = new Float64Array(n).fill(1);
  const sfmin1 = SAFMIN / EPS,
    sfmax1 = 1 / sfmin1,
    sfmin2 = sfmin1 * 2,
    sfmax2 = 1 / sfmin2;
  const mod = (i: number, j: number) => Math.hypot(re[i * n + j]!, im[i * n + j]!);
  /** izamax over the entries (index i, j = at(t)) for t in [from, to], then the modulus of the one it finds. */
  const amax = (from: number, to: number, at: (t: number) => [number, number]) => {
    let best = -1,
      bv = -1;
    for (let t = from; t <= to; t++) {
      const [i, j] = at(t);
      const v = cabs1(re[i * n + j]!, im[i * n + j]!);
      if (v > bv) {
        bv = v;
        best = t;
      }
    }
    const [i, j] = at(best);
    return mod(i, j);
  };
  for (let noconv = true; noconv; ) {
    noconv = false;
    for (let i = k; i <= l; i++) {
      let c = 0,
        r = 0;
      for (let j = k; j <= l; j++) {
        c = Math.hypot(c, re[j * n + i]!, im[j * n + i]!);
        r = Math.hypot(r, re[i * n + j]!, im[i * n + j]!);
      }
      let ca = amax(0, l, (t) => [t, i]);
      let ra = amax(k, n - 1, (t) => [i, t]);
      if (c === 0 || r === 0) continue;
      if (Number.isNaN(c + ca + r + ra)) return [k, l];
      let g = r / 2,
        f = 1;
      const s = c + r;
      while (c < g && Math.max(f, c, ca) < sfmax2 && Math.min(r, g, ra) > sfmin2) {
        f *= 2;
        c *= 2;
        ca *= 2;
        r /= 2;
        g /= 2;
        ra /= 2;
      }
      g = c / 2;
      while (g >= r && Math.max(r, ra) < sfmax2 && Math.min(f, c, g, ca) > sfmin2) {
        f /= 2;
        c /= 2;
        g /= 2;
        ca /= 2;
        r *= 2;
        ra *= 2;
      }
      if (c + r >= 0.95 * s) continue;
      if (f < 1 && scale[i]! < 1 && f * scale[i]! <= sfmin1) continue;
      if (f > 1 && scale[i]! > 1 && scale[i]! >= sfmax1 / f) continue;
      scale[i] = scale[i]! * f;
      noconv = true;
      for (let j = k; j < n; j++) {
        re[i * n + j] = re[i * n + j]! / f;
        im[i * n + j] = im[i * n + j]! / f;
      }
      for (let j = 0; j <= l; j++) {
        re[j * n + i] = re[j * n + i]! * f;
        im[j * n + i] = im[j * n + i]! * f;
      }
    }
  }
  return [k, l];
}

/**
 * zgehd2 on A (overwritten) in rows and columns lo..hi: for each column k, the reflector H = I - tau v v^H
 * (zlarfg) applied from the right to rows 0..hi (A H), then H^H from the left to columns k + 1..n - 1.
 */
function zgehd2(A: CMat, lo: number, hi: number): void {
  const { re, im, n } = A;
  const vr = new Array<number>(n).fill(0),
    vi = new Array<number>(n).fill(0);
  for (let k = lo; k < hi; k++) {
    const m = hi - k;
    for (let i = 0; i < m; i++) {
      vr[i] = re[(k + 1 + i) * n + k]!;
      vi[i] = im[(k + 1 + i) * n + k]!;
    }
    const [tr, ti] = zlarfg(vr, vi, m);
    const betaR = vr[0]!;
    for (let i = 1; i < m; i++) {
      re[(k + 1 + i) * n + k] = vr[i]!;
      im[(k + 1 + i) * n + k] = vi[i]!;
    }
    vr[0] = 1;
    vi[0] = 0;
    // right: A[r, c] -= tau (sum_i A[r, k+1+i] v_i) conj(v_c)
    for (let r = 0; r <= hi; r++) {
      let sr = 0,
        si = 0;
      for (let i = 0; i < m; i++) {
        const ar = re[r * n + k + 1 + i]!,
          ai = im[r * n + k + 1 + i]!;
        sr += ar * vr[i]! - ai * vi[i]!;
        si += ar * vi[i]! + ai * vr[i]!;
      }
      const wr = sr * tr - si * ti,
        wi = sr * ti + si * tr;
      for (let i = 0; i < m; i++) {
        // w * conj(v_i)
        re[r * n + k + 1 + i] = re[r * n + k + 1 + i]! - (wr * vr[i]! + wi * vi[i]!);
        im[r * n + k + 1 + i] = im[r * n + k + 1 + i]! - (wi * vr[i]! - wr * vi[i]!);
      }
    }
    // left with conj(tau): A[row, j] -= conj(tau) v_row (sum_i conj(v_i) A[k+1+i, j])
    for (let j = k + 1; j < n; j++) {
      let sr = 0,
        si = 0;
      for (let i = 0; i < m; i++) {
        const ar = re[(k + 1 + i) * n + j]!,
          ai = im[(k + 1 + i) * n + j]!;
        sr += vr[i]! * ar + vi[i]! * ai;
        si += vr[i]! * ai - vi[i]! * ar;
      }
      const wr = sr * tr + si * ti,
        wi = si * tr - sr * ti;
      for (let i = 0; i < m; i++) {
        re[(k + 1 + i) * n + j] = re[(k + 1 + i) * n + j]! - (vr[i]! * wr - vi[i]! * wi);
        im[(k + 1 + i) * n + j] = im[(k + 1 + i) * n + j]! - (vr[i]! * wi + vi[i]! * wr);
      }
    }
    re[(k + 1) * n + k] = betaR;
    im[(k + 1) * n + k] = 0;
  }
}

/**
 * The eigenvalues of the complex n x n row-major matrix (re, im planes) in zgeev's order (cgeev's with
 * `single`), as (re, im) pairs; null when the iteration does not converge (the caller keeps its own order then).
 */
export function zlapackEigenvalueOrder(Are: Float64Array, Aim: Float64Array, n: number, single = false): Float64Array | null {
  if (n === 0) return new Float64Array(0);
  const A: CMat = single
    ? { re: Float32Array.from(Are) as unknown as Float64Array, im: Float32Array.from(Aim) as unknown as Float64Array, n }
    : { re: Float64Array.from(Are), im: Float64Array.from(Aim), n };
  const EPS = single ? 2 ** -23 : EPS64,
    SAFMIN = single ? 2 ** -126 : SAFMIN64;
  const [lo, hi] = zgebal(A, EPS, SAFMIN);
  zgehd2(A, lo, hi);
  const { re, im } = A;
  const wr = new Float64Array(n),
    wi = new Float64Array(n);
  for (let q = 0; q < n; q++)
    if (q < lo || q > hi) {
      wr[q] = re[q * n + q]!;
      wi[q] = im[q * n + q]!;
    }
  // 1-based accessors, as zlahqr's indices
  const hr = (i: number, j: number) => re[(i - 1) * n + (j - 1)]!;
  const hi_ = (i: number, j: number) => im[(i - 1) * n + (j - 1)]!;
  const set = (i: number, j: number, r: number, m: number) => {
    re[(i - 1) * n + (j - 1)] = r;
    im[(i - 1) * n + (j - 1)] = m;
  };
  /** h(i, j) *= (sr + i si) */
  const scal = (i: number, j: number, sr: number, si: number) => {
    const r = hr(i, j),
      m = hi_(i, j);
    set(i, j, r * sr - m * si, r * si + m * sr);
  };
  const ilo = lo + 1,
    ihi = hi + 1;
  if (ilo === ihi) {
    wr[ilo - 1] = hr(ilo, ilo);
    wi[ilo - 1] = hi_(ilo, ilo);
  } else {
    for (let j = ilo; j <= ihi - 3; j++) {
      set(j + 2, j, 0, 0);
      set(j + 3, j, 0, 0);
    }
    if (ilo <= ihi - 2) set(ihi, ihi - 2, 0, 0);
    const jlo = 1,
      jhi = n; // wantt: whole rows and columns
    // make the subdiagonal real
    for (let i = ilo + 1; i <= ihi; i++) {
      if (hi_(i, i - 1) === 0) continue;
      const c = cabs1(hr(i, i - 1), hi_(i, i - 1));
      let sr = hr(i, i - 1) / c,
        si = hi_(i, i - 1) / c;
      const a = Math.hypot(sr, si);
      [sr, si] = [sr / a, -si / a]; // conj(sc) / |sc|
      set(i, i - 1, Math.hypot(hr(i, i - 1), hi_(i, i - 1)), 0);
      for (let j = i; j <= jhi; j++) scal(i, j, sr, si);
      for (let j = jlo; j <= Math.min(jhi, i + 1); j++) scal(j, i, sr, -si);
    }
    const nh = ihi - ilo + 1;
    const ulp = EPS;
    const smlnum = SAFMIN * (nh / ulp);
    const i1 = 1,
      i2 = n;
    const itmax = 30 * Math.max(10, nh);
    let kdefl = 0;
    let i = ihi;
    while (i >= ilo) {
      let l = ilo;
      let converged = false;
      for (let its = 0; its <= itmax; its++) {
        let k: number;
        for (k = i; k >= l + 1; k--) {
          if (cabs1(hr(k, k - 1), hi_(k, k - 1)) <= smlnum) break;
          let tst = cabs1(hr(k - 1, k - 1), hi_(k - 1, k - 1)) + cabs1(hr(k, k), hi_(k, k));
          if (tst === 0) {
            if (k - 2 >= ilo) tst += Math.abs(hr(k - 1, k - 2));
            if (k + 1 <= ihi) tst += Math.abs(hr(k + 1, k));
          }
          if (Math.abs(hr(k, k - 1)) <= ulp * tst) {
            const sub = cabs1(hr(k, k - 1), hi_(k, k - 1)),
              sup = cabs1(hr(k - 1, k), hi_(k - 1, k));
            const ab = Math.max(sub, sup),
              ba = Math.min(sub, sup);
            const dkk = cabs1(hr(k, k), hi_(k, k)),
              diff = cabs1(hr(k - 1, k - 1) - hr(k, k), hi_(k - 1, k - 1) - hi_(k, k));
            const aa = Math.max(dkk, diff),
              bb = Math.min(dkk, diff);
            const s = aa + ab;
            if (ba * (ab / s) <= Math.max(smlnum, ulp * (bb * (aa / s)))) break;
          }
        }
        l = k;
        if (l > ilo) set(l, l - 1, 0, 0);
        if (l >= i) {
          converged = true;
          break;
        }
        kdefl++;
        // the shift t
        let tr: number, ti: number;
        if (kdefl % 20 === 0) {
          const s = 0.75 * Math.abs(hr(i, i - 1));
          tr = s + hr(i, i);
          ti = hi_(i, i);
        } else if (kdefl % 10 === 0) {
          const s = 0.75 * Math.abs(hr(l + 1, l));
          tr = s + hr(l, l);
          ti = hi_(l, l);
        } else {
          // Wilkinson's shift
          tr = hr(i, i);
          ti = hi_(i, i);
          const [ar, ai] = csqrt(hr(i - 1, i), hi_(i - 1, i));
          const [br, bi] = csqrt(hr(i, i - 1), hi_(i, i - 1));
          const ur = ar * br - ai * bi,
            ui = ar * bi + ai * br;
          let s = cabs1(ur, ui);
          if (s !== 0) {
            const xr = 0.5 * (hr(i - 1, i - 1) - tr),
              xi = 0.5 * (hi_(i - 1, i - 1) - ti);
            const sx = cabs1(xr, xi);
            s = Math.max(s, sx);
            // y = s * sqrt((x / s)^2 + (u / s)^2)
            const xsr = xr / s,
              xsi = xi / s,
              usr = ur / s,
              usi = ui / s;
            const [qr, qi] = csqrt(xsr * xsr - xsi * xsi + (usr * usr - usi * usi), 2 * xsr * xsi + 2 * usr * usi);
            let yr = s * qr,
              yi = s * qi;
            if (sx > 0 && (xr / sx) * yr + (xi / sx) * yi < 0) {
              yr = -yr;
              yi = -yi;
            }
            const [dr, di] = cdiv(ur, ui, xr + yr, xi + yi);
            tr -= ur * dr - ui * di;
            ti -= ur * di + ui * dr;
          }
        }
        // two consecutive small subdiagonal elements
        let m: number;
        const v = [0, 0, 0, 0]; // v1 re, v1 im, v2 re, v2 im
        for (m = i - 1; m >= l + 1; m--) {
          const h11r = hr(m, m),
            h11i = hi_(m, m);
          const h22r = hr(m + 1, m + 1),
            h22i = hi_(m + 1, m + 1);
          let h11sr = h11r - tr,
            h11si = h11i - ti;
          let h21 = hr(m + 1, m);
          const s = cabs1(h11sr, h11si) + Math.abs(h21);
          h11sr /= s;
          h11si /= s;
          h21 /= s;
          v[0] = h11sr;
          v[1] = h11si;
          v[2] = h21;
          v[3] = 0;
          const h10 = hr(m, m - 1);
          if (Math.abs(h10) * Math.abs(h21) <= ulp * (cabs1(h11sr, h11si) * (cabs1(h11r, h11i) + cabs1(h22r, h22i)))) break;
        }
        if (m === l) {
          let h11sr = hr(l, l) - tr,
            h11si = hi_(l, l) - ti;
          let h21 = hr(l + 1, l);
          const s = cabs1(h11sr, h11si) + Math.abs(h21);
          h11sr /= s;
          h11si /= s;
          h21 /= s;
          v[0] = h11sr;
          v[1] = h11si;
          v[2] = h21;
          v[3] = 0;
        }
        // the single-shift QR step
        for (let k2 = m; k2 <= i - 1; k2++) {
          if (k2 > m) {
            v[0] = hr(k2, k2 - 1);
            v[1] = hi_(k2, k2 - 1);
            v[2] = hr(k2 + 1, k2 - 1);
            v[3] = hi_(k2 + 1, k2 - 1);
          }
          const pr = [v[0]!, v[2]!],
            pi = [v[1]!, v[3]!];
          const [t1r, t1i] = zlarfg(pr, pi, 2);
          if (k2 > m) {
            set(k2, k2 - 1, pr[0]!, pi[0]!);
            set(k2 + 1, k2 - 1, 0, 0);
          }
          const v2r = pr[1]!,
            v2i = pi[1]!;
          const t2 = t1r * v2r - t1i * v2i; // real part of t1 * v2
          // from the left, rows k2 and k2 + 1, columns k2..i2
          for (let j = k2; j <= i2; j++) {
            const ar = hr(k2, j),
              ai = hi_(k2, j),
              br = hr(k2 + 1, j),
              bi = hi_(k2 + 1, j);
            // sum = conj(t1) h(k2, j) + t2 h(k2+1, j)
            const sr = t1r * ar + t1i * ai + t2 * br,
              si = t1r * ai - t1i * ar + t2 * bi;
            set(k2, j, ar - sr, ai - si);
            set(k2 + 1, j, br - (sr * v2r - si * v2i), bi - (sr * v2i + si * v2r));
          }
          // from the right, columns k2 and k2 + 1, rows i1..min(k2 + 2, i)
          for (let j = i1; j <= Math.min(k2 + 2, i); j++) {
            const ar = hr(j, k2),
              ai = hi_(j, k2),
              br = hr(j, k2 + 1),
              bi = hi_(j, k2 + 1);
            // sum = t1 h(j, k2) + t2 h(j, k2+1)
            const sr = t1r * ar - t1i * ai + t2 * br,
              si = t1r * ai + t1i * ar + t2 * bi;
            set(j, k2, ar - sr, ai - si);
            // h(j, k2+1) -= sum * conj(v2)
            set(j, k2 + 1, br - (sr * v2r + si * v2i), bi - (si * v2r - sr * v2i));
          }
          if (k2 === m && m > l) {
            // keep H(m, m-1) real: scale by temp = (1 - t1) / |1 - t1|
            let tmr = 1 - t1r,
              tmi = -t1i;
            const a = Math.hypot(tmr, tmi);
            tmr /= a;
            tmi /= a;
            scal(m + 1, m, tmr, -tmi);
            if (m + 2 <= i) scal(m + 2, m + 1, tmr, tmi);
            for (let j = m; j <= i; j++) {
              if (j === m + 1) continue;
              for (let c = j + 1; c <= i2; c++) scal(j, c, tmr, tmi);
              for (let r = i1; r <= j - 1; r++) scal(r, j, tmr, -tmi);
            }
          }
        }
        // keep H(i, i-1) real
        const tr2 = hr(i, i - 1),
          ti2 = hi_(i, i - 1);
        if (ti2 !== 0) {
          const rt = Math.hypot(tr2, ti2);
          set(i, i - 1, rt, 0);
          const cr = tr2 / rt,
            ci = ti2 / rt;
          for (let c = i + 1; c <= i2; c++) scal(i, c, cr, -ci);
          for (let r = i1; r <= i - 1; r++) scal(r, i, cr, ci);
        }
      }
      if (!converged) return null;
      wr[i - 1] = hr(i, i);
      wi[i - 1] = hi_(i, i);
      kdefl = 0;
      i = l - 1;
    }
  }
  const out = new Float64Array(2 * n);
  for (let q = 0; q < n; q++) {
    out[2 * q] = wr[q]!;
    out[2 * q + 1] = wi[q]!;
  }
  return out;
}
