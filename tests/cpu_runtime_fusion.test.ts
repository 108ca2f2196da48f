// Fused float32 elementwise chains on the CPU runtime run as generated
// WebAssembly SIMD loops (packages/cpu/src/wasm/fused_module.ts) built from
// the eager kernels' lane emitters: on the xla device they equal the eager cpu
// results bit for bit (NaN as NaN), with broadcasting, scalars, strided
// views, tails that are not a multiple of 4 and empty tensors; chains with a
// dtype or an op the WebAssembly emitters lack, and everything under
// XLATORCH_WASM=off, run the JavaScript loop and give the same values.
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

type Fn = (...xs: torch.Tensor[]) => torch.Tensor;

/** fn on the xla device (one fused module) and on eager cpu; whether a fused group ran in WebAssembly. */
function both(fn: Fn, ...xs: torch.Tensor[]): { lazy: torch.Tensor; eager: torch.Tensor; wasm: boolean } {
  const before = fusedWasmStats.groups;
  const lazy = fn(...xs.map((x) => x.to("xla")));
  torch.xla.sync(lazy);
  const wasm = fusedWasmStats.groups > before;
  return { lazy: lazy.cpu(), eager: fn(...xs), wasm };
}

/** Equal element for element: same value and sign of zero, NaN where the other is NaN. */
function expectSame(a: torch.Tensor, b: torch.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const x = a.contiguous()._host() as ArrayLike<number>,
    y = b.contiguous()._host() as ArrayLike<number>;
  const bad: string[] = [];
  for (let i = 0; i < x.length && bad.length < 5; i++) if (!Object.is(x[i], y[i])) bad.push(`[${i}] ${x[i]} vs ${y[i]}`);
  expect(bad).toEqual([]);
}

/** Deterministic float32 values in [-lo, hi) with NaN, ±Inf, ±0 and huge values sprinkled in when `special`. */
function data(n: number, special = false, scale = 3): torch.Tensor {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  if (special) {
    const sp = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 3e38, -3e38, 1e-45, -1e-40, 88.7, -104];
    for (let i = 0; i < n; i += 7) a[i] = sp[(i / 7) % sp.length]!;
  }
  return torch.tensor(a);
}

