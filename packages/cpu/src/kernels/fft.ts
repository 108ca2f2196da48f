// The `fft` primitive's kernel (stablehlo.fft semantics): FFT/IFFT complex ->
// complex, RFFT real -> complex (last dim n/2+1), IRFFT complex -> real, over
// the trailing fft_length dims. IFFT/IRFFT scale by 1/prod(fft_length), FFT/RFFT
// not at all (XLA's convention; the torch.fft surface applies `norm`).
// Every transform runs in float64 (complex64 results are rounded once at the
// end): iterative radix-2 for powers of two, Bluestein's chirp-z through a
// power-of-two convolution for any other length.
import { numelOf, toRealValueType, type AVal, type Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { interleave, parts } from "./complex.js";
import { dense } from "./layout.js";
import type { Kernel } from "./types.js";

type FftType = "FFT" | "IFFT" | "RFFT" | "IRFFT";

const twiddles = new Map<number, [Float64Array, Float64Array]>();
/** cos and sin of 2*pi*j/n for j < n/2, computed directly (no recurrence, so no drift). */
function twiddle(n: number): [Float64Array, Float64Array] {
  let t = twiddles.get(n);
  if (!t) {
    const c = new Float64Array(n / 2),
      s = new Float64Array(n / 2);
    for (let j = 0; j < n / 2; j++) {
      c[j] = Math.cos((2 * Math.PI * j) / n);
      s[j] = Math.sin((2 * Math.PI * j) / n);
    }
    t = [c, s];
    if (twiddles.size < 64) twiddles.set(n, t);
  }
  return t;
}

/** In-place radix-2 FFT of a power-of-two length; sign -1 forward, +1 inverse (unscaled). */
function radix2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  const [cs, sn] = twiddle(n);
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1,
      step = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = cs[k * step]!,
          wi = sign * sn[k * step]!;
        const a = i + k,
          b = a + half;
        const xr = re[b]! * wr - im[b]! * wi,
          xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** In-place DFT of any length (unscaled); sign -1 forward, +1 inverse. */
export function dft(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) return radix2(re, im, sign);
  // Bluestein: X_k = conj(w_k) sum_j (x_j conj(w_j)) w_{k-j}, w_k = exp(i sign' pi k^2 / n)
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const wr = new Float64Array(n),
    wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle small and exact
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(a);
    wi[k] = sign * Math.sin(a);
  }
  const ar = new Float64Array(m),
    ai = new Float64Array(m),
    br = new Float64Array(m),
    bi = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    // a_k = x_k * w_k (w carries the transform's sign), b_k = conj(w_k)
    ar[k] = re[k]! * wr[k]! - im[k]! * wi[k]!;
    ai[k] = re[k]! * wi[k]! + im[k]! * wr[k]!;
  }
  br[0] = wr[0]!;
  bi[0] = -wi[0]!;
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = wr[k]!;
    bi[k] = bi[m - k] = -wi[k]!;
  }
  radix2(ar, ai, -1);
  radix2(br, bi, -1);
  for (let k = 0; k < m; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    ai[k] = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
  }
  radix2(ar, ai, 1);
  for (let k = 0; k < n; k++) {
    const cr = ar[k]! / m,
      ci = ai[k]! / m;
    re[k] = cr * wr[k]! - ci * wi[k]!;
    im[k] = cr * wi[k]! + ci * wr[k]!;
  }
}

/** Transforms every line along `axis` of dense [shape] parts in place. */
function alongAxis(re: Float64Array, im: Float64Array, shape: Shape, axis: number, sign: number): void {
  const n = shape[axis]!;
  if (n <= 1) return;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = numelOf(shape) / (n * inner);
  const lr = new Float64Array(n),
    li = new Float64Array(n);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) {
        lr[k] = re[base + k * inner]!;
        li[k] = im[base + k * inner]!;
      }
      dft(lr, li, sign);
      for (let k = 0; k < n; k++) {
        re[base + k * inner] = lr[k]!;
        im[base + k * inner] = li[k]!;
      }
    }
}

const f64 = (a: ArrayLike<number>): Float64Array => (a instanceof Float64Array ? a : Float64Array.from(a));

