// The convolution's cache-sized blocks on the worker pool (packages/cpu/src/kernels/conv.ts
// poolBlocks: each block filled and multiplied by the system BLAS on whichever thread claims it)
// give the result of the blocks on the calling thread alone, bit for bit, with 1, 2 and 3 threads:
// the CNN's five calls at batch 4 (forward, input gradient with padding 4, the transposed
// weight-gradient columns in blocks of lhs features), stride, rhs dilation, uneven padding, a 1-d
// convolution, float32 and float64, random values (any column or product out of place shows), blocks
// of a few hundred column elements so every call has several; and which calls the pool takes: not
// groups, a batch-1 forward or any single block, empty outputs, or a product with a dimension of 1
// (one output feature); a strided, padded forward against a direct convolution. Without a system BLAS (the
// blas-off setting), or with a BLAS other than OpenBLAS, the pool takes nothing and the results are
// the same.
import { afterAll, describe, expect, it } from "vitest";
import { float32, float64, type ConvAttrs } from "@xlatorch/core";
import { systemBlas } from "../packages/cpu/src/blas.js";
import { setConvCacheColumns, setConvPoolBlocks } from "../packages/cpu/src/kernels/conv.js";
import { im2colWasmStats } from "../packages/cpu/src/wasm/im2col_module.js";
import { numThreads, setNumThreads, threadStats } from "../packages/cpu/src/wasm/threads.js";
import { convAttrs, convKernel, p2, prod, randomConv, SWAPPED } from "./harness/conv";
import { rng } from "./harness/rng";

/** [lhs shape, rhs shape, out shape, attributes, whether the pool takes it] (shapes as the arrays hold them) */
const CASES: [number[], number[], number[], ConvAttrs, boolean][] = [
  // the CNN at batch 4: conv1 forward, conv2 forward, conv2's input gradient, the two weight gradients
  [[4, 3, 32, 32], [6, 3, 5, 5], [4, 6, 28, 28], convAttrs({ padding: p2(0) }), true],
  [[4, 6, 14, 14], [16, 6, 5, 5], [4, 16, 10, 10], convAttrs({ padding: p2(0) }), true],
  [[4, 16, 10, 10], [16, 6, 5, 5], [4, 6, 14, 14], convAttrs({ padding: p2(4), rhs_spec: SWAPPED }), true],
  [
    [4, 3, 32, 32],
    [4, 6, 28, 28],
    [6, 3, 5, 5],
    convAttrs({ padding: p2(0), lhs_spec: SWAPPED, rhs_spec: SWAPPED, out_spec: SWAPPED }),
    true,
  ],
  [
    [4, 6, 14, 14],
    [4, 16, 10, 10],
    [16, 6, 5, 5],
    convAttrs({ padding: p2(0), lhs_spec: SWAPPED, rhs_spec: SWAPPED, out_spec: SWAPPED }),
    true,
  ],
  // stride 2 with uneven padding, rhs dilation, a 1-d convolution
  [[3, 4, 17, 13], [5, 4, 3, 3], [3, 5, 8, 6], convAttrs({ padding: p2(1, 0), window_strides: [2, 2] }), true],
  [[3, 5, 12, 12], [7, 5, 3, 3], [3, 7, 10, 10], convAttrs({ padding: p2(1), rhs_dilation: [2, 2] }), true],

  [[5, 3, 40], [6, 3, 4], [5, 6, 39], convAttrs({ padding: [[1, 1]] }), true],
  // not taken: batch 1 of a forward (one block: its columns are the whole call's), feature groups,
  // one output feature, an empty batch
  [[1, 3, 20, 20], [4, 3, 3, 3], [1, 4, 18, 18], convAttrs({ padding: p2(0) }), false],
  [[2, 8, 17, 13], [12, 2, 3, 3], [2, 12, 8, 7], convAttrs({ padding: p2(1, 0), window_strides: [2, 2], feature_group_count: 4 }), false],
  [[3, 4, 12, 12], [1, 4, 3, 3], [3, 1, 10, 10], convAttrs({ padding: p2(0) }), false],
  [[0, 3, 12, 12], [4, 3, 3, 3], [0, 4, 10, 10], convAttrs({ padding: p2(0) }), false],
];

