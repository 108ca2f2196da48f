// The rules that cut the xla device's trace (packages/lazy/src/trace.ts):
// graph keys are a function of the program alone, every value is computed
// once, reads after a cut run nothing, and errors raised while executing
// surface at the next read, naming the graph.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as torch from "xlatorch";
import { getRuntime, setRuntime } from "@xlatorch/lazy";
import { mlpAdam } from "./loops";

const xla = torch.xla;
// each test starts with nothing pending (a previous test may leave its last update unread)
beforeEach(() => {
  xla.set_execution_mode("fused");
  xla.sync();
  xla.reset_metrics();
});
afterEach(() => {
  xla.set_execution_mode("fused");
  vi.restoreAllMocks();
});

// From the same state (nothing pending, an empty cache: what graphs learned to return is part of it)
const keysOf = (run: () => void) => {
  xla.sync();
  xla.clear_compilation_cache();
  xla.reset_metrics();
  run();
  return xla.metrics().recentCuts.map((c) => `${c.reason}:${c.key}`);
};

describe("cut rules", () => {
  it("the same program run twice gives the same sequence of graph keys, in every mode", () => {
    for (const mode of ["fused", "lazy", "strict"] as const) {
      xla.set_execution_mode(mode);
      const a = keysOf(() => mlpAdam("xla")(mode === "strict" ? 2 : 40, () => {}));
      const b = keysOf(() => mlpAdam("xla")(mode === "strict" ? 2 : 40, () => {}));
      expect(a.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
    }
  });

  it("fused mode: a training step is one graph, cut where the next optimizer update starts", () => {
    const keys = keysOf(() => mlpAdam("xla")(30, () => {}));
    // (the first six cuts learn the step's outputs: .grad accumulates in place, so the cut settles at zero_grad)
    const steady = keys.slice(6);
    expect(new Set(steady).size).toBe(1);
    expect(steady[0]).toMatch(/^state write:/);
  });

  it("a value computed before a cut and used after it is computed once (the graph learns to return it)", () => {
    const x = torch.arange(6, { dtype: torch.float32 }).to("xla");
    const results: number[] = [];
    let executions: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = xla.metrics().executions;
      const a = x.mul(i + 1).exp(); // consumed by b: not returned by the first cut
      const b = a.sum();
      results.push(b.item() as number); // cut 1: returns b
      results.push(a.mul(2).sum().item() as number); // needs a again
      executions.push(xla.metrics().executions - before);
    }
    // first round: a is computed a second time (one extra execution); from then on the first graph returns a
    expect(xla.metrics().recomputes).toBe(1);
    expect(executions.slice(1)).toEqual([2, 2, 2, 2, 2]);
    const cpu = torch.arange(6, { dtype: torch.float32 });
    for (let i = 0; i < 6; i++) {
      const a = cpu.mul(i + 1).exp();
      expect(results[2 * i]).toBeCloseTo(a.sum().item() as number, 0);
      expect(results[2 * i + 1]).toBeCloseTo(a.mul(2).sum().item() as number, 0);
    }
  });

  it("after sync(), reading the loss runs nothing; item() of an executed value never executes", () => {
    const loop = mlpAdam("xla", { sync: true, every: 1 });
    let reads = 0;
    const spy = vi.spyOn(getRuntime(), "execute");
    loop(20, () => {
      reads++;
    });
    // one execution per step: sync(); the item() after it is a plain transfer
    expect(spy.mock.calls.length).toBe(20);
    expect(xla.metrics().transfersFromDevice).toBe(reads);
  });

  it("host reads name the user's line in the metrics report; executions per step are reported", () => {
    mlpAdam("xla", { every: 3 })(30, () => {});
    const m = xla.metrics();
    expect(m.steps).toBe(30);
    const r = xla.metrics_report();
    expect(r).toMatch(/optimizer steps: +30 \([01]\.\d\d executions per step\)/);
    expect(m.executions).toBeLessThanOrEqual(31);
    expect(r).toMatch(/cuts by reason: .*state write \d+/);
    expect(m.recentCuts.some((c) => c.reason === "host read" && /loops\.ts:\d+:\d+$/.test(c.where ?? ""))).toBe(true);
    expect(r).toMatch(/host read at .*loops\.ts:\d+:\d+/);
  });

  it("fused mode cuts a loop with no reads or writes at a size bound, at the same phase each time", () => {
    let h = torch.zeros(4, 4).to("xla");
    const w = torch.eye(4).mul(0.5).to("xla");
    // (16,000 ops: past HARD_BOUND, 4 x SIZE_BOUND, and then some periods of the loop)
    for (let i = 0; i < 8000; i++) h = h.matmul(w).add(1);
    const cuts = xla.metrics().recentCuts.filter((c) => c.reason === "size bound");
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(cuts.slice(1).map((c) => c.key)).size).toBe(1);
    expect(h.getitem(0, 0).item()).toBeCloseTo(2, 5);
  });

  it("a value recomputed is warned about once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const quiet = process.env.XLATORCH_QUIET;
    delete process.env.XLATORCH_QUIET;
    try {
      for (let i = 0; i < 3; i++) {
        const a = torch.ones(3).to("xla").mul(2).add(1);
        a.sum().item();
        a.mul(3).sum().item();
      }
    } finally {
      if (quiet !== undefined) process.env.XLATORCH_QUIET = quiet;
    }
    const msgs = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("computed once more"));
    expect(msgs.length).toBeLessThanOrEqual(1);
  });
});

describe("errors raised while executing", () => {
  it("surface at the next read, naming the graph's ops, and poison what depends on them", () => {
    const rt = getRuntime();
    const failing = Object.create(rt) as typeof rt;
    failing.execute = () => {
      throw new Error("device fault");
    };
    setRuntime(failing);
    try {
      const y = torch.ones(3).to("xla").mul(2).tanh();
      xla.sync(y); // dispatch: no throw here
      const z = y.add(1);
      expect(() => z.tolist()).toThrow(/executing a graph of \d+ ops \(.*tanh.*\) failed: device fault/);
      expect(() => y.tolist()).toThrow(/device fault/);
    } finally {
      setRuntime(rt);
    }
    expect(torch.ones(2).to("xla").add(1).tolist()).toEqual([2, 2]);
  });

  it("fail only the reads that need the failing op: a pending value that cannot run does not fail an unrelated read", () => {
    const rt = getRuntime();
    const failing = Object.create(rt) as typeof rt;
    const bad = new WeakSet<object>();
    failing.compile = (m) => {
      const exe = rt.compile(m);
      if (m.funcs.some((f) => f.body.some((op) => op.name === "stablehlo.atan2"))) bad.add(exe);
      return exe;
    };
    failing.execute = (exe, bufs) => {
      if (bad.has(exe)) throw new Error("device fault");
      return rt.execute(exe, bufs);
    };
    setRuntime(failing);
    xla.clear_compilation_cache();
    try {
      const x = torch.tensor([0.5, 1.5, 2.5]).to("xla");
      const broken = x.atan2(x.add(1)); // pending and alive: computed early with whatever is read next
      const good = x.mul(4);
      expect(good.sum().item()).toBe(18);
      expect(x.mul(2).tolist()).toEqual([1, 3, 5]);
      expect(() => broken.tolist()).toThrow(/executing a graph of \d+ ops \(.*atan2.*\) failed: device fault/);
      expect(() => broken.add(1).tolist()).toThrow(/device fault/);
    } finally {
      setRuntime(rt);
      xla.clear_compilation_cache();
    }
  });
});
