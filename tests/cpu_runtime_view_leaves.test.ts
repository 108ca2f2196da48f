// Reshapes, transposes and slices (and chains of them with a broadcast) that
// only elementwise ops read are no steps of the CPU runtime's plan: the fused
// loops read the first op's operand through the strides the chain's kernels
// would have made (packages/cpu/src/runtime/leaf_view.ts LeafView, applied per
// execution in exec_values.ts leafInputs). The values are those of the same
// module with the view ops kept as steps (their results returned as well) and
// the hand-computed ones, in WebAssembly float32 loops, JavaScript loops and a
// float64 loop, from a stored plan too. A view op another kind of op reads (a
// dot_general) stays a step, and so does a reshape whose operand's layout
// (after a transpose) cannot express it; a folded reshape of an argument whose
// strides cannot express it at run time reads a copy, as the reshape kernel
// does. A donated parameter read through a folded transpose is not written
// while read, and a loop reading another loop's result through a transpose is
// not grouped with it.
import { describe, expect, it } from "vitest";
import { restoreEnvAfterEach } from "./harness/env";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { bitsOf, data, planOf } from "./harness/runtime_plan";
import { multiFusedStats } from "../packages/cpu/src/wasm/multi_fused_module";

restoreEnvAfterEach("XLATORCH_WASM");

const F = "tensor<6x8xf32>";
const D = "tensor<6x8xf64>";
/** The view results that `extra` returns too (which keeps them as steps). */
const VIEWS = ["%r", "%t", "%s", "%vb", "%qs", "%mt", "%dr", "%et", "%scb"];
const VTYPES = [F, F, F, F, F, "tensor<6x8xi1>", D, D, F];

function text(extra: boolean): string {
  const outs = [F, F, D, F, F, "tensor<6x6xf32>"];
  const types = [...outs, ...(extra ? VTYPES : [])].join(", ");
  return `func.func @main(%x: tensor<2x3x8xf32>, %y: tensor<8x6xf32>, %z: tensor<13x8xf32>, %v: tensor<10xf32>, %q: tensor<8x7xf32>, %sc: tensor<1xf32>, %m: tensor<8x6xi1>, %d: tensor<3x16xf64>, %e: tensor<8x6xf64>, %a: tensor<4x12xf32>) -> (${types}) {
  %r = stablehlo.reshape %x : (tensor<2x3x8xf32>) -> ${F}
  %t = stablehlo.transpose %y, dims = [1, 0] : (tensor<8x6xf32>) -> ${F}
  %s = stablehlo.slice %z [1:13:2, 0:8] : (tensor<13x8xf32>) -> ${F}
  %vs = stablehlo.slice %v [2:10] : (tensor<10xf32>) -> tensor<8xf32>
  %vr = stablehlo.reshape %vs : (tensor<8xf32>) -> tensor<1x8xf32>
  %vb = stablehlo.broadcast_in_dim %vr, dims = [0, 1] : (tensor<1x8xf32>) -> ${F}
  %qt = stablehlo.transpose %q, dims = [1, 0] : (tensor<8x7xf32>) -> tensor<7x8xf32>
  %qs = stablehlo.slice %qt [1:7, 0:8] : (tensor<7x8xf32>) -> ${F}
  %scr = stablehlo.reshape %sc : (tensor<1xf32>) -> tensor<f32>
  %scb = stablehlo.broadcast_in_dim %scr, dims = [] : (tensor<f32>) -> ${F}
  %p0 = stablehlo.multiply %r, %t : ${F}
  %p1 = stablehlo.add %p0, %s : ${F}
  %p2 = stablehlo.multiply %vb, %qs : ${F}
  %p3 = stablehlo.subtract %p1, %p2 : ${F}
  %o1 = stablehlo.multiply %p3, %scb : ${F}
  %mt = stablehlo.transpose %m, dims = [1, 0] : (tensor<8x6xi1>) -> tensor<6x8xi1>
  %o2 = stablehlo.select %mt, %r, %t : tensor<6x8xi1>, ${F}
  %dr = stablehlo.reshape %d : (tensor<3x16xf64>) -> ${D}
  %et = stablehlo.transpose %e, dims = [1, 0] : (tensor<8x6xf64>) -> ${D}
  %d0 = stablehlo.multiply %dr, %et : ${D}
  %o3 = stablehlo.subtract %d0, %dr : ${D}
  %at = stablehlo.transpose %a, dims = [1, 0] : (tensor<4x12xf32>) -> tensor<12x4xf32>
  %atr = stablehlo.reshape %at : (tensor<12x4xf32>) -> ${F}
  %o4 = stablehlo.add %atr, %r : ${F}
  %xr = stablehlo.reshape %x : (tensor<2x3x8xf32>) -> ${F}
  %o5 = stablehlo.add %xr, %t : ${F}
  %dg = stablehlo.dot_general %xr, %y, contracting_dims = [1] x [0] : (${F}, tensor<8x6xf32>) -> tensor<6x6xf32>
  return ${["%o1", "%o2", "%o3", "%o4", "%o5", "%dg", ...(extra ? VIEWS : [])].join(", ")} : ${types}
}`;
}

