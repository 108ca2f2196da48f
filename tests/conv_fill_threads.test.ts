// The convolution's column fill split across the worker pool (packages/cpu/src/wasm/im2col_module.ts:
// tasks of whole run-table rows) gives the same result, bit for bit, as the fill on one thread:
// the CNN's five calls (forward, input gradient with padding, the transposed weight-gradient
// columns) and grouped / strided / dilated ones, float32 and float64, random values (not small
// integers, so any column element out of place shows in the products), the kept memory poisoned
// with NaN before each call. XLATORCH_WASM=always splits every fill of two rows or more.
import { afterAll, describe, expect, it } from "vitest";
import { float32, float64, type ConvAttrs } from "@xlatorch/core";
import { im2colWasmStats } from "../packages/cpu/src/wasm/im2col_module.js";
import { numThreads, setNumThreads } from "../packages/cpu/src/wasm/threads.js";
import { withWasm } from "./harness/env";
import { convAttrs, p2, prod, randomConv, SWAPPED } from "./harness/conv";

/** [lhs shape, rhs shape, out shape, attributes] (shapes as the arrays hold them) */
const CASES: [number[], number[], number[], ConvAttrs][] = [
  // the CNN at batch 4: conv1 forward, conv2 forward, conv2's input gradient, the two weight gradients
  [[4, 3, 32, 32], [6, 3, 5, 5], [4, 6, 28, 28], convAttrs({ padding: p2(0) })],
  [[4, 6, 14, 14], [16, 6, 5, 5], [4, 16, 10, 10], convAttrs({ padding: p2(0) })],
  [[4, 16, 10, 10], [16, 6, 5, 5], [4, 6, 14, 14], convAttrs({ padding: p2(4), rhs_spec: SWAPPED })],
  [[4, 3, 32, 32], [4, 6, 28, 28], [6, 3, 5, 5], convAttrs({ padding: p2(0), lhs_spec: SWAPPED, rhs_spec: SWAPPED, out_spec: SWAPPED })],
  [[4, 6, 14, 14], [4, 16, 10, 10], [16, 6, 5, 5], convAttrs({ padding: p2(0), lhs_spec: SWAPPED, rhs_spec: SWAPPED, out_spec: SWAPPED })],
  // feature groups, strides, rhs dilation, uneven padding
  [[2, 8, 17, 13], [12, 2, 3, 3], [2, 12, 8, 7], convAttrs({ padding: p2(1, 0), window_strides: [2, 2], feature_group_count: 4 })],
  [[3, 5, 12, 12], [7, 5, 3, 3], [3, 7, 10, 10], convAttrs({ padding: p2(1), rhs_dilation: [2, 2] })],
  // a 1-d convolution with lhs dilation (a transposed convolution) and batch groups
  [[4, 3, 20], [6, 3, 4], [2, 6, 41], { ...convAttrs({ padding: [[2, 1]] }), lhs_dilation: [2], batch_group_count: 2 }],
];

describe("convolution: the column fill split across threads = one thread, bit for bit", () => {
  const saved = numThreads();
  afterAll(() => setNumThreads(saved));
  it.each([float32, float64])("%s", (dtype) =>
    withWasm("always", () => {
      const before = im2colWasmStats.split;
      CASES.forEach(([lhs, rhs, out, a], i) => {
        setNumThreads(1);
        const one = randomConv(lhs, rhs, out, a, dtype, i + 1);
        setNumThreads(3);
        const split = randomConv(lhs, rhs, out, a, dtype, i + 1);
        expect(split.length).toBe(prod(out));
        const bits = (v: Float32Array | Float64Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        const differ = bits(one).findIndex((b, j) => b !== bits(split)[j]);
        expect(differ, `case ${i} (${JSON.stringify({ lhs, rhs })})`).toBe(-1);
        expect(Number.isNaN(one[0])).toBe(false);
      });
      expect(im2colWasmStats.split - before).toBeGreaterThanOrEqual(CASES.length);
    }),
  );
});
