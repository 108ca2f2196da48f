// The convolution kernel (StableHLO's convolution: strides, low/high padding,
// lhs and rhs dilation, feature and batch groups, any dimension numbers) as an
// im2col into one batched product with the dot_general kernel (so float32 and
// float64 go to the system BLAS when there is one). Elements are copied as the
// host array holds them (half floats as bits, int64 as bigints); the dot
// kernel does the arithmetic. Group t (feature group t, or batch group t) reads
// lhs features [t*I, (t+1)*I) (or batches [t*Nb, (t+1)*Nb)) and rhs output
// features [t*Og, (t+1)*Og), and writes those output features.
import { contiguousStrides, type AVal, type ConvAttrs } from "@xlatorch/core";
import { contiguous, type Elements, type Strided } from "../strided.js";
import { dotKernels } from "./dot.js";
import type { Kernel } from "./types.js";
import { prod } from "./values.js";

/**
 * For every kernel offset k (row-major) and output position l (row-major): the offset of the input
 * element it reads (in lhs elements, relative to one batch/feature), or -1 where it reads padding
 * or a hole of the lhs dilation.
 */
function im2colTable(inSp: number[], inStr: number[], kSp: number[], outSp: number[], a: ConvAttrs): Int32Array {
  const n = inSp.length;
  const K = prod(kSp),
    L = prod(outSp);
  // per dim: the source offset of (kernel index k, output index o), or -1
  const per = inSp.map((size, i) => {
    const t = new Int32Array(kSp[i]! * outSp[i]!);
    for (let k = 0; k < kSp[i]!; k++)
      for (let o = 0; o < outSp[i]!; o++) {
        const p = o * a.window_strides[i]! + k * a.rhs_dilation[i]! - a.padding[i]![0];
        const q = p / a.lhs_dilation[i]!;
        t[k * outSp[i]! + o] = p < 0 || !Number.isInteger(q) || q >= size ? -1 : q * inStr[i]!;
      }
    return t;
  });
  const tab = new Int32Array(K * L);
  const kk = new Array<number>(n).fill(0),
    oo = new Array<number>(n).fill(0);
  for (let kidx = 0; kidx < K; kidx++) {
    oo.fill(0);
    for (let l = 0; l < L; l++) {
      let off = 0;
      for (let i = 0; i < n; i++) {
        const e = per[i]![kk[i]! * outSp[i]! + oo[i]!]!;
        if (e < 0) {
          off = -1;
          break;
        }
        off += e;
      }
      tab[kidx * L + l] = off;
      for (let i = n - 1; i >= 0 && ++oo[i]! === outSp[i]!; i--) oo[i] = 0;
    }
    for (let i = n - 1; i >= 0 && ++kk[i]! === kSp[i]!; i--) kk[i] = 0;
  }
  return tab;
}

/** Offsets (with `strides`) of every row-major position of `shape`. */
function offsets(shape: number[], strides: number[]): Int32Array {
  const out = new Int32Array(prod(shape));
  const idx = new Array<number>(shape.length).fill(0);
  for (let p = 0; p < out.length; p++) {
    let off = 0;
    for (let i = 0; i < shape.length; i++) off += idx[i]! * strides[i]!;
    out[p] = off;
    for (let i = shape.length - 1; i >= 0 && ++idx[i]! === shape[i]!; i--) idx[i] = 0;
  }
  return out;
}

// The two element-copying loops, compiled once per typed-array kind so that each sees one array
// type (monomorphic element access; one shared loop over Float32Array, Float64Array, Uint16Array
// and BigInt64Array runs several times slower).
type Fill = (
  cols: Elements,
  src: Elements,
  tab: Int32Array,
  T: number,
  I: number,
  K: number,
  L: number,
  Nb: number,
  CK: number,
  NL: number,
  offset: number,
  sC: number,
  sN: number,
  B: number,
  nb0: number,
  Nt: number,
) => void;
type Scatter = (
  out: Elements,
  rd: Elements,
  outOff: Int32Array,
  T: number,
  Og: number,
  Nb: number,
  L: number,
  oF: number,
  oN: number,
  offset: number,
  r0: number,
  r1: number,
  r2: number,
  nb0: number,
) => void;
const FILL = `
  for (let t = 0; t < T; t++) {
    const g = B > 1 ? 0 : t, bg = B > 1 ? t : 0;
    for (let c = 0; c < I; c++) {
      const cBase = offset + (g * I + c) * sC;
      for (let kidx = 0; kidx < K; kidx++) {
        const row = (t * CK + c * K + kidx) * NL, tOff = kidx * L;
        for (let nb = 0; nb < Nb; nb++) {
          const base = cBase + (bg * Nt + nb0 + nb) * sN, dst = row + nb * L;
          for (let p = 0; p < L; p++) {
            const e = tab[tOff + p];
            if (e >= 0) cols[dst + p] = src[base + e];
          }
        }
      }
    }
  }`;
