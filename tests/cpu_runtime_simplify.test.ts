// The CPU runtime simplifies a module before planning it (packages/cpu/src/runtime/simplify.ts): a sum of
// zero pads of disjoint ranges becomes a concatenate (with + 0 where an operand may be -0), transpose,
// reshape and slice chains become one op or none, and a stack of reshapes one reshape of a concatenate.
// Each module here is run with and without the rewrites: the results must be the same bits (inputs hold
// -0.0, which the sum turns into +0.0), the rewritten ones must run fewer steps, and what the rewrites
// must leave alone (overlapping pads, a -0.0 padding value, a cropping pad, an add read elsewhere, a
// stack behind a dim larger than 1) is left as it is.
import { afterEach, describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule, type Module } from "@xlatorch/stablehlo";
import { simplifyConfig, simplifyModule } from "../packages/cpu/src/runtime/simplify";
import { bitsOf, data } from "./harness/runtime_plan";

afterEach(() => {
  simplifyConfig.on = true;
});

type Arg = Float32Array | Float64Array | Int32Array;
const dtypeOf = (a: Arg) => (a instanceof Float32Array ? "float32" : a instanceof Float64Array ? "float64" : "int32");

/** Results (as bits) and the steps run, with the rewrites on or off. */
function run(m: Module, args: [Arg, number[]][], on: boolean) {
  simplifyConfig.on = on;
  const rt = new CpuRuntime();
  const exe = rt.compile(m);
  const outs = rt.execute(
    exe,
    args.map(([a, shape]) => rt.toDevice(a, dtypeOf(a), shape)),
  );
  const steps = (exe as unknown as { order: number[] }).order.length;
  return { bits: outs.map((b) => bitsOf(rt.toHost(b) as Float32Array)), values: outs.map((b) => rt.toHost(b) as Arg), steps };
}

const opCount = (m: Module, name: string) => m.funcs[0]!.body.filter((op) => op.name === `stablehlo.${name}`).length;

/** Values with some -0.0 (every 5th) and +0.0 (every 7th) among them. */
function signedZeros(n: number, seed: number, f64 = false): Float32Array | Float64Array {
  const a = f64 ? Float64Array.from(data(n, seed)) : data(n, seed);
  for (let i = 0; i < n; i += 5) a[i] = -0;
  for (let i = 3; i < n; i += 7) a[i] = 0;
  return a;
}

/** Checks on and off give the same bits; returns both runs. */
function same(text: string, args: [Arg, number[]][]) {
  const m = parseModule(text);
  const off = run(m, args, false);
  const on = run(m, args, true);
  expect(on.bits).toEqual(off.bits);
  return { m, off, on, s: simplifyModule(m) };
}

const ab = (): [Arg, number[]][] => [
  [signedZeros(8, 15), [2, 4]],
  [signedZeros(8, 16), [2, 4]],
];

const isNegZero = (x: number) => Object.is(x, -0);

