// The float32 lane functions of the WebAssembly elementwise kernels
// (packages/cpu/src/wasm/math_f32.ts: exp, expm1, log, tanh, logistic, erf) against
// the correctly rounded float32 result, Math.fround of the float64 function
// (issue 11: within 2 ulps; scripts/check_math_f32.ts runs all 2^32 inputs and
// finds at most 1): a million inputs spread evenly over all float32 bit
// patterns, every pattern next to the special values and thresholds, exact
// special values (±0, denormals, ±Inf, NaN, overflow/underflow), the
// JavaScript kernels as oracle on sizes that are not a multiple of 4, strided
// and broadcast operands (gathered into the same lanes, so a transposed
// operand gives the dense operand's bits, as in the CPU runtime's fused loops),
// and the chunk rounds split across 2 threads (double-buffered: each round's
// results copied out while the next computes) against 1 thread, bit for bit.
import { describe, expect, it } from "vitest";
import { type Strided, wasmElementwiseF32, wasmReduceF32, wasmSimdStats } from "@xlatorch/cpu";
import { float32 } from "@xlatorch/core";
import { $ } from "../packages/cpu/src/helpers.js";
import { elementwiseKernels } from "../packages/cpu/src/kernels/elementwise.js";
import * as torch from "xlatorch";
import { withWasm } from "./harness/env";

const REF: Record<string, (x: number) => number> = {
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  tanh: Math.tanh,
  logistic: (x) => 1 / (1 + Math.exp(-x)),
  // W. J. Cody's rational approximations, ~1e-16 (the JavaScript kernel's erf)
  erf: $.erf,
};
const FNS = Object.keys(REF);

const i32 = new Int32Array(1),
  f32 = new Float32Array(i32.buffer);
const key = (x: number): number => {
  f32[0] = x;
  const b = i32[0]!;
  return b < 0 ? -(b & 0x7fffffff) : b;
};
/** float32 ulps between a and b (0 for two NaNs, Infinity for NaN against a number; -0 and +0 are 1 apart). */
function ulps(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Number.POSITIVE_INFINITY;
  if (Object.is(a, b)) return 0;
  return a === 0 && b === 0 ? 1 : Math.abs(key(a) - key(b));
}

const dense = (data: Float32Array, shape: number[]): Strided => ({
  data,
  offset: 0,
  strides: shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1)),
});

/** The WebAssembly kernel of `prim` on x (asserting that it ran). */
function wasm(prim: string, s: Strided, shape: number[], mode = "always"): Float32Array {
  const n = shape.reduce((p, q) => p * q, 1);
  const out = new Float32Array(n);
  expect(withWasm(mode, () => wasmElementwiseF32(prim, [s], shape, out))).toBe(true);
  return out;
}
/** The primitive's JavaScript kernel (XLATORCH_WASM=off). */
function js(prim: string, x: Float32Array): Float32Array {
  const aval = { shape: [x.length], dtype: float32 };
  return withWasm("off", () => elementwiseKernels[prim]!([dense(x, [x.length])], [aval], {}, [aval])[0]!.data as Float32Array);
}

/** float32 bit patterns: `count` spread evenly over all 2^32, and every pattern within 512 of each special one. */
function inputs(count: number): Float32Array {
  const around = [
    0, 0x00000001, 0x00800000, 0x3f800000, 0x7f7fffff, 0x7f800000, 0x3f200000, 0x41200000, 0x42b17218, 0x42cff1b5, 0x41a00000,
  ];
  const u = new Uint32Array(count + around.length * 2 * 1024);
  const step = Math.floor(2 ** 32 / count) | 1;
  for (let i = 0; i < count; i++) u[i] = (i * step) >>> 0;
  let j = count;
  for (const c of around) for (const sign of [0, 0x80000000]) for (let d = -512; d < 512; d++) u[j++] = ((c | sign) + d) >>> 0;
  return new Float32Array(u.buffer);
}

