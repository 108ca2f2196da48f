// A forward convolution's columns, kept in the fill module (packages/cpu/src/kernels/conv.ts,
// keptColumns), are read by its weight gradient's convolution instead of filling the same matrix
// again: the result is bit for bit the one a fresh fill gives; the reuse happens only where the
// lhs still holds the same bits (an lhs changed in place between the two calls is filled again),
// and only for calls whose columns are the same matrix (the signature: layout, strides, padding,
// strides and dilations SWAPPED as the weight gradient swaps them). Columns are kept only where a
// call's columns fit one block (conv.ts, blocks) and its rows are not wide (conv_wide.ts): the cases run
// with blocks large enough and no wide rows, and a
// last test checks that blocked calls read none.
import { describe, expect, it } from "vitest";
import { float32, float64, type ConvAttrs } from "@xlatorch/core";
import { convBlockStats, poisonConvColumns, setConvCacheColumns, setConvWideRows } from "../packages/cpu/src/kernels/conv.js";
import { im2colWasmStats } from "../packages/cpu/src/wasm/im2col_module.js";
import { convKernel, prod, SWAPPED } from "./harness/conv";
import { rng } from "./harness/rng";

const nchw = [0, 1, 2, 3];
const dims = (n: number) => [0, 1, ...Array.from({ length: n }, (_, i) => i + 2)];

const bitsOf = (v: Float32Array) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));

/** [N, C, spatial in, O, kernel, stride, rhs dilation, padding lo/hi] */
const CASES: [number, number, number[], number, number[], number[], number[], [number, number][]][] = [
  // the CNN's two convolutions at batch 2
  [
    2,
    3,
    [32, 32],
    6,
    [5, 5],
    [1, 1],
    [1, 1],
    [
      [0, 0],
      [0, 0],
    ],
  ],
  [
    2,
    6,
    [14, 14],
    16,
    [5, 5],
    [1, 1],
    [1, 1],
    [
      [0, 0],
      [0, 0],
    ],
  ],
  // padding, strides, dilation
  [
    3,
    4,
    [13, 11],
    5,
    [3, 3],
    [2, 1],
    [1, 2],
    [
      [1, 1],
      [2, 0],
    ],
  ],
  // 1-d
  [2, 3, [40], 4, [5], [3], [1], [[2, 2]]],
];

/** f with every call's columns in one block (none of these cases is then split) and without wide rows (which keep none). */
function unblocked<T>(f: () => T): T {
  const prev = setConvCacheColumns(1 << 23),
    wide = setConvWideRows(false);
  try {
    return f();
  } finally {
    setConvCacheColumns(prev);
    setConvWideRows(wide);
  }
}