describe("fused float32 chains in WebAssembly equal eager cpu", () => {
  const unary: [string, Fn][] = [
    ["tanh(x*2+1)", (x) => torch.tanh(x.mul(2).add(1))],
    ["exp(-x)*0.5", (x) => x.neg().exp().mul(0.5)],
    ["sigmoid(x)*x", (x) => torch.sigmoid(x).mul(x)],
    ["log(|x|+1e-3)", (x) => x.abs().add(1e-3).log()],
    ["rsqrt(x*x+1)", (x) => x.mul(x).add(1).rsqrt()],
    ["sqrt|x| floor ceil round", (x) => x.abs().sqrt().floor().add(x.ceil()).sub(x.mul(3).round())],
    ["expm1(x)/2", (x) => torch.expm1(x).div(2)],
    ["relu(x)-min(x,0.5)", (x) => torch.relu(x).sub(torch.minimum(x, torch.tensor(0.5)))],
    // compares and selects as masks, NaN compared as JavaScript does (false but for !=)
    ["where(x!=x, 0, x) (NaN to 0)", (x) => torch.where(x.ne(x), torch.tensor(0), x)],
    ["(x>0.5).float()*x + (x<=-0.5)*2 + (x==0)", (x) => x.gt(0.5).float().mul(x).add(x.le(-0.5).float().mul(2)).add(x.eq(0).float())],
    ["where(x>=0.25, exp(x), x*3)", (x) => torch.where(x.ge(0.25), x.exp(), x.mul(3))],
  ];
  // tails: not a multiple of 4, shorter than one vector, and past one chunk (16384 values)
  it.each(unary)("%s over tails 1..9, 4097 and 40003 values, with NaN/Inf/-0/denormals", (_name, fn) => {
    process.env.XLATORCH_WASM = "always";
    for (const n of [1, 2, 3, 5, 8, 9, 4097, 40003]) {
      const { lazy, eager, wasm } = both(fn, data(n, true));
      expect(wasm).toBe(true);
      expectSame(lazy, eager);
    }
  });

  it("at the default thresholds (eager per-op kernels in WebAssembly too): tanh(x*2+1) over 100003 values", () => {
    delete process.env.XLATORCH_WASM;
    const { lazy, eager, wasm } = both((x) => torch.tanh(x.mul(2).add(1)), data(100003, true));
    expect(wasm).toBe(true);
    expectSame(lazy, eager);
  });

  it("binary ops with broadcasting: a bias row, a per-row value, a scalar tensor, python scalars", () => {
    process.env.XLATORCH_WASM = "always";
    const x = data(37 * 19, true).reshape(37, 19),
      bias = data(19, false, 1),
      col = data(37, false, 2).reshape(37, 1),
      s = torch.tensor(1.5);
    const fn: Fn = (x, bias, col, s) => torch.maximum(x.add(bias).mul(col), s).div(x.sub(0.25)).sub(2);
    const { lazy, eager, wasm } = both(fn, x, bias, col, s);
    expect(wasm).toBe(true);
    expectSame(lazy, eager);
  });

  it("softmax-like x - amax(x, -1) then exp, and strided leaves (a transpose, an expand)", () => {
    process.env.XLATORCH_WASM = "always";
    const x = data(33 * 10, true).reshape(33, 10);
    const a = both((x) => x.sub(x.amax(-1, true)).exp(), x);
    expect(a.wasm).toBe(true);
    expectSame(a.lazy, a.eager);
    const y = data(10 * 33).reshape(10, 33);
    const b = both((x, y) => x.mul(y.t()).add(y.t().exp()), x, y);
    expect(b.wasm).toBe(true);
    expectSame(b.lazy, b.eager);
    const c = both((x) => torch.tanh(x.reshape(33, 1, 10).expand(33, 3, 10).mul(1.5)), x);
    expect(c.wasm).toBe(true);
    expectSame(c.lazy, c.eager);
  });

  it("a bool leaf (a saved relu mask) read as a mask: relu forward and backward", () => {
    process.env.XLATORCH_WASM = "always";
    // the mask stored (by default the compare is computed again in each select: cpu_runtime_recompute_compare.test.ts)
    fuseConfig.recomputeCompares = false;
    const fwdBwd = (x: torch.Tensor, w: torch.Tensor) => {
      const xl = x.clone().requires_grad_(true);
      const y = torch.relu(xl.mul(w)).mul(w).sum();
      y.backward();
      return [y, xl.grad!] as const;
    };
    const x = data(17 * 241, true).reshape(17, 241),
      w = data(241, false, 1);
    const before = fusedWasmStats.groups;
    const [yl, gl] = fwdBwd(x.to("xla"), w.to("xla"));
    torch.xla.sync(yl, gl);
    expect(fusedWasmStats.groups).toBeGreaterThan(before);
    const [ye, ge] = fwdBwd(x, w);
    expectSame(gl.cpu(), ge);
    expectSame(yl.cpu(), ye);
    fuseConfig.recomputeCompares = true;
  });

  it("split across 2 threads (the worker pool): the same values, whichever thread computes a chunk", () => {
    process.env.XLATORCH_WASM = "always";
    const prev = torch.get_num_threads();
    torch.set_num_threads(2);
    try {
      const before = fusedWasmStats.threaded;
      const { lazy, eager, wasm } = both((x, y) => torch.tanh(x.mul(2).add(y)).mul(x), data(70001, true), data(70001));
      expect(wasm).toBe(true);
      expect(fusedWasmStats.threaded).toBeGreaterThan(before);
      expectSame(lazy, eager);
    } finally {
      torch.set_num_threads(prev);
    }
  });

  it("empty tensors", () => {
    process.env.XLATORCH_WASM = "always";
    for (const shape of [[0], [3, 0]]) {
      const { lazy, eager } = both((x) => torch.tanh(x.mul(2).add(1)), torch.zeros(shape));
      expectSame(lazy, eager);
    }
  });
});

describe("a reduction with its elementwise prologue equals eager cpu", () => {
  /** fn on xla and eager; whether a reduction ran fused with its prologue. */
  function reduced(fn: Fn, ...xs: torch.Tensor[]) {
    const before = fusedWasmStats.reductions;
    const r = both(fn, ...xs);
    return { ...r, fused: fusedWasmStats.reductions > before };
  }
  const cases: [string, Fn][] = [
    ["sum(x*x, -1)", (x) => x.mul(x).sum(-1)],
    ["amax(tanh(x)+1, -1, keepdim)", (x) => torch.tanh(x).add(1).amax(-1, true)],
    ["amin(x*3-1, -1)", (x) => x.mul(3).sub(1).amin(-1)],
    ["sum(exp(x - amax(x)), -1) (log_softmax's)", (x) => x.sub(x.amax(-1, true)).exp().sum(-1)],
    ["sum(relu(x)) over all", (x) => torch.relu(x).sum()],
  ];
  // row lengths: under one vector, not a multiple of 4, several rows per chunk, a row longer than a chunk
  it.each(cases)("%s: rows of 3, 7, 257 and 40003 values, with NaN/Inf", (_name, fn) => {
    process.env.XLATORCH_WASM = "always";
    for (const [rows, len] of [
      [5, 3],
      [9, 7],
      [130, 257],
      [2, 40003],
    ] as const) {
      const { lazy, eager, fused } = reduced(fn, data(rows * len, rows !== 130).reshape(rows, len));
      expect(fused).toBe(true);
      expectSame(lazy, eager);
    }
  });

  it("at the default thresholds: sum((x*2+1)^2, -1) over 64x1000 and 3x70001", () => {
    delete process.env.XLATORCH_WASM;
    for (const shape of [
      [64, 1000],
      [3, 70001],
    ]) {
      const { lazy, eager, fused } = reduced((x) => x.mul(2).add(1).square().sum(-1), data(shape[0]! * shape[1]!).reshape(shape));
      expect(fused).toBe(true);
      expectSame(lazy, eager);
    }
  });

  it("over leading dims, with the prologue used twice, or XLATORCH_WASM=off: not fused, same values", () => {
    process.env.XLATORCH_WASM = "always";
    const x = data(40 * 30, true).reshape(40, 30);
    const a = reduced((x) => x.mul(x).sum(0), x);
    expect(a.fused).toBe(false);
    expectSame(a.lazy, a.eager);
    const b = reduced((x) => {
      const e = x.exp();
      return e.div(e.sum(-1, true));
    }, x);
    expect(b.fused).toBe(false);
    expectSame(b.lazy, b.eager);
    process.env.XLATORCH_WASM = "off";
    const c = reduced((x) => x.mul(x).sum(-1), x);
    expect(c.fused).toBe(false);
    expectSame(c.lazy, c.eager);
  });
});