describe("float32 lane functions (wasm/math_f32.ts)", () => {
  const x = inputs(1 << 20);
  it.each(FNS)("%s: within 2 ulps of correctly rounded over all exponents and near every threshold", (prim) => {
    const out = wasm(prim, dense(x, [x.length]), [x.length], "on");
    const f = REF[prim]!;
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const u = ulps(out[i]!, Math.fround(f(x[i]!)));
      if (u > worst) worst = u;
      if (u > 2) expect.fail(`${prim}(${x[i]}) = ${out[i]}, correctly rounded ${Math.fround(f(x[i]!))} (${u} ulps)`);
    }
    // the whole-range check (scripts/check_math_f32.ts --step 1) finds 1 ulp at most; keep it so
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("special values: exact where the value is exact, else the correctly rounded one within 1 ulp, with its class", () => {
    const inf = Number.POSITIVE_INFINITY,
      nan = Number.NaN,
      dmin = 1.401298464324817e-45;
    // [x, the exact result] (null: compare with the correctly rounded value)
    const cases: Record<string, [number, number | null][]> = {
      exp: [
        [0, 1],
        [-0, 1],
        [inf, inf],
        [-inf, 0],
        [nan, nan],
        [dmin, 1],
        [88.72283, null],
        [88.7229, inf],
        [-103.97208, null],
        [-104, 0],
        [-87.33654, null],
      ],
      expm1: [
        [0, 0],
        [-0, -0],
        [dmin, dmin],
        [-dmin, -dmin],
        [1e-30, null],
        [inf, inf],
        [-inf, -1],
        [-20, -1],
        [nan, nan],
        [88.7229, inf],
        [88.72283, null],
      ],
      log: [
        [0, -inf],
        [-0, -inf],
        [-1, nan],
        [-dmin, nan],
        [inf, inf],
        [-inf, nan],
        [nan, nan],
        [1, 0],
        [dmin, null],
        [1e-40, null],
        [3.4028234663852886e38, null],
      ],
      tanh: [
        [0, 0],
        [-0, -0],
        [dmin, dmin],
        [-dmin, -dmin],
        [inf, 1],
        [-inf, -1],
        [nan, nan],
        [9.1, 1],
        [-20, -1],
        [1e-20, null],
        [0.625, null],
        [-0.62499994, null],
      ],
      erf: [
        [0, 0],
        [-0, -0],
        [inf, 1],
        [-inf, -1],
        [nan, nan],
        [4, 1],
        [-10, -1],
        [dmin, null],
        [0.92187494, null],
        [0.921875, null],
        [3.9, null],
      ],
      logistic: [
        [0, 0.5],
        [-0, 0.5],
        [inf, 1],
        [-inf, 0],
        [nan, nan],
        [17, null],
        [20, 1],
        [-200, 0],
        [-100, null],
        [-103.5, null],
        [-87.5, null],
      ],
    };
    for (const [prim, pairs] of Object.entries(cases)) {
      const xs = Float32Array.from(pairs.map(([a]) => a));
      const out = wasm(prim, dense(xs, [xs.length]), [xs.length]);
      pairs.forEach(([a, want], i) => {
        const cr = Math.fround(REF[prim]!(xs[i]!));
        const got = out[i]!;
        if (want !== null) {
          if (!(Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got)))) expect.fail(`${prim}(${a}) = ${got}, want ${want}`);
        } else if (ulps(got, cr) > 1 || Number.isFinite(got) !== Number.isFinite(cr) || (got === 0) !== (cr === 0))
          expect.fail(`${prim}(${a}) = ${got}, correctly rounded ${cr}`);
      });
    }
  });

  it.each(FNS)("%s: the JavaScript kernel as oracle, sizes 1..9, 4099 and 40003 (tails not a multiple of 4)", (prim) => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 4099, 40003]) {
      const xs = new Float32Array(n);
      for (let i = 0; i < n; i++) xs[i] = Math.sin(i * 12.9898 + n) * [1, 10, 100, 0.01][i % 4]!;
      const w = wasm(prim, dense(xs, [n]), [n]),
        j = js(prim, xs);
      for (let i = 0; i < n; i++) if (ulps(w[i]!, j[i]!) > 2) expect.fail(`${prim} n=${n} [${i}] x=${xs[i]}: ${w[i]} vs ${j[i]}`);
    }
  });

  it.each(FNS)("%s: strided and broadcast operands give the dense operand's bits", (prim) => {
    const [R, C] = [37, 53];
    const base = new Float32Array(R * C);
    for (let i = 0; i < base.length; i++) base[i] = Math.cos(i * 0.7) * 5;
    // the transpose of base (shape [C, R]) and its dense copy
    const tDense = new Float32Array(R * C);
    for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) tDense[c * R + r] = base[r * C + c]!;
    for (const mode of ["always", "on"]) {
      const before = wasmSimdStats.elementwise;
      const t = wasm(prim, { data: base, offset: 0, strides: [1, C] }, [C, R], mode);
      expect(wasmSimdStats.elementwise).toBe(before + 1);
      expect(Array.from(t)).toEqual(Array.from(wasm(prim, dense(tDense, [C, R]), [C, R], mode)));
    }
    // a row expanded over a leading dim, and a column over the trailing one (rows of a [R, 1] view)
    const row = base.subarray(0, C);
    const e = wasm(prim, { data: base, offset: 0, strides: [0, 1] }, [R, C]);
    const ed = wasm(
      prim,
      dense(
        new Float32Array(R * C).map((_, i) => row[i % C]!),
        [R, C],
      ),
      [R, C],
    );
    expect(Array.from(e)).toEqual(Array.from(ed));
    const col = wasm(prim, { data: base, offset: 3, strides: [C, 0] }, [R, 4]);
    const cd = wasm(
      prim,
      dense(
        new Float32Array(R * 4).map((_, i) => base[3 + Math.floor(i / 4) * C]!),
        [R, 4],
      ),
      [R, 4],
    );
    expect(Array.from(col)).toEqual(Array.from(cd));
  });

  it("through torch: transposed tanh and erf on cpu equal the dense ones and the xla (fused) results", () => {
    torch.manual_seed(0);
    const x = torch.randn(300, 70);
    for (const f of [(t: torch.Tensor) => torch.tanh(t), (t: torch.Tensor) => torch.erf(t.mul(2))]) {
      const a = f(x.t()),
        b = f(x.t().contiguous());
      expect(torch.equal(a, b)).toBe(true);
      const l = f(x.to("xla").t()).cpu();
      expect(torch.equal(l, a)).toBe(true);
    }
  });
});

