// Wide rows for the convolution kernel's forward-layout columns (conv.ts) of a
// zero-padded input: with window stride 1 and no lhs dilation, the columns are
// computed over the padded input's full row width instead of the output's, so
// each column row (feature c, kernel offset k) is one contiguous run of the
// padded input per batch element: row (c, k) at wide position j reads padded
// element j + offset(k). The product then also computes outputs at the Wp - Wo
// positions past each row's end, which are dropped when the output is written
// (scatterWide). The im2col fill instead wrote one run per kernel offset and
// output row, a third to half of them zero runs (the CNN's conv2 input
// gradient: 14-element runs with a 4-wide zero padding, ~2 ms for 5M column
// elements at batch 64, against ~0.9 ms for the wide rows' copies). Without
// padding the narrow runs are long already and the wider product cost more
// than the fill saved (conv1's forward 1.87 -> 2.32 ms), so those keep them.
// Every kept output reads the same column values in the same row order as
// before, so the products' sums are the same.
import { contiguousStrides, type ConvAttrs, type DType, type HostArray } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { prod } from "./values.js";

/** Largest wide/output position ratio taken: past it the extra product work costs more than the fill saves. */
const MAX_WIDENING = 1.5;

export interface WideGeometry {
  /** per kernel offset: the padded-input element its row starts at, and how many elements it copies */
  runSrc: Int32Array;
  runLen: Int32Array;
  /** wide positions per batch element: output rows of the first spatial dim times the padded row size */
  Lw: number;
  /** the wide position of each output position (row-major) */
  wideOff: Int32Array;
  /** padded spatial sizes */
  P: number[];
  /** per output row (all spatial dims but the last, row-major): its first wide position */
  rowOff: Int32Array;
}

/**
 * The wide rows' geometry, or null where they do not apply: no padding, groups, window strides or
 * lhs dilation other than 1, negative padding, one spatial dim (the runs are already whole rows),
 * or too much extra product work. (The kernel takes them for float32/float64 only.)
 */
export function wideGeometry(inSp: number[], kSp: number[], outSp: number[], a: ConvAttrs, T: number): WideGeometry | null {
  const n = inSp.length;
  if (n < 2 || T !== 1) return null;
  if (a.window_strides.some((s) => s !== 1) || a.lhs_dilation.some((d) => d !== 1) || a.padding.some(([lo, hi]) => lo < 0 || hi < 0))
    return null;
  if (a.padding.every(([lo, hi]) => lo === 0 && hi === 0)) return null;
  const P = inSp.map((s, d) => s + a.padding[d]![0] + a.padding[d]![1]);
  const Pstr = contiguousStrides(P);
  const Lw = outSp[0]! * Pstr[0]!,
    L = prod(outSp);
  if (L === 0 || Lw > MAX_WIDENING * L) return null;
  const size = prod(P);
  const K = prod(kSp);
  const runSrc = new Int32Array(K),
    runLen = new Int32Array(K);
  const kStr = contiguousStrides(kSp);
  for (let k = 0; k < K; k++) {
    let off = 0;
    for (let d = 0; d < n; d++) off += (Math.floor(k / kStr[d]!) % kSp[d]!) * a.rhs_dilation[d]! * Pstr[d]!;
    runSrc[k] = off;
    // the positions past the padded image's end (only past the last kept output) stay zero
    runLen[k] = Math.max(0, Math.min(Lw, size - off));
  }
  const oStr = contiguousStrides(outSp);
  const wideOff = new Int32Array(L);
  for (let p = 0; p < L; p++) {
    let off = 0;
    for (let d = 0; d < n; d++) off += (Math.floor(p / oStr[d]!) % outSp[d]!) * Pstr[d]!;
    wideOff[p] = off;
  }
  const Wo = outSp[n - 1]!;
  const rowOff = new Int32Array(L / Wo);
  for (let q = 0; q < rowOff.length; q++) rowOff[q] = wideOff[q * Wo]!;
  return { runSrc, runLen, Lw, wideOff, P, rowOff };
}

/**
 * The padded copy's buffer, kept per element type and zeroed at each call (a fresh MB-sized array
 * per call cost page faults and collections that showed in the calls after it). Only the fill
 * reads it, within the call (it copies it into its module's memory).
 */
