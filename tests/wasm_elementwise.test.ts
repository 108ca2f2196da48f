// The WebAssembly SIMD float32 elementwise and reduction kernels
// (packages/cpu/src/wasm/simd_f32.ts) against the JavaScript reference
// kernels (the same primitives' kernels with XLATORCH_WASM=off): random
// values and shapes, sizes that are not a multiple of the 4-lane vectors or
// that cross the copy chunk (16384 values), scalar and constant-per-row
// operands, empty tensors, and ±0, denormals, ±Inf, NaN and the float32
// overflow/underflow thresholds. Exact operations must agree bit for bit;
// transcendental ones within 1 ulp of the correctly rounded value (issue 11
// allows 2). XLATORCH_WASM=always takes every size through WebAssembly, so the
// small cases test the kernels too; then torch's softmax/tanh/sum on cpu and
// xla against the JavaScript path.
import { describe, expect, it } from "vitest";
import { type Strided, WASM_MIN, wasmElementwiseF32, wasmReduceF32, wasmSimdEnabled, wasmSimdStats } from "@xlatorch/cpu";
import { float32 } from "@xlatorch/core";
import { elementwiseKernels } from "../packages/cpu/src/kernels/elementwise.js";
import { reduceKernels } from "../packages/cpu/src/kernels/reduce.js";
import { WASM_BINARY, WASM_UNARY } from "../packages/cpu/src/wasm/elementwise_module.js";
import * as torch from "xlatorch";
import { withWasm } from "./harness/env";
import { rng } from "./harness/rng";

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  1e-40,
  -1e-40,
  1.4e-45,
  -1.4e-45,
  1.1754944e-38,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  88.72283,
  88.7229,
  88.8,
  -87.33654,
  -103.27893,
  -103.97208,
  -104,
  -110,
  1e30,
  -1e30,
  1e-30,
  20,
  -20,
  9.01,
  -9.01,
  0.5,
  2.5,
  -2.5,
  3.4028235e38,
  -3.4028235e38,
  0.125,
  1e-8,
];

/** n float32 values: the specials first, then a mix of scales. */
function values(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (i < SPECIAL.length && seed % 2 === 0) out[i] = SPECIAL[i]!;
    else {
      const scale = [1, 10, 100, 1e-3][i % 4]!;
      out[i] = (r() * 2 - 1) * scale;
    }
  }
  return out;
}

const bits = (x: number): number => new Int32Array(new Float32Array([x]).buffer)[0]!;
/** Distance in float32 ulps (0 for two NaNs; across zero, counts through it). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Number.POSITIVE_INFINITY;
  if (a === b) return 0;
  const key = (x: number) => (bits(x) < 0 ? -(bits(x) & 0x7fffffff) : bits(x));
  return Math.abs(key(a) - key(b));
}
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

const dense = (data: Float32Array, shape: number[]): Strided => {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { data, offset: 0, strides };
};
const aval = (shape: number[]) => ({ shape, dtype: float32 });

/** The primitive's cpu kernel on these operands, with XLATORCH_WASM=mode; also whether WebAssembly ran. */
function runKernel(
  prim: string,
  ins: Strided[],
  inShapes: number[][],
  shape: number[],
  mode: string,
): { out: Float32Array; wasm: boolean } {
  return withWasm(mode, () => {
    const before = wasmSimdStats.elementwise;
    const [res] = elementwiseKernels[prim]!(ins, inShapes.map(aval), {}, [aval(shape)]);
    return { out: res!.data as Float32Array, wasm: wasmSimdStats.elementwise > before };
  });
}

/** Exactly rounded float32 operations: bit-for-bit with the JavaScript kernels. */
const EXACT = new Set([
  "neg",
  "abs",
  "sqrt",
  "floor",
  "ceil",
  "round_nearest_even",
  "add",
  "subtract",
  "multiply",
  "divide",
  "maximum",
  "minimum",
]);
const REFERENCE: Record<string, (x: number) => number> = {
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  tanh: Math.tanh,
  logistic: (x) => 1 / (1 + Math.exp(-x)),
  rsqrt: (x) => 1 / Math.sqrt(x),
};

function compare(prim: string, wasm: Float32Array, js: Float32Array, what: string, ins?: Float32Array): void {
  expect(wasm.length).toBe(js.length);
  for (let i = 0; i < js.length; i++) {
    const ok = EXACT.has(prim) ? same(wasm[i]!, js[i]!) : ulps(wasm[i]!, js[i]!) <= 1;
    if (!ok) expect.fail(`${prim} ${what} element ${i}${ins ? ` (x = ${ins[i]})` : ""}: wasm ${wasm[i]} vs JavaScript ${js[i]}`);
  }
}