describe("convolution: a forward's kept columns read by its weight gradient", () => {
  it.each([float32, float64])("%s: the same bits as a fresh fill, reused only while the lhs is unchanged", (dtype) =>
    unblocked(() => {
      CASES.forEach(([N, C, inSp, O, kSp, st, dil, pad], i) => {
        const r = rng(i + 7);
        const n = inSp.length;
        const outSp = inSp.map((s, d) => Math.floor((s + pad[d]![0] + pad[d]![1] - (dil[d]! * (kSp[d]! - 1) + 1)) / st[d]!) + 1);
        const xs = [N, C, ...inSp],
          ws = [O, C, ...kSp],
          os = [N, O, ...outSp];
        const x = dtype.alloc(prod(xs)) as Float32Array,
          w = dtype.alloc(prod(ws)) as Float32Array,
          g = dtype.alloc(prod(os)) as Float32Array;
        for (const v of [x, w, g]) for (let j = 0; j < v.length; j++) v[j] = r() * 2 - 1;
        const fwd: ConvAttrs = {
          window_strides: st,
          padding: pad,
          lhs_dilation: inSp.map(() => 1),
          rhs_dilation: dil,
          feature_group_count: 1,
          batch_group_count: 1,
          lhs_spec: dims(n),
          rhs_spec: dims(n),
          out_spec: dims(n),
        };
        // the weight gradient as the convolution's VJP makes it (vjps_window.ts, convRhsGrad)
        const sw = n === 2 ? SWAPPED : [1, 0, 2];
        const wgrad: ConvAttrs = {
          window_strides: dil,
          padding: inSp.map((s, d) => [pad[d]![0], (outSp[d]! - 1) * st[d]! + 1 - s + (dil[d]! * (kSp[d]! - 1) + 1 - pad[d]![0] - 1)]),
          lhs_dilation: inSp.map(() => 1),
          rhs_dilation: st,
          feature_group_count: 1,
          batch_group_count: 1,
          lhs_spec: sw,
          rhs_spec: sw,
          out_spec: sw,
        };
        const wgShape = [O, C, ...kSp];
        // fresh: no kept columns
        poisonConvColumns(Number.NaN);
        const fresh = convKernel(x, xs, g, os, wgShape, wgrad, dtype);
        // forward, then the weight gradient reading its columns
        convKernel(x, xs, w, ws, os, fwd, dtype);
        const before = im2colWasmStats.reused;
        const reused = convKernel(x, xs, g, os, wgShape, wgrad, dtype);
        const transposedLayout = kSp[n - 1]! < outSp[n - 1]!;
        if (transposedLayout) expect(im2colWasmStats.reused - before, `case ${i}`).toBe(1);
        expect(bitsOf(reused), `case ${i}`).toEqual(bitsOf(fresh));
        // the lhs changed in place after the forward: filled again, the new values' result
        convKernel(x, xs, w, ws, os, fwd, dtype);
        x[0] = x[0]! + 1;
        const after = im2colWasmStats.reused;
        const changed = convKernel(x, xs, g, os, wgShape, wgrad, dtype);
        expect(im2colWasmStats.reused).toBe(after);
        poisonConvColumns(Number.NaN);
        expect(bitsOf(changed), `case ${i}`).toEqual(bitsOf(convKernel(x, xs, g, os, wgShape, wgrad, dtype)));
        expect(bitsOf(changed)).not.toEqual(bitsOf(fresh));
      });
    }),
  );
  it("a weight gradient of other windows with the same sizes does not read them", () =>
    unblocked(() => {
      const xs = [2, 3, 12, 12];
      const r = rng(3);
      const x = new Float32Array(prod(xs)).map(() => r() - 0.5);
      const a = (lo: number, hi: number, spec: number[]): ConvAttrs => ({
        window_strides: [1, 1],
        padding: [
          [lo, hi],
          [lo, hi],
        ],
        lhs_dilation: [1, 1],
        rhs_dilation: [1, 1],
        feature_group_count: 1,
        batch_group_count: 1,
        lhs_spec: spec,
        rhs_spec: spec,
        out_spec: spec,
      });
      // forward: padding 1, 3x3 kernel, 12x12 out; its weight gradient would have padding [1, 1]
      const w = new Float32Array(4 * 3 * 9).map(() => r() - 0.5);
      convKernel(x, xs, w, [4, 3, 3, 3], [2, 4, 12, 12], a(1, 1, nchw), float32);
      const g = new Float32Array(2 * 4 * 12 * 12).map(() => r() - 0.5);
      // padding [0, 2]: the same sizes (a 3x3 result), windows shifted by one
      const before = im2colWasmStats.reused;
      const got = convKernel(x, xs, g, [2, 4, 12, 12], [4, 3, 3, 3], a(0, 2, SWAPPED), float32);
      expect(im2colWasmStats.reused).toBe(before);
      poisonConvColumns(Number.NaN);
      expect(bitsOf(got)).toEqual(bitsOf(convKernel(x, xs, g, [2, 4, 12, 12], [4, 3, 3, 3], a(0, 2, SWAPPED), float32)));
      // and its own weight gradient does
      convKernel(x, xs, w, [4, 3, 3, 3], [2, 4, 12, 12], a(1, 1, nchw), float32);
      const own = convKernel(x, xs, g, [2, 4, 12, 12], [4, 3, 3, 3], a(1, 1, SWAPPED), float32);
      expect(im2colWasmStats.reused).toBe(before + 1);
      poisonConvColumns(Number.NaN);
      expect(bitsOf(own)).toEqual(bitsOf(convKernel(x, xs, g, [2, 4, 12, 12], [4, 3, 3, 3], a(1, 1, SWAPPED), float32)));
    }));

  it("calls split in blocks read no kept columns (and the blocked weight gradient is the same sum)", () => {
    // the CNN's conv1 at batch 4: 75 x 3136 columns, more than one block at the default size
    const xs = [4, 3, 32, 32],
      ws = [6, 3, 5, 5],
      os = [4, 6, 28, 28];
    const r = rng(5);
    const x = new Float32Array(prod(xs)).map(() => r() - 0.5),
      w = new Float32Array(prod(ws)).map(() => r() - 0.5),
      g = new Float32Array(prod(os)).map(() => r() - 0.5);
    const a = (spec: number[]): ConvAttrs => ({
      window_strides: [1, 1],
      padding: [
        [0, 0],
        [0, 0],
      ],
      lhs_dilation: [1, 1],
      rhs_dilation: [1, 1],
      feature_group_count: 1,
      batch_group_count: 1,
      lhs_spec: spec,
      rhs_spec: spec,
      out_spec: spec,
    });
    const blocks0 = { ...convBlockStats };
    convKernel(x, xs, w, ws, os, a(nchw), float32);
    const before = im2colWasmStats.reused;
    const blocked = convKernel(x, xs, g, os, ws, a(SWAPPED), float32);
    expect(im2colWasmStats.reused).toBe(before);
    expect(convBlockStats.batchBlocks).toBe(blocks0.batchBlocks + 1);
    expect(convBlockStats.featureBlocks).toBe(blocks0.featureBlocks + 1);
    // one product over the whole contraction (4 x 784 terms): equal up to float32 rounding of the sums
    const whole = unblocked(() => convKernel(x, xs, g, os, ws, a(SWAPPED), float32));
    expect(convBlockStats.featureBlocks).toBe(blocks0.featureBlocks + 1);
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(blocked[i]! - whole[i]!));
    expect(worst).toBeLessThan(1e-4);
  });
});
