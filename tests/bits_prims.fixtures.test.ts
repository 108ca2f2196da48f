// The primitives of packages/core/src/prims_bits.ts (clamp, cbrt, shifts,
// popcnt, bitcast_convert, reduce_precision, optimization_barrier,
// rng_bit_generator) against PyTorch 1.13 (tests/fixtures/gen_bits_prims.py
// writes bits_prims.json): torch.clamp/clip/clamp_min/clamp_max (values,
// float64 gradients w.r.t. the input and tensor bounds), bitwise shifts for
// every integer dtype and shift amount, Tensor.view(dtype), PyTorch's errors,
// and the primitives without a torch name through the internal API, on cpu and
// on the xla device in every execution mode. Then the StableHLO the xla device
// emits (one stablehlo.clamp per clamp, the shift ops, bitcast_convert,
// optimization_barrier, rng_bit_generator), rng_bit_generator's bits (XLA's
// THREE_FRY on the StableHLO testdata's case, Philox4x32-10 on Random123's
// known-answer vectors) and run_stablehlo on text using these ops.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { P, bind, bind1 } from "@xlatorch/core";
import {
  compareValue,
  decodeValue,
  loadCases,
  loadTorch,
  runGradCase,
  runOpCase,
  type GradCase,
  type Json,
  type OpCase,
} from "./harness/fixtures";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

interface PrimCase {
  name: string;
  kind: "prim";
  prim: keyof typeof P;
  args: Json[];
  attrs: Record<string, number>;
  out: Json;
}
type AnyCase = OpCase | ErrorCase | PrimCase | (GradCase & { kind: "grad" });
const all = loadCases<AnyCase>("bits_prims.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const opCases = all.filter((c): c is OpCase => kindOf(c) === undefined);
const errCases = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const primCases = all.filter((c): c is PrimCase => kindOf(c) === "prim");
const gradCases = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");

onEveryTarget("clamp, shifts, view(dtype) vs PyTorch on %s", (device) => {
  for (const c of opCases) it(c.name, () => runOpCase(c, device));
});

onEveryTarget("clamp gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) it(c.name, () => runGradCase(c, device));
});

onEveryTarget("clamp, shifts, view(dtype): errors vs PyTorch on %s", (device) => {
  for (const c of errCases) it(c.name, () => runErrorCase(c, device));
});

onEveryTarget("cbrt, popcnt, reduce_precision primitives on %s", (device) => {
  for (const c of primCases)
    it(c.name, async () => {
      const t = await loadTorch();
      const args = decodeValue(c.args, device, { torch: t }) as torch.Tensor[];
      const out = bind1(P[c.prim], args, c.attrs);
      compareValue(out, c.out, { device }, `${c.name} [${device}]`);
    });
});

describe.each(["cpu", "xla"])("cbrt and reduce_precision gradients on %s", (device) => {
  it("cbrt: 1 / (3 cbrt(x)^2)", () => {
    const x = torch.tensor([8, -27, 0.5], { dtype: torch.float64, requires_grad: true });
    bind1(P.cbrt, [x.to(device)])
      .sum()
      .backward();
    const want = [8, -27, 0.5].map((v) => 1 / (3 * Math.cbrt(v) ** 2));
    (x.grad!.tolist() as number[]).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 14));
  });
  it("reduce_precision: the cotangent rounded the same way (linear, as JAX)", () => {
    const x = torch.tensor([0.3, 5], { requires_grad: true });
    const y = bind1(P.reduce_precision, [x.to(device)], { exponent_bits: 5, mantissa_bits: 10 });
    y.mul(torch.tensor([1 + 2 ** -12, 3]).to(device))
      .sum()
      .backward();
    expect(x.grad!.tolist()).toEqual([1, 3]);
  });
});

/** The StableHLO of the graph computing `t` on the xla device. */
const hlo = (t: torch.Tensor) => torch.xla.get_stablehlo(t);
const count = (text: string, op: string) => text.split(`${op} `).length - 1 + text.split(`"${op}"`).length - 1;

