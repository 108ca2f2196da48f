// The WebAssembly SIMD kernels of float32 compare and select
// (packages/cpu/src/wasm/select_module.ts) against the JavaScript loops of the
// same primitives (XLATORCH_WASM=off): bit for bit, on random sizes (not
// multiples of the 16-value groups, across the 8192-value copy chunks, empty),
// dense, one-value (broadcast or 0-d) and gathered strided operands, offsets, predicate bytes
// other than 0/1, and ±0, ±Inf, NaN and denormals; then torch.relu / where /
// gt and relu's gradient on cpu with the two paths.
import { describe, expect, it } from "vitest";
import { bool, float32 } from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import { elementwiseKernels } from "../packages/cpu/src/kernels/elementwise.js";
import { wasmSelectStats } from "../packages/cpu/src/wasm/select_module.js";
import * as torch from "xlatorch";
import { withWasm } from "./harness/env";
import { rng } from "./harness/rng";

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, 1, -1, 0.5];
function values(r: () => number, n: number, pad: number): Float32Array {
  const a = new Float32Array(n + pad);
  for (let i = 0; i < a.length; i++)
    a[i] = r() < 0.2 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : r() < 0.3 ? Math.round(r() * 4 - 2) : r() * 4 - 2;
  return a;
}
/** A dense operand of n values (at a random offset) or a one-value one (strides 0, or 0-d). */
function operand(r: () => number, shape: number[], n: number, scalar: boolean): Strided {
  if (scalar)
    return r() < 0.5
      ? { data: values(r, 1, 0), offset: 0, strides: [] }
      : { data: values(r, 1, 2), offset: 1, strides: shape.map(() => 0) };
  const off = r() < 0.3 ? 3 : 0;
  const st: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= shape[d]!;
  }
  return { data: values(r, n + off, 0), offset: off, strides: st };
}
const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
const SIZES = [0, 1, 5, 15, 16, 17, 31, 100, 1023, 1024, 1500, 8191, 8192, 8193, 20000];

