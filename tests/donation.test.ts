// Buffer donation (docs/ARCHITECTURE.md, "Buffer donation"): a compiled
// training step marks the parameters it replaces `tf.aliasing_output`, and a
// replay donates their buffers when nothing else can read the old value, so
// parameters and optimizer state are updated where they are. Checked here:
// the module text and its parser, the CPU runtime computing in place (and
// refusing when an argument is shared or a view of it is still live), compiled
// loops on cpu and xla giving eager's values while the same tensors are also
// read elsewhere (detach aliases, views, a pending graph, the same tensor
// passed twice, shared scalars), and memory staying flat over 10,000 steps.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { internals } from "@xlatorch/core";
import { CpuRuntime } from "@xlatorch/cpu";
import type { CpuBuffer } from "../packages/cpu/src/runtime/index.js";
import { cacheKey, diskCompileCache } from "../packages/xlatorch/src/compile_cache/index.js";
import { parseModule, printModule } from "@xlatorch/stablehlo";
import { ALIASED } from "./harness/aliased_module";

const { nn, optim } = torch;
const F = nn.functional;

afterEach(() => torch._dynamo.reset());

describe("tf.aliasing_output in the module text", () => {
  it("is parsed, printed back, and checked against the results", () => {
    const m = parseModule(ALIASED);
    expect(m.funcs[0]!.aliasingOutput).toEqual([0, null]);
    const text = printModule(m);
    expect(text).toContain("{tf.aliasing_output = 0 : i32}");
    expect(parseModule(text).funcs[0]!.aliasingOutput).toEqual([0, null]);
    expect(() => parseModule(ALIASED.replace("aliasing_output = 0", "aliasing_output = 2"))).toThrow(
      /tf\.aliasing_output = 2 but the function returns 2 values/,
    );
    // other argument attributes are still accepted and dropped
    expect(
      parseModule(ALIASED.replace("{tf.aliasing_output = 0 : i32}", "{jax.buffer_donor = true}")).funcs[0]!.aliasingOutput,
    ).toBeUndefined();
  });
});

describe("CPU runtime: a donated argument's memory holds the aliased result", () => {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(ALIASED));
  const arg = (v: number[]) => rt.toDevice(new Float32Array(v), "float32", [4]);

  it("computes in place when donated, into new memory when not", () => {
    const p = arg([1, 2, 3, 4]);
    const g = arg([1, 1, 2, 2]);
    const kept = rt.execute(exe, [p, g]) as CpuBuffer[];
    expect(kept[0]!.s.data).not.toBe((p as CpuBuffer).s.data);
    expect(Array.from(rt.toHost(p) as Float32Array)).toEqual([1, 2, 3, 4]);
    const out = rt.execute(exe, [p, g], [true, false]) as CpuBuffer[];
    expect(out[0]!.s.data).toBe((p as CpuBuffer).s.data);
    expect(Array.from(rt.toHost(out[0]!) as Float32Array)).toEqual([0, 1, -1, 0]);
    expect(Array.from(rt.toHost(out[1]!) as Float32Array)).toEqual([1, 1, 4, 4]);
  });

  it("refuses when another argument shares the memory (the same buffer passed twice)", () => {
    const p = arg([1, 2, 3, 4]);
    const out = rt.execute(exe, [p, p], [true, false]) as CpuBuffer[];
    expect(out[0]!.s.data).not.toBe((p as CpuBuffer).s.data);
    expect(Array.from(rt.toHost(out[0]!) as Float32Array)).toEqual([0, -2, -6, -12]);
  });

  it("refuses when the parameter is read after the loop, or a view of it is live then", () => {
    const later = parseModule(`module @m {
  func.func public @main(%p: tensor<4xf32> {tf.aliasing_output = 0 : i32}) -> (tensor<4xf32>, tensor<4xf32>) {
    %0 = stablehlo.add %p, %p : tensor<4xf32>
    %1 = stablehlo.reshape %p : (tensor<4xf32>) -> tensor<2x2xf32>
    %2 = stablehlo.reshape %1 : (tensor<2x2xf32>) -> tensor<4xf32>
    %3 = stablehlo.multiply %2, %2 : tensor<4xf32>
    return %0, %3 : tensor<4xf32>, tensor<4xf32>
  }
}`);
    const e = rt.compile(later);
    const p = arg([1, 2, 3, 4]);
    const out = rt.execute(e, [p], [true]) as CpuBuffer[];
    expect(out[0]!.s.data).not.toBe((p as CpuBuffer).s.data);
    expect(Array.from(rt.toHost(out[0]!) as Float32Array)).toEqual([2, 4, 6, 8]);
    expect(Array.from(rt.toHost(out[1]!) as Float32Array)).toEqual([1, 4, 9, 16]);
  });
});

