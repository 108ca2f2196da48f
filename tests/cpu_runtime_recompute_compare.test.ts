// The CPU runtime computes a float32 compare read by several elementwise ops
// (relu's mask, read by the forward select and by its backward) again inside
// each reader's fused loop instead of storing it as a bool array
// (packages/cpu/src/runtime/fuse.ts inlinable): the readers then run as
// WebAssembly loops with the compare in their tree. Values are the same bits
// as the stored-mask plan and as eager cpu; a compare that is returned, read
// by another kind of op, computed from an inlined chain, or over other dtypes
// is stored as before.
import { afterEach, describe, expect, it } from "vitest";
import { restoreEnvAfterEach } from "./harness/env";
import * as torch from "xlatorch";
import { CpuRuntime, fusedWasmStats } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { fuseConfig } from "../packages/cpu/src/runtime/fuse";
import { pinFused } from "./harness/modes";

pinFused();

restoreEnvAfterEach("XLATORCH_WASM");
afterEach(() => {
  fuseConfig.recomputeCompares = true;
});

interface PlanJson {
  steps: { op: number; loop?: { leaves: number[]; body: string; wasm?: unknown } }[];
}
const planOf = (rt: CpuRuntime, exe: ReturnType<CpuRuntime["compile"]>): PlanJson =>
  JSON.parse(new TextDecoder().decode(rt.serializeExecutable(exe))) as PlanJson;

/** Deterministic float32 values with NaN, ±Inf, ±0 and denormals sprinkled in. */
function data(n: number, seed = 7): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * 3;
  }
  const sp = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e-45, -1e-40];
  for (let i = 0; i < n; i += 5) a[i] = sp[(i / 5) % sp.length]!;
  return a;
}

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

// relu forward and its backward as the lowering writes them: one compare, two selects
const RELU = `func.func @main(%x: tensor<9x7xf32>, %g: tensor<9x7xf32>, %z: tensor<f32>) -> (tensor<9x7xf32>, tensor<9x7xf32>) {
  %zb = stablehlo.broadcast_in_dim %z, dims = [] : (tensor<f32>) -> tensor<9x7xf32>
  %m = stablehlo.compare LE, %x, %zb, FLOAT : (tensor<9x7xf32>, tensor<9x7xf32>) -> tensor<9x7xi1>
  %y = stablehlo.select %m, %zb, %x : tensor<9x7xi1>, tensor<9x7xf32>
  %gx = stablehlo.select %m, %zb, %g : tensor<9x7xi1>, tensor<9x7xf32>
  return %y, %gx : tensor<9x7xf32>, tensor<9x7xf32>
}`;