const x = data(48, 3),
  y = data(48, 5),
  z = data(104, 7),
  v = data(10, 9),
  q = data(56, 11),
  sc = data(1, 13),
  m = Uint8Array.from({ length: 48 }, (_, i) => (i % 5 < 2 ? 1 : 0)),
  d = Float64Array.from(data(48, 15), (u) => u / 3),
  e = Float64Array.from(data(48, 17), (u) => u / 7),
  a = data(48, 19);

type Exe = ReturnType<CpuRuntime["compile"]>;
function run(rt: CpuRuntime, exe: Exe): ArrayLike<number>[] {
  const args = [
    rt.toDevice(x, "float32", [2, 3, 8]),
    rt.toDevice(y, "float32", [8, 6]),
    rt.toDevice(z, "float32", [13, 8]),
    rt.toDevice(v, "float32", [10]),
    rt.toDevice(q, "float32", [8, 7]),
    rt.toDevice(sc, "float32", [1]),
    rt.toDevice(m, "bool", [8, 6]),
    rt.toDevice(d, "float64", [3, 16]),
    rt.toDevice(e, "float64", [8, 6]),
    rt.toDevice(a, "float32", [4, 12]),
  ];
  return rt.execute(exe, args).map((o) => rt.toHost(o) as ArrayLike<number>);
}

/** Steps of the plan by op name, for the view ops. */
function viewSteps(rt: CpuRuntime, src: string): Record<string, number> {
  const module = parseModule(src);
  const main = module.funcs.find((fn) => fn.name === "main")!;
  const out: Record<string, number> = { reshape: 0, transpose: 0, slice: 0, broadcast_in_dim: 0 };
  for (const s of planOf(rt, rt.compile(module)).steps) {
    const name = main.body[s.op]!.name.replace("stablehlo.", "");
    if (name in out) out[name]!++;
  }
  return out;
}