const bits = (v: Float32Array | Float64Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

describe("convolution: cache-sized blocks on the worker pool = on the calling thread, bit for bit", () => {
  const threads = numThreads();
  const columns = setConvCacheColumns(1 << 16);
  setConvCacheColumns(columns);
  afterAll(() => {
    setNumThreads(threads);
    setConvCacheColumns(columns);
    setConvPoolBlocks(true);
  });
  // the pool takes blocks where OpenBLAS multiplies them (im2col_module.ts blockFamily)
  const blas = systemBlas()?.vendor === "OpenBLAS";
  it.each([float32, float64])("%s, 1, 2 and 3 threads", (dtype) => {
    CASES.forEach(([lhs, rhs, out, a, taken], i) => {
      // a few hundred column elements a block: several blocks in every call
      setConvCacheColumns(300);
      setConvPoolBlocks(false);
      const before = im2colWasmStats.pooled;
      const one = randomConv(lhs, rhs, out, a, dtype, i + 1);
      expect(im2colWasmStats.pooled).toBe(before);
      expect(one.length).toBe(prod(out));
      if (one.length > 0) expect(Number.isNaN(one[0])).toBe(false);
      setConvPoolBlocks(true);
      for (const n of [1, 2, 3]) {
        setNumThreads(n);
        const pooled0 = im2colWasmStats.pooled,
          worker0 = threadStats.workerTasks;
        const res = randomConv(lhs, rhs, out, a, dtype, i + 1);
        const what = `case ${i} (${JSON.stringify({ lhs, rhs })}), ${n} threads`;
        expect(im2colWasmStats.pooled - pooled0, what).toBe(taken && blas ? 1 : 0);
        if (n === 1) expect(threadStats.workerTasks, what).toBe(worker0);
        expect(res.length).toBe(one.length);
        expect(
          bits(res).findIndex((b, j) => b !== bits(one)[j]),
          what,
        ).toBe(-1);
      }
      setNumThreads(threads);
      setConvCacheColumns(columns);
    });
  });

  it("one block (the default block size at batch 1 of a small call) stays on the calling thread", () => {
    const [lhs, rhs, out, a] = CASES[8]!;
    const before = im2colWasmStats.pooled;
    randomConv(lhs, rhs, out, a, float32, 1);
    expect(im2colWasmStats.pooled).toBe(before);
  });

  it("a forward convolution against a direct one (small integers: exact), on 2 threads", () => {
    if (!blas) return;
    setNumThreads(2);
    setConvCacheColumns(300);
    const [N, C, H, W, O, KH, KW] = [3, 2, 9, 8, 3, 3, 2];
    const r = rng(7);
    const x = Float32Array.from({ length: N * C * H * W }, () => Math.floor(r() * 7) - 3),
      w = Float32Array.from({ length: O * C * KH * KW }, () => Math.floor(r() * 5) - 2);
    const a = convAttrs({
      padding: [
        [1, 0],
        [0, 1],
      ],
      window_strides: [2, 1],
    });
    const OH = Math.floor((H + 1 - KH) / 2) + 1,
      OW = W + 1 - KW + 1;
    const before = im2colWasmStats.pooled;
    const got = convKernel(x, [N, C, H, W], w, [O, C, KH, KW], [N, O, OH, OW], a, float32);
    expect(im2colWasmStats.pooled - before).toBe(1);
    for (let n = 0; n < N; n++)
      for (let o = 0; o < O; o++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) {
            let s = 0;
            for (let c = 0; c < C; c++)
              for (let kh = 0; kh < KH; kh++)
                for (let kw = 0; kw < KW; kw++) {
                  const ih = oh * 2 + kh - 1,
                    iw = ow + kw;
                  if (ih >= 0 && ih < H && iw < W) s += x[((n * C + c) * H + ih) * W + iw]! * w[((o * C + c) * KH + kh) * KW + kw]!;
                }
            expect(got[((n * O + o) * OH + oh) * OW + ow]).toBe(s);
          }
    setNumThreads(threads);
    setConvCacheColumns(columns);
  });
});
