// Oracles for the cpu convolution's reused column buffer (packages/cpu/src/kernels/conv.ts: the
// fill must write every element it does not leave as padding zero) and for max pooling's fast
// loops (packages/cpu/src/kernels/pool_fast.ts).
// - convolution: random geometries (1-3 spatial dims, strides, positive and negative padding, lhs
//   and rhs dilation, feature and batch groups, batch 1, odd sizes, kernels larger than the output:
//   the transposed columns, permuted dimension numbers) on small integers, whole and split in
//   blocks of batch elements or (the transposed columns) of lhs features, where every product and
//   sum is exact in float32 and float64, against a direct float64 convolution, equal bit for bit;
//   the kept column buffer is filled with NaN before each call, so any element the fill leaves
//   stale shows.
// - reduce_window max / select_and_scatter: the fast loops (a row-major input; float32 in
//   WebAssembly, or in JavaScript with XLATORCH_WASM=off) against the general
//   kernel (the same values through a strided copy, which the fast path declines), bit for bit,
//   with NaN, ±0, ±Infinity and ties, float32 and float64, with and without an init operand.
import { describe, expect, it } from "vitest";
import { contiguousStrides, float32, float64, type ConvAttrs, type DType, type WindowAttrs } from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import { convBlockStats, poisonConvColumns, setConvCacheColumns } from "../packages/cpu/src/kernels/conv.js";
import { poolFastStats } from "../packages/cpu/src/kernels/pool_fast.js";
import { im2colWasmStats } from "../packages/cpu/src/wasm/im2col_module.js";
import { poolWasmStats } from "../packages/cpu/src/wasm/pool_module.js";
import { windowKernels } from "../packages/cpu/src/kernels/window.js";
import { withEnv } from "./harness/env";
import { convKernel, prod } from "./harness/conv";
import { rng } from "./harness/rng";