describe("a float32 compare read by several elementwise ops is computed in each", () => {
  it("relu forward and backward: no compare step, both selects WebAssembly loops with the compare, same bits as the stored mask", () => {
    process.env.XLATORCH_WASM = "always";
    const module = parseModule(RELU);
    const rt = new CpuRuntime();
    const exe = rt.compile(module);
    const plan = planOf(rt, exe);
    // body: broadcast (0: the loops read %z itself, fuse.ts), compare (1), select (2), select (3)
    expect(plan.steps.map((s) => s.op)).toEqual([2, 3]);
    expect(plan.steps[0]!.loop!.wasm).toEqual(["select", ["compare_LE", 0, 1], 1, 0]);
    expect(plan.steps[1]!.loop!.wasm).toEqual(["select", ["compare_LE", 0, 1], 1, 2]);
    fuseConfig.recomputeCompares = false;
    const stored = rt.compile(parseModule(RELU));
    expect(planOf(rt, stored).steps.map((s) => s.op)).toEqual([1, 2, 3]);
    const x = data(63),
      g = data(63, 99);
    const args = () => [
      rt.toDevice(x, "float32", [9, 7]),
      rt.toDevice(g, "float32", [9, 7]),
      rt.toDevice(new Float32Array([0]), "float32", []),
    ];
    const before = fusedWasmStats.groups;
    const a = rt.execute(exe, args()).map((b) => bits(rt.toHost(b) as Float32Array));
    expect(fusedWasmStats.groups - before).toBe(2);
    const b = rt.execute(stored, args()).map((o) => bits(rt.toHost(o) as Float32Array));
    expect(a).toEqual(b);
    // and the values themselves: x where x > 0 (NaN stays: NaN <= 0 is false), else 0
    const y = rt.toHost(rt.execute(exe, args())[0]!) as Float32Array;
    for (let i = 0; i < 63; i++) expect(Object.is(y[i], x[i]! <= 0 ? 0 : x[i])).toBe(true);
  });

  it("stored as before: a returned compare, one read by a reduce, one over an inlined chain, an int32 compare", () => {
    process.env.XLATORCH_WASM = "always";
    const rt = new CpuRuntime();
    const stepsOf = (text: string) => planOf(rt, rt.compile(parseModule(text))).steps.map((s) => s.op);
    const head = `func.func @main(%x: tensor<8xf32>, %y: tensor<8xf32>, %i: tensor<8xi32>, %j: tensor<8xi32>)`;
    // returned: the mask itself is an output
    expect(
      stepsOf(`${head} -> (tensor<8xi1>, tensor<8xf32>, tensor<8xf32>) {
  %m = stablehlo.compare LT, %x, %y, FLOAT : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xi1>
  %a = stablehlo.select %m, %x, %y : tensor<8xi1>, tensor<8xf32>
  %b = stablehlo.select %m, %y, %x : tensor<8xi1>, tensor<8xf32>
  return %m, %a, %b : tensor<8xi1>, tensor<8xf32>, tensor<8xf32>
}`),
    ).toEqual([0, 1, 2]);
    // read by a non-elementwise op (a reduce) as well as a select
    expect(
      stepsOf(`${head} -> (tensor<i1>, tensor<8xf32>) {
  %m = stablehlo.compare LT, %x, %y, FLOAT : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xi1>
  %a = stablehlo.select %m, %x, %y : tensor<8xi1>, tensor<8xf32>
  %t = stablehlo.constant dense<true> : tensor<i1>
  %r = "stablehlo.reduce"(%m, %t) <{dimensions = array<i64: 0>}> ({
  ^bb0(%p: tensor<i1>, %q: tensor<i1>):
    %s = stablehlo.and %p, %q : tensor<i1>
    stablehlo.return %s : tensor<i1>
  }) : (tensor<8xi1>, tensor<i1>) -> tensor<i1>
  return %r, %a : tensor<i1>, tensor<8xf32>
}`),
    ).toEqual([0, 1, 2, 3]);
    // its operand an inlined chain (x*y would be computed twice): stored
    expect(
      stepsOf(`${head} -> (tensor<8xf32>, tensor<8xf32>) {
  %p = stablehlo.multiply %x, %y : tensor<8xf32>
  %m = stablehlo.compare GT, %p, %y, FLOAT : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xi1>
  %a = stablehlo.select %m, %x, %y : tensor<8xi1>, tensor<8xf32>
  %b = stablehlo.select %m, %y, %x : tensor<8xi1>, tensor<8xf32>
  return %a, %b : tensor<8xf32>, tensor<8xf32>
}`),
    ).toEqual([1, 2, 3]);
    // an int32 compare has no WebAssembly form: nothing to gain, stored
    expect(
      stepsOf(`${head} -> (tensor<8xi32>, tensor<8xi32>) {
  %m = stablehlo.compare LT, %i, %j, SIGNED : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi1>
  %a = stablehlo.select %m, %i, %j : tensor<8xi1>, tensor<8xi32>
  %b = stablehlo.select %m, %j, %i : tensor<8xi1>, tensor<8xi32>
  return %a, %b : tensor<8xi32>, tensor<8xi32>
}`),
    ).toEqual([0, 1, 2]);
  });

  it("an MLP step with relu on xla equals eager cpu bit for bit (loss, gradients, updated weights)", () => {
    delete process.env.XLATORCH_WASM;
    const step = (dev: string) => {
      torch.manual_seed(3);
      const x = torch.randn(64, 33).to(dev),
        w1 = torch.randn(40, 33).mul(0.2).to(dev).requires_grad_(true),
        b1 = torch.randn(40).mul(0.1).to(dev).requires_grad_(true),
        w2 = torch.randn(5, 40).mul(0.2).to(dev).requires_grad_(true);
      const target = torch.arange(64).remainder(5).to(dev);
      const opt = new torch.optim.SGD([w1, b1, w2], { lr: 0.1 });
      const losses: torch.Tensor[] = [];
      for (let i = 0; i < 3; i++) {
        opt.zero_grad();
        const loss = torch.nn.functional.cross_entropy(torch.relu(x.matmul(w1.t()).add(b1)).matmul(w2.t()), target);
        loss.backward();
        opt.step();
        losses.push(loss.detach());
      }
      if (dev === "xla") torch.xla.sync(...losses, w1, b1, w2);
      return [...losses, w1.detach(), b1.detach(), w2.detach()].map((t) => bits(t.cpu()._host() as Float32Array));
    };
    expect(step("xla")).toEqual(step("cpu"));
  });
});