describe("the persistent compile cache and donation marks", () => {
  it("keys on the marks, and an entry loaded from disk still computes in place", () => {
    const plain = printModule(parseModule(ALIASED.replace(" {tf.aliasing_output = 0 : i32}", "")));
    expect(cacheKey("id", plain)).not.toBe(cacheKey("id", printModule(parseModule(ALIASED))));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-donation-"));
    const saved = process.env.XLATORCH_CACHE_DIR;
    process.env.XLATORCH_CACHE_DIR = dir;
    try {
      const rt = new CpuRuntime();
      const module = parseModule(ALIASED);
      expect(diskCompileCache.lookup(rt, module, () => rt.compile(module)).outcome).toBe("miss");
      const hit = diskCompileCache.lookup(rt, parseModule(ALIASED), () => {
        throw new Error("compiled again");
      });
      expect(hit.outcome).toBe("hit");
      const p = rt.toDevice(new Float32Array([1, 2, 3, 4]), "float32", [4]);
      const out = rt.execute(hit.exe, [p, rt.toDevice(new Float32Array([1, 1, 2, 2]), "float32", [4])], [true, false]) as CpuBuffer[];
      expect(out[0]!.s.data).toBe((p as CpuBuffer).s.data);
      expect(Array.from(rt.toHost(out[0]!) as Float32Array)).toEqual([0, 1, -1, 0]);
    } finally {
      if (saved === undefined) delete process.env.XLATORCH_CACHE_DIR;
      else process.env.XLATORCH_CACHE_DIR = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a compiled step's module marks each replaced parameter", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-donation-dump-"));
    const saved = process.env.XLATORCH_DUMP_DIR;
    process.env.XLATORCH_DUMP_DIR = dir;
    try {
      train("xla", true, 3);
    } finally {
      if (saved === undefined) delete process.env.XLATORCH_DUMP_DIR;
      else process.env.XLATORCH_DUMP_DIR = saved;
    }
    const texts = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    fs.rmSync(dir, { recursive: true, force: true });
    const marked = texts.filter((t) => t.includes("tf.aliasing_output"));
    expect(marked.length).toBe(1);
    // 4 parameters, 8 Adam moments (the step counts are host numbers)
    expect(marked[0]!.match(/tf\.aliasing_output = \d+ : i32/g)!.length).toBe(12);
    const main = parseModule(marked[0]!).funcs.find((f) => f.name === "main")!;
    main.aliasingOutput!.forEach((k, i) => {
      if (k !== null) expect(main.returns[k]!.type).toEqual(main.params[i]!.type);
    });
  });
});

/** A seeded MLP trained by a step compiled or not; `probe` runs between steps (reading tensors elsewhere). */
function train(device: string, compiled: boolean, steps: number, probe?: (i: number, w: torch.Tensor) => void) {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(6, 8), new nn.Tanh(), new nn.Linear(8, 3)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 3, gamma: 0.5 });
  const x = torch.randn(5, 6).to(device);
  const y = torch.randn(5, 3).to(device);
  const step = (xb: torch.Tensor, yb: torch.Tensor) => {
    opt.zero_grad();
    const loss = F.mse_loss(model(xb), yb);
    loss.backward();
    opt.step();
    return loss;
  };
  const f = compiled ? torch.compile(step) : step;
  const w = model.parameters()[0]!;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push((f(x, y) as torch.Tensor).item() as number);
    sched.step();
    probe?.(i, w);
  }
  return { losses, w: w.detach().cpu().flatten().tolist() as number[] };
}

const host = (t: torch.Tensor) => t.detach().cpu().flatten().tolist() as number[];

