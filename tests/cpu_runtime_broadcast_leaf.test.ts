// A broadcast_in_dim of an n-d value that only elementwise ops read is no step
// of the CPU runtime's plan: the fused loops read its operand through the view
// the broadcast kernel would have made (stride 0 on the broadcast dims, the
// operand's strides permuted per broadcast_dimensions; packages/cpu/src/runtime/fuse.ts
// LeafView). Broadcasts along leading, trailing and middle dims, a permuted
// one, a size-1 dim spread and a bool mask are read by WebAssembly float32
// loops, a multi-output group, a loop fused into a reduction and a JavaScript
// float64 loop; the results equal, bit for bit, those of the same module where
// the broadcasts are steps (returned as well), and the hand-computed values.
// A donated parameter a loop also reads through a (transposing) broadcast is
// not written in place while that loop reads it.
import { describe, expect, it } from "vitest";
import { restoreEnvAfterEach } from "./harness/env";
import { CpuRuntime, fusedWasmStats } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { bitsOf, data, planOf } from "./harness/runtime_plan";
import { multiFusedStats } from "../packages/cpu/src/wasm/multi_fused_module";

restoreEnvAfterEach("XLATORCH_WASM");

// 8 x 32 x 5 = 1280 values: past MULTI_MIN, so the two float32 loops over x run as one group
const [B, M, K] = [8, 32, 5];
const N = B * M * K;
const T = `tensor<${B}x${M}x${K}xf32>`;
const T64 = `tensor<${B}x${M}x${K}xf64>`;
const BROADCASTS = ["%ab", "%bb", "%cb", "%tb", "%ub", "%fb", "%tdb", "%adb"];
const BTYPES = [T, T, T, T, T, `tensor<${B}x${M}x${K}xi1>`, T64, T64];

/** `extra` returns the broadcasts as well, which keeps them as steps (the views the kernel makes). */
function text(extra: boolean): string {
  const outs = [T, T, `tensor<${B}x${M}xf32>`, T64];
  const types = [...outs, ...(extra ? BTYPES : [])].join(", ");
  return `func.func @main(%x: ${T}, %a: tensor<${M}xf32>, %b: tensor<${B}xf32>, %c: tensor<${K}xf32>, %t: tensor<${K}x${B}xf32>, %u: tensor<1x${M}x1xf32>, %f: tensor<${M}xi1>, %td: tensor<${K}x${B}xf64>) -> (${types}) {
  %ab = stablehlo.broadcast_in_dim %a, dims = [1] : (tensor<${M}xf32>) -> ${T}
  %bb = stablehlo.broadcast_in_dim %b, dims = [0] : (tensor<${B}xf32>) -> ${T}
  %cb = stablehlo.broadcast_in_dim %c, dims = [2] : (tensor<${K}xf32>) -> ${T}
  %tb = stablehlo.broadcast_in_dim %t, dims = [2, 0] : (tensor<${K}x${B}xf32>) -> ${T}
  %ub = stablehlo.broadcast_in_dim %u, dims = [0, 1, 2] : (tensor<1x${M}x1xf32>) -> ${T}
  %fb = stablehlo.broadcast_in_dim %f, dims = [1] : (tensor<${M}xi1>) -> tensor<${B}x${M}x${K}xi1>
  %y0 = stablehlo.multiply %x, %ab : ${T}
  %y1 = stablehlo.add %y0, %bb : ${T}
  %y2 = stablehlo.subtract %y1, %cb : ${T}
  %y3 = stablehlo.multiply %y2, %tb : ${T}
  %y = stablehlo.add %y3, %ub : ${T}
  %z = stablehlo.select %fb, %x, %tb : tensor<${B}x${M}x${K}xi1>, ${T}
  %fc = stablehlo.convert %fb : (tensor<${B}x${M}x${K}xi1>) -> ${T}
  %v = stablehlo.multiply %fc, %cb : ${T}
  %o2 = stablehlo.add %z, %v : ${T}
  %r0 = stablehlo.multiply %x, %ub : ${T}
  %r1 = stablehlo.subtract %r0, %bb : ${T}
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %s = stablehlo.reduce(%r1 init: %zero) applies stablehlo.add across dimensions = [2] : (${T}, tensor<f32>) -> tensor<${B}x${M}xf32>
  %tdb = stablehlo.broadcast_in_dim %td, dims = [2, 0] : (tensor<${K}x${B}xf64>) -> ${T64}
  %ad = stablehlo.convert %a : (tensor<${M}xf32>) -> tensor<${M}xf64>
  %adb = stablehlo.broadcast_in_dim %ad, dims = [1] : (tensor<${M}xf64>) -> ${T64}
  %xd = stablehlo.convert %x : (${T}) -> ${T64}
  %w0 = stablehlo.multiply %xd, %tdb : ${T64}
  %w = stablehlo.subtract %w0, %adb : ${T64}
  return ${["%y", "%o2", "%s", "%w", ...(extra ? BROADCASTS : [])].join(", ")} : ${types}
}`;
}