describe("zero-pad sums", () => {
  // an LSTM's gate chunks put back: four 4x16 products padded into 4x64 and summed
  const gates = (t: string) => `func.func @main(%a: tensor<4x16x${t}>, %b: tensor<4x16x${t}>) -> tensor<4x64x${t}> {
  %z = stablehlo.constant dense<0.0> : tensor<${t}>
  %m0 = stablehlo.multiply %a, %b : tensor<4x16x${t}>
  %m1 = stablehlo.add %a, %b : tensor<4x16x${t}>
  %m2 = stablehlo.subtract %a, %b : tensor<4x16x${t}>
  %m3 = stablehlo.multiply %a, %a : tensor<4x16x${t}>
  %p0 = stablehlo.pad %m0, %z, low = [0, 32], high = [0, 16], interior = [0, 0] : (tensor<4x16x${t}>, tensor<${t}>) -> tensor<4x64x${t}>
  %p1 = stablehlo.pad %m1, %z, low = [0, 0], high = [0, 48], interior = [0, 0] : (tensor<4x16x${t}>, tensor<${t}>) -> tensor<4x64x${t}>
  %p2 = stablehlo.pad %m2, %z, low = [0, 16], high = [0, 32], interior = [0, 0] : (tensor<4x16x${t}>, tensor<${t}>) -> tensor<4x64x${t}>
  %p3 = stablehlo.pad %m3, %z, low = [0, 48], high = [0, 0], interior = [0, 0] : (tensor<4x16x${t}>, tensor<${t}>) -> tensor<4x64x${t}>
  %s0 = stablehlo.add %p0, %p1 : tensor<4x64x${t}>
  %s1 = stablehlo.add %s0, %p2 : tensor<4x64x${t}>
  %s2 = stablehlo.add %s1, %p3 : tensor<4x64x${t}>
  return %s2 : tensor<4x64x${t}>
}`;

  it("four gate chunks (float32): one concatenate, +0 fused into each chunk's loop, -0 becomes +0", () => {
    const a = signedZeros(64, 1) as Float32Array,
      b = signedZeros(64, 2) as Float32Array;
    // row 1, column 1 of %m0 = a*b is -0 * 1.5 = -0: +0 in the sum
    a[17] = -0;
    b[17] = 1.5;
    const { off, on, s } = same(gates("f32"), [
      [a, [4, 16]],
      [b, [4, 16]],
    ]);
    expect(opCount(s, "pad")).toBe(0);
    expect(opCount(s, "concatenate")).toBe(1);
    // 4 pads + 1 loop of the adds (+ 4 products) -> 4 loops (each with its + 0) + 1 concatenate
    expect(off.steps).toBe(9);
    expect(on.steps).toBe(5);
    const y = on.values[0] as Float32Array;
    expect(Object.is(y[64 + 32 + 1], 0)).toBe(true);
    expect(Array.from(y).some(isNegZero)).toBe(false);
    expect(y[6]).toBe(Math.fround(a[6]! + b[6]!));
  });

  it("float64 and int32 gate chunks give the same bits", () => {
    same(gates("f64"), [
      [signedZeros(64, 3, true), [4, 16]],
      [signedZeros(64, 4, true), [4, 16]],
    ]);
    const ints = (seed: number) => Int32Array.from(data(64, seed), (v) => Math.round(v * 100));
    const { s, on } = same(gates("i32").replace("dense<0.0>", "dense<0>"), [
      [ints(5), [4, 16]],
      [ints(6), [4, 16]],
    ]);
    expect(opCount(s, "pad")).toBe(0);
    expect(opCount(s, "add")).toBe(1); // %m1 alone: an integer needs no + 0
    expect(on.values[0]![64 + 16]).toBe(ints(5)[16]! - ints(6)[16]!);
  });

  // each time step's gradient put in its place: pad(reshape(g_t), low = [t, 0, 0]); t = 1 is left out (a gap)
  const steps = `func.func @main(%g0: tensor<4x8xf32>, %g2: tensor<4x8xf32>, %g3: tensor<4x8xf32>) -> tensor<5x4x8xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %r0 = stablehlo.reshape %g0 : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %r2 = stablehlo.reshape %g2 : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %r3 = stablehlo.reshape %g3 : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %p0 = stablehlo.pad %r0, %z, low = [0, 0, 0], high = [4, 0, 0], interior = [0, 0, 0] : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<5x4x8xf32>
  %p2 = stablehlo.pad %r2, %z, low = [2, 0, 0], high = [2, 0, 0], interior = [0, 0, 0] : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<5x4x8xf32>
  %p3 = stablehlo.pad %r3, %z, low = [3, 0, 0], high = [1, 0, 0], interior = [0, 0, 0] : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<5x4x8xf32>
  %s0 = stablehlo.add %p3, %p0 : tensor<5x4x8xf32>
  %s1 = stablehlo.add %p2, %s0 : tensor<5x4x8xf32>
  return %s1 : tensor<5x4x8xf32>
}`;

  it("time steps with gaps (operands that are no loop's): concatenate with zeros, then one + 0", () => {
    const g = [signedZeros(32, 7), signedZeros(32, 8), signedZeros(32, 9)] as Float32Array[];
    const { off, on, s } = same(
      steps,
      g.map((a) => [a, [4, 8]]),
    );
    expect(opCount(s, "pad")).toBe(0);
    expect(opCount(s, "concatenate")).toBe(1);
    expect(on.steps).toBeLessThan(off.steps);
    const y = on.values[0] as Float32Array;
    expect(Array.from(y.subarray(32, 64)).every((v) => Object.is(v, 0))).toBe(true); // the gap
    expect(Array.from(y.subarray(128, 160)).every((v) => Object.is(v, 0))).toBe(true); // the end
    expect(Array.from(y.subarray(64, 96))).toEqual(Array.from(g[1]!, (v) => v + 0));
    expect(Array.from(y).some(isNegZero)).toBe(false);
  });

  it("a sum of sums put in place: the inner concatenate is never -0, so the outer needs no + 0", () => {
    const text = `func.func @main(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x2x8xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %ma = stablehlo.multiply %a, %b : tensor<2x4xf32>
  %mb = stablehlo.multiply %b, %c : tensor<2x4xf32>
  %pa = stablehlo.pad %ma, %z, low = [0, 0], high = [0, 4], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %pb = stablehlo.pad %mb, %z, low = [0, 4], high = [0, 0], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %g = stablehlo.add %pa, %pb : tensor<2x8xf32>
  %r = stablehlo.reshape %g : (tensor<2x8xf32>) -> tensor<1x2x8xf32>
  %q0 = stablehlo.pad %r, %z, low = [0, 0, 0], high = [1, 0, 0], interior = [0, 0, 0] : (tensor<1x2x8xf32>, tensor<f32>) -> tensor<2x2x8xf32>
  %ra = stablehlo.reshape %c : (tensor<2x4xf32>) -> tensor<1x2x4xf32>
  %q1 = stablehlo.pad %ra, %z, low = [1, 0, 4], high = [0, 0, 0], interior = [0, 0, 0] : (tensor<1x2x4xf32>, tensor<f32>) -> tensor<2x2x8xf32>
  %y = stablehlo.add %q0, %q1 : tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}`;
    const { s } = same(text, [
      [signedZeros(8, 10), [2, 4]],
      [signedZeros(8, 11), [2, 4]],
      [signedZeros(8, 12), [2, 4]],
    ]);
    // the outer pads differ in two dims: left alone; the inner sum is a concatenate
    expect(opCount(s, "pad")).toBe(2);
    expect(opCount(s, "concatenate")).toBe(1);
    const time = `func.func @main(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x2x8xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %ma = stablehlo.multiply %a, %b : tensor<2x4xf32>
  %mb = stablehlo.multiply %b, %a : tensor<2x4xf32>
  %pa = stablehlo.pad %ma, %z, low = [0, 0], high = [0, 4], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %pb = stablehlo.pad %mb, %z, low = [0, 4], high = [0, 0], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %g = stablehlo.add %pa, %pb : tensor<2x8xf32>
  %r = stablehlo.reshape %g : (tensor<2x8xf32>) -> tensor<1x2x8xf32>
  %q0 = stablehlo.pad %r, %z, low = [1, 0, 0], high = [0, 0, 0], interior = [0, 0, 0] : (tensor<1x2x8xf32>, tensor<f32>) -> tensor<2x2x8xf32>
  %q1 = stablehlo.pad %r, %z, low = [0, 0, 0], high = [1, 0, 0], interior = [0, 0, 0] : (tensor<1x2x8xf32>, tensor<f32>) -> tensor<2x2x8xf32>
  %y = stablehlo.add %q0, %q1 : tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}`;
    const t = same(time, [
      [signedZeros(8, 13), [2, 4]],
      [signedZeros(8, 14), [2, 4]],
    ]);
    expect(opCount(t.s, "pad")).toBe(0);
    expect(opCount(t.s, "concatenate")).toBe(2);
    // the two products' + 0 and nothing else: the outer concatenate of the inner one needs none
    expect(opCount(t.s, "add")).toBe(2);
  });

  const pair = (pa: string, pb: string, zero = "0.0") => `func.func @main(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %z = stablehlo.constant dense<${zero}> : tensor<f32>
  %ma = stablehlo.multiply %a, %b : tensor<2x4xf32>
  %pa = stablehlo.pad %ma, %z, ${pa}, interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %pb = stablehlo.pad %b, %z, ${pb}, interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %s = stablehlo.add %pa, %pb : tensor<2x8xf32>
  return %s : tensor<2x8xf32>
}`;

  it("pads that overlap, a -0.0 padding value and a cropping pad are left as they are", () => {
    const cases = [
      // columns [0, 4) and [3, 7)
      pair("low = [0, 0], high = [0, 4]", "low = [0, 3], high = [0, 1]"),
      // -0.0 + -0.0 is -0.0: a concatenate would not give the padding's zeros
      pair("low = [0, 0], high = [0, 4]", "low = [0, 4], high = [0, 0]", "-0.0"),
      // %a's columns 2 and 3 at 0 and 1 (the first two cut off)
      pair("low = [0, -2], high = [0, 6]", "low = [0, 4], high = [0, 0]"),
    ];
    for (const text of cases) {
      const { s, m } = same(text, ab());
      expect(s).toBe(m);
    }
    // the same pad twice is twice its values
    const twice = pair("low = [0, 0], high = [0, 4]", "low = [0, 4], high = [0, 0]").replace("%pa, %pb :", "%pa, %pa :");
    const { s, m, on } = same(twice, ab());
    expect(s).toBe(m);
    expect(on.values[0]![1]).toBe(Math.fround(2 * Math.fround(ab()[0][0][1]! * ab()[1][0][1]!)));
    // and a sum that does fit is rewritten
    const fits = same(pair("low = [0, 0], high = [0, 4]", "low = [0, 4], high = [0, 0]"), ab());
    expect(opCount(fits.s, "pad")).toBe(0);
  });

  it("an add of the tree read elsewhere keeps its value; the sum above it is left alone", () => {
    const text = `func.func @main(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> (tensor<2x12xf32>, tensor<2x12xf32>) {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %pa = stablehlo.pad %a, %z, low = [0, 0], high = [0, 8], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x12xf32>
  %pb = stablehlo.pad %b, %z, low = [0, 4], high = [0, 4], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x12xf32>
  %pc = stablehlo.pad %a, %z, low = [0, 8], high = [0, 0], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x12xf32>
  %s = stablehlo.add %pa, %pb : tensor<2x12xf32>
  %y = stablehlo.add %s, %pc : tensor<2x12xf32>
  return %y, %s : tensor<2x12xf32>, tensor<2x12xf32>
}`;
    const { s, on } = same(text, ab());
    // %s (returned) becomes a concatenate of its own; %y reads it, which is no pad: %pc stays
    expect(opCount(s, "pad")).toBe(1);
    expect(opCount(s, "concatenate")).toBe(1);
    expect(Array.from(on.values[1]!).some(isNegZero)).toBe(false);
  });
});