describe.each(["cpu", "xla"])("compiled training steps on %s donate their state", (device) => {
  // "always": every float32 result in the kernels' storage pools (cpu/src/wasm/storage_pool.ts), whose
  // arrays share one buffer: donation must tell their blocks apart (core's storage_key.ts)
  it.each(["default", "always"])("give eager's losses and parameters, with buffers donated (%s sizes)", (sizes) => {
    const saved = process.env.XLATORCH_WASM;
    if (sizes === "always") process.env.XLATORCH_WASM = "always";
    try {
      const eager = train(device, false, 10);
      const m0 = torch.xla.metrics().donatedBuffers;
      const comp = train(device, true, 10);
      expect(comp.losses).toEqual(eager.losses);
      expect(comp.w).toEqual(eager.w);
      // 4 parameters and 8 Adam moments per replay
      expect(torch.xla.metrics().donatedBuffers - m0).toBeGreaterThanOrEqual(12 * 6);
    } finally {
      if (saved === undefined) delete process.env.XLATORCH_WASM;
      else process.env.XLATORCH_WASM = saved;
    }
  });

  it("keep detach() aliases and views of a parameter on its new value, and values read from the old one", () => {
    const eager = train(device, false, 8);
    const seen: number[][] = [];
    const kept: { before: torch.Tensor; expect: number[] }[] = [];
    let alias: torch.Tensor | null = null;
    let view: torch.Tensor | null = null;
    const comp = train(device, true, 8, (i, w) => {
      alias ??= w.detach();
      view ??= w.detach().view(-1).narrow(0, 0, 4);
      seen.push(host(alias!).slice(0, 4), host(view!));
      // a value computed from the old buffer, still pending when the next replay runs
      if (i % 2 === 0) kept.push({ before: w.detach().mul(2), expect: host(w).map((v) => Math.fround(v * 2)) });
    });
    expect(comp.losses).toEqual(eager.losses);
    for (let i = 0; i < seen.length; i += 2) expect(seen[i]).toEqual(seen[i + 1]);
    expect(seen[seen.length - 1]).toEqual(comp.w.slice(0, 4));
    for (const k of kept) expect(host(k.before)).toEqual(k.expect);
  });
});

describe.each(["cpu", "xla"])("donation refusals on %s keep results right", (device) => {
  it("the same tensor passed twice, a 0-d counter read twice, and shared scalars", () => {
    const run = (compiled: boolean) => {
      const a = torch.arange(6, { dtype: torch.float32 }).to(device);
      const s = torch.zeros([]).to(device);
      const fn = (p: torch.Tensor, q: torch.Tensor) => {
        p.mul_(0.5).add_(q);
        s.add_(s.add(1));
        return p.sum();
      };
      const f = compiled ? torch.compile(fn) : fn;
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        out.push((f(a, a) as torch.Tensor).item() as number);
        // an unrelated use of the same Python scalars after each replay
        out.push(torch.ones(3).to(device).mul(0.5).add(1).sum().item() as number);
      }
      return [...out, ...host(a), ...host(s)];
    };
    expect(run(true)).toEqual(run(false));
  });

  it("a tensor whose old value the result returns is not donated", () => {
    const run = (compiled: boolean) => {
      const a = torch.arange(4, { dtype: torch.float32 }).to(device);
      const b = torch.ones(4).to(device);
      const fn = (p: torch.Tensor, q: torch.Tensor) => {
        q.copy_(p);
        p.add_(1);
        return q;
      };
      const f = compiled ? torch.compile(fn) : fn;
      const out: number[] = [];
      for (let i = 0; i < 4; i++) out.push(...host(f(a, b) as torch.Tensor), ...host(a));
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe("a result sharing memory with a fresh random draw", () => {
  it("is not donated while the draw is returned too", () => {
    const run = (compiled: boolean) => {
      torch.manual_seed(3);
      const w = torch.zeros(2, 2).to("xla");
      const fn = () => {
        const m = torch.rand([4], { device: "xla" });
        w.copy_(m.reshape(2, 2));
        return m;
      };
      const f = compiled ? torch.compile(fn) : fn;
      const out: number[] = [];
      const kept: torch.Tensor[] = [];
      for (let i = 0; i < 5; i++) kept.push(f() as torch.Tensor);
      for (const k of kept) out.push(...host(k));
      return [...out, ...host(w)];
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe("memory stays flat over a long compiled loop", () => {
  it("10,000 compiled cpu steps update the parameters in their own storage", () => {
    torch.manual_seed(0);
    const model = new nn.Linear(4, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 1e-3, momentum: 0.9 });
    const x = torch.randn(3, 4);
    const y = torch.randn(3, 2);
    const f = torch.compile((xb: torch.Tensor, yb: torch.Tensor) => {
      opt.zero_grad();
      const loss = F.mse_loss(model(xb), yb);
      loss.backward();
      opt.step();
      return loss;
    });
    const storage = (t: torch.Tensor) => (internals(t)._payload as { data: unknown }).data;
    const w = model.weight;
    for (let i = 0; i < 10; i++) f(x, y);
    const before = storage(w);
    const m0 = torch.xla.metrics();
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let last = 0;
    for (let i = 0; i < 10_000; i++) last = (f(x, y) as torch.Tensor).item() as number;
    global.gc?.();
    const grown = process.memoryUsage().rss - rss0;
    const m = torch.xla.metrics();
    expect(storage(w)).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    // weight, bias and their momentum buffers, in place at every replay
    expect(m.donatedInPlace - m0.donatedInPlace).toBe(4 * 10_000);
    expect(m.uncachedCompiles - m0.uncachedCompiles).toBe(0);
    expect(grown).toBeLessThan(64 * 2 ** 20);
  });
});
