// The convolution kernel (StableHLO's convolution: strides, low/high padding,
// lhs and rhs dilation, feature and batch groups, any dimension numbers) as an
// im2col into one batched product with the dot_general kernel (so float32 and
// float64 go to the system BLAS when there is one). Elements are copied as the
// host array holds them (half floats as bits, int64 as bigints); the dot
// kernel does the arithmetic. Group t (feature group t, or batch group t) reads
// lhs features [t*I, (t+1)*I) (or batches [t*Nb, (t+1)*Nb)) and rhs output
// features [t*Og, (t+1)*Og), and writes those output features.
// The columns are filled by runs: along the last spatial dim a kernel offset
// reads an arithmetic progression of the input (no per-element table lookup or
// padding test); a row that is another row moved by a position (stride 1) is
// copied from it with copyWithin and patched where they differ (Donors); a
// kernel larger than the output (a weight gradient) fills the columns
// transposed, so runs go along the kernel. Everything that depends only on
// shapes, strides and attributes is computed once per distinct call and cached,
// since a training loop repeats the same few calls. The columns hold the same
// values in every case; the products' rounding depends only on the blocks.
// float32/float64 columns are filled by WebAssembly (wasm/im2col_module.ts: the
// same runs, moved as bits, into that module's memory, which the product reads
// in place); other element types, or XLATORCH_WASM=off, take the loops below
// into a column buffer kept between calls (fresh MB-sized arrays cost more in
// page faults than the fill).
// The columns are filled and multiplied in blocks that stay in cache (blocks():
// batch elements, or a weight gradient's lhs features, whose products are then
// summed): a product with few output features reads each column element only a
// few times, so over whole columns of tens of MB it ran at the memory's speed.
// A forward convolution's columns are the same matrix as its weight gradient's
// transposed columns (rows: features and kernel offsets; columns: batch and
// output positions): they are filled into a kept slot of the fill module, and
// the weight gradient reads them there instead of filling them again, where the
// lhs still holds the same bits (keptColumns); only columns of one block are kept.
// Blocks of one group, where a system BLAS multiplies them, run on the worker
// pool, each filled and multiplied by one thread (poolBlocks).
import { contiguousStrides, type AVal, type ConvAttrs, type DType, type HostArray } from "@xlatorch/core";
import { contiguous, type Elements, type Strided } from "../strided.js";
import {
  Im2colCall,
  im2colWasmEnabled,
  im2colWasmStats,
  KEEP_SLOTS,
  poisonIm2colMemory,
  BLOCK_REC,
  type NestArgs,
  type WasmRuns,
  wasmRuns,
} from "../wasm/im2col_module.js";
import { numThreads } from "../wasm/threads.js";
import { blasPolicy, gemmThreads, NO_TRANS, systemBlas, TRANS } from "../blas.js";
import { paddedLhs, paddedRows, scatterWide, type WideGeometry, wideGeometry } from "./conv_wide.js";
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
  runDst: Int32Array,
  runSrc: Int32Array,
  runLen: Int32Array,
  step: number,
  Lo: number,
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
  donor: Int32Array,
  shift: Int32Array,
  fixPtr: Int32Array,
  fixPos: Int32Array,
  fixSrc: Int32Array,
  zero: number | bigint,
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
        const row = (t * CK + c * K + kidx) * NL, dn = donor[kidx];
        if (dn >= 0) {
          // this row is row dn moved by shift[kidx] elements (a native memmove), but at fixPos
          const sh = shift[kidx], f0 = fixPtr[kidx], f1 = fixPtr[kidx + 1];
          cols.copyWithin(row, (t * CK + c * K + dn) * NL + sh, (t * CK + c * K + dn + 1) * NL);
          for (let nb = 0; nb < Nb; nb++) {
            const base = cBase + (bg * Nt + nb0 + nb) * sN, dst = row + nb * L;
            for (let f = f0; f < f1; f++) {
              const e = fixSrc[f];
              cols[dst + fixPos[f]] = e >= 0 ? src[base + e] : zero;
            }
          }
          continue;
        }
        const r0 = kidx * Lo;
        for (let nb = 0; nb < Nb; nb++) {
          const base = cBase + (bg * Nt + nb0 + nb) * sN, dst = row + nb * L;
          for (let q = 0; q < Lo; q++) {
            const len = runLen[r0 + q];
            if (len === 0) continue;
            const d = dst + runDst[r0 + q], s = base + runSrc[r0 + q];
            for (let j = 0; j < len; j++) cols[d + j] = src[s + j * step];
          }
        }
      }
    }
  }`;
// The transposed columns [T, nbn*L, I*K]: a run per (output position, outer kernel offset) along
// the kernel's last dim, for the kernel-larger-than-output convolutions (weight gradients).
const FILL_T = `
  for (let t = 0; t < T; t++) {
    const g = B > 1 ? 0 : t, bg = B > 1 ? t : 0;
    for (let nb = 0; nb < Nb; nb++) {
      const nBase = offset + (bg * Nt + nb0 + nb) * sN;
      for (let l = 0; l < L; l++) {
        const row = (t * NL + nb * L + l) * CK, dn = donor[l];
        if (dn >= 0) {
          const sh = shift[l], f0 = fixPtr[l], f1 = fixPtr[l + 1];
          cols.copyWithin(row, (t * NL + nb * L + dn) * CK + sh, (t * NL + nb * L + dn + 1) * CK);
          for (let c = 0; c < I; c++) {
            const base = nBase + (g * I + c) * sC, dst = row + c * K;
            for (let f = f0; f < f1; f++) {
              const e = fixSrc[f];
              cols[dst + fixPos[f]] = e >= 0 ? src[base + e] : zero;
            }
          }
          continue;
        }
        const r0 = l * Lo;
        for (let c = 0; c < I; c++) {
          const base = nBase + (g * I + c) * sC, dst = row + c * K;
          for (let q = 0; q < Lo; q++) {
            const len = runLen[r0 + q];
            if (len === 0) continue;
            const d = dst + runDst[r0 + q], s = base + runSrc[r0 + q];
            for (let j = 0; j < len; j++) cols[d + j] = src[s + j * step];
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
// The scatter where the output's spatial positions are 0..L-1 (the usual channels-first layout).
const COPY = SCATTER.replace("outOff[p]", "p");
const NO_OFFSETS = new Int32Array(0);
/** Elements of the column buffer per block of batch elements (32 MiB of float32). */
const COLUMN_BLOCK = 1 << 23;
interface Loops {
  fill: Fill;
  fillT: Fill;
  scatter: Scatter;
  copy: Scatter;
}
const FILL_ARGS = [
  "cols",
  "src",
  "runDst",
  "runSrc",
  "runLen",
  "step",
  "Lo",
  "T",
  "I",
  "K",
  "L",
  "Nb",
  "CK",
  "NL",
  "offset",
  "sC",
  "sN",
  "B",
  "nb0",
  "Nt",
  "donor",
  "shift",
  "fixPtr",
  "fixPos",
  "fixSrc",
  "zero",
];
const compiled = new Map<string, Loops>();
function loops(arr: Elements): Loops {
  const kind = arr.constructor.name;
  let c = compiled.get(kind);
  if (!c) {
    c = {
      fill: new Function(...FILL_ARGS, FILL) as Fill,
      fillT: new Function(...FILL_ARGS, FILL_T) as Fill,
      scatter: new Function("out", "rd", "outOff", "T", "Og", "Nb", "L", "oF", "oN", "offset", "r0", "r1", "r2", "nb0", SCATTER) as Scatter,
      copy: new Function("out", "rd", "outOff", "T", "Og", "Nb", "L", "oF", "oN", "offset", "r0", "r1", "r2", "nb0", COPY) as Scatter,
    };
    compiled.set(kind, c);
  }
  return c;
}

/**
 * The column runs: for kernel offset kidx and outer output position q (all spatial dims but the
 * last, row-major), run kidx*Lo+q copies runLen elements of the input, starting at runSrc (lhs
 * elements relative to one batch/feature) with stride `step`, to output positions runDst... of the
 * row (runLen 0: the run reads only padding). With lhs dilation on the last dim, every element is a
 * run of its own (Lo = L).
 */
interface Runs {
  runDst: Int32Array;
  runSrc: Int32Array;
  runLen: Int32Array;
  step: number;
  Lo: number;
  donors: Donors;
}

/**
 * Rows of the (untransposed) columns that are another row moved: with stride 1 along a dim, kernel
 * offset k reads what offset k-1 read one output position later (k-KW: one output row later). Such
 * a row is copied from its donor row with copyWithin (a native memmove, several times faster than
 * an element loop), and only the positions where the two differ (row ends, image ends, padding
 * edges) are written from the input: fixPos[fixPtr[k]..fixPtr[k+1]) with input offsets fixSrc (-1:
 * zero). The columns come out exactly as the runs would write them.
 */
interface Donors {
  donor: Int32Array;
  shift: Int32Array;
  fixPtr: Int32Array;
  fixPos: Int32Array;
  fixSrc: Int32Array;
}
const NO_DONORS: Donors = {
  donor: new Int32Array(0),
  shift: new Int32Array(0),
  fixPtr: new Int32Array(1),
  fixPos: new Int32Array(0),
  fixSrc: new Int32Array(0),
};

/**
 * Donors between the rows of `tab` ([K rows, L positions] of input offsets, -1 for padding): row
 * k-1 moved by one position, or row k-KW moved by W (KW: the rows' last dim, W: the positions').
 * For the transposed columns the rows are output positions and the positions kernel offsets.
 */
function findDonors(tab: Int32Array, K: number, L: number, KW: number, W: number): Donors {
  const donor = new Int32Array(K).fill(-1),
    shift = new Int32Array(K),
    fixPtr = new Int32Array(K + 1);
  const pos: number[] = [],
    srcs: number[] = [];
  const differs = (k: number, dn: number, sh: number, p: number) => p + sh >= L || tab[k * L + p] !== tab[dn * L + p + sh];
  for (let k = 0; k < K; k++) {
    fixPtr[k] = pos.length;
    for (const [dn, sh] of [
      [k - 1, 1],
      [k - KW, W],
    ] as const) {
      if (dn < 0 || sh <= 0 || sh >= L) continue;
      let n = 0;
      for (let p = 0; p < L; p++) if (differs(k, dn, sh, p)) n++;
      // a row mostly rewritten is cheaper through its runs
      if (4 * n > L) continue;
      donor[k] = dn;
      shift[k] = sh;
      for (let p = 0; p < L; p++)
        if (differs(k, dn, sh, p)) {
          pos.push(p);
          srcs.push(tab[k * L + p]!);
        }
      break;
    }
  }
  fixPtr[K] = pos.length;
  return { donor, shift, fixPtr, fixPos: Int32Array.from(pos), fixSrc: Int32Array.from(srcs) };
}

function im2colRuns(inSp: number[], inStr: number[], kSp: number[], outSp: number[], a: ConvAttrs): Runs {
  const n = inSp.length;
  const K = prod(kSp),
    L = prod(outSp);
  if (n === 0 || a.lhs_dilation[n - 1] !== 1) {
    const tab = im2colTable(inSp, inStr, kSp, outSp, a);
    const runLen = new Int32Array(K * L);
    const runDst = new Int32Array(K * L);
    for (let i = 0; i < K * L; i++) {
      runLen[i] = tab[i]! >= 0 ? 1 : 0;
      runDst[i] = i % L;
    }
    const donors = n === 0 ? NO_DONORS : findDonors(tab, K, L, kSp[n - 1]!, outSp[n - 1]!);
    return { runDst, runSrc: tab, runLen, step: 0, Lo: L, donors };
  }
  const last = n - 1;
  const W = outSp[last]!,
    KW = kSp[last]!,
    size = inSp[last]!;
  const s = a.window_strides[last]!,
    d = a.rhs_dilation[last]!,
    pad = a.padding[last]![0],
    str = inStr[last]!;
  const Lo = L / W,
    Ko = K / KW;
  // the outer dims' offsets per (outer kernel offset, outer output position), -1 for padding
  const outer = im2colTable(inSp.slice(0, last), inStr.slice(0, last), kSp.slice(0, last), outSp.slice(0, last), a);
  const runDst = new Int32Array(K * Lo),
    runSrc = new Int32Array(K * Lo),
    runLen = new Int32Array(K * Lo);
  for (let kw = 0; kw < KW; kw++) {
    // output positions o in [lo, hi) read input position o*s + kw*d - pad inside [0, size)
    const first = kw * d - pad;
    const lo = Math.min(W, Math.max(0, Math.ceil(-first / s)));
    const hi = Math.min(W, Math.max(lo, Math.floor((size - 1 - first) / s) + 1));
    for (let ko = 0; ko < Ko; ko++)
      for (let q = 0; q < Lo; q++) {
        const e = outer[ko * Lo + q]!,
          r = (ko * KW + kw) * Lo + q;
        if (e < 0 || hi <= lo) continue;
        runDst[r] = q * W + lo;
        runSrc[r] = e + (lo * s + first) * str;
        runLen[r] = hi - lo;
      }
  }
  const donors = findDonors(im2colTable(inSp, inStr, kSp, outSp, a), K, L, KW, W);
  return { runDst, runSrc, runLen, step: s * str, Lo, donors };
}

/**
 * The transposed columns' runs: for output position l and outer kernel offset ko (all spatial dims
 * but the last, row-major), run l*Lo+ko copies runLen elements along the kernel's last dim to row
 * positions runDst... (relative to the feature's K); here Lo counts the outer kernel offsets.
 * Needs lhs dilation 1 on the last dim.
 */
function im2colRunsT(inSp: number[], inStr: number[], kSp: number[], outSp: number[], a: ConvAttrs): Runs {
  const last = inSp.length - 1;
  const K = prod(kSp),
    L = prod(outSp);
  const W = outSp[last]!,
    KW = kSp[last]!,
    size = inSp[last]!;
  const s = a.window_strides[last]!,
    d = a.rhs_dilation[last]!,
    pad = a.padding[last]![0],
    str = inStr[last]!;
  const Lout = L / W,
    Ko = K / KW;
  const outer = im2colTable(inSp.slice(0, last), inStr.slice(0, last), kSp.slice(0, last), outSp.slice(0, last), a);
  const runDst = new Int32Array(L * Ko),
    runSrc = new Int32Array(L * Ko),
    runLen = new Int32Array(L * Ko);
  for (let ow = 0; ow < W; ow++) {
    // kernel positions kw in [lo, hi) read input position ow*s + kw*d - pad inside [0, size)
    const first = ow * s - pad;
    const lo = Math.min(KW, Math.max(0, Math.ceil(-first / d)));
    const hi = Math.min(KW, Math.max(lo, Math.floor((size - 1 - first) / d) + 1));
    for (let qo = 0; qo < Lout; qo++)
      for (let ko = 0; ko < Ko; ko++) {
        const e = outer[ko * Lout + qo]!,
          r = (qo * W + ow) * Ko + ko;
        if (e < 0 || hi <= lo) continue;
        runDst[r] = ko * KW + lo;
        runSrc[r] = e + (first + lo * d) * str;
        runLen[r] = hi - lo;
      }
  }
  // donors between rows l (output positions) of the transposed table: l-1 one element over, l-W one kernel row over
  const tab = im2colTable(inSp, inStr, kSp, outSp, a);
  const tabT = new Int32Array(K * L);
  for (let k = 0; k < K; k++) for (let l = 0; l < L; l++) tabT[l * K + k] = tab[k * L + l]!;
  return { runDst, runSrc, runLen, step: d * str, Lo: Ko, donors: findDonors(tabT, L, K, W, KW) };
}

/** Block length from which a native typed-array copy beats the element loop (its call costs ~0.1 µs). */
const MIN_BLOCK_COPY = 16;
/** dst[d, d + n) = src[s, s + n) for two arrays of the same kind (a native copy, the same bits). */
function copyBlock(dst: HostArray, d: number, src: HostArray, s: number, n: number): void {
  (dst as Float32Array).set((src as Float32Array).subarray(s, s + n), d);
}

/** What a convolution call needs beyond its data: a function of shapes, strides and attributes only. */
interface ConvPlan {
  runs: Runs;
  /**
   * The columns transposed ([T, nbn*L, I*K], runs along the kernel's last dim): chosen where that dim
   * is longer than the output's (a weight gradient's kernel is the output gradient), so that the
   * copies run longer; the product then reads them transposed.
   */
  transposed: boolean;
  /** offsets of the kernel's spatial positions in the rhs */
  kOff: Int32Array;
  /** whether kOff is 0, 1, ..., K-1 (the kernel's spatial positions are consecutive elements) */
  kRun: boolean;
  /** offsets of the output's spatial positions in the output, or null where they are 0..L-1 */
  outOff: Int32Array | null;
  /**
   * Whether the fill writes every element of the columns (no padding, no dilation holes): then a
   * reused column buffer needs no clearing first.
   */
  covers: boolean;
  /** the runs as the WebAssembly fill's tables, per element size (built at the first such call) */
  wasm: Partial<Record<4 | 8, WasmRuns>>;
  /** columnsSignature, with the element size appended at the call */
  sig: string | null;
  /** the wide rows (conv_wide.ts) and their plan (runs: one per kernel offset), where they apply */
  wide: { geom: WideGeometry; plan: ConvPlan } | null;
}

/**
 * Whether the fill writes every column element: each row is a donor copy (the copy and its fixes
 * write the whole row) or its runs, which never overlap, add up to the row's length.
 */
function fillCovers(runs: Runs, rows: number, rowLen: number): boolean {
  for (let r = 0; r < rows; r++) {
    if (runs.donors.donor.length > 0 && runs.donors.donor[r]! >= 0) continue;
    let n = 0;
    for (let q = r * runs.Lo, end = q + runs.Lo; q < end; q++) n += runs.runLen[q]!;
    if (n !== rowLen) return false;
  }
  return true;
}

/**
 * The column buffer, kept per array kind and reused by every call: a fresh one per call (several
 * MB) cost more in page faults on its first writes than the fill itself (up to ~4x the fill's time
 * in a training step). Only the dot kernel reads it, within the call, and nothing keeps it.
 */
const scratch = new Map<string, HostArray>();
function columns(dtype: DType, n: number, covers: boolean): Elements {
  // complex element types hold two host elements per element: never here, but not cached either
  if (n > COLUMN_BLOCK || dtype.name.startsWith("complex")) return dtype.alloc(n) as Elements;
  let buf = scratch.get(dtype.name);
  if (!buf || buf.length < n) {
    buf = dtype.alloc(Math.max(n, buf ? Math.min(COLUMN_BLOCK, 2 * buf.length) : 0));
    scratch.set(dtype.name, buf);
    covers = true; // fresh zeros
  }
  const cols = n === buf.length ? buf : buf.subarray(0, n);
  // the runs leave padding positions unwritten: they must read zero
  if (!covers) {
    if (cols instanceof BigInt64Array) cols.fill(0n);
    else cols.fill(0);
  }
  return cols as Elements;
}

/** Tests: fill the kept column buffers with `v` (stale values a call must never read). */
export function poisonConvColumns(v: number): void {
  poisonIm2colMemory(v);
  kept.length = 0;
  for (const buf of scratch.values()) {
    if (buf instanceof BigInt64Array) buf.fill(BigInt(v));
    else buf.fill(v);
  }
}
const plans = new Map<string, ConvPlan>();
/** Table elements kept; a program makes a handful of distinct calls, so the cache is simply emptied past this (64 MiB). */
const PLAN_CACHE_ELEMENTS = 1 << 24;
let planElements = 0;
const planSize = (p: ConvPlan): number => {
  const r = p.runs,
    d = r.donors;
  return (
    r.runDst.length * 3 +
    d.donor.length * 2 +
    d.fixPos.length * 2 +
    p.kOff.length +
    (p.outOff?.length ?? 0) +
    (p.wide ? 4 * p.kOff.length + p.wide.geom.wideOff.length : 0)
  );
};

/**
 * The WebAssembly fill's call for float32/float64 columns of `nCols` elements (wasm/im2col_module.ts:
 * the same runs, the same columns, in the module's memory; the lhs copied in once), or null where it
 * does not take the call (other element types, a negative stride, WebAssembly off or unavailable,
 * too large). Each block of columns is then filled by its nests (wasmNests).
 */
function wasmStart(
  dtype: DType,
  plan: ConvPlan,
  l: Strided,
  ls: readonly number[],
  K: number,
  L: number,
  nCols: number,
  slot = 0,
): { call: Im2colCall; wr: WasmRuns } | null {
  const data = l.data;
  const E = dtype.name === "float32" && data instanceof Float32Array ? 4 : dtype.name === "float64" && data instanceof Float64Array ? 8 : 0;
  if (E === 0 || l.strides.some((st) => st < 0) || !im2colWasmEnabled()) return null;
  const { runs, transposed } = plan;
  const wr = (plan.wasm[E] ??= wasmRuns(runs.runDst, runs.runSrc, runs.runLen, transposed ? L : K, runs.Lo, transposed ? K : L, E));
  // the lhs's elements: [offset, offset + span)
  const call = Im2colCall.start(data as Float32Array | Float64Array, l.offset, l.offset + lhsSpan(ls, l.strides), wr, nCols, slot);
  return call ? { call, wr } : null;
}

/**
 * The fill's nests (one per group) for one block of columns ([T, Ic*K, nbn*L], or transposed
 * [T, nbn*L, Ic*K]) from the start of the call's columns: batch elements [nb0, nb0 + nbn) of each
 * group and lhs features [i0, i0 + Ic) (a block of features only in the transposed layout, where
 * they are part of the contraction).
 */
function wasmNests(
  plan: ConvPlan,
  T: number,
  I: number,
  i0: number,
  Ic: number,
  K: number,
  L: number,
  nbn: number,
  sC: number,
  sN: number,
  B: number,
  nb0: number,
  Nb: number,
): NestArgs[] {
  const { transposed } = plan;
  const NL = nbn * L,
    CK = Ic * K;
  const nests: NestArgs[] = [];
  for (let t = 0; t < T; t++) {
    const g = B > 1 ? 0 : t,
      bg = B > 1 ? t : 0;
    const src = (g * I + i0) * sC + (bg * Nb + nb0) * sN;
    // the loops of FILL (c, kernel offset, batch) and FILL_T (batch, output position, c)
    if (transposed) nests.push({ src, cols: t * NL * CK, a: [nbn, L * CK, sN], b: [L, CK], c: [Ic, K, sC] });
    else nests.push({ src, cols: t * CK * NL, a: [Ic, K * NL, sC], b: [K, NL], c: [nbn, L, sN] });
  }
  return nests;
}

/** How the pool's blocks pad the lhs for the wide rows: one plane's rows (paddedRows), the padded plane's size, the lhs's batch and feature strides. */
interface PadRows {
  rows: { rowSrc: Int32Array; rowDst: Int32Array; W: number; sW: number };
  plane: number;
  sN: number;
  sC: number;
}

/** A block of a call: batch elements [nb0, nb0 + nbn) of each group, lhs features [i0, i0 + Ic). */
interface Block {
  nb0: number;
  nbn: number;
  i0: number;
  Ic: number;
}

/** Whether cache-sized blocks may run on the worker pool (bench/conv_blocks_ab.ts and tests turn it off). */
let poolBlocksOn = true;
export function setConvPoolBlocks(on: boolean): boolean {
  const prev = poolBlocksOn;
  poolBlocksOn = on;
  return prev;
}
/** Set when the pool's blocks failed once (a worker that cannot load the BLAS): later calls keep this thread. */
let poolBlocksBroken = false;

/**
 * A call's cache-sized blocks (one group, float32/float64) on the worker pool: each block is filled
 * and multiplied by one thread (Im2colCall.blocksOnPool: the WebAssembly fill into that thread's part
 * of the columns, then the system BLAS's gemm, which the workers load too), and this thread writes
 * the products out in block order afterwards (`output`: the same scatter, or the same sums in the
 * same order). The blocks had run on this thread alone, fill then product, each reading the other's
 * data from its own cache: a pool that also split each block (fill on one thread, product on the
 * other) moved every column across cores and ran slower. Each gemm is the call the dot kernel makes
 * for the block on one thread (same operands, layout and OpenBLAS thread count), so the result is
 * the same, bit for bit, for every thread count. false where the pool does not take the call
 * (WebAssembly or shared memory unavailable, a negative stride, too large): nothing written.
 */
function poolBlocks(
  dtype: DType,
  plan: ConvPlan,
  l: Strided,
  ls: readonly number[],
  w: HostArray,
  list: Block[],
  blockCols: number,
  Og: number,
  CK: number,
  I: number,
  K: number,
  L: number,
  sC: number,
  sN: number,
  Nb: number,
  output: (u: number, res: Strided) => void,
  pad: PadRows | null,
): boolean {
  if (poolBlocksBroken) return false;
  const E = dtype.name === "float32" ? 4 : dtype.name === "float64" ? 8 : 0;
  if (E === 0) return false;
  // a product with a dimension of 1 the dot kernel may pass with other flags or leading dimensions
  // (dot_blas.ts collapses size-1 dims): the gemm below would not be its call
  if (Og < 2 || list.some((b) => b.nbn * L < 2 || b.Ic * K < 2)) return false;
  const parts = numThreads();
  // after the columns: the weights, each block's product, the block records
  const wBytes = Og * CK * E;
  const resAt: number[] = [];
  let bytes = (wBytes + 15) & ~15;
  for (const b of list) {
    resAt.push(bytes);
    bytes += (Og * b.nbn * L * E + 15) & ~15;
  }
  const recOff = bytes;
  bytes += list.length * BLOCK_REC * 4;
  // wide rows: the zero-padded planes [Nb, I, plane], then the run table that pads one plane (a run
  // per input row and zero runs between: every padded element is written, nothing cleared first)
  const padRuns = pad
    ? wasmRuns(
        pad.rows.rowDst,
        pad.rows.rowSrc,
        new Int32Array(pad.rows.rowSrc.length).fill(pad.rows.W),
        1,
        pad.rows.rowSrc.length,
        pad.plane,
        E,
      )
    : null;
  const padAt = (bytes + 15) & ~15,
    padBytes = pad ? (Nb * I * pad.plane * E + 15) & ~15 : 0;
  if (padRuns) bytes = padAt + padBytes + 16 + padRuns.recs.byteLength;
  const data = l.data;
  if (!(E === 4 ? data instanceof Float32Array : data instanceof Float64Array) || l.strides.some((st) => st < 0) || !im2colWasmEnabled())
    return false;
  const { runs, transposed } = plan;
  const wr = (plan.wasm[E] ??= wasmRuns(runs.runDst, runs.runSrc, runs.runLen, transposed ? L : K, runs.Lo, transposed ? K : L, E));
  const call = Im2colCall.start(
    data as Float32Array | Float64Array,
    l.offset,
    l.offset + lhsSpan(ls, l.strides),
    wr,
    parts * blockCols,
    0,
    bytes,
  );
  if (!call || !call.blocksPossible()) return false;
  const Arr = E === 4 ? Float32Array : Float64Array;
  const buf = call.cols.buffer as ArrayBuffer;
  const x = call.extraAt;
  new Arr(buf, x, Og * CK).set(w as Float32Array);
  const recs = new Int32Array(buf, x + recOff, list.length * BLOCK_REC);
  // the pad table after the padded planes: its row pointers (one row), then its records
  const padded = x + padAt,
    padPtrAt = padded + padBytes,
    padRecsAt = padPtrAt + 16;
  if (padRuns) {
    new Int32Array(buf, padPtrAt, 2).set(padRuns.rowPtr);
    new Int32Array(buf, padRecsAt, padRuns.recs.length).set(padRuns.recs);
  }
  list.forEach(({ nb0, nbn, i0, Ic }, u) => {
    const NL = nbn * L,
      CKc = Ic * K;
    const [nest] = wasmNests(plan, 1, I, i0, Ic, K, L, nbn, sC, sN, 1, nb0, Nb);
    // the block's planes padded first: its batch elements [nb0, nb0 + nbn), every feature (blocks of
    // features only come with the transposed layout, which has no wide rows)
    const first = pad
      ? [
          1,
          ...call.copyArgs(
            E,
            nb0 * pad.sN,
            padded + nb0 * I * pad.plane * E,
            padPtrAt,
            padRecsAt,
            [nbn, I * pad.plane, pad.sN],
            [1, 0],
            [I, pad.plane, pad.sC],
            pad.rows.sW,
          ),
        ]
      : [0];
    // the dot kernel's gemm for the block: A the weights' columns of these features [Og, Ic*K] (row
    // stride I*K), B the columns [Ic*K, NL] (or, transposed, [NL, Ic*K] read transposed), C [Og, NL]
    recs.set(
      [
        ...call.blockRecord(E, nest!, runs.step, blockCols, pad ? padded : undefined),
        transposed ? TRANS : NO_TRANS,
        Og,
        NL,
        CKc,
        x + i0 * K * E,
        CK,
        transposed ? CKc : NL,
        x + resAt[u]!,
        NL,
        ...first,
      ],
      u * BLOCK_REC,
    );
  });
  // OpenBLAS's thread count for products of this size (one thread: the pool's threads are the parallelism)
  gemmThreads(Og * list[0]!.Ic * K * list[0]!.nbn * L);
  try {
    if (!call.blocksOnPool(E, list.length, x + recOff)) return false;
  } catch {
    poolBlocksBroken = true;
    return false;
  }
  list.forEach(({ nbn }, u) =>
    output(u, { data: new Arr(buf, x + resAt[u]!, Og * nbn * L) as never, offset: 0, strides: [Og * nbn * L, nbn * L, 1] }),
  );
  return true;
}

/** The lhs's elements from its offset: [offset, offset + span). */
function lhsSpan(ls: readonly number[], strides: readonly number[]): number {
  let span = 1;
  for (let d = 0; d < ls.length; d++) span += (ls[d]! - 1) * strides[d]!;
  return span;
}

/**
 * What the columns of a call hold, in terms that do not depend on which of the two layouts filled
 * them: the element at row (i, r...), column (j, c...) reads the lhs at dim rowsDim = i, dim
 * colsDim = j, and spatial dim d at r_d * rowCoef_d + c_d * colCoef_d - padLow_d (zero outside
 * [0, size_d)). A forward's columns [I*K, N*L] (rows: features and kernel offsets, columns: batch
 * and output positions, position o*stride + k*dilation - pad) and its weight gradient's transposed
 * columns [N'*L', I'*K'] (the same lhs with batch and features swapped: rows its features and the
 * kernel offsets, now output positions with stride = the forward's dilation; columns its batch and
 * the output positions, now kernel offsets with dilation = the forward's stride) describe the same
 * matrix, element for element, and get the same signature. null: groups or lhs dilation, which
 * this does not describe.
 */
function columnsSignature(
  a: ConvAttrs,
  ls: readonly number[],
  strides: readonly number[],
  inSp: number[],
  kSp: number[],
  outSp: number[],
  transposed: boolean,
): string | null {
  if (a.feature_group_count !== 1 || a.batch_group_count !== 1 || a.lhs_dilation.some((d) => d !== 1)) return null;
  const per = inSp.map((size, d) =>
    transposed
      ? [size, outSp[d]!, a.window_strides[d]!, kSp[d]!, a.rhs_dilation[d]!, a.padding[d]![0]]
      : [size, kSp[d]!, a.rhs_dilation[d]!, outSp[d]!, a.window_strides[d]!, a.padding[d]![0]],
  );
  const rowsDim = transposed ? a.lhs_spec[0] : a.lhs_spec[1],
    colsDim = transposed ? a.lhs_spec[1] : a.lhs_spec[0];
  return JSON.stringify([ls, strides, rowsDim, colsDim, a.lhs_spec.slice(2), per]);
}

/**
 * Columns kept in the fill module's slots 1..KEEP_SLOTS: a forward convolution's columns (filled
 * there in place of the scratch slot, so keeping them costs no copy), which its weight gradient's
 * convolution reads instead of filling the same matrix again, where the lhs still holds the same
 * bits (compared with the copy the forward filled from; a saved input changed in place, or a
 * runtime buffer reused for other data, fails it and fills).
 */
const kept: ({ sig: string; call: Im2colCall; used: number } | undefined)[] = [];
let keptClock = 0;

/** Kept columns a whole transposed-layout call reads instead of filling: the same signature and element type, the lhs's bits unchanged. */
function keptColumns(plan: ConvPlan, l: Strided, ls: readonly number[], dtype: DType, whole: boolean, n: number): Elements | null {
  const data = l.data;
  if (plan.sig === null || !plan.transposed || !whole || !(data instanceof Float32Array || data instanceof Float64Array)) return null;
  if (!im2colWasmEnabled() || l.strides.some((st) => st < 0)) return null;
  const sig = `${plan.sig}|${dtype.name}`;
  for (const k of kept)
    if (k && k.sig === sig && k.call.cols.length === n && k.call.inputEquals(data, l.offset, l.offset + lhsSpan(ls, l.strides))) {
      k.used = ++keptClock;
      im2colWasmStats.reused++;
      return k.call.cols as Elements;
    }
  return null;
}

/** The kept slot (1..KEEP_SLOTS) for a whole forward's columns: the one holding the same signature, else an empty one, else the least recently used. */
function keepSlot(sig: string, dtype: DType): number {
  const full = `${sig}|${dtype.name}`;
  for (let i = 0; i < KEEP_SLOTS; i++) if (kept[i]?.sig === full) return i + 1;
  for (let i = 0; i < KEEP_SLOTS; i++) if (!kept[i]) return i + 1;
  let best = 0;
  for (let i = 1; i < KEEP_SLOTS; i++) if (kept[i]!.used < kept[best]!.used) best = i;
  return best + 1;
}

/**
 * Columns per block where the product reads them from cache: a product with few output features
 * (6 and 16 in the CIFAR CNN) reads each column element a handful of times, so one over columns
 * of tens of MB ran at the memory's speed (conv1's forward at batch 64, 6 x 75 x 50176: 2.5 ms
 * on one thread against 0.46 ms as 64 products of 75 x 784 columns each, bench/results/issue11_cnn_s17.md).
 * 64 Ki elements (256 KiB of float32) stay within the L2 cache with the product's operands; 96 Ki
 * and 128 Ki gave the same step times (bench/conv_blocks_ab.ts).
 */
let cacheColumns = 1 << 16;
/**
 * Output features per group up to which the blocks (and the wide rows) are taken. With more, the
 * product does enough work per column element to be bound by arithmetic, not memory, and one
 * product over more columns (and the fill and OpenBLAS split across threads) can run faster: a
 * ResNet 512x512x3x3 layer at 7x7, batch 32, took 128 ms of CPU in blocks of one batch element
 * (products of 49 columns) against 89 ms whole (bench/results/issue11_cnn_s17.md). 32 and 64
 * features gained a little from blocks, a conservative bound keeps them whole.
 */
const MAX_BLOCKED_FEATURES = 16;
/** Tests: sets the block size (column elements) and returns the previous one, so that small calls take blocks too. */
export function setConvCacheColumns(n: number): number {
  const prev = cacheColumns;
  cacheColumns = n;
  return prev;
}
/** Calls that took more than one block of batch elements, or of lhs features; calls that took the wide rows. */
export const convBlockStats = { batchBlocks: 0, featureBlocks: 0, wideRows: 0 };
/** Whether float32/float64 forward-layout calls take the wide rows where they apply (tests and bench/conv_blocks_ab.ts turn them off). */
let wideRowsOn = true;
export function setConvWideRows(on: boolean): boolean {
  const prev = wideRowsOn;
  wideRowsOn = on;
  return prev;
}

/**
 * The blocks a call's columns are filled and multiplied in: nbBlock batch elements (of each group)
 * by iBlock lhs features. A forward layout ([T, I*K, N*L]) takes batch elements, as many as fit
 * cacheColumns (at least one); each block's product is the whole call's product restricted to
 * those output columns (the same sums, though OpenBLAS takes its small-matrix kernel, which rounds
 * differently, for some block sizes). The transposed layout (a weight gradient: the lhs features and the kernel
 * are the contraction) takes blocks of features where the columns exceed cacheColumns, with all
 * batch elements, for float32/float64 without groups: the blocks' products are summed, so the
 * contraction is summed in per-block parts (float rounding differs from one product over it).
 * Otherwise (more than MAX_BLOCKED_FEATURES output features per group, other element types,
 * groups), batch elements within COLUMN_BLOCK, as before.
 */
function blocks(
  transposed: boolean,
  dtype: DType,
  T: number,
  Og: number,
  I: number,
  K: number,
  L: number,
  Nb: number,
): { nbBlock: number; iBlock: number } {
  const CK = I * K;
  if (Og > MAX_BLOCKED_FEATURES) return { nbBlock: Math.max(1, Math.min(Nb, Math.floor(COLUMN_BLOCK / (T * CK * L)))), iBlock: I };
  if (!transposed) return { nbBlock: Math.max(1, Math.min(Nb, Math.floor(cacheColumns / (T * CK * L)))), iBlock: I };
  const perFeature = Nb * L * K;
  const float = dtype.name === "float32" || dtype.name === "float64";
  if (float && T === 1 && perFeature * I > cacheColumns && perFeature <= COLUMN_BLOCK)
    return { nbBlock: Nb, iBlock: Math.max(1, Math.floor(cacheColumns / perFeature)) };
  // A block of batch elements at a time, so the columns stay within COLUMN_BLOCK elements
  // (a ResNet stem's would otherwise take hundreds of MB).
  return { nbBlock: Math.max(1, Math.min(Nb, Math.floor(COLUMN_BLOCK / (T * CK * L)))), iBlock: I };
}

/** acc (fresh on the first block) += the block's product [rows, NL] (a strided view). */
function accumulate(acc: Float32Array | Float64Array | null, res: Strided, rows: number, NL: number): Float32Array | Float64Array {
  const d = res.data as Float32Array | Float64Array;
  const [, r1, r2] = res.strides as [number, number, number];
  const sum = acc ?? new (d.constructor as Float32ArrayConstructor)(rows * NL);
  // [T, Og] collapse to one dim of stride r1 (the product's result is dense in them)
  for (let r = 0; r < rows; r++) {
    const b = res.offset + r * r1,
      o = r * NL;
    if (acc) for (let p = 0; p < NL; p++) sum[o + p] = sum[o + p]! + d[b + p * r2]!;
    else for (let p = 0; p < NL; p++) sum[o + p] = d[b + p * r2]!;
  }
  return sum;
}

/**
 * The product's block [T, Og, nbn, L] into the output's layout: L consecutive elements at a time
 * where both sides hold them consecutively (the usual channels-first output, a dense product).
 */
function scatterBlock(
  out: HostArray,
  res: Strided,
  outOff: Int32Array | null,
  T: number,
  Og: number,
  nbn: number,
  L: number,
  oF: number,
  oN: number,
  nb0: number,
): void {
  if (!outOff && res.strides[2] === 1 && L >= MIN_BLOCK_COPY && res.data.constructor === out.constructor) {
    const [r0, r1] = res.strides as [number, number, number];
    for (let t = 0; t < T; t++)
      for (let oc = 0; oc < Og; oc++) {
        const fBase = (t * Og + oc) * oF,
          rBase = res.offset + t * r0 + oc * r1;
        for (let nb = 0; nb < nbn; nb++) copyBlock(out, fBase + (nb0 + nb) * oN, res.data, rBase + nb * L, L);
      }
    return;
  }
  const lp = loops(out as Elements);
  (outOff ? lp.scatter : lp.copy)(
    out as Elements,
    res.data as Elements,
    outOff ?? NO_OFFSETS,
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

    const lhsSpStr = a.lhs_spec.slice(2).map((d) => l!.strides[d]!);
    const rhsSpStr = a.rhs_spec.slice(2).map((d) => r!.strides[d]!);
    const key = `${ls}|${lhsSpStr}|${rs}|${rhsSpStr}|${os}|${a.window_strides}|${a.padding}|${a.lhs_dilation}|${a.rhs_dilation}|${a.lhs_spec}|${a.rhs_spec}|${a.out_spec}`;
    let plan = plans.get(key);
    if (!plan) {
      const outOff = offsets(
        outSp,
        a.out_spec.slice(2).map((d) => outStrides[d]!),
      );
      const n = inSp.length;
      const transposed = n > 0 && a.lhs_dilation[n - 1] === 1 && kSp[n - 1]! > outSp[n - 1]!;
      const runs = (transposed ? im2colRunsT : im2colRuns)(inSp, lhsSpStr, kSp, outSp, a);
      const kOff = offsets(kSp, rhsSpStr);
      plan = {
        runs,
        transposed,
        kOff,
        kRun: kOff.every((v, i) => v === i),
        outOff: outOff.every((v, i) => v === i) ? null : outOff,
        covers: transposed ? fillCovers(runs, L, K) : fillCovers(runs, K, L),
        wasm: {},
        sig: columnsSignature(a, ls, l!.strides, inSp, kSp, outSp, transposed),
        wide: null,
      };
      const geom = transposed ? null : wideGeometry(inSp, kSp, outSp, a, T);
      if (geom) {
        const wideRuns: Runs = { runDst: new Int32Array(K), runSrc: geom.runSrc, runLen: geom.runLen, step: 1, Lo: 1, donors: NO_DONORS };
        plan.wide = {
          geom,
          plan: { ...plan, runs: wideRuns, covers: fillCovers(wideRuns, K, geom.Lw), wasm: {}, sig: null, wide: null },
        };
      }
      if (planElements + planSize(plan) > PLAN_CACHE_ELEMENTS) {
        plans.clear();
        planElements = 0;
      }
      plans.set(key, plan);
      planElements += planSize(plan);
    }
    const { kOff, outOff, transposed } = plan;

    // weights [T, Og, I*K]
    const w = dtype.alloc(T * Og * CK);
    const rsrc = r!.data;
    const rO = r!.strides[a.rhs_spec[0]!]!,
      rI = r!.strides[a.rhs_spec[1]!]!;
    // a kernel whose spatial positions are consecutive (any row-major layout with the spatial dims
    // last, e.g. a weight gradient's cotangent [N, O, H, W] read as [O, N, H, W]) is copied K
    // elements at a time (a native copy: the element loop cost ~5 ns an element, ~1.6 ms for the
    // CNN's conv1 weight gradient at batch 64)
    if (plan.kRun && K >= MIN_BLOCK_COPY && w.constructor === rsrc.constructor)
      for (let f = 0; f < O; f++) for (let c = 0; c < I; c++) copyBlock(w, (f * I + c) * K, rsrc, r!.offset + f * rO + c * rI, K);
    else {
      const we = w as Elements,
        re = rsrc as Elements;
      for (let f = 0; f < O; f++)
        for (let c = 0; c < I; c++) {
          const base = r!.offset + f * rO + c * rI,
            dst = (f * I + c) * K;
          for (let kidx = 0; kidx < K; kidx++) we[dst + kidx] = re[base + kOff[kidx]!]!;
        }
    }
    const oN = outStrides[a.out_spec[0]!]!,
      oF = outStrides[a.out_spec[1]!]!;
    const av = (shape: number[]): AVal => ({ shape, dtype });
    // wide rows (conv_wide.ts): the columns read the zero-padded lhs along whole padded rows; fp's
    // runs are then one per kernel offset, over Lc = Lw positions
    const wide = wideRowsOn && Og <= MAX_BLOCKED_FEATURES && (dtype.name === "float32" || dtype.name === "float64") ? plan.wide : null;
    const fp = wide ? wide.plan : plan;
    const Lc = wide ? wide.geom.Lw : L;
    let lx: Strided = l!,
      lxShape: readonly number[] = ls;
    const sN0 = l!.strides[a.lhs_spec[0]!]!,
      sC0 = l!.strides[a.lhs_spec[1]!]!;
    // the fill's feature and batch strides: the lhs's, or the zero-padded copy's (wide rows)
    const sC = wide ? prod(wide.geom.P) : sC0,
      sN = wide ? I * sC : sN0;
    if (wide) convBlockStats.wideRows++;
    const { nbBlock, iBlock } = blocks(transposed, dtype, T, Og, I, K, Lc, Nb);
    if (nbBlock < Nb) convBlockStats.batchBlocks++;
    if (iBlock < I) convBlockStats.featureBlocks++;
    // the blocks in order: batch elements [nb0, nb0 + nbn), lhs features [i0, i0 + Ic)
    const list: Block[] = [];
    for (let nb0 = 0; nb0 < Nb; nb0 += nbBlock)
      for (let i0 = 0; i0 < I; i0 += iBlock) list.push({ nb0, nbn: Math.min(nbBlock, Nb - nb0), i0, Ic: Math.min(iBlock, I - i0) });
    // a weight gradient's blocks of lhs features are summed (in block order), then written out
    let acc: Float32Array | Float64Array | null = null;
    /** Writes block u's product [T, Og, nbn * Lc] (or sums it into acc) into the output. */
    const output = (u: number, res: Strided): void => {
      const { nb0, nbn, i0, Ic } = list[u]!;
      const NL = nbn * Lc;
      if (iBlock < I) {
        if (i0 === 0) acc = null;
        acc = accumulate(acc, res, T * Og, NL);
        if (i0 + Ic === I) scatterBlock(out, contiguous(acc as never, [T, Og, NL]), outOff, T, Og, nbn, L, oF, oN, nb0);
      } else if (wide) scatterWide(out, res, wide.geom, outOff, Og, nbn, oF, oN, nb0);
      else scatterBlock(out, res, outOff, T, Og, nbn, L, oF, oN, nb0);
    };
    const blockCols = T * Math.min(iBlock, I) * K * Math.min(nbBlock, Nb) * Lc;
    // cache-sized blocks of one group: filled and multiplied on the worker pool, each block by one thread
    if (poolBlocksOn && T === 1 && list.length > 1 && Og <= MAX_BLOCKED_FEATURES && blasPolicy.enabled && systemBlas()) {
      // wide rows: each block pads its own batch elements' planes there (the lhs copied in unpadded)
      const pad = wide ? { rows: paddedRows(inSp, lhsSpStr, a, wide.geom.P), plane: sC, sN: sN0, sC: sC0 } : null;
      if (poolBlocks(dtype, fp, l!, ls, w, list, blockCols, Og, CK, I, K, Lc, sC, sN, Nb, output, pad)) return [contiguous(out, os)];
    }
    if (wide) {
      const padded = paddedLhs(l!, sN0, sC0, lhsSpStr, inSp, a, N, I, wide.geom, dtype);
      lx = { data: padded, offset: 0, strides: [1] };
      lxShape = [padded.length];
    }
    const src = lx.data as Elements;
    // the WebAssembly fill's call, started at the first block (the lhs copied in once for all blocks)
    let wasm: { call: Im2colCall; wr: WasmRuns } | null | undefined;
    list.forEach(({ nb0, nbn, i0, Ic }, u) => {
      const NL = nbn * Lc,
        CKc = Ic * K;
      const whole = nbn === Nb && Ic === I;
      // columns [T, Ic*K, nbn*L] (or transposed): zeros where the window reads padding
      let cols = keptColumns(fp, lx, lxShape, dtype, whole, T * CKc * NL);
      if (!cols && wasm === undefined) {
        // a whole forward's columns go to a kept slot (the least recently used), the rest to the scratch one
        const keep = fp.sig !== null && !transposed && whole ? keepSlot(fp.sig, dtype) : 0;
        wasm = wasmStart(dtype, fp, lx, lxShape, K, Lc, blockCols, keep);
        if (wasm && keep > 0) kept[keep - 1] = { sig: `${fp.sig}|${dtype.name}`, call: wasm.call, used: ++keptClock };
      }
      if (!cols && wasm) {
        for (const n of wasmNests(fp, T, I, i0, Ic, K, Lc, nbn, sC, sN, B, nb0, Nb))
          wasm.call.fill(wasm.wr, n.src, n.cols, n.a, n.b, n.c, fp.runs.step);
        cols = wasm.call.cols.subarray(0, T * CKc * NL) as Elements;
      }
      if (!cols) {
        cols = columns(dtype, T * CKc * NL, fp.covers);
        const lc = loops(cols);
        // a block of features (T = 1 there, so group offsets do not enter) reads from feature i0 on
        (transposed ? lc.fillT : lc.fill)(
          cols,
          src,
          fp.runs.runDst,
          fp.runs.runSrc,
          fp.runs.runLen,
          fp.runs.step,
          fp.runs.Lo,
          T,
          Ic,
          K,
          Lc,
          nbn,
          CKc,
          NL,
          lx.offset + i0 * sC,
          sC,
          sN,
          B,
          nb0,
          Nb,
          fp.runs.donors.donor,
          fp.runs.donors.shift,
          fp.runs.donors.fixPtr,
          fp.runs.donors.fixPos,
          fp.runs.donors.fixSrc,
          cols instanceof BigInt64Array ? 0n : 0,
        );
      }
      const colShape = transposed ? [T, NL, CKc] : [T, CKc, NL];
      // the weights' columns of these features: [T, Og, Ic*K] read in place with row stride I*K
      const wv: Strided = { data: w as never, offset: i0 * K, strides: [Og * CK, CK, 1] };
      const [res] = dotKernels.dot_general!(
        [wv, contiguous(cols as never, colShape)],
        [av([T, Og, CKc]), av(colShape)],
        { lhs_batch: [0], rhs_batch: [0], lhs_contract: [2], rhs_contract: [transposed ? 2 : 1] },
        [av([T, Og, NL])],
      ) as [Strided];
      output(u, res);
    });
    return [contiguous(out, os)];
  },
};
