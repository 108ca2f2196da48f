// The order LAPACK's dgeev gives a real matrix's eigenvalues (PyTorch's
// torch.linalg.eig / eigvals on the CPU): the positions of the eigenvalues on
// the diagonal of the real Schur form that its Hessenberg QR (dhseqr -> dlahqr
// for n < 75: Francis double shifts, deflating at the bottom of the active
// block, Ahues-Tisseur's small-subdiagonal test, exceptional shifts every 10
// iterations without a deflation) converges to; a 2x2 block gives its pair in
// dlanv2's order (a complex pair with the positive imaginary part first). The
// eigenpairs themselves come from linalg_eig.ts's complex Schur form; this
// only decides their order, by running the same real double-shift iteration
// on the Hessenberg form (Householder reflectors as dlarfg makes them) and
// reading off where each eigenvalue lands, after dgebal's balancing (which
// moves eigenvalues isolated by zero rows or columns to the ends and scales by
// powers of 2). LAPACK 3.11's constants (OpenBLAS 0.3.21's, which Debian's
// PyTorch 1.13 links): exceptional shifts after 10 and 20 iterations without
// a deflation, 2-norms in the balancing. On 300 random real matrices (n 2..16,
// some integral, symmetric or with zeros) the order equals PyTorch's in 299;
// one 16 x 16 differs by one position, a rounding-level divergence of the
// iterations (LAPACK's BLAS kernels sum in another order). float32 input
// (PyTorch runs sgeev): the matrix is held in float32 (each stored entry
// rounded, the arithmetic between stores float64) with slamch's eps and safe
// minimum, which decide where the single-precision iteration deflates: the
// order equals PyTorch's for 175 of 180 random float32 matrices (n 2..16,
// integral, symmetric, sparse; 146 with the float64 iteration).

const EPS64 = 2 ** -52; // dlamch('P')
const SAFMIN64 = 2.2250738585072014e-308; // dlamch('S')

/** Fortran's SIGN(a, b): |a| with b's sign, a -0 b included (gfortran's signed zeros). */
const sign = (a: number, b: number) => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a));

/** dlarfg on v[0..nr): v[0] becomes beta, v[1..] the reflector's tail; returns tau. */
function dlarfg(v: number[], nr: number): number {
  if (nr <= 1) return 0;
  let xnorm = 0;
  for (let i = 1; i < nr; i++) xnorm = Math.hypot(xnorm, v[i]!);
  if (xnorm === 0) return 0;
  const alpha = v[0]!;
  const beta = -sign(Math.hypot(alpha, xnorm), alpha);
  const tau = (beta - alpha) / beta;
  const scale = 1 / (alpha - beta);
  for (let i = 1; i < nr; i++) v[i] = v[i]! * scale;
  v[0] = beta;
  return tau;
}

/**
 * Householder reduction of the n x n row-major A (overwritten) to upper Hessenberg form in rows and columns
 * lo..hi (0-based, inclusive; the rest is already triangular after balancing), as dgehd2: each reflector
 * applied from the right to rows 0..hi, then from the left to columns k + 1..n - 1.
 */
function hessenberg(A: Float64Array, n: number, lo: number, hi: number): void {
  const v = new Array<number>(n);
  for (let k = lo; k < hi - 1; k++) {
    const m = hi - k;
    for (let i = 0; i < m; i++) v[i] = A[(k + 1 + i) * n + k]!;
    const tau = dlarfg(v, m);
    A[(k + 1) * n + k] = v[0]!;
    for (let i = 1; i < m; i++) A[(k + 1 + i) * n + k] = 0;
    if (tau === 0) continue;
    v[0] = 1;
    for (let r = 0; r <= hi; r++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += A[r * n + k + 1 + i]! * v[i]!;
      s *= tau;
      for (let i = 0; i < m; i++) A[r * n + k + 1 + i] = A[r * n + k + 1 + i]! - s * v[i]!;
    }
    for (let j = k + 1; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += v[i]! * A[(k + 1 + i) * n + j]!;
      s *= tau;
      for (let i = 0; i < m; i++) A[(k + 1 + i) * n + j] = A[(k + 1 + i) * n + j]! - s * v[i]!;
    }
  }
}

/**
 * dgebal('B') on the n x n row-major A (overwritten): rows and then columns that isolate an eigenvalue are
 * permuted to the bottom / top, then rows and columns lo..hi are scaled by powers of 2 until their norms are
 * within a factor 0.95 of balanced. Returns [lo, hi] (0-based, inclusive).
 */