describe("layout chains", () => {
  const text = `func.func @main(%x: tensor<2x3x4xf32>, %w: tensor<4x3xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>, tensor<6x4xf32>, tensor<2x3x4xf32>, tensor<1x1x2xf32>, tensor<2x3x4xf32>, tensor<4x3xf32>, tensor<24xf32>) {
  %t0 = stablehlo.transpose %x, dims = [1, 0, 2] : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %t1 = stablehlo.transpose %t0, dims = [1, 0, 2] : (tensor<3x2x4xf32>) -> tensor<2x3x4xf32>
  %e = stablehlo.exponential %t1 : tensor<2x3x4xf32>
  %u0 = stablehlo.transpose %x, dims = [1, 2, 0] : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %u1 = stablehlo.transpose %u0, dims = [1, 0, 2] : (tensor<3x4x2xf32>) -> tensor<4x3x2xf32>
  %u2 = stablehlo.transpose %u1, dims = [0, 2, 1] : (tensor<4x3x2xf32>) -> tensor<4x2x3xf32>
  %ex = stablehlo.exponential %x : tensor<2x3x4xf32>
  %r0 = stablehlo.reshape %ex : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %r1 = stablehlo.reshape %r0 : (tensor<24xf32>) -> tensor<6x4xf32>
  %r2 = stablehlo.reshape %ex : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %n = stablehlo.negate %r2 : tensor<2x3x4xf32>
  %q0 = stablehlo.reshape %t0 : (tensor<3x2x4xf32>) -> tensor<6x4xf32>
  %q1 = stablehlo.reshape %q0 : (tensor<6x4xf32>) -> tensor<24xf32>
  %s0 = stablehlo.slice %x [1:2, 0:3:2, 1:4] : (tensor<2x3x4xf32>) -> tensor<1x2x3xf32>
  %s1 = stablehlo.slice %s0 [0:1, 1:2, 0:3:2] : (tensor<1x2x3xf32>) -> tensor<1x1x2xf32>
  %s2 = stablehlo.slice %x [0:2, 0:3, 0:4] : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %b = stablehlo.broadcast_in_dim %s2, dims = [0, 1, 2] : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %m = stablehlo.multiply %b, %b : tensor<2x3x4xf32>
  %v0 = stablehlo.transpose %w, dims = [1, 0] : (tensor<4x3xf32>) -> tensor<3x4xf32>
  %v1 = stablehlo.transpose %v0, dims = [1, 0] : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return %e, %u2, %r1, %n, %s1, %m, %v1, %q1 : tensor<2x3x4xf32>, tensor<4x2x3xf32>, tensor<6x4xf32>, tensor<2x3x4xf32>, tensor<1x1x2xf32>, tensor<2x3x4xf32>, tensor<4x3xf32>, tensor<24xf32>
}`;

  it("transpose, reshape and slice chains as one op or none, with the same values", () => {
    const { m, off, on, s } = same(text, [
      [data(24, 17), [2, 3, 4]],
      [data(12, 18), [4, 3]],
    ]);
    // %t1 is %x; %u2 is one transpose of %x; %r1 one reshape of %ex (a loop's row-major result), %r2 is %ex;
    // %s1 one slice; %s2 and %b are %x; %v1 is returned, so it stays a transpose (of %w, by the composed
    // identity); %q1 stays two reshapes: of a transposed view the first copies, which one reshape would not
    // (and a reader's order of summing may follow the strides)
    const perms = s.funcs[0]!.body.filter((op) => op.name === "stablehlo.transpose").map((op) => op.attrs.permutation);
    expect(perms).toEqual([
      { kind: "ints", values: [1, 0, 2] },
      { kind: "ints", values: [2, 0, 1] },
      { kind: "ints", values: [0, 1] },
    ]);
    expect(opCount(s, "reshape")).toBe(3);
    expect(s.funcs[0]!.body.find((op) => op.results[0]!.type.shape.join() === "6,4")!.operands[0]!.type.shape).toEqual([2, 3, 4]);
    expect(opCount(s, "slice")).toBe(1);
    expect(opCount(s, "broadcast_in_dim")).toBe(0);
    const slice = s.funcs[0]!.body.find((op) => op.name === "stablehlo.slice")!;
    expect([slice.attrs.start_indices, slice.attrs.limit_indices, slice.attrs.strides]).toEqual([
      { kind: "ints", values: [1, 2, 1] },
      { kind: "ints", values: [2, 3, 4] },
      { kind: "ints", values: [1, 2, 2] },
    ]);
    expect(on.steps).toBeLessThan(off.steps);
    const x = data(24, 17);
    expect(Array.from(on.values[4]!)).toEqual([x[12 + 8 + 1]!, x[12 + 8 + 3]!]);
    // the module given is not changed
    expect(opCount(m, "transpose")).toBe(7);
  });

  it("a stack of reshapes is a reshape of one concatenate, where only size-1 dims precede the stacked one", () => {
    const text = `func.func @main(%a: tensor<4x2xf32>, %b: tensor<4x2xf32>, %c: tensor<2x4xf32>) -> (tensor<1x3x4x2xf32>, tensor<2x3x4xf32>, tensor<3x4x2xf32>) {
  %ra = stablehlo.reshape %a : (tensor<4x2xf32>) -> tensor<1x1x4x2xf32>
  %rb = stablehlo.reshape %b : (tensor<4x2xf32>) -> tensor<1x1x4x2xf32>
  %e = stablehlo.exponential %a : tensor<4x2xf32>
  %re = stablehlo.reshape %e : (tensor<4x2xf32>) -> tensor<1x1x4x2xf32>
  %y = stablehlo.concatenate %ra, %re, %rb, dim = 1 : (tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) -> tensor<1x3x4x2xf32>
  %sa = stablehlo.reshape %a : (tensor<4x2xf32>) -> tensor<2x1x4xf32>
  %sb = stablehlo.reshape %b : (tensor<4x2xf32>) -> tensor<2x1x4xf32>
  %z = stablehlo.concatenate %sa, %sb, %sa, dim = 1 : (tensor<2x1x4xf32>, tensor<2x1x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %ta = stablehlo.reshape %a : (tensor<4x2xf32>) -> tensor<1x4x2xf32>
  %tc = stablehlo.reshape %c : (tensor<2x4xf32>) -> tensor<1x4x2xf32>
  %w = stablehlo.concatenate %ta, %tc, %ta, dim = 0 : (tensor<1x4x2xf32>, tensor<1x4x2xf32>, tensor<1x4x2xf32>) -> tensor<3x4x2xf32>
  return %y, %z, %w : tensor<1x3x4x2xf32>, tensor<2x3x4xf32>, tensor<3x4x2xf32>
}`;
    const a = data(8, 19),
      b = data(8, 20),
      c = data(8, 21);
    const { off, on, s } = same(text, [
      [a, [4, 2]],
      [b, [4, 2]],
      [c, [2, 4]],
    ]);
    const cats = s.funcs[0]!.body.filter((op) => op.name === "stablehlo.concatenate");
    // %y: a stack of three 4x2 values (dim 0 of 12x2); %z stacks behind a dim of 2: left alone;
    // %w's pieces are reshapes of 4x2 and 2x4: left alone
    expect(cats.map((op) => op.results[0]!.type.shape)).toEqual([
      [12, 2],
      [2, 3, 4],
      [3, 4, 2],
    ]);
    expect(on.steps).toBeLessThan(off.steps);
    const y = Array.from(on.values[0]!);
    expect([y.slice(0, 8), y.slice(16, 24)]).toEqual([Array.from(a), Array.from(b)]);
    expect(Array.from(on.values[2]!.subarray(8, 16))).toEqual(Array.from(c));
  });

  it("a module with nothing to rewrite is returned as it is", () => {
    const m = parseModule(`func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = stablehlo.exponential %x : tensor<4xf32>
  return %y : tensor<4xf32>
}`);
    expect(simplifyModule(m)).toBe(m);
  });
});