/** A random permutation of 0..n-1 (identity half the time). */
function perm(r: () => number, n: number): number[] {
  const p = [...Array(n).keys()];
  if (r() < 0.5) return p;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Logical [a, b, ...sp] laid out physically by spec (spec[0]: a's dim, spec[1]: b's, spec[2+i]: sp[i]'s). */
function physical(spec: number[], logical: number[]): number[] {
  const ps = new Array<number>(logical.length);
  spec.forEach((d, i) => (ps[d] = logical[i]!));
  return ps;
}
/** The physical offset of logical index idx under spec, with the physical shape's contiguous strides. */
function offsetOf(spec: number[], ps: number[]): (idx: number[]) => number {
  const st = contiguousStrides(ps),
    ls = spec.map((d) => st[d]!);
  return (idx) => {
    let acc = 0;
    for (let i = 0; i < idx.length; i++) acc += idx[i]! * ls[i]!;
    return acc;
  };
}

/** StableHLO convolution in float64, logical NCHW-style indices; x: (n, c, sp), w: (o, i, k). */
function directConv(
  x: (idx: number[]) => number,
  w: (idx: number[]) => number,
  N: number,
  inSp: number[],
  O: number,
  I: number,
  kSp: number[],
  outSp: number[],
  a: ConvAttrs,
): (idx: number[]) => number {
  const G = a.feature_group_count,
    B = a.batch_group_count,
    Nb = N / B;
  const s = inSp.length;
  return ([n, o, ...pos]) => {
    const g = G > 1 ? Math.floor(o! / (O / G)) : 0,
      bg = B > 1 ? Math.floor(o! / (O / B)) : 0;
    let acc = 0;
    const kidx = new Array<number>(s).fill(0);
    for (let k = 0; k < prod(kSp); k++) {
      let rem = k;
      for (let d = s - 1; d >= 0; d--) {
        kidx[d] = rem % kSp[d]!;
        rem = Math.floor(rem / kSp[d]!);
      }
      const q: number[] = [];
      let ok = true;
      for (let d = 0; d < s; d++) {
        const p = pos[d]! * a.window_strides[d]! + kidx[d]! * a.rhs_dilation[d]! - a.padding[d]![0];
        if (p < 0 || p % a.lhs_dilation[d]! !== 0 || p / a.lhs_dilation[d]! >= inSp[d]!) ok = false;
        q.push(p / a.lhs_dilation[d]!);
      }
      if (!ok) continue;
      for (let c = 0; c < I; c++) acc += x([bg * Nb + n!, g * I + c, ...q]) * w([o!, c, ...kidx]);
    }
    return acc;
  };
}

interface ConvCase {
  N: number;
  C: number;
  O: number;
  I: number;
  inSp: number[];
  kSp: number[];
  outSp: number[];
  a: ConvAttrs;
}

function randomCase(r: () => number): ConvCase | null {
  const ri = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const s = r() < 0.2 ? 1 : r() < 0.85 ? 2 : 3;
  const G = r() < 0.25 ? ri(2, 3) : 1,
    B = G === 1 && r() < 0.25 ? ri(2, 3) : 1;
  const Nb = r() < 0.3 ? 1 : ri(1, 3),
    N = Nb * B,
    I = ri(1, 3),
    C = I * G,
    O = G * B * ri(1, 3);
  const big = r() < 0.3; // kernel larger than the output: a weight gradient's shape, the transposed columns
  const inSp: number[] = [],
    kSp: number[] = [],
    outSp: number[] = [];
  const a: ConvAttrs = {
    window_strides: [],
    padding: [],
    lhs_dilation: [],
    rhs_dilation: [],
    feature_group_count: G,
    batch_group_count: B,
    lhs_spec: perm(r, s + 2),
    rhs_spec: perm(r, s + 2),
    out_spec: perm(r, s + 2),
  };
  for (let d = 0; d < s; d++) {
    const n = ri(1, s === 3 ? 5 : 9);
    const ld = r() < 0.2 ? 2 : 1,
      rd = r() < 0.2 ? 2 : 1,
      st = r() < 0.3 ? ri(2, 3) : 1;
    const lo = ri(-1, 3),
      hi = ri(-1, 3);
    const span = (n - 1) * ld + 1 + lo + hi;
    const k = big ? Math.max(1, Math.floor((span - 1) / rd) + 1 - ri(0, 2)) : ri(1, 4);
    const o = Math.floor((span - ((k - 1) * rd + 1)) / st) + 1;
    if (span < 1 || o < 1) return null;
    inSp.push(n);
    kSp.push(k);
    outSp.push(o);
    a.window_strides.push(st);
    a.padding.push([lo, hi]);
    a.lhs_dilation.push(ld);
    a.rhs_dilation.push(rd);
  }
  return { N, C, O, I, inSp, kSp, outSp, a };
}

/**
 * Geometries where the wide rows apply (packages/cpu/src/kernels/conv_wide.ts): no groups, window
 * stride 1, no lhs dilation, padding >= 0, 2-3 spatial dims; rhs dilation, layouts, batch 1 random.
 */
function wideCase(r: () => number): ConvCase | null {
  const ri = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const s = r() < 0.8 ? 2 : 3;
  const N = ri(1, 3),
    I = ri(1, 3),
    O = ri(1, 4);
  const inSp: number[] = [],
    kSp: number[] = [],
    outSp: number[] = [];
  const a: ConvAttrs = {
    window_strides: [],
    padding: [],
    lhs_dilation: [],
    rhs_dilation: [],
    feature_group_count: 1,
    batch_group_count: 1,
    lhs_spec: perm(r, s + 2),
    rhs_spec: perm(r, s + 2),
    out_spec: perm(r, s + 2),
  };
  for (let d = 0; d < s; d++) {
    const n = ri(3, s === 3 ? 7 : 12);
    const rd = r() < 0.2 ? 2 : 1;
    const pad = ri(0, 2);
    const k = ri(1, 3);
    const o = n + 2 * pad - ((k - 1) * rd + 1) + 1;
    if (o < 1) return null;
    inSp.push(n);
    kSp.push(k);
    outSp.push(o);
    a.window_strides.push(1);
    a.padding.push([pad, pad]);
    a.lhs_dilation.push(1);
    a.rhs_dilation.push(rd);
  }
  return { N, C: I, O, I, inSp, kSp, outSp, a };
}

function checkConv(c: ConvCase, dtype: DType, r: () => number): void {
  const { N, C, O, I, inSp, kSp, outSp, a } = c;
  const xl = [N, C, ...inSp],
    wl = [O, I, ...kSp],
    ol = [N / a.batch_group_count, O, ...outSp];
  const xs = physical(a.lhs_spec, xl),
    ws = physical(a.rhs_spec, wl),
    os = physical(a.out_spec, ol);
  // small integers: every product and sum below is exact in float32
  const xd = dtype.alloc(prod(xs)) as Float32Array,
    wd = dtype.alloc(prod(ws)) as Float32Array;
  for (let i = 0; i < xd.length; i++) xd[i] = Math.floor(r() * 7) - 3;
  for (let i = 0; i < wd.length; i++) wd[i] = Math.floor(r() * 7) - 3;
  const xo = offsetOf(a.lhs_spec, xs),
    wo = offsetOf(a.rhs_spec, ws),
    oo = offsetOf(a.out_spec, os);
  const ref = directConv(
    (idx) => xd[xo(idx)]!,
    (idx) => wd[wo(idx)]!,
    N,
    inSp,
    O,
    I,
    kSp,
    outSp,
    a,
  );
  poisonConvColumns(Number.NaN);
  const got = convKernel(xd, xs, wd, ws, os, a, dtype);
  const want = new Float64Array(prod(os));
  const idx = new Array<number>(ol.length).fill(0);
  for (let p = 0; p < want.length; p++) {
    want[oo(idx)] = ref(idx);
    for (let d = ol.length - 1; d >= 0 && ++idx[d]! === ol[d]!; d--) idx[d] = 0;
  }
  expect(Array.from(got), JSON.stringify({ xs, ws, os, a })).toEqual(Array.from(want));
}

/** Runs f with the column fill in WebAssembly ("wasm") or in the JavaScript loops (XLATORCH_WASM=off). */
function withFill(mode: "wasm" | "js", f: () => void): void {
  const before = im2colWasmStats.calls;
  withEnv("XLATORCH_WASM", mode === "js" ? "off" : undefined, f);
  if (mode === "js") expect(im2colWasmStats.calls).toBe(before);
  else expect(im2colWasmStats.calls).toBeGreaterThan(before);
}

describe.each(["wasm", "js"] as const)("convolution, column fill in %s = a direct convolution", (mode) => {
  it("random geometries, float32 and float64, stale columns poisoned", () =>
    withFill(mode, () => {
      const r = rng(7);
      let checked = 0,
        transposedLike = 0;
      const wide0 = convBlockStats.wideRows;
      while (checked < 300) {
        const c = randomCase(r);
        if (!c) continue;
        if (c.kSp.at(-1)! > c.outSp.at(-1)! && c.a.lhs_dilation.at(-1) === 1) transposedLike++;
        checkConv(c, checked % 2 ? float64 : float32, r);
        checked++;
      }
      expect(transposedLike).toBeGreaterThan(30);
      expect(convBlockStats.wideRows - wide0).toBeGreaterThan(0);
    }));

  it("wide rows: padded stride-1 geometries, whole and in blocks", () =>
    withFill(mode, () => {
      const r = rng(23);
      const wide0 = convBlockStats.wideRows;
      let checked = 0;
      while (checked < 200) {
        const c = wideCase(r);
        if (!c) continue;
        const prev = setConvCacheColumns([1 << 16, 1, 50][checked % 3]!);
        try {
          checkConv(c, checked % 2 ? float64 : float32, r);
        } finally {
          setConvCacheColumns(prev);
        }
        checked++;
      }
      // the rest have wide rows more than 1.5 times the output's (small outputs, wide padding)
      expect(convBlockStats.wideRows - wide0).toBeGreaterThan(100);
    }));

  it("random geometries in blocks of a few columns (batch elements, lhs features summed)", () =>
    withFill(mode, () => {
      const r = rng(19);
      const blocks0 = { ...convBlockStats };
      let checked = 0;
      while (checked < 200) {
        const c = randomCase(r);
        if (!c) continue;
        // from one column per block (every call split as far as it goes) to a few hundred
        const prev = setConvCacheColumns([1, 16, 60, 300][checked % 4]!);
        try {
          checkConv(c, checked % 2 ? float64 : float32, r);
        } finally {
          setConvCacheColumns(prev);
        }
        checked++;
      }
      expect(convBlockStats.batchBlocks - blocks0.batchBlocks).toBeGreaterThan(30);
      expect(convBlockStats.featureBlocks - blocks0.featureBlocks).toBeGreaterThan(10);
    }));

  it("the CNN's five calls (forward, input gradient, weight gradients), batch 1 (and 2)", () =>
    withFill(mode, () => {
      const r = rng(11);
      const nchw = [0, 1, 2, 3],
        swapped = [1, 0, 2, 3];
      const at = (padding: number, lhs: number[], rhs: number[], out: number[]): ConvAttrs => ({
        window_strides: [1, 1],
        padding: [
          [padding, padding],
          [padding, padding],
        ],
        lhs_dilation: [1, 1],
        rhs_dilation: [1, 1],
        feature_group_count: 1,
        batch_group_count: 1,
        lhs_spec: lhs,
        rhs_spec: rhs,
        out_spec: out,
      });
      for (const n of mode === "wasm" ? [1, 2] : [1])
        for (const dtype of [float32, float64]) {
          // conv1 forward [n,3,32,32] x [6,3,5,5]; conv2's input gradient (padding 4, rhs O/I swapped)
          checkConv({ N: n, C: 3, O: 6, I: 3, inSp: [32, 32], kSp: [5, 5], outSp: [28, 28], a: at(0, nchw, nchw, nchw) }, dtype, r);
          checkConv({ N: n, C: 16, O: 6, I: 16, inSp: [10, 10], kSp: [5, 5], outSp: [14, 14], a: at(4, nchw, swapped, nchw) }, dtype, r);
          // the weight gradients: batch as features, the output gradient as the kernel
          checkConv(
            { N: 3, C: n, O: 6, I: n, inSp: [32, 32], kSp: [28, 28], outSp: [5, 5], a: at(0, swapped, swapped, swapped) },
            dtype,
            r,
          );
          checkConv(
            { N: 6, C: n, O: 16, I: n, inSp: [14, 14], kSp: [10, 10], outSp: [5, 5], a: at(0, swapped, swapped, swapped) },
            dtype,
            r,
          );
        }
    }));
});

// ---- max pooling

const SPECIAL = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** The same logical values with every stride doubled: not row-major, so the general kernel takes it. */
function strided(data: Float32Array | Float64Array, shape: number[]): Strided {
  const out = new (data.constructor as Float64ArrayConstructor)(Math.max(1, 2 * data.length));
  for (let i = 0; i < data.length; i++) out[2 * i] = data[i]!;
  return { data: out, offset: 0, strides: contiguousStrides(shape).map((s) => 2 * s) };
}
const scalar = (dtype: DType, v: number): Strided => {
  const d = dtype.alloc(1) as Float32Array;
  d[0] = v;
  return { data: d, offset: 0, strides: [] };
};
function bitsEqual(a: Strided, b: Strided, n: number, what: string): void {
  const x = a.data as Float64Array,
    y = b.data as Float64Array;
  for (let i = 0; i < n; i++) {
    const u = x[a.offset + i]!,
      v = y[b.offset + i]!;
    if (!(Object.is(u, v) || (u !== u && v !== v))) expect(`${what} [${i}]: ${u}`).toBe(`${v}`);
  }
}

describe.each(["wasm", "js"] as const)("max pooling's fast loops (float32 in %s) = the general window kernels", (mode) => {
  it("random shapes, windows, strides, values with NaN/±0/±Inf and ties", () => {
    const saved = process.env.XLATORCH_WASM;
    if (mode === "js") process.env.XLATORCH_WASM = "off";
    else delete process.env.XLATORCH_WASM;
    const wasmBefore = { ...poolWasmStats };
    const r = rng(5);
    const ri = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const before = { ...poolFastStats };
    let cases = 0;
    while (cases < 400) {
      const rank = ri(1, 4),
        dtype = r() < 0.5 ? float32 : float64;
      const shape = Array.from({ length: rank }, () => ri(1, 7));
      const win = shape.map((n, d) => (d >= rank - 2 ? ri(1, Math.min(3, n)) : 1));
      const st = win.map((k, d) => (d >= rank - 2 ? (r() < 0.6 ? k : ri(1, 3)) : 1));
      const w: WindowAttrs = {
        window_dimensions: win,
        window_strides: st,
        base_dilations: shape.map(() => 1),
        window_dilations: shape.map(() => 1),
        padding: shape.map(() => [0, 0] as [number, number]),
      };
      const outShape = shape.map((n, d) => Math.floor((n - win[d]!) / st[d]!) + 1);
      const xd = dtype.alloc(prod(shape)) as Float64Array;
      // ties (a few distinct integers) and, sometimes, special values
      for (let i = 0; i < xd.length; i++) xd[i] = r() < 0.1 ? SPECIAL[ri(0, 4)]! : ri(-3, 3) + (dtype === float32 ? 0.5 : 0.25);
      const x: Strided = { data: xd, offset: 0, strides: contiguousStrides(shape) };
      const init = r() < 0.3 ? scalar(dtype, [-Infinity, 0.5, -0, 1][ri(0, 3)]!) : undefined;
      const ins = (v: Strided) => (init ? [v, init] : [v]);
      const av = [{ shape, dtype }];
      const [fast] = windowKernels.reduce_window!(ins(x), av, { ...w, op: "max" }, [{ shape: outShape, dtype }]) as [Strided];
      const [slow] = windowKernels.reduce_window!(ins(strided(xd, shape)), av, { ...w, op: "max" }, [{ shape: outShape, dtype }]) as [
        Strided,
      ];
      bitsEqual(fast, slow, prod(outShape), `reduce_window ${JSON.stringify({ shape, w })}`);

      const sd = dtype.alloc(prod(outShape)) as Float64Array;
      for (let i = 0; i < sd.length; i++) sd[i] = r() < 0.1 ? SPECIAL[ri(1, 2)]! : r() * 4 - 2;
      const src: Strided = { data: sd, offset: 0, strides: contiguousStrides(outShape) };
      const sinit = r() < 0.3 ? scalar(dtype, [0, -0, 1.25][ri(0, 2)]!) : undefined;
      const sins = (a: Strided, b: Strided) => (sinit ? [a, b, sinit] : [a, b]);
      const sav = [
        { shape, dtype },
        { shape: outShape, dtype },
      ];
      const [bf] = windowKernels.select_and_scatter!(sins(x, src), sav, w, [{ shape, dtype }]) as [Strided];
      const [bs] = windowKernels.select_and_scatter!(sins(strided(xd, shape), strided(sd, outShape)), sav, w, [{ shape, dtype }]) as [
        Strided,
      ];
      bitsEqual(bf, bs, prod(shape), `select_and_scatter ${JSON.stringify({ shape, w })}`);
      cases++;
    }
    // the fast loops did run (and declined overlapping windows' scatter and the strided copies)
    expect(poolFastStats.forward - before.forward).toBeGreaterThan(300);
    expect(poolFastStats.backward - before.backward).toBeGreaterThan(150);
    if (saved === undefined) delete process.env.XLATORCH_WASM;
    else process.env.XLATORCH_WASM = saved;
    if (mode === "js") expect(poolWasmStats).toEqual(wasmBefore);
    else {
      expect(poolWasmStats.forward - wasmBefore.forward).toBeGreaterThan(100);
      expect(poolWasmStats.backward - wasmBefore.backward).toBeGreaterThan(50);
    }
  });
});
