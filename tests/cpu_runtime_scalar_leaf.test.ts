// A broadcast_in_dim of a 0-d value that only elementwise ops read is no step
// of the CPU runtime's plan: the fused loops read the 0-d value itself
// (packages/cpu/src/runtime/fuse.ts). The results equal, bit for bit, those of
// the same module where the broadcast is a step (returned as well), in
// WebAssembly float32 loops, a multi-output group, JavaScript float64 and
// int32 loops and a bool mask, with WebAssembly on and off. A broadcast read by
// another kind of op stays a step; a 0-d parameter updated in place (buffer
// donation) is not overwritten before a later loop reads it.
import { describe, expect, it } from "vitest";
import { restoreEnvAfterEach } from "./harness/env";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { bitsOf, data, planOf } from "./harness/runtime_plan";

restoreEnvAfterEach("XLATORCH_WASM");

const T = "tensor<64x33xf32>";
const T64 = "tensor<64x33xf64>";
const TI = "tensor<64x33xi32>";
/**
 * Scalars s (f32), d (f64), k (i32), f (i1) and a constant, each broadcast and read by loops: a float32 chain
 * (x * sb + cb) and its relu'd copy over one shape (a multi-output group), a float64 chain, an int32 one and a
 * select on the broadcast bool. `extra` returns the broadcasts as well, which keeps them as steps.
 */
function text(extra: boolean): string {
  const outs = [T, T, T64, TI, T];
  const more = extra ? [T, T, T64, TI, "tensor<64x33xi1>"] : [];
  return `func.func @main(%x: ${T}, %s: tensor<f32>, %d: tensor<f64>, %k: tensor<i32>, %f: tensor<i1>, %i: ${TI}) -> (${[...outs, ...more].join(", ")}) {
  %c = stablehlo.constant dense<0.5> : tensor<f32>
  %sb = stablehlo.broadcast_in_dim %s, dims = [] : (tensor<f32>) -> ${T}
  %cb = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> ${T}
  %db = stablehlo.broadcast_in_dim %d, dims = [] : (tensor<f64>) -> ${T64}
  %kb = stablehlo.broadcast_in_dim %k, dims = [] : (tensor<i32>) -> ${TI}
  %fb = stablehlo.broadcast_in_dim %f, dims = [] : (tensor<i1>) -> tensor<64x33xi1>
  %m = stablehlo.multiply %x, %sb : ${T}
  %y = stablehlo.add %m, %cb : ${T}
  %r = stablehlo.maximum %y, %cb : ${T}
  %w = stablehlo.convert %x : (${T}) -> ${T64}
  %w2 = stablehlo.multiply %w, %db : ${T64}
  %w3 = stablehlo.subtract %w2, %db : ${T64}
  %j = stablehlo.multiply %i, %kb : ${TI}
  %j2 = stablehlo.add %j, %kb : ${TI}
  %z = stablehlo.select %fb, %x, %sb : tensor<64x33xi1>, ${T}
  return ${["%y", "%r", "%w3", "%j2", "%z", ...(extra ? ["%sb", "%cb", "%db", "%kb", "%fb"] : [])].join(", ")} : ${[...outs, ...more].join(", ")}
}`;
}

function run(src: string, flag: number): ArrayLike<number>[] {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(src));
  const args = [
    rt.toDevice(data(64 * 33, 5), "float32", [64, 33]),
    rt.toDevice(Float32Array.of(-1.75), "float32", []),
    rt.toDevice(Float64Array.of(Math.PI), "float64", []),
    rt.toDevice(Int32Array.of(-7), "int32", []),
    rt.toDevice(Uint8Array.of(flag), "bool", []),
    rt.toDevice(
      Int32Array.from({ length: 64 * 33 }, (_, i) => i * 40503),
      "int32",
      [64, 33],
    ),
  ];
  return rt.execute(exe, args).map((b) => rt.toHost(b) as ArrayLike<number>);
}