export function balance(A: Float64Array, n: number, EPS = EPS64, SAFMIN = SAFMIN64): [number, number] {
  const at = (i: number, j: number) => A[i * n + j]!;
  const swap = (j: number, m: number, k: number, l: number) => {
    if (j === m) return;
    for (let r = 0; r <= l; r++) [A[r * n + j], A[r * n + m]] = [at(r, m), at(r, j)];
    for (let c = k; c < n; c++) [A[j * n + c], A[m * n + c]] = [at(m, c), at(j, c)];
  };
  let k = 0,
    l = n - 1;
  // rows isolating an eigenvalue, pushed down
  rows: for (;;) {
    for (let j = l; j >= 0; j--) {
      let zero = true;
      for (let i = 0; i <= l && zero; i++) if (i !== j && at(j, i) !== 0) zero = false;
      if (!zero) continue;
      swap(j, l, k, l);
      if (l === 0) return [k, l];
      l--;
      continue rows;
    }
    break;
  }
  // columns isolating an eigenvalue, pushed left
  cols: for (;;) {
    for (let j = k; j <= l; j++) {
      let zero = true;
      for (let i = k; i <= l && zero; i++) if (i !== j && at(i, j) !== 0) zero = false;
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
  for (let noconv = true; noconv; ) {
    noconv = false;
    for (let i = k; i <= l; i++) {
      let c = 0,
        r = 0;
      for (let j = k; j <= l; j++) {
        c = Math.hypot(c, at(j, i));
        r = Math.hypot(r, at(i, j));
      }
      let ca = 0,
        ra = 0;
      for (let j = 0; j <= l; j++) ca = Math.max(ca, Math.abs(at(j, i)));
      for (let j = k; j < n; j++) ra = Math.max(ra, Math.abs(at(i, j)));
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
      for (let j = k; j < n; j++) A[i * n + j] = at(i, j) / f;
      for (let j = 0; j <= l; j++) A[j * n + i] = at(j, i) * f;
    }
  }
  return [k, l];
}

/** dlanv2's eigenvalues of [[a, b], [c, d]] in its order: [rt1r, rt1i, rt2r, rt2i]. */
function dlanv2(a: number, b: number, c: number, d: number, EPS: number): [number, number, number, number] {
  if (c !== 0) {
    if (b === 0) {
      [a, d] = [d, a];
      b = -c;
      c = 0;
    } else if (!(a - d === 0 && Math.sign(b) !== Math.sign(c))) {
      const temp = a - d;
      let p = 0.5 * temp;
      const bcmax = Math.max(Math.abs(b), Math.abs(c));
      const bcmis = Math.min(Math.abs(b), Math.abs(c)) * sign(1, b) * sign(1, c);
      const scale = Math.max(Math.abs(p), bcmax);
      let z = (p / scale) * p + (bcmax / scale) * bcmis;
      if (z >= 4 * EPS) {
        z = p + sign(Math.sqrt(scale) * Math.sqrt(z), p);
        a = d + z;
        d = d - (bcmax / z) * bcmis;
        b = b - c;
        c = 0;
      } else {
        const sigma = b + c;
        const tau = Math.hypot(sigma, temp);
        const cs = Math.sqrt(0.5 * (1 + Math.abs(sigma) / tau));
        const sn = -(p / (tau * cs)) * sign(1, sigma);
        const aa = a * cs + b * sn,
          bb = -a * sn + b * cs,
          cc = c * cs + d * sn,
          dd = -c * sn + d * cs;
        b = bb * cs + dd * sn;
        c = -aa * sn + cc * cs;
        const t = 0.5 * (aa * cs + cc * sn + (-bb * sn + dd * cs));
        a = t;
        d = t;
        if (c !== 0) {
          if (b !== 0) {
            if (sign(1, b) === sign(1, c)) {
              const sab = Math.sqrt(Math.abs(b)),
                sac = Math.sqrt(Math.abs(c));
              p = sign(sab * sac, c);
              a = t + p;
              d = t - p;
              b = b - c;
              c = 0;
            }
          } else {
            b = -c;
            c = 0;
          }
        }
      }
    }
  }
  if (c === 0) return [a, 0, d, 0];
  const im = Math.sqrt(Math.abs(b)) * Math.sqrt(Math.abs(c));
  return [a, im, d, -im];
}

/**
 * The eigenvalues of the real n x n row-major matrix A in dgeev's order (sgeev's with `single`), as (re, im)
 * pairs; null when the iteration does not converge (the caller keeps its own order then).
 */
export function lapackEigenvalueOrder(A: Float64Array, n: number, single = false): Float64Array | null {
  const H = single ? (Float32Array.from(A) as unknown as Float64Array) : Float64Array.from(A);
  const EPS = single ? 2 ** -23 : EPS64,
    SAFMIN = single ? 2 ** -126 : SAFMIN64;
  const [lo, hi] = balance(H, n, EPS, SAFMIN);
  hessenberg(H, n, lo, hi);
  const wr = new Float64Array(n),
    wi = new Float64Array(n);
  // eigenvalues the balancing isolated: the diagonal outside lo..hi
  for (let q = 0; q < n; q++) if (q < lo || q > hi) wr[q] = H[q * n + q]!;
  // 1-based accessors, as dlahqr's indices
  const h = (i: number, j: number) => H[(i - 1) * n + (j - 1)]!;
  const set = (i: number, j: number, x: number) => {
    H[(i - 1) * n + (j - 1)] = x;
  };
  const ilo = lo + 1,
    ihi = hi + 1;
  if (n === 0) return new Float64Array(0);
  if (ilo === ihi) wr[ilo - 1] = h(ilo, ilo);
  for (let j = ilo; j <= ihi - 3; j++) {
    set(j + 2, j, 0);
    set(j + 3, j, 0);
  }
  if (ilo <= ihi - 2) set(ihi, ihi - 2, 0);
  const nh = ihi - ilo + 1;
  const ulp = EPS;
  const smlnum = SAFMIN * (nh / ulp);
  const i1 = 1,
    i2 = n; // wantt: transformations applied to the whole rows and columns
  const itmax = 30 * Math.max(10, nh);
  let kdefl = 0;
  const v = [0, 0, 0];
  let i = ilo === ihi ? ilo - 1 : ihi;
  while (i >= ilo) {
    let l = ilo;
    let converged = false;
    for (let its = 0; its <= itmax; its++) {
      // a single small subdiagonal element
      let k: number;
      for (k = i; k >= l + 1; k--) {
        if (Math.abs(h(k, k - 1)) <= smlnum) break;
        let tst = Math.abs(h(k - 1, k - 1)) + Math.abs(h(k, k));
        if (tst === 0) {
          if (k - 2 >= ilo) tst += Math.abs(h(k - 1, k - 2));
          if (k + 1 <= ihi) tst += Math.abs(h(k + 1, k));
        }
        if (Math.abs(h(k, k - 1)) <= ulp * tst) {
          const ab = Math.max(Math.abs(h(k, k - 1)), Math.abs(h(k - 1, k)));
          const ba = Math.min(Math.abs(h(k, k - 1)), Math.abs(h(k - 1, k)));
          const aa = Math.max(Math.abs(h(k, k)), Math.abs(h(k - 1, k - 1) - h(k, k)));
          const bb = Math.min(Math.abs(h(k, k)), Math.abs(h(k - 1, k - 1) - h(k, k)));
          const s = aa + ab;
          if (ba * (ab / s) <= Math.max(smlnum, ulp * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > ilo) set(l, l - 1, 0);
      if (l >= i - 1) {
        converged = true;
        break;
      }
      kdefl++;
      let h11: number, h12: number, h21: number, h22: number;
      if (kdefl % 20 === 0) {
        const s = Math.abs(h(i, i - 1)) + Math.abs(h(i - 1, i - 2));
        h11 = 0.75 * s + h(i, i);
        h12 = -0.4375 * s;
        h21 = s;
        h22 = h11;
      } else if (kdefl % 10 === 0) {
        const s = Math.abs(h(l + 1, l)) + Math.abs(h(l + 2, l + 1));
        h11 = 0.75 * s + h(l, l);
        h12 = -0.4375 * s;
        h21 = s;
        h22 = h11;
      } else {
        h11 = h(i - 1, i - 1);
        h21 = h(i, i - 1);
        h12 = h(i - 1, i);
        h22 = h(i, i);
      }
      let rt1r = 0,
        rt1i = 0,
        rt2r = 0,
        rt2i = 0;
      const s0 = Math.abs(h11) + Math.abs(h12) + Math.abs(h21) + Math.abs(h22);
      if (s0 !== 0) {
        h11 /= s0;
        h21 /= s0;
        h12 /= s0;
        h22 /= s0;
        const tr = (h11 + h22) / 2;
        const det = (h11 - tr) * (h22 - tr) - h12 * h21;
        const rtdisc = Math.sqrt(Math.abs(det));
        if (det >= 0) {
          rt1r = tr * s0;
          rt2r = rt1r;
          rt1i = rtdisc * s0;
          rt2i = -rt1i;
        } else {
          rt1r = tr + rtdisc;
          rt2r = tr - rtdisc;
          if (Math.abs(rt1r - h22) <= Math.abs(rt2r - h22)) {
            rt1r *= s0;
            rt2r = rt1r;
          } else {
            rt2r *= s0;
            rt1r = rt2r;
          }
          rt1i = 0;
          rt2i = 0;
        }
      }
      // two consecutive small subdiagonal elements
      let m: number;
      for (m = i - 2; m >= l; m--) {
        let h21s = h(m + 1, m);
        let s = Math.abs(h(m, m) - rt2r) + Math.abs(rt2i) + Math.abs(h21s);
        h21s = h(m + 1, m) / s;
        v[0] = h21s * h(m, m + 1) + (h(m, m) - rt1r) * ((h(m, m) - rt2r) / s) - rt1i * (rt2i / s);
        v[1] = h21s * (h(m, m) + h(m + 1, m + 1) - rt1r - rt2r);
        v[2] = h21s * h(m + 2, m + 1);
        s = Math.abs(v[0]!) + Math.abs(v[1]!) + Math.abs(v[2]!);
        v[0] = v[0]! / s;
        v[1] = v[1]! / s;
        v[2] = v[2]! / s;
        if (m === l) break;
        const lhs = Math.abs(h(m, m - 1)) * (Math.abs(v[1]!) + Math.abs(v[2]!));
        const rhs = ulp * Math.abs(v[0]!) * (Math.abs(h(m - 1, m - 1)) + Math.abs(h(m, m)) + Math.abs(h(m + 1, m + 1)));
        if (lhs <= rhs) break;
      }
      // the double-shift QR step
      for (let k2 = m; k2 <= i - 1; k2++) {
        const nr = Math.min(3, i - k2 + 1);
        if (k2 > m) for (let q = 0; q < nr; q++) v[q] = h(k2 + q, k2 - 1);
        const t1 = dlarfg(v, nr);
        if (k2 > m) {
          set(k2, k2 - 1, v[0]!);
          set(k2 + 1, k2 - 1, 0);
          if (k2 < i - 1) set(k2 + 2, k2 - 1, 0);
        } else if (m > l) set(k2, k2 - 1, h(k2, k2 - 1) * (1 - t1));
        const v2 = v[1]!,
          t2 = t1 * v2;
        if (nr === 3) {
          const v3 = v[2]!,
            t3 = t1 * v3;
          for (let j = k2; j <= i2; j++) {
            const sum = h(k2, j) + v2 * h(k2 + 1, j) + v3 * h(k2 + 2, j);
            set(k2, j, h(k2, j) - sum * t1);
            set(k2 + 1, j, h(k2 + 1, j) - sum * t2);
            set(k2 + 2, j, h(k2 + 2, j) - sum * t3);
          }
          for (let j = i1; j <= Math.min(k2 + 3, i); j++) {
            const sum = h(j, k2) + v2 * h(j, k2 + 1) + v3 * h(j, k2 + 2);
            set(j, k2, h(j, k2) - sum * t1);
            set(j, k2 + 1, h(j, k2 + 1) - sum * t2);
            set(j, k2 + 2, h(j, k2 + 2) - sum * t3);
          }
        } else if (nr === 2) {
          for (let j = k2; j <= i2; j++) {
            const sum = h(k2, j) + v2 * h(k2 + 1, j);
            set(k2, j, h(k2, j) - sum * t1);
            set(k2 + 1, j, h(k2 + 1, j) - sum * t2);
          }
          for (let j = i1; j <= i; j++) {
            const sum = h(j, k2) + v2 * h(j, k2 + 1);
            set(j, k2, h(j, k2) - sum * t1);
            set(j, k2 + 1, h(j, k2 + 1) - sum * t2);
          }
        }
      }
    }
    if (!converged) return null;
    if (l === i) {
      wr[i - 1] = h(i, i);
      wi[i - 1] = 0;
    } else if (l === i - 1) {
      const [a, b, c, d] = dlanv2(h(i - 1, i - 1), h(i - 1, i), h(i, i - 1), h(i, i), EPS);
      wr[i - 2] = a;
      wi[i - 2] = b;
      wr[i - 1] = c;
      wi[i - 1] = d;
    }
    kdefl = 0;
    i = l - 1;
  }
  const out = new Float64Array(2 * n);
  for (let q = 0; q < n; q++) {
    out[2 * q] = wr[q]!;
    out[2 * q + 1] = wi[q]!;
  }
  return out;
}