describe("persistent compile cache", () => {
  it("a stored plan loads against the simplified module", () => {
    const text = `func.func @main(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %t0 = stablehlo.transpose %a, dims = [1, 0] : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %t1 = stablehlo.transpose %t0, dims = [1, 0] : (tensor<4x2xf32>) -> tensor<2x4xf32>
  %pa = stablehlo.pad %t1, %z, low = [0, 0], high = [0, 4], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %pb = stablehlo.pad %b, %z, low = [0, 4], high = [0, 0], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  %s = stablehlo.add %pa, %pb : tensor<2x8xf32>
  return %s : tensor<2x8xf32>
}`;
    const m = parseModule(text);
    const args = ab();
    const rt = new CpuRuntime();
    const bytes = rt.serializeExecutable(rt.compile(m));
    const exe = rt.loadExecutable(bytes, parseModule(text));
    const got = rt.execute(
      exe,
      args.map(([a, sh]) => rt.toDevice(a, "float32", sh)),
    );
    expect(bitsOf(rt.toHost(got[0]!) as Float32Array)).toEqual(run(m, args, false).bits[0]);
    simplifyConfig.on = false;
    const offId = rt.cacheIdentity();
    simplifyConfig.on = true;
    expect(rt.cacheIdentity()).not.toBe(offId);
  });
});