describe("the StableHLO these ops lower to", () => {
  const x = torch.tensor([-2, -0.5, 0.5, 2]).to("xla");
  it("torch.clamp with two tensor bounds is one stablehlo.clamp (no maximum/minimum/select)", () => {
    const text = hlo(torch.clamp(x, torch.full([4], -1).to("xla"), torch.full([4], 1).to("xla")));
    expect(count(text, "stablehlo.clamp")).toBe(1);
    for (const op of ["stablehlo.maximum", "stablehlo.minimum", "stablehlo.select"]) expect(text).not.toContain(op);
  });
  it("scalar bounds, clamp_min / clamp_max on floats and Tensor.clip are one stablehlo.clamp each", () => {
    for (const y of [x.clamp(-1, 1), torch.clamp_min(x, 0), torch.clamp_max(x, 0), x.clip({ max: 1 })])
      expect(count(hlo(y), "stablehlo.clamp")).toBe(1);
  });
  it("shifts are stablehlo.shift_left / shift_right_arithmetic / shift_right_logical", () => {
    const i = torch.tensor([1, -8, 3], { dtype: torch.int32 }).to("xla");
    expect(hlo(torch.bitwise_left_shift(i, 2))).toContain("stablehlo.shift_left");
    expect(hlo(torch.bitwise_right_shift(i, 1))).toContain("stablehlo.shift_right_arithmetic");
    const u = torch.tensor([200, 3], { dtype: torch.uint8 }).to("xla");
    expect(hlo(torch.bitwise_right_shift(u, 1))).toContain("stablehlo.shift_right_logical");
  });
  it("view(dtype) is a stablehlo.bitcast_convert", () => {
    expect(hlo(x.view(torch.int32))).toContain("stablehlo.bitcast_convert");
    expect(hlo(x.view(torch.float16))).toContain("stablehlo.bitcast_convert");
  });
  it("torch.xla.optimization_barrier_ emits one stablehlo.optimization_barrier over all its tensors", () => {
    const a = x.mul(2),
      b = x.add(1);
    torch.xla.optimization_barrier_([a, b]);
    const text = hlo(a.add(b));
    expect(count(text, "stablehlo.optimization_barrier")).toBe(1);
    expect(a.add(b).tolist()).toEqual([-5, -0.5, 2.5, 7]);
  });
  it("rng_bit_generator lowers with a ui64 state and the algorithm attribute", () => {
    const s = torch.tensor([3, 3], { dtype: torch.int64 }).to("xla");
    const [, bits] = bind(P.rng_bit_generator, [s], { algorithm: "THREE_FRY", shape: [2, 3], dtype: torch.int32 });
    const text = hlo(bits!);
    expect(text).toContain("stablehlo.rng_bit_generator");
    expect(text).toContain("THREE_FRY");
    expect(text).toContain("ui64");
  });
});

describe.each(["cpu", "xla"])("rng_bit_generator on %s", (device) => {
  const gen = (state: bigint[], algorithm: string, shape: number[], dtype: torch.DType) =>
    bind(P.rng_bit_generator, [torch.tensor(state, { dtype: torch.int64 }).to(device)], { algorithm, shape, dtype });
  it("THREE_FRY gives XLA's bits (stablehlo/testdata/rng_bit_generator_uint64_2.mlir)", () => {
    const [s, b] = gen([3n, 3n], "THREE_FRY", [], torch.int64);
    expect(s!.tolist()).toEqual([3, 4]);
    expect(b!.item()).toBe(3349939604322698703n);
  });
  it("PHILOX matches Random123's Philox4x32-10 known-answer vectors (a 3-word state: key, counter low, high)", () => {
    const words = (t: torch.Tensor) => (t.tolist() as number[]).map((v) => (v >>> 0).toString(16));
    expect(words(gen([0n, 0n, 0n], "PHILOX", [4], torch.int32)[1]!)).toEqual(["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"]);
    const [s, b] = gen([-1n, -1n, -1n], "PHILOX", [4], torch.int32);
    expect(words(b!)).toEqual(["408f276d", "41c83b0e", "a20bc7c6", "6d5451fd"]);
    // the 128-bit counter wraps to 0 after one block
    expect(s!.tolist()).toEqual([-1, 0, 0]);
    const pi = gen([0x299f31d0a4093822n, BigInt.asIntN(64, 0x85a308d3243f6a88n), 0x0370734413198a2en], "PHILOX", [4], torch.int32);
    expect(words(pi[1]!)).toEqual(["d16cfe09", "94fdcceb", "5001e420", "24126ea1"]);
  });
  it("DEFAULT is PHILOX; the state advances by the blocks used; float results are the bits", () => {
    const [s1, a] = gen([7n, 100n], "DEFAULT", [5], torch.int64);
    const [s2, b] = gen([7n, 100n], "PHILOX", [5], torch.int64);
    expect(a!.tolist()).toEqual(b!.tolist());
    // 5 64-bit values take 3 blocks of 128 bits
    expect(s1!.tolist()).toEqual([7, 103]);
    expect(s2!.tolist()).toEqual([7, 103]);
    const [, f] = gen([7n, 100n], "PHILOX", [5], torch.float64);
    expect(f!.view(torch.int64).tolist()).toEqual(a!.tolist());
  });
  it("32-bit THREE_FRY splits a dim into halves (no even dim: the largest, rounded up), the counter advancing by the pairs", () => {
    const [s, b] = gen([1n, 0n], "THREE_FRY", [3, 5], torch.int32);
    // [3, 5] -> pairs over [3, 3]
    expect(s!.tolist()).toEqual([1, 9]);
    expect(b!.shape).toEqual([3, 5]);
    const [, c] = gen([1n, 0n], "THREE_FRY", [3, 5], torch.int16);
    // narrower results are the low bits of the 32-bit ones
    const low = (b!.tolist() as number[][]).map((r) => r.map((v) => (v << 16) >> 16));
    expect(c!.tolist()).toEqual(low);
  });
});