describe("chains the WebAssembly loop does not take run the JavaScript loop", () => {
  const cases: [string, Fn, torch.Tensor][] = [
    ["float64", (x) => torch.tanh(x.mul(2).add(1)), data(4099, true).double()],
    ["int32", (x) => x.mul(3).add(1).sub(x), torch.arange(4099, { dtype: torch.int32 })],
    ["a float32 op without an emitter (sin)", (x) => torch.sin(x.mul(2)).add(1), data(4099, true)],
    // (float64 add, subtract, multiply, divide and negate have a WebAssembly form: cpu_runtime_f64_chain.test.ts)
    ["a float64 intermediate without a float64 lane form (exp)", (x) => x.double().exp().float().add(1), data(4099, true)],
  ];
  it.each(cases)("%s", (_name, fn, x) => {
    process.env.XLATORCH_WASM = "always";
    const { lazy, eager, wasm } = both(fn, x);
    expect(wasm).toBe(false);
    expectSame(lazy, eager);
  });

  it("XLATORCH_WASM=off: the JavaScript loop, same values as eager", () => {
    process.env.XLATORCH_WASM = "off";
    const { lazy, eager, wasm } = both((x) => torch.tanh(x.mul(2).add(1)), data(4099, true));
    expect(wasm).toBe(false);
    expectSame(lazy, eager);
  });
});

describe("the stored plan carries the WebAssembly tree", () => {
  const text = `func.func @main(%x: tensor<5xf32>, %y: tensor<5xf32>) -> tensor<5xf32> {
  %0 = stablehlo.multiply %x, %y : tensor<5xf32>
  %1 = stablehlo.tanh %0 : tensor<5xf32>
  return %1 : tensor<5xf32>
}`;
  it("round-trips through serializeExecutable/loadExecutable; a tampered tree is refused", () => {
    process.env.XLATORCH_WASM = "always";
    const rt = new CpuRuntime();
    const module = parseModule(text);
    const bytes = rt.serializeExecutable(rt.compile(module));
    const plan = JSON.parse(new TextDecoder().decode(bytes));
    expect(plan.steps.at(-1).loop.wasm).toEqual(["tanh", ["multiply", 0, 1]]);
    const x = new Float32Array([0.5, -1, 2, Number.NaN, -0]),
      y = new Float32Array([2, 3, -0.25, 1, 1]);
    const run = (exe: ReturnType<CpuRuntime["compile"]>) =>
      Array.from(rt.toHost(rt.execute(exe, [rt.toDevice(x, "float32", [5]), rt.toDevice(y, "float32", [5])])[0]!) as Float32Array);
    const before = fusedWasmStats.groups;
    const got = run(rt.loadExecutable(bytes, module));
    expect(fusedWasmStats.groups).toBe(before + 1);
    expect(got).toEqual(Array.from(x, (v, i) => Math.fround(Math.tanh(Math.fround(v * y[i]!)))));
    plan.steps.at(-1).loop.wasm = ["tanh", ["multiply", 0, 2]];
    expect(() => rt.loadExecutable(new TextEncoder().encode(JSON.stringify(plan)), module)).toThrow(/loop wasm tree/);
    plan.steps.at(-1).loop.wasm = ["sin", 0];
    expect(() => rt.loadExecutable(new TextEncoder().encode(JSON.stringify(plan)), module)).toThrow(/loop wasm tree/);
  });
});