/** Dense float64 parts of a complex payload, or of a real one (zero imaginary part). */
function partsOf(x: Strided, a: AVal): [Float64Array, Float64Array] {
  if (!a.dtype.is_complex) return [f64(dense(x, a.shape, a.dtype) as Float64Array), new Float64Array(numelOf(a.shape))];
  const [r, i] = parts(x);
  const rd = toRealValueType(a.dtype);
  return [f64(dense(r, a.shape, rd) as Float64Array), f64(dense(i, a.shape, rd) as Float64Array)];
}

/** Copies the leading `shape` block of dense `src` ([srcShape], row-major) into a new dense [shape] array. */
function crop(src: Float64Array, srcShape: Shape, shape: Shape): Float64Array {
  const out = new Float64Array(numelOf(shape));
  const nd = shape.length;
  if (out.length === 0) return out;
  const idx = new Array<number>(nd).fill(0);
  const ss = srcShape.map((_, d) => srcShape.slice(d + 1).reduce((a, b) => a * b, 1));
  for (let o = 0; o < out.length; o++) {
    let p = 0;
    for (let d = 0; d < nd; d++) p += idx[d]! * ss[d]!;
    out[o] = src[p]!;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

export const fftKernels: Record<string, Kernel> = {
  fft: ([x], [a], attrs, [o]) => {
    const { fft_type, fft_length } = attrs as { fft_type: FftType; fft_length: number[] };
    const rank = a!.shape.length,
      k = fft_length.length;
    const axes = fft_length.map((_, i) => rank - k + i);
    const total = fft_length.reduce((p, v) => p * v, 1);
    let [re, im] = partsOf(x!, a!);
    if (fft_type === "FFT" || fft_type === "IFFT") {
      const sign = fft_type === "FFT" ? -1 : 1;
      for (const ax of axes) alongAxis(re, im, a!.shape, ax, sign);
      if (fft_type === "IFFT" && total > 0)
        for (let i = 0; i < re.length; i++) {
          re[i]! /= total;
          im[i]! /= total;
        }
      return [interleave(re, im, o!.dtype, o!.shape)];
    }
    if (fft_type === "RFFT") {
      for (const ax of axes) alongAxis(re, im, a!.shape, ax, -1);
      // keep the non-redundant half of the last dim
      return [interleave(crop(re, a!.shape, o!.shape), crop(im, a!.shape, o!.shape), o!.dtype, o!.shape)];
    }
    // IRFFT: inverse over the leading fft dims, then the Hermitian-symmetric last dim
    const shape = a!.shape;
    for (const ax of axes.slice(0, -1)) alongAxis(re, im, shape, ax, 1);
    const n = fft_length.at(-1)!,
      h = shape[rank - 1]!;
    const full = [...shape.slice(0, -1), n];
    const lines = numelOf(full) / Math.max(n, 1);
    const out = o!.dtype.alloc(numelOf(full));
    const lr = new Float64Array(n),
      li = new Float64Array(n);
    for (let l = 0; l < lines; l++) {
      // X[n-k] = conj(X[k]); the imaginary parts of X[0] (and X[n/2] for even n) are ignored, as pocketfft's c2r
      for (let k2 = 0; k2 < n; k2++) {
        const src = k2 < h && k2 <= n / 2 ? k2 : n - k2;
        const conj = !(k2 < h && k2 <= n / 2);
        if (src >= h) {
          lr[k2] = 0;
          li[k2] = 0;
          continue;
        }
        lr[k2] = re[l * h + src]!;
        li[k2] = conj ? -im[l * h + src]! : im[l * h + src]!;
      }
      li[0] = 0;
      if (n % 2 === 0 && n / 2 < h) li[n / 2] = 0;
      dft(lr, li, 1);
      for (let k2 = 0; k2 < n; k2++) (out as Float64Array)[l * n + k2] = lr[k2]! / Math.max(total, 1);
    }
    return [{ data: out, offset: 0, strides: full.map((_, d) => full.slice(d + 1).reduce((p, v) => p * v, 1)) }];
  },
};