describe("float32 compare and select in WebAssembly = the JavaScript loops", () => {
  it("compare: every direction, dense and one-value operands", () => {
    const r = rng(5);
    let ran = 0;
    for (const n of SIZES)
      for (const dir of ["EQ", "NE", "LT", "LE", "GT", "GE"]) {
        const shape = n % 2 === 0 && n > 0 ? [2, n / 2] : [n];
        const s = Math.floor(r() * 3);
        const ins = [operand(r, shape, n, s === 1), operand(r, shape, n, s === 2)];
        const avals = [
          { shape, dtype: float32 },
          { shape, dtype: float32 },
        ];
        const outs = [{ shape, dtype: bool }];
        const js = withWasm("off", () => elementwiseKernels.compare!(ins, avals, { direction: dir }, outs)[0]!);
        const before = wasmSelectStats.compare;
        const w = withWasm("always", () => elementwiseKernels.compare!(ins, avals, { direction: dir }, outs)[0]!);
        ran += wasmSelectStats.compare - before;
        expect(Array.from(w.data as Uint8Array)).toEqual(Array.from(js.data as Uint8Array));
      }
    expect(ran).toBeGreaterThan(60);
  });

  it("select: dense predicate (any nonzero byte is true), dense and one-value branches", () => {
    const r = rng(6);
    let ran = 0;
    for (const n of SIZES)
      for (let v = 0; v < 4; v++) {
        const shape = [n];
        const pred = new Uint8Array(n + 2);
        for (let i = 0; i < pred.length; i++) pred[i] = r() < 0.5 ? 0 : r() < 0.8 ? 1 : Math.floor(r() * 255) + 1;
        const ins = [
          { data: pred, offset: r() < 0.5 ? 2 : 0, strides: [1] },
          operand(r, shape, n, v === 1 || v === 3),
          operand(r, shape, n, v >= 2),
        ];
        const avals = [
          { shape, dtype: bool },
          { shape, dtype: float32 },
          { shape, dtype: float32 },
        ];
        const outs = [{ shape, dtype: float32 }];
        const js = withWasm("off", () => elementwiseKernels.select!(ins, avals, {}, outs)[0]!);
        const before = wasmSelectStats.select;
        const w = withWasm("always", () => elementwiseKernels.select!(ins, avals, {}, outs)[0]!);
        ran += wasmSelectStats.select - before;
        // the raw bits (NaN payloads included) of the JavaScript result, as stored
        expect(bits(w.data as Float32Array)).toEqual(bits(js.data as Float32Array));
      }
    expect(ran).toBeGreaterThan(40);
  });

  it("select and compare: strided predicate and branches (expanded, transposed, stepped) are gathered, same bits", () => {
    const r = rng(7);
    const shape = [3, 4, 33, 33];
    const n = 3 * 4 * 33 * 33;
    // a [33, 33] causal mask expanded over the leading dims (merged into runs of 33 * 33 by the gather),
    // the same transposed, a stepped slice of a larger byte array, and a dense one at an offset
    const tile = new Uint8Array(40 + 33 * 33);
    for (let i = 0; i < tile.length; i++) tile[i] = r() < 0.5 ? 0 : r() < 0.9 ? 1 : 200;
    const big = new Uint8Array(2 * n + 5);
    for (let i = 0; i < big.length; i++) big[i] = r() < 0.5 ? 0 : 1;
    const preds: Strided[] = [
      { data: tile, offset: 40, strides: [0, 0, 33, 1] },
      { data: tile, offset: 40, strides: [0, 0, 1, 33] },
      { data: big, offset: 5, strides: [8712, 2178, 66, 2] },
      { data: big, offset: 5, strides: [4356, 1089, 33, 1] },
    ];
    const f32 = (strides: number[], offset: number): Strided => ({ data: values(r, 2 * n + offset, 0), offset, strides });
    const branches: Strided[] = [
      f32([4356, 1089, 33, 1], 3),
      f32([0, 1089, 33, 1], 0),
      f32([4356, 1089, 1, 33], 1),
      f32([8712, 2178, 66, 2], 0),
      { data: values(r, 1, 0), offset: 0, strides: [] },
    ];
    let ran = 0;
    const pAvals = [
      { shape, dtype: bool },
      { shape, dtype: float32 },
      { shape, dtype: float32 },
    ];
    for (const p of preds)
      for (let v = 0; v < branches.length; v++) {
        const ins = [p, branches[v]!, branches[(v + 2) % branches.length]!];
        const outs = [{ shape, dtype: float32 }];
        const js = withWasm("off", () => elementwiseKernels.select!(ins, pAvals, {}, outs)[0]!);
        const before = wasmSelectStats.select;
        const w = withWasm("always", () => elementwiseKernels.select!(ins, pAvals, {}, outs)[0]!);
        ran += wasmSelectStats.select - before;
        expect(bits(w.data as Float32Array)).toEqual(bits(js.data as Float32Array));
      }
    expect(ran).toBe(preds.length * branches.length);
    const cAvals = [
      { shape, dtype: float32 },
      { shape, dtype: float32 },
    ];
    for (let v = 0; v < branches.length - 1; v++) {
      const ins = [branches[v]!, branches[(v + 1) % branches.length]!];
      const outs = [{ shape, dtype: bool }];
      const js = withWasm("off", () => elementwiseKernels.compare!(ins, cAvals, { direction: "LT" }, outs)[0]!);
      const before = wasmSelectStats.compare;
      const w = withWasm("always", () => elementwiseKernels.compare!(ins, cAvals, { direction: "LT" }, outs)[0]!);
      expect(wasmSelectStats.compare).toBe(before + 1);
      expect(Array.from(w.data as Uint8Array)).toEqual(Array.from(js.data as Uint8Array));
    }
  });

  it("relu, where, gt and relu's gradient on cpu: the same values on both paths", () => {
    const run = () => {
      const x = torch.linspace(-3, 3, 5001).reshape([3, 1667]).requires_grad_(true);
      const y = torch.relu(x);
      y.sum().backward();
      return [y, torch.where(x.gt(0.5), x, -1), x.gt(0), x.grad!].map((t) =>
        Array.from(t.detach().to(torch.float32).reshape([-1]).tolist() as number[]),
      );
    };
    const before = wasmSelectStats.select + wasmSelectStats.compare;
    const w = run();
    expect(wasmSelectStats.select + wasmSelectStats.compare).toBeGreaterThan(before);
    expect(w).toEqual(withWasm("off", run));
  });
});