const kept = new Map<string, HostArray>();
function paddedBuffer(dtype: DType, n: number): HostArray {
  let buf = kept.get(dtype.name);
  if (!buf || buf.length < n) {
    buf = dtype.alloc(n);
    kept.set(dtype.name, buf);
  } else (buf as Float32Array).fill(0, 0, n);
  return buf.length === n ? buf : (buf as Float32Array).subarray(0, n);
}

/**
 * The input's rows along its last spatial dim (W elements, sW apart) as they go into one zero-padded
 * plane: row q (the outer positions, row-major) starts at input offset rowSrc[q] (through the
 * spatial strides spStr) and at padded offset rowDst[q]. paddedLhs's copy, and the convolution's
 * blocks on the pool, which pad their planes in WebAssembly (kernels/conv.ts poolBlocks).
 */
export function paddedRows(
  inSp: number[],
  spStr: number[],
  a: ConvAttrs,
  P: number[],
): { rowSrc: Int32Array; rowDst: Int32Array; W: number; sW: number } {
  const n = P.length;
  const Pstr = contiguousStrides(P);
  const W = inSp[n - 1]!,
    sW = spStr[n - 1]!,
    rows = prod(inSp.slice(0, n - 1));
  const rowSrc = new Int32Array(rows),
    rowDst = new Int32Array(rows);
  const outerStr = contiguousStrides(inSp.slice(0, n - 1));
  for (let q = 0; q < rows; q++) {
    let s = 0,
      d = a.padding[n - 1]![0];
    for (let i = 0; i < n - 1; i++) {
      const y = Math.floor(q / outerStr[i]!) % inSp[i]!;
      s += y * spStr[i]!;
      d += (y + a.padding[i]![0]) * Pstr[i]!;
    }
    rowSrc[q] = s;
    rowDst[q] = d;
  }
  return { rowSrc, rowDst, W, sW };
}

/**
 * The lhs zero-padded, [N, C, ...P] row-major (batch and feature dims taken through their strides
 * sN and sC, spatial dims through spStr), as the wide rows read it.
 */
export function paddedLhs(
  l: Strided,
  sN: number,
  sC: number,
  spStr: number[],
  inSp: number[],
  a: ConvAttrs,
  N: number,
  C: number,
  g: WideGeometry,
  dtype: DType,
): HostArray {
  const size = prod(g.P);
  const out = paddedBuffer(dtype, N * C * size) as Float32Array;
  const src = l.data as Float32Array;
  const { rowSrc, rowDst, W, sW } = paddedRows(inSp, spStr, a, g.P);
  const rows = rowSrc.length;
  for (let b = 0; b < N; b++)
    for (let c = 0; c < C; c++) {
      const sBase = l.offset + b * sN + c * sC,
        dBase = (b * C + c) * size;
      for (let q = 0; q < rows; q++) {
        const s = sBase + rowSrc[q]!,
          d = dBase + rowDst[q]!;
        for (let x = 0; x < W; x++) out[d + x] = src[s + x * sW]!;
      }
    }
  return out;
}

/**
 * The product's block [Og, nbn, Lw] (a strided view) into the output: the kept positions of each
 * batch element's wide rows to the output's positions (outOff, or 0..L-1: then row by row, each
 * output row's Wo elements consecutive on both sides).
 */
export function scatterWide(
  out: HostArray,
  res: Strided,
  g: WideGeometry,
  outOff: Int32Array | null,
  Og: number,
  nbn: number,
  oF: number,
  oN: number,
  nb0: number,
): void {
  const o = out as Float32Array,
    rd = res.data as Float32Array;
  const [, r1, r2] = res.strides as [number, number, number];
  const { wideOff, rowOff, Lw } = g;
  const L = wideOff.length,
    rows = rowOff.length,
    Wo = L / rows;
  for (let oc = 0; oc < Og; oc++)
    for (let nb = 0; nb < nbn; nb++) {
      const ob = oc * oF + (nb0 + nb) * oN,
        rb = res.offset + oc * r1 + nb * Lw * r2;
      if (outOff || r2 !== 1) {
        for (let p = 0; p < L; p++) o[ob + (outOff ? outOff[p]! : p)] = rd[rb + wideOff[p]! * r2]!;
        continue;
      }
      for (let q = 0; q < rows; q++) {
        const d = ob + q * Wo,
          s = rb + rowOff[q]!;
        for (let x = 0; x < Wo; x++) o[d + x] = rd[s + x]!;
      }
    }
}