describe("view ops read only by elementwise ops are read by the loops through their strides", () => {
  it("no step for a folded view op; one a dot_general reads, and a reshape across a transpose's dims, stay", () => {
    const rt = new CpuRuntime();
    // %xr (the dot_general reads it), and %at -> %atr (row-major 6x8 of a transposed 12x4 is no strided view)
    expect(viewSteps(rt, text(false))).toEqual({ reshape: 2, transpose: 1, slice: 0, broadcast_in_dim: 0 });
    // returned, every view op is a step (as before folding)
    expect(viewSteps(rt, text(true))).toEqual({ reshape: 6, transpose: 5, slice: 3, broadcast_in_dim: 2 });
    // %qs: q read through a transpose then a slice (leaf_view.ts: TRANSPOSE = 2, SLICE = 3)
    const views = planOf(rt, rt.compile(parseModule(text(false))))
      .steps.flatMap((s) => s.loop?.views ?? [])
      .filter((w) => w !== null);
    expect(views).toContainEqual([2, 2, 1, 0, 3, 2, 1, 0, 1, 1, 6, 8]);
  });

  for (const wasm of ["always", "off"])
    it(`WebAssembly ${wasm}: the same bits as with the view ops as steps, and the hand-computed values`, () => {
      process.env.XLATORCH_WASM = wasm;
      const rt = new CpuRuntime();
      const got = run(rt, rt.compile(parseModule(text(false))));
      const want = run(rt, rt.compile(parseModule(text(true)))).slice(0, 6);
      expect(got.map(bitsOf)).toEqual(want.map(bitsOf));
      // a stored plan (the compile cache's) gives the same bits
      const loaded = rt.loadExecutable(rt.serializeExecutable(rt.compile(parseModule(text(false)))), parseModule(text(false)));
      expect(run(rt, loaded).map(bitsOf)).toEqual(want.map(bitsOf));
      const fr = Math.fround;
      const [o1, o2, o3, o4, o5] = got as [Float32Array, Float32Array, Float64Array, Float32Array, Float32Array];
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 8; j++) {
          const f = i * 8 + j;
          const r = x[f]!,
            t = y[j * 6 + i]!,
            s = z[(1 + 2 * i) * 8 + j]!,
            vb = v[2 + j]!,
            qs = q[j * 7 + 1 + i]!;
          expect(o1[f]).toBe(fr(fr(fr(fr(r * t) + s) - fr(vb * qs)) * sc[0]!));
          expect(o2[f]).toBe(m[j * 6 + i] ? r : t);
          expect(o3[f]).toBe(d[f]! * e[j * 6 + i]! - d[f]!);
          expect(o4[f]).toBe(fr(a[(f % 4) * 12 + Math.floor(f / 4)]! + r));
          expect(o5[f]).toBe(fr(r + t));
        }
    });

  for (const wasm of ["always", "off"])
    it(`WebAssembly ${wasm}: a folded reshape of an argument whose strides cannot express it reads a copy`, () => {
      process.env.XLATORCH_WASM = wasm;
      const rt = new CpuRuntime();
      const src = (extra: boolean) => `func.func @main(%p: tensor<4x12xf32>, %c: tensor<6x8xf32>) -> (${F}${extra ? `, ${F}` : ""}) {
  %pr = stablehlo.reshape %p : (tensor<4x12xf32>) -> ${F}
  %o = stablehlo.multiply %pr, %c : ${F}
  return %o${extra ? ", %pr" : ""} : ${F}${extra ? `, ${F}` : ""}
}`;
      expect(viewSteps(rt, src(false)).reshape).toBe(0);
      // p as the transpose of a row-major 12 x 4 array: element (i, j) at j * 4 + i
      const phys = data(48, 29),
        c = data(48, 31);
      const args = () => [
        { dtype: "float32" as const, shape: [4, 12], s: { data: phys, offset: 0, strides: [1, 4] } },
        rt.toDevice(c, "float32", [6, 8]),
      ];
      const [o] = rt.execute(rt.compile(parseModule(src(false))), args());
      const got = rt.toHost(o!) as Float32Array;
      const [ko] = rt.execute(rt.compile(parseModule(src(true))), args());
      expect(bitsOf(got)).toEqual(bitsOf(rt.toHost(ko!) as Float32Array));
      for (let f = 0; f < 48; f++) {
        const [i, j] = [Math.floor(f / 12), f % 12];
        expect(got[f]).toBe(Math.fround(phys[j * 4 + i]! * c[f]!));
      }
      // the argument is left as it was
      expect(bitsOf(phys)).toEqual(bitsOf(data(48, 29)));
    });

  it("a stored plan whose view reads past its leaf is refused", () => {
    const rt = new CpuRuntime();
    const module = parseModule(text(false));
    const plan = planOf(rt, rt.compile(module));
    // the slice of %z (13 x 8), 6 rows from row 1 by 2: starting at row 3 reads row 13
    const step = plan.steps.find((s) => s.loop?.views?.some((w) => w !== null && w[0] === 3 && w[2] === 1))!;
    const k = step.loop!.views!.findIndex((w) => w !== null && w[0] === 3 && w[2] === 1);
    step.loop!.views![k]![2] = 3;
    const json = JSON.parse(new TextDecoder().decode(rt.serializeExecutable(rt.compile(module))));
    const bad = new TextEncoder().encode(JSON.stringify({ ...json, steps: plan.steps }));
    expect(() => rt.loadExecutable(bad, module)).toThrow(/loop leaf views/);
  });

  for (const wasm of ["always", "off"])
    it(`WebAssembly ${wasm}: a donated parameter also read through a folded transpose is not written while read`, () => {
      process.env.XLATORCH_WASM = wasm;
      const rt = new CpuRuntime();
      const exe = rt.compile(
        parseModule(`func.func public @main(%p: tensor<16x16xf32> {tf.aliasing_output = 0 : i32}) -> tensor<16x16xf32> {
  %pt = stablehlo.transpose %p, dims = [1, 0] : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %p2 = stablehlo.add %p, %pt : tensor<16x16xf32>
  return %p2 : tensor<16x16xf32>
}`),
      );
      const p0 = data(256, 21);
      const [out] = rt.execute(exe, [rt.toDevice(Float32Array.from(p0), "float32", [16, 16])], [true]);
      const got = rt.toHost(out!) as Float32Array;
      for (let i = 0; i < 16; i++)
        for (let j = 0; j < 16; j++) expect(got[i * 16 + j]).toBe(Math.fround(p0[i * 16 + j]! + p0[j * 16 + i]!));
    });

  it("a loop reading another loop's result through a folded transpose is not grouped with it; one reading an argument so is", () => {
    process.env.XLATORCH_WASM = "always";
    const rt = new CpuRuntime();
    // (32 x 32 = MULTI_MIN values: y1 and y2 share x, and y2 reads y1)
    const exe = rt.compile(
      parseModule(`func.func @main(%x: tensor<32x32xf32>, %c: tensor<32x32xf32>) -> (tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>) {
  %y1 = stablehlo.add %x, %c : tensor<32x32xf32>
  %ct = stablehlo.transpose %c, dims = [1, 0] : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %y3 = stablehlo.subtract %x, %ct : tensor<32x32xf32>
  %y1t = stablehlo.transpose %y1, dims = [1, 0] : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %y2 = stablehlo.multiply %y1t, %x : tensor<32x32xf32>
  return %y1, %y2, %y3 : tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>
}`),
    );
    const xs = data(1024, 23),
      cs = data(1024, 25);
    const g0 = multiFusedStats.groups;
    const [o1, o2, o3] = rt.execute(exe, [rt.toDevice(xs, "float32", [32, 32]), rt.toDevice(cs, "float32", [32, 32])]);
    // y1 and y3 (reading c through its transpose) as one group; y2 alone
    expect(multiFusedStats.groups - g0).toBe(1);
    const [y1, y2, y3] = [o1, o2, o3].map((o) => rt.toHost(o!) as Float32Array) as [Float32Array, Float32Array, Float32Array];
    const fr = Math.fround;
    for (let i = 0; i < 32; i++)
      for (let j = 0; j < 32; j++) {
        const f = i * 32 + j,
          ft = j * 32 + i;
        expect(y1[f]).toBe(fr(xs[f]! + cs[f]!));
        expect(y2[f]).toBe(fr(fr(xs[ft]! + cs[ft]!) * xs[f]!));
        expect(y3[f]).toBe(fr(xs[f]! - cs[ft]!));
      }
  });
});