// erf and tanh skip their second branch (an exp and, for erf, a polynomial) where all four lanes of a vector
// are below the first branch's bound (math_f32.ts): a small value must come out the same in such a vector as
// beside a large one, where both branches run and the mask picks; on cpu (the eager kernel) and on xla (a
// fused loop of the CPU runtime)
describe.each([
  // the bound, f, and f of the largest float below the bound (Python's math.erf / math.tanh of it)
  ["erf", 0.921875, (t: torch.Tensor) => torch.erf(t), 0.8076736757599509],
  ["tanh", 0.625, (t: torch.Tensor) => torch.tanh(t), 0.5545996810779836],
] as const)("%s's vectors of small lanes only: the same bits as in mixed vectors", (_name, bound, f, atBound) => {
  const N = 4096;
  // small values, |x| < bound, including the bound's neighbour, zeros and a denormal
  const small = new Float32Array(N).map((_, i) =>
    i === 0
      ? 0
      : i === 1
        ? -0
        : i === 2
          ? 1e-40
          : i === 3
            ? Math.fround(bound - 2 ** -24)
            : Math.fround(Math.sin(i * 0.37) * bound * 0.999),
  );
  // the same small values three to a vector, its fourth lane 2 (second branch) or NaN
  const mixed = new Float32Array((N / 3 + 1) * 4 + 4);
  const at: number[] = [];
  for (let i = 0, v = 0; i < N; i++) {
    if (v % 4 === 3) mixed[v++] = v % 8 === 4 ? Number.NaN : 2;
    at.push(v);
    mixed[v++] = small[i]!;
  }
  for (const device of ["cpu", "xla"])
    it(device, () => {
      const a = f(torch.tensor(Array.from(small)).to(device))
        .cpu()
        .tolist() as number[];
      const b = f(torch.tensor(Array.from(mixed)).to(device))
        .cpu()
        .tolist() as number[];
      const same = a.filter((y, i) => Object.is(y, b[at[i]!]));
      expect(same.length).toBe(N);
      // and within the function's error of the float64 one at the bound
      expect(Math.abs(a[3]! - atBound)).toBeLessThan(2e-7);
    });
});

describe("chunk rounds on 2 threads (double-buffered copies) equal 1 thread", () => {
  /** f run with n threads. */
  function threads<T>(n: number, f: () => T): T {
    const prev = torch.get_num_threads();
    torch.set_num_threads(n);
    try {
      return f();
    } finally {
      torch.set_num_threads(prev);
    }
  }
  const N = 300001;
  const xs = new Float32Array(N).map((_, i) => Math.sin(i * 0.013) * 4);

  it.each([
    ["always", "tanh"],
    ["on", "tanh"],
    ["on", "logistic"],
  ])("eager %s %s: 2 threads = 1 thread, bit for bit", (mode, prim) => {
    const one = threads(1, () => wasm(prim, dense(xs, [N]), [N], mode));
    const two = threads(2, () => wasm(prim, dense(xs, [N]), [N], mode));
    expect(two).toEqual(one);
  });

  it("sums over long rows (partial results combined in chunk order)", () => {
    const x = dense(xs.subarray(0, 3 * 100000), [3, 100000]);
    const one = threads(1, () => withWasm("always", () => wasmReduceF32("sum", x, [3, 100000], [1])));
    const two = threads(2, () => withWasm("always", () => wasmReduceF32("sum", x, [3, 100000], [1])));
    expect(one).not.toBe(null);
    expect(Array.from(two!)).toEqual(Array.from(one!));
  });

  it("the fused chain on xla: 2 threads = 1 thread = eager, 19 chunks in rounds of 8", () => {
    const x = torch.tensor(xs);
    const run = () => {
      const r = torch.tanh(x.to("xla").mul(2).add(1));
      torch.xla.sync(r);
      return r.cpu();
    };
    const one = threads(1, run),
      two = threads(2, run);
    expect(torch.equal(one, two)).toBe(true);
    expect(torch.equal(two, torch.tanh(x.mul(2).add(1)))).toBe(true);
  });
});