describe("a broadcast 0-d value read only by elementwise ops is read by the loops themselves", () => {
  it("no broadcast step: the loops read the scalars (and the constant) as leaves", () => {
    const rt = new CpuRuntime();
    const module = parseModule(text(false));
    const plan = planOf(rt, rt.compile(module));
    const main = module.funcs.find((f) => f.name === "main")!;
    const names = plan.steps.map((s) => main.body[s.op]!.name);
    expect(names.filter((n) => n === "stablehlo.broadcast_in_dim")).toEqual([]);
    // the kept broadcasts are steps (they are returned)
    const kept = parseModule(text(true));
    const keptMain = kept.funcs.find((f) => f.name === "main")!;
    expect(planOf(rt, rt.compile(kept)).steps.filter((s) => keptMain.body[s.op]!.name === "stablehlo.broadcast_in_dim")).toHaveLength(5);
  });

  for (const wasm of ["always", "off"])
    for (const flag of [0, 1])
      it(`WebAssembly ${wasm}, mask ${flag}: the same bits as with the broadcasts as steps`, () => {
        process.env.XLATORCH_WASM = wasm;
        const got = run(text(false), flag);
        const want = run(text(true), flag).slice(0, 5);
        expect(got.map(bitsOf)).toEqual(want.map(bitsOf));
        // the values themselves: y = x * s + 0.5 (float32 rounding per op), z = x or s by the mask
        const x = data(64 * 33, 5);
        for (const i of [0, 1, 100, 2111]) {
          expect(got[0]![i]).toBe(Math.fround(Math.fround(x[i]! * -1.75) + 0.5));
          expect(got[4]![i]).toBe(flag ? x[i] : -1.75);
        }
      });

  it("a broadcast also read by another kind of op stays a step", () => {
    const rt = new CpuRuntime();
    const module = parseModule(`func.func @main(%x: tensor<8x4xf32>, %s: tensor<f32>) -> (tensor<8x4xf32>, tensor<8xf32>) {
  %sb = stablehlo.broadcast_in_dim %s, dims = [] : (tensor<f32>) -> tensor<8x4xf32>
  %y = stablehlo.multiply %x, %sb : tensor<8x4xf32>
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %r = stablehlo.reduce(%sb init: %z) applies stablehlo.add across dimensions = [1] : (tensor<8x4xf32>, tensor<f32>) -> tensor<8xf32>
  return %y, %r : tensor<8x4xf32>, tensor<8xf32>
}`);
    const main = module.funcs.find((f) => f.name === "main")!;
    const exe = rt.compile(module);
    expect(planOf(rt, exe).steps.map((s) => main.body[s.op]!.name)).toContain("stablehlo.broadcast_in_dim");
    const [y, r] = rt.execute(exe, [rt.toDevice(data(32, 3), "float32", [8, 4]), rt.toDevice(Float32Array.of(2), "float32", [])]);
    expect(Array.from(rt.toHost(r!) as Float32Array)).toEqual(Array(8).fill(8));
    expect((rt.toHost(y!) as Float32Array)[5]).toBe(data(32, 3)[5]! * 2);
  });

  it("a donated 0-d parameter updated by one loop and read (broadcast) by a later one: the later loop reads the old value", () => {
    const rt = new CpuRuntime();
    const exe = rt.compile(
      parseModule(`func.func public @main(%p: tensor<f32> {tf.aliasing_output = 0 : i32}, %x: tensor<64xf32>) -> (tensor<f32>, tensor<64xf32>) {
  %one = stablehlo.constant dense<1.0> : tensor<f32>
  %p2 = stablehlo.add %p, %one : tensor<f32>
  %pb = stablehlo.broadcast_in_dim %p, dims = [] : (tensor<f32>) -> tensor<64xf32>
  %y = stablehlo.multiply %x, %pb : tensor<64xf32>
  return %p2, %y : tensor<f32>, tensor<64xf32>
}`),
    );
    const x = data(64, 11);
    const p = rt.toDevice(Float32Array.of(3), "float32", []);
    const [p2, y] = rt.execute(exe, [p, rt.toDevice(x, "float32", [64])], [true, false]);
    expect(Array.from(rt.toHost(p2!) as Float32Array)).toEqual([4]);
    expect(Array.from(rt.toHost(y!) as Float32Array)).toEqual(Array.from(x, (v) => Math.fround(v * 3)));
  });
});