const x = data(N, 5),
  a = data(M, 7),
  b = data(B, 9),
  c = data(K, 11),
  t = data(K * B, 13),
  u = data(M, 15),
  f = Uint8Array.from({ length: M }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  td = Float64Array.from(data(K * B, 17), (v) => v / 7);

function run(rt: CpuRuntime, exe: ReturnType<CpuRuntime["compile"]>): ArrayLike<number>[] {
  const args = [
    rt.toDevice(x, "float32", [B, M, K]),
    rt.toDevice(a, "float32", [M]),
    rt.toDevice(b, "float32", [B]),
    rt.toDevice(c, "float32", [K]),
    rt.toDevice(t, "float32", [K, B]),
    rt.toDevice(u, "float32", [1, M, 1]),
    rt.toDevice(f, "bool", [M]),
    rt.toDevice(td, "float64", [K, B]),
  ];
  return rt.execute(exe, args).map((o) => rt.toHost(o) as ArrayLike<number>);
}

describe("a broadcast of an n-d value read only by elementwise ops is read by the loops through its view", () => {
  it("no broadcast step: the loops read the operands with views (the permuted one's dims mapped)", () => {
    const rt = new CpuRuntime();
    const module = parseModule(text(false));
    const main = module.funcs.find((fn) => fn.name === "main")!;
    const plan = planOf(rt, rt.compile(module));
    expect(plan.steps.filter((s) => main.body[s.op]!.name === "stablehlo.broadcast_in_dim")).toEqual([]);
    const views = plan.steps.flatMap((s) => s.loop?.views ?? []).filter((w) => w !== null);
    // (leaf_view.ts: BROADCAST = 0, the result's rank, per result dim the operand's dim or -1, the result's shape)
    // %tb (dims [2, 0]): result dim 0 takes the operand's dim 1, dim 1 none, dim 2 the operand's dim 0
    expect(views).toContainEqual([0, 3, 1, -1, 0, B, M, K]);
    // %ub (1 x M x 1 spread): only the middle dim keeps its stride
    expect(views).toContainEqual([0, 3, -1, 1, -1, B, M, K]);
    // the same module with the broadcasts returned keeps them as steps
    const kept = parseModule(text(true));
    const keptMain = kept.funcs.find((fn) => fn.name === "main")!;
    const keptPlan = planOf(rt, rt.compile(kept));
    expect(keptPlan.steps.filter((s) => keptMain.body[s.op]!.name === "stablehlo.broadcast_in_dim")).toHaveLength(BROADCASTS.length);
  });

  for (const wasm of ["always", "off"])
    it(`WebAssembly ${wasm}: the same bits as with the broadcasts as steps, and the hand-computed values`, () => {
      process.env.XLATORCH_WASM = wasm;
      const rt = new CpuRuntime();
      const [g0, m0, r0] = [fusedWasmStats.groups, multiFusedStats.groups, fusedWasmStats.reductions];
      const got = run(rt, rt.compile(parseModule(text(false))));
      if (wasm === "always") {
        // the float32 loops ran in WebAssembly: as a multi-output group, and into the reduction
        expect(multiFusedStats.groups).toBeGreaterThan(m0);
        expect(fusedWasmStats.reductions).toBeGreaterThan(r0);
      } else expect([fusedWasmStats.groups, multiFusedStats.groups]).toEqual([g0, m0]);
      const want = run(rt, rt.compile(parseModule(text(true)))).slice(0, 4);
      expect(got.map(bitsOf)).toEqual(want.map(bitsOf));
      // a stored plan (the compile cache's) gives the same bits
      const exe = rt.compile(parseModule(text(false)));
      const loaded = rt.loadExecutable(rt.serializeExecutable(exe), parseModule(text(false)));
      expect(run(rt, loaded).map(bitsOf)).toEqual(want.map(bitsOf));
      const fr = Math.fround;
      const [y, o2, s, w] = got as [Float32Array, Float32Array, Float32Array, Float64Array];
      for (let i = 0; i < B; i++)
        for (let j = 0; j < M; j++) {
          let sum = 0;
          for (let k = 0; k < K; k++) {
            const at = (i * M + j) * K + k;
            const xv = x[at]!,
              tv = t[k * B + i]!;
            expect(y[at]).toBe(fr(fr(fr(fr(fr(xv * a[j]!) + b[i]!) - c[k]!) * tv) + u[j]!));
            expect(o2[at]).toBe(fr((f[j] ? xv : tv) + fr(f[j]! * c[k]!)));
            expect(w[at]).toBe(xv * td[k * B + i]! - a[j]!);
            sum += fr(fr(xv * u[j]!) - b[i]!);
          }
          expect(s[i * M + j]).toBeCloseTo(sum, 4);
        }
    });

  it("a stored plan whose view names a dim its leaf lacks is refused", () => {
    const rt = new CpuRuntime();
    const module = parseModule(text(false));
    const plan = planOf(rt, rt.compile(module));
    const step = plan.steps.find((s) => s.loop?.views?.some((v) => v !== null))!;
    const k = step.loop!.views!.findIndex((v) => v !== null);
    step.loop!.views![k] = step.loop!.views![k]!.map(() => 7);
    const json = JSON.parse(new TextDecoder().decode(rt.serializeExecutable(rt.compile(module))));
    const bad = new TextEncoder().encode(JSON.stringify({ ...json, steps: plan.steps }));
    expect(() => rt.loadExecutable(bad, module)).toThrow(/loop leaf views/);
  });

  it("a loop reading another loop's result through a transposing broadcast is not grouped with it", () => {
    process.env.XLATORCH_WASM = "always";
    const rt = new CpuRuntime();
    // (32 x 32 = MULTI_MIN values: y1 and y2 share x and y2 reads y1, which would make them one group)
    const exe = rt.compile(
      parseModule(`func.func @main(%x: tensor<32x32xf32>, %c: tensor<32xf32>) -> (tensor<32x32xf32>, tensor<32x32xf32>) {
  %cb = stablehlo.broadcast_in_dim %c, dims = [0] : (tensor<32xf32>) -> tensor<32x32xf32>
  %y1 = stablehlo.add %x, %cb : tensor<32x32xf32>
  %y1t = stablehlo.broadcast_in_dim %y1, dims = [1, 0] : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %y2 = stablehlo.multiply %y1t, %x : tensor<32x32xf32>
  return %y1, %y2 : tensor<32x32xf32>, tensor<32x32xf32>
}`),
    );
    const xs = data(1024, 23),
      cs = data(32, 25);
    const [o1, o2] = rt.execute(exe, [rt.toDevice(xs, "float32", [32, 32]), rt.toDevice(cs, "float32", [32])]);
    const y1 = rt.toHost(o1!) as Float32Array,
      y2 = rt.toHost(o2!) as Float32Array;
    for (let i = 0; i < 32; i++)
      for (let j = 0; j < 32; j++) {
        expect(y1[i * 32 + j]).toBe(Math.fround(xs[i * 32 + j]! + cs[i]!));
        expect(y2[i * 32 + j]).toBe(Math.fround(Math.fround(xs[j * 32 + i]! + cs[j]!) * xs[i * 32 + j]!));
      }
  });

  for (const wasm of ["always", "off"])
    it(`WebAssembly ${wasm}: a donated parameter also read through a transposing broadcast is not written while read`, () => {
      process.env.XLATORCH_WASM = wasm;
      const rt = new CpuRuntime();
      const exe = rt.compile(
        parseModule(`func.func public @main(%p: tensor<16x16xf32> {tf.aliasing_output = 0 : i32}) -> tensor<16x16xf32> {
  %pt = stablehlo.broadcast_in_dim %p, dims = [1, 0] : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %q = stablehlo.multiply %pt, %pt : tensor<16x16xf32>
  %p2 = stablehlo.add %p, %q : tensor<16x16xf32>
  return %p2 : tensor<16x16xf32>
}`),
      );
      const p0 = data(256, 21);
      const arg = rt.toDevice(Float32Array.from(p0), "float32", [16, 16]);
      const [out] = rt.execute(exe, [arg], [true]);
      const got = rt.toHost(out!) as Float32Array;
      for (let i = 0; i < 16; i++)
        for (let j = 0; j < 16; j++) {
          const pt = p0[j * 16 + i]!;
          expect(got[i * 16 + j]).toBe(Math.fround(p0[i * 16 + j]! + Math.fround(pt * pt)));
        }
    });
});
