// Max pooling's four-windows-at-a-time WebAssembly loops (packages/cpu/src/wasm/pool_module.ts,
// windows of width 2 stepping 2 along the last dim: max_pool2d(2) and the like) against the
// general window kernels (the same values through a strided copy, which the fast paths decline),
// bit for bit: float32, rows wide enough for several groups of four windows plus a tail, window
// heights 1-3 with any row step, NaN, ±0, ±Infinity and ties, with and without an init operand.
import { describe, expect, it } from "vitest";
import { contiguousStrides, float32, type WindowAttrs } from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import { poolWasmStats } from "../packages/cpu/src/wasm/pool_module.js";
import { windowKernels } from "../packages/cpu/src/kernels/window.js";
import { rng } from "./harness/rng";

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const SPECIAL = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** The same values with every stride doubled: not row-major, so only the general kernel takes it. */
function strided(data: Float32Array, shape: number[]): Strided {
  const out = new Float32Array(Math.max(1, 2 * data.length));
  for (let i = 0; i < data.length; i++) out[2 * i] = data[i]!;
  return { data: out, offset: 0, strides: contiguousStrides(shape).map((s) => 2 * s) };
}
const scalar = (v: number): Strided => ({ data: Float32Array.of(v), offset: 0, strides: [] });
function bitsEqual(a: Strided, b: Strided, n: number, what: string): void {
  const x = a.data as Float32Array,
    y = b.data as Float32Array;
  for (let i = 0; i < n; i++) {
    const u = x[a.offset + i]!,
      v = y[b.offset + i]!;
    if (!(Object.is(u, v) || (u !== u && v !== v))) expect(`${what} [${i}]: ${u}`).toBe(`${v}`);
  }
}

describe("max pooling, windows of width 2 stepping 2, four at a time (float32, WebAssembly)", () => {
  it("equals the general kernels bit for bit", () => {
    const r = rng(11);
    const ri = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const before = poolWasmStats.pairs;
    for (let cases = 0; cases < 300; cases++) {
      const rank = ri(2, 4);
      const shape = Array.from({ length: rank }, (_, d) => (d === rank - 1 ? ri(2, 21) : ri(1, d === rank - 2 ? 9 : 3)));
      const H = shape[rank - 2]!;
      const KH = ri(1, Math.min(3, H)),
        SH = r() < 0.6 ? KH : ri(1, 3);
      const win = shape.map((_, d) => (d === rank - 1 ? 2 : d === rank - 2 ? KH : 1));
      const st = shape.map((_, d) => (d === rank - 1 ? 2 : d === rank - 2 ? SH : 1));
      const w: WindowAttrs = {
        window_dimensions: win,
        window_strides: st,
        base_dilations: shape.map(() => 1),
        window_dilations: shape.map(() => 1),
        padding: shape.map(() => [0, 0] as [number, number]),
      };
      const outShape = shape.map((n, d) => Math.floor((n - win[d]!) / st[d]!) + 1);
      const xd = new Float32Array(prod(shape));
      // ties (a few distinct values) and, sometimes, special values
      for (let i = 0; i < xd.length; i++) xd[i] = r() < 0.1 ? SPECIAL[ri(0, 4)]! : ri(-3, 3) + 0.5;
      const x: Strided = { data: xd, offset: 0, strides: contiguousStrides(shape) };
      const init = r() < 0.3 ? scalar([-Infinity, 0.5, -0, 1][ri(0, 3)]!) : undefined;
      const ins = (v: Strided) => (init ? [v, init] : [v]);
      const av = [{ shape, dtype: float32 }];
      const out = [{ shape: outShape, dtype: float32 }];
      const [fast] = windowKernels.reduce_window!(ins(x), av, { ...w, op: "max" }, out) as [Strided];
      const [slow] = windowKernels.reduce_window!(ins(strided(xd, shape)), av, { ...w, op: "max" }, out) as [Strided];
      bitsEqual(fast, slow, prod(outShape), `reduce_window ${JSON.stringify({ shape, w })}`);

      const sd = new Float32Array(prod(outShape));
      for (let i = 0; i < sd.length; i++) sd[i] = r() < 0.1 ? SPECIAL[ri(0, 4)]! : r() * 4 - 2;
      const src: Strided = { data: sd, offset: 0, strides: contiguousStrides(outShape) };
      const sav = [
        { shape, dtype: float32 },
        { shape: outShape, dtype: float32 },
      ];
      const [bf] = windowKernels.select_and_scatter!([x, src, scalar(0)], sav, w, [{ shape, dtype: float32 }]) as [Strided];
      const [bs] = windowKernels.select_and_scatter!([strided(xd, shape), strided(sd, outShape), scalar(0)], sav, w, [
        { shape, dtype: float32 },
      ]) as [Strided];
      bitsEqual(bf, bs, prod(shape), `select_and_scatter ${JSON.stringify({ shape, w })}`);
    }
    // the four-window loops ran (forward always, backward where the windows do not overlap)
    expect(poolWasmStats.pairs - before).toBeGreaterThan(400);
  });
});