describe.each(["cpu", "xla"])("torch.xla.optimization_barrier_ on %s", (device) => {
  it("keeps values and passes gradients through", () => {
    const w = torch.tensor([1, 2, 3], { dtype: torch.float32, requires_grad: true });
    const y = w.to(device).mul(2);
    const z = w.to(device).add(1);
    torch.xla.optimization_barrier_([y, z]);
    y.mul(z).sum().backward();
    expect(y.tolist()).toEqual([2, 4, 6]);
    expect(w.grad!.tolist()).toEqual([2 * 2 + 2, 3 * 2 + 4, 4 * 2 + 6]);
  });
});

describe("run_stablehlo on text with these ops (the CPU runtime's kernels and evaluator)", () => {
  it("clamp, cbrt, shifts, popcnt, bitcast_convert, reduce_precision, optimization_barrier", () => {
    const text = `
module @m {
  func.func public @main(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf32>, tensor<4xf32>) {
    %lo = stablehlo.constant dense<-1.0> : tensor<f32>
    %hi = stablehlo.constant dense<1.0> : tensor<f32>
    %c = stablehlo.clamp %lo, %x, %hi : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %r = stablehlo.cbrt %x : tensor<4xf32>
    %two = stablehlo.constant dense<[1, 2, 31, 32]> : tensor<4xi32>
    %sl = stablehlo.shift_left %i, %two : tensor<4xi32>
    %sr = stablehlo.shift_right_logical %i, %two : tensor<4xi32>
    %p = stablehlo.popcnt %i : tensor<4xi32>
    %b = stablehlo.bitcast_convert %x : (tensor<4xf32>) -> tensor<4xi32>
    %q = stablehlo.reduce_precision %x, format = e5m2 : tensor<4xf32>
    %o:2 = stablehlo.optimization_barrier %c, %q : tensor<4xf32>, tensor<4xf32>
    return %c, %r, %sl, %sr, %p, %b, %o#0, %o#1 : tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf32>, tensor<4xf32>
  }
}`;
    const x = torch.tensor([-8, 0.5, 27, 1.75]);
    const i = torch.tensor([-1, 3, 5, 7], { dtype: torch.int32 });
    const [c, r, sl, sr, p, b, o0, o1] = torch.xla.run_stablehlo(text, x, i);
    expect(c!.tolist()).toEqual([-1, 0.5, 1, 1]);
    expect(r!.tolist()).toEqual([-2, Math.fround(Math.cbrt(0.5)), 3, Math.fround(Math.cbrt(1.75))]);
    expect(sl!.tolist()).toEqual([-2, 12, -2147483648, 0]);
    expect(sr!.tolist()).toEqual([2147483647, 0, 0, 0]);
    expect(p!.tolist()).toEqual([32, 2, 2, 3]);
    expect(b!.tolist()).toEqual(x.view(torch.int32).tolist());
    expect(o0!.tolist()).toEqual(c!.tolist());
    // e5m2: 2 mantissa bits (1.75 is exact, 27 rounds to 28, 0.5 and -8 exact)
    expect(o1!.tolist()).toEqual([-8, 0.5, 28, 1.75]);
  });
  it("rng_bit_generator with a ui64 state (bitcast from i64), THREE_FRY", () => {
    const text = `
module @m {
  func.func public @main(%s: tensor<2xi64>) -> (tensor<2xi64>, tensor<ui64>) {
    %u = stablehlo.bitcast_convert %s : (tensor<2xi64>) -> tensor<2xui64>
    %ns, %bits = stablehlo.rng_bit_generator %u, algorithm = THREE_FRY : (tensor<2xui64>) -> (tensor<2xui64>, tensor<ui64>)
    %n = stablehlo.bitcast_convert %ns : (tensor<2xui64>) -> tensor<2xi64>
    return %n, %bits : tensor<2xi64>, tensor<ui64>
  }
}`;
    const [s, b] = torch.xla.run_stablehlo(text, torch.tensor([3n, 3n], { dtype: torch.int64 }));
    expect(s!.tolist()).toEqual([3, 4]);
    expect(BigInt.asUintN(64, BigInt(b!.item() as bigint))).toBe(3349939604322698703n);
  });
});