describe("WebAssembly SIMD float32 elementwise kernels", () => {
  it("are available in Node 20, and off with XLATORCH_WASM=off", () => {
    expect(wasmSimdEnabled()).toBe(true);
    withWasm("off", () => {
      expect(wasmSimdEnabled()).toBe(false);
      const x = new Float32Array(100000);
      expect(wasmElementwiseF32("exp", [dense(x, [100000])], [100000], new Float32Array(100000))).toBe(false);
      expect(wasmReduceF32("sum", dense(x, [100000]), [100000], [0])).toBe(null);
    });
  });

  it.each(Object.keys(WASM_UNARY))("unary %s: bit for bit (exact ops) or within 1 ulp, any size, specials", (prim) => {
    for (const [mode, n] of [
      ["always", 1],
      ["always", 3],
      ["always", 7],
      ["always", 64],
      ["always", 1021],
      ["on", 16385],
      ["on", 40003],
    ] as const) {
      for (const seed of [2, 3]) {
        const x = values(n, seed + n);
        const w = runKernel(prim, [dense(x, [n])], [[n]], [n], mode);
        expect(w.wasm).toBe(true);
        const js = runKernel(prim, [dense(x, [n])], [[n]], [n], "off");
        expect(js.wasm).toBe(false);
        compare(prim, w.out, js.out, `n=${n}`, x);
      }
    }
  });

  it.each(Object.keys(REFERENCE))("%s within 1 ulp of the correctly rounded value over 200k random values", (prim) => {
    const n = 200000,
      r = rng(prim.length * 7919);
    const x = new Float32Array(n);
    // uniform over exponents, both signs, from denormals to overflow
    for (let i = 0; i < n; i++) x[i] = (r() < 0.5 ? -1 : 1) * 2 ** (r() * 260 - 150) * (1 + r());
    const w = runKernel(prim, [dense(x, [n])], [[n]], [n], "on");
    expect(w.wasm).toBe(true);
    const f = REFERENCE[prim]!;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const u = ulps(w.out[i]!, Math.fround(f(x[i]!)));
      if (u > worst) worst = u;
      if (u > 1) expect.fail(`${prim}(${x[i]}) = ${w.out[i]}, correctly rounded ${Math.fround(f(x[i]!))}`);
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it.each(Object.keys(WASM_BINARY))("binary %s: dense, scalar and constant-per-row operands, bit for bit", (prim) => {
    const r = rng(prim.length);
    const shapes: number[][] = [[1], [5], [3, 7], [4, 1025], [2, 20001], [33, 513], [600, 3]];
    for (const shape of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      const rows = n / shape[shape.length - 1]!;
      const a = values(n, 10 + n),
        b = values(n, 11 + n).reverse();
      const s = Float32Array.of(r() * 4 - 2);
      const perRow = values(rows, 12 + rows);
      const rowStrides = [...shape.slice(0, -1).map((_, d) => shape.slice(d + 1, -1).reduce((p, q) => p * q, 1)), 0];
      // x + bias: the last dim's values repeated along the leading dims
      const cols = shape[shape.length - 1]!;
      const perCol = values(cols, 13 + cols);
      const colStrides = [...shape.slice(0, -1).map(() => 0), 1];
      const cases: [string, Strided[], number[][]][] = [
        ["dense, dense", [dense(a, shape), dense(b, shape)], [shape, shape]],
        ["dense, scalar", [dense(a, shape), { data: s, offset: 0, strides: [] }], [shape, []]],
        ["scalar, dense", [{ data: s, offset: 0, strides: [] }, dense(b, shape)], [[], shape]],
        ["dense, broadcast scalar", [dense(a, shape), { data: s, offset: 0, strides: shape.map(() => 0) }], [shape, shape]],
        ["per row, dense", [{ data: perRow, offset: 0, strides: rowStrides }, dense(b, shape)], [shape, shape]],
        ["dense, per row", [dense(a, shape), { data: perRow, offset: 0, strides: rowStrides }], [shape, shape]],
        ["per column, dense", [{ data: perCol, offset: 0, strides: colStrides }, dense(b, shape)], [shape, shape]],
        ["dense, per column", [dense(a, shape), { data: perCol, offset: 0, strides: colStrides }], [shape, shape]],
      ];
      for (const [what, ins, inShapes] of cases) {
        if ((what.includes("per row") || what.includes("per column")) && shape.length < 2) continue;
        const w = runKernel(prim, ins, inShapes, shape, "always");
        expect(w.wasm, `${what} ${shape}`).toBe(true);
        const js = runKernel(prim, ins, inShapes, shape, "off");
        compare(prim, w.out, js.out, `${what} [${shape}]`);
      }
    }
    // repeated over the first dim only (inner block of 3x5), and long rows (40000) repeated
    for (const [shape, strides] of [
      [
        [4, 3, 5],
        [0, 5, 1],
      ],
      [
        [3, 40000],
        [0, 1],
      ],
    ]) {
      const n = shape!.reduce((p, q) => p * q, 1);
      const a = values(n, 21),
        c = values(n / shape![0]!, 22);
      const ins: Strided[] = [dense(a, shape!), { data: c, offset: 0, strides: strides! }];
      const w = runKernel(prim, ins, [shape!, shape!], shape!, "always");
      expect(w.wasm).toBe(true);
      compare(prim, w.out, runKernel(prim, ins, [shape!, shape!], shape!, "off").out, `repeated [${shape}]`);
    }
    // one value per row read through leading strides that are not row-major: a channel's bias over
    // [N, C, H, W] (strides [0, 1, 0, 0], values from an offset), transposed leading dims, rows
    // longer than a chunk (20000), rows of a length not a multiple of 4; both operand orders
    for (const [shape, strides, offset] of [
      [[3, 4, 5, 7], [0, 1, 0, 0], 2],
      [[64, 6, 28, 28], [0, 1, 0, 0], 0],
      [[2, 3, 9], [1, 2, 0], 1],
      [[2, 3, 20000], [0, 1, 0], 0],
      [[5, 2, 3, 1, 6], [0, 3, 1, 0, 0], 4],
    ] as [number[], number[], number][]) {
      const n = shape.reduce((p, q) => p * q, 1);
      const a = values(n, 31);
      const span = offset + shape.reduce((t, d, i) => t + (d - 1) * strides[i]!, 0) + 1;
      const c = values(span, 32);
      const bias: Strided = { data: c, offset, strides };
      for (const ins of [
        [dense(a, shape), bias],
        [bias, dense(a, shape)],
      ]) {
        const w = runKernel(prim, ins, [shape, shape], shape, "always");
        expect(w.wasm, `per row through strides [${strides}]`).toBe(true);
        const js = runKernel(prim, ins, [shape, shape], shape, "off");
        compare(prim, w.out, js.out, `per row through strides [${shape}] [${strides}]`);
        // the values really are per row: element (.., i, ..) of the bias's operand reads c at its strides
        if (prim === "add" && ins[0] === bias) {
          const last = shape.length - 1;
          const at = (flat: number) => {
            let off = offset;
            for (let d = last, rest = flat; d >= 0; d--) {
              off += (rest % shape[d]!) * strides[d]!;
              rest = Math.floor(rest / shape[d]!);
            }
            return off;
          };
          for (const i of [0, 1, n >> 1, n - 1]) expect(w.out[i]).toBe(Math.fround(c[at(i)]! + a[i]!));
        }
      }
    }
  });

  it("leaves other layouts, dtypes and empty tensors to the JavaScript kernels", () => {
    const x = values(64, 4);
    // transposed: neither dense nor constant per row
    const t = runKernel(
      "add",
      [{ data: x, offset: 0, strides: [1, 8] }, dense(values(64, 5), [8, 8])],
      [
        [8, 8],
        [8, 8],
      ],
      [8, 8],
      "always",
    );
    expect(t.wasm).toBe(false);
    const e = runKernel("exp", [dense(new Float32Array(0), [3, 0])], [[3, 0]], [3, 0], "always");
    expect(e.wasm).toBe(false);
    expect(e.out.length).toBe(0);
    const d = withWasm("always", () => {
      const before = wasmSimdStats.elementwise;
      const x64 = Float64Array.from(x);
      elementwiseKernels.exp!([{ data: x64, offset: 0, strides: [1] }], [{ shape: [64], dtype: torch.float64 }], {}, [
        { shape: [64], dtype: torch.float64 },
      ]);
      return wasmSimdStats.elementwise > before;
    });
    expect(d).toBe(false);
    // below the threshold (XLATORCH_WASM on): JavaScript
    const small = runKernel("add", [dense(x, [64]), dense(x, [64])], [[64], [64]], [64], "on");
    expect(small.wasm).toBe(false);
    expect(WASM_MIN.arith).toBeGreaterThan(64);
  });
});

describe("WebAssembly SIMD float32 reductions", () => {
  const reduce = (op: string, x: Float32Array, shape: number[], dims: number[], mode: string) =>
    withWasm(mode, () => {
      const before = wasmSimdStats.reduce;
      const outShape = shape.filter((_, d) => !dims.includes(d));
      const [res] = reduceKernels.reduce!([dense(x, shape)], [aval(shape)], { op, dims }, [aval(outShape)]);
      return { out: res!.data as Float32Array, wasm: wasmSimdStats.reduce > before };
    });

  it.each(["sum", "max", "min"])("%s along the last axis and over everything, tails, long rows, NaN/Inf", (op) => {
    const shapes: [number[], number[]][] = [
      [[1], [0]],
      [[3], [0]],
      [[3, 5], [1]],
      [
        [3, 5],
        [0, 1],
      ],
      [[7, 1023], [1]],
      [
        [2, 3, 17],
        [1, 2],
      ],
      [[2, 40001], [1]],
      [[100003], [0]],
      [[5, 16384], [1]],
    ];
    for (const [shape, dims] of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      for (const seed of [1, 2]) {
        const x = values(n, seed + n);
        if (seed === 1 && n > 40) {
          // a NaN in one row, +Inf and -Inf in others
          x[n - 1] = Number.NaN;
          x[3] = Number.POSITIVE_INFINITY;
          x[Math.floor(n / 2)] = Number.NEGATIVE_INFINITY;
        }
        const w = reduce(op, x, shape, dims, "always");
        expect(w.wasm, `${shape}`).toBe(true);
        const js = reduce(op, x, shape, dims, "off");
        expect(js.wasm).toBe(false);
        expect(w.out.length).toBe(js.out.length);
        const mag = op === "sum" ? reduce("sum", x.map(Math.abs), shape, dims, "off").out : null;
        const len = dims.reduce((a, d) => a * shape[d]!, 1);
        for (let i = 0; i < js.out.length; i++) {
          // both accumulate in float64, in different orders: the float32 sums agree within 1 ulp, or (under
          // cancellation) within the float64 error bound len * 2^-53 * sum |x|
          const ok =
            op === "sum"
              ? ulps(w.out[i]!, js.out[i]!) <= 1 || Math.abs(w.out[i]! - js.out[i]!) <= 2 * len * 2 ** -53 * mag![i]!
              : same(w.out[i]!, js.out[i]!) || (w.out[i] === 0 && js.out[i] === 0);
          if (!ok) expect.fail(`${op} [${shape}] over ${dims}, result ${i}: wasm ${w.out[i]} vs JavaScript ${js.out[i]}`);
        }
      }
    }
  });

  it("leaves leading dims, other dtypes and empty tensors to the JavaScript kernel", () => {
    const x = values(60, 3);
    expect(reduce("sum", x, [6, 10], [0], "always").wasm).toBe(false);
    expect(reduce("prod", x, [6, 10], [1], "always").wasm).toBe(false);
    const e = reduce("sum", new Float32Array(0), [4, 0], [1], "always");
    expect(e.wasm).toBe(false);
    expect(Array.from(e.out)).toEqual([0, 0, 0, 0]);
  });
});

describe("through torch: softmax, tanh(x*2+1), sum and mean on cpu and xla, wasm vs JavaScript", () => {
  const exprs = (x: any, y: any) => [
    torch.softmax(x, -1),
    torch.tanh(x.mul(2).add(1)),
    x.sum(),
    x.sum(-1),
    x.mean(-1),
    x.amax(-1),
    torch.sigmoid(y).log(),
    torch.exp(y).sub(x.select(0, 0)),
  ];
  it.each(["cpu", "xla"])("on %s", (device) => {
    torch.manual_seed(3);
    const x = torch.randn(64, 300),
      y = torch.randn(64, 300);
    const on = (t: any) => (device === "cpu" ? t : t.to("xla"));
    const before = { ...wasmSimdStats };
    const wasm = exprs(on(x), on(y)).map((t: any) => t.cpu());
    expect(wasmSimdStats.reduce).toBeGreaterThan(before.reduce);
    if (device === "cpu") expect(wasmSimdStats.elementwise).toBeGreaterThan(before.elementwise);
    const js = withWasm("off", () => exprs(on(x), on(y)).map((t: any) => t.cpu()));
    const ref = exprs(x.double(), y.double());
    for (let i = 0; i < ref.length; i++) {
      expect(wasm[i].shape).toEqual(js[i].shape);
      expect(wasm[i].sub(js[i]).abs().max().item()).toBeLessThan(1e-5);
      expect(wasm[i].double().sub(ref[i]).abs().max().item()).toBeLessThan(1e-4);
    }
  });
});