const SCATTER = `
  for (let t = 0; t < T; t++)
    for (let oc = 0; oc < Og; oc++) {
      const fBase = (t * Og + oc) * oF, rBase = offset + t * r0 + oc * r1;
      for (let nb = 0; nb < Nb; nb++) {
        const ob = fBase + (nb0 + nb) * oN, rb = rBase + nb * L * r2;
        for (let p = 0; p < L; p++) out[ob + outOff[p]] = rd[rb + p * r2];
      }
    }`;
/** Elements of the column buffer per block of batch elements (32 MiB of float32). */
const COLUMN_BLOCK = 1 << 23;
const compiled = new Map<string, { fill: Fill; scatter: Scatter }>();
function loops(arr: Elements): { fill: Fill; scatter: Scatter } {
  const kind = arr.constructor.name;
  let c = compiled.get(kind);
  if (!c) {
    c = {
      fill: new Function("cols", "src", "tab", "T", "I", "K", "L", "Nb", "CK", "NL", "offset", "sC", "sN", "B", "nb0", "Nt", FILL) as Fill,
      scatter: new Function("out", "rd", "outOff", "T", "Og", "Nb", "L", "oF", "oN", "offset", "r0", "r1", "r2", "nb0", SCATTER) as Scatter,
    };
    compiled.set(kind, c);
  }
  return c;
}

export const convKernels: Record<string, Kernel> = {
  convolution: ([l, r], [la, ra], a: ConvAttrs, [o]) => {
    const dtype = la!.dtype;
    const ls = la!.shape,
      rs = ra!.shape,
      os = o!.shape;
    const sp = (spec: number[], shape: readonly number[]) => spec.slice(2).map((d) => shape[d]!);
    const N = ls[a.lhs_spec[0]!]!,
      I = rs[a.rhs_spec[1]!]!,
      O = rs[a.rhs_spec[0]!]!;
    const G = a.feature_group_count,
      B = a.batch_group_count,
      T = G * B;
    const Nb = N / B,
      Og = O / T;
    const inSp = sp(a.lhs_spec, ls),
      kSp = sp(a.rhs_spec, rs),
      outSp = sp(a.out_spec, os);
    const K = prod(kSp),
      L = prod(outSp),
      CK = I * K;
    const out = dtype.alloc(prod(os));
    const outStrides = contiguousStrides(os);
    if (prod(os) === 0 || CK === 0) return [contiguous(out, os)];

    // weights [T, Og, I*K]
    const w = dtype.alloc(T * Og * CK) as Elements;
    const rsrc = r!.data as Elements;
    const kOff = offsets(
      kSp,
      a.rhs_spec.slice(2).map((d) => r!.strides[d]!),
    );
    const rO = r!.strides[a.rhs_spec[0]!]!,
      rI = r!.strides[a.rhs_spec[1]!]!;
    for (let f = 0; f < O; f++)
      for (let c = 0; c < I; c++) {
        const base = r!.offset + f * rO + c * rI,
          dst = (f * I + c) * K;
        for (let kidx = 0; kidx < K; kidx++) w[dst + kidx] = rsrc[base + kOff[kidx]!]!;
      }
    const src = l!.data as Elements;
    const tab = im2colTable(
      inSp,
      a.lhs_spec.slice(2).map((d) => l!.strides[d]!),
      kSp,
      outSp,
      a,
    );
    const sN = l!.strides[a.lhs_spec[0]!]!,
      sC = l!.strides[a.lhs_spec[1]!]!;
    const outOff = offsets(
      outSp,
      a.out_spec.slice(2).map((d) => outStrides[d]!),
    );
    const oN = outStrides[a.out_spec[0]!]!,
      oF = outStrides[a.out_spec[1]!]!;
    const av = (shape: number[]): AVal => ({ shape, dtype });
    // A block of batch elements at a time, so the columns stay within COLUMN_BLOCK elements
    // (a ResNet stem's would otherwise take hundreds of MB).
    const chunk = Math.max(1, Math.min(Nb, Math.floor(COLUMN_BLOCK / (T * CK * L))));
    for (let nb0 = 0; nb0 < Nb; nb0 += chunk) {
      const nbn = Math.min(chunk, Nb - nb0),
        NL = nbn * L;
      // columns [T, I*K, nbn*L]: zeros (the fresh array) where the window reads padding
      const cols = dtype.alloc(T * CK * NL) as Elements;
      loops(cols).fill(cols, src, tab, T, I, K, L, nbn, CK, NL, l!.offset, sC, sN, B, nb0, Nb);
      const [res] = dotKernels.dot_general!(
        [contiguous(w as never, [T, Og, CK]), contiguous(cols as never, [T, CK, NL])],
        [av([T, Og, CK]), av([T, CK, NL])],
        { lhs_batch: [0], rhs_batch: [0], lhs_contract: [2], rhs_contract: [1] },
        [av([T, Og, NL])],
      ) as [Strided];
      // scatter [T, Og, nbn, L] into the output's layout
      loops(out as Elements).scatter(
        out as Elements,
        res.data as Elements,
        outOff,
        T,
        Og,
        nbn,
        L,
        oF,
        oN,
        res.offset,
        ...(res.strides as [number, number, number]),
        nb0,
      );
    }
    return [contiguous(out, os)];
  },
};
