// PyTorch programs ported unchanged (no sync calls) reach a steady state on
// the xla device in every execution mode: no compiles after warm-up, a fixed
// number of executions per step (at most one in fused and lazy mode), heap
// flat over thousands of steps, and the same numbers as the cpu device.
import v8 from "node:v8";
import vm from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { carriedState, mlpAdam, sampling, type Loop } from "./loops";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const xla = torch.xla;
const MODES = ["fused", "lazy", "strict", "debug"] as const;
type Mode = (typeof MODES)[number];
afterEach(() => xla.set_execution_mode("fused"));

interface Watch {
  compiles: number[];
  executions: number[];
  ops: number[];
  heapAtWarm: number;
  heapAtEnd: number;
  losses: (number | null)[];
}

/** Runs `loop` for `steps` steps in `mode`, sampling counters after every step. */
function watch(mode: Mode, loop: Loop, steps: number, warm: number): Watch {
  xla.set_execution_mode(mode);
  xla.reset_metrics();
  const w: Watch = { compiles: [], executions: [], ops: [], heapAtWarm: 0, heapAtEnd: 0, losses: [] };
  loop(steps, (p) => {
    const m = xla.metrics();
    w.compiles.push(m.uncachedCompiles);
    w.executions.push(m.executions);
    w.ops.push(m.opsRecorded);
    w.losses.push(p.loss);
    if (p.step === warm) w.heapAtWarm = heapMiB();
  });
  w.heapAtEnd = heapMiB();
  return w;
}

const perStep = (xs: number[], from: number) => xs.slice(from + 1).map((x, i) => x - xs[from + i]!);
const cpuLosses = (make: (d: string) => Loop, steps: number) => {
  const out: (number | null)[] = [];
  make("cpu")(steps, (p) => out.push(p.loss));
  return out;
};
function expectSameLosses(got: (number | null)[], want: (number | null)[]) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (want[i] === null) return expect(g).toBeNull();
    expect(Math.abs(g! - want[i]!), `loss at step ${i}: ${g} vs cpu ${want[i]}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i]!)));
  });
}

describe.each(MODES)("steady state on xla in %s mode", (mode) => {
  const steps = 2000,
    warm = 100;
  const fusing = mode === "fused" || mode === "lazy";

  it("MLP + Adam, loss.item() every 10 steps, no sync: no compiles after warm-up, constant executions, flat heap, cpu's losses", () => {
    const w = watch(mode, mlpAdam("xla"), steps, warm);
    expect(w.compiles[steps - 1]).toBe(w.compiles[warm]);
    const ex = perStep(w.executions, warm);
    if (mode === "fused") expect(new Set(ex)).toEqual(new Set([1]));
    // lazy: only the reads cut, so one execution per read (steps warm+1 .. steps-1 read at every tenth)
    else if (mode === "lazy")
      expect(w.executions[steps - 1]! - w.executions[warm]!).toBe(w.losses.slice(warm + 1).filter((l) => l !== null).length);
    else expect(new Set(ex).size).toBe(1);
    expect(new Set(perStep(w.ops, warm)).size).toBe(1);
    expect(w.heapAtEnd - w.heapAtWarm).toBeLessThan(4);
    // (10 in fused mode: .grad accumulates in place, as in PyTorch, so the cut falls at zero_grad and the graphs learn their outputs over 10 steps)
    expect(xla.metrics().recomputes).toBeLessThanOrEqual(fusing ? 12 : 0);
    expectSameLosses(
      w.losses,
      cpuLosses((d) => mlpAdam(d), steps),
    );
  });

  it("the guide's loop (step, sync, item every 10): one execution per step and item() runs nothing", () => {
    const w = watch(mode, mlpAdam("xla", { sync: true }), steps, warm);
    expect(w.compiles[steps - 1]).toBe(w.compiles[warm]);
    const ex = perStep(w.executions, warm);
    if (fusing) expect(new Set(ex)).toEqual(new Set([1]));
    else expect(new Set(ex).size).toBe(1);
    expect(w.heapAtEnd - w.heapAtWarm).toBeLessThan(4);
    expect(xla.metrics().transfersFromDevice).toBe(steps / 10);
  });

  it("state carried without in-place writes (hidden state, EMA): bounded graphs, no compiles after warm-up, flat heap", () => {
    // lazy mode cuts only at reads and sync, so that loop reads every 50 steps, as a PyTorch/XLA user would
    const every = mode === "lazy" ? 50 : 0;
    const n = 3000,
      settle = 1500;
    const w = watch(mode, carriedState("xla", { every }), n, settle);
    expect(w.compiles[n - 1]).toBe(w.compiles[settle]);
    const largest = Math.max(...xla.metrics().recentCuts.map((c) => c.nodes));
    // (packages/lazy/src/trace.ts HARD_BOUND: a trace is cut wherever it is past 4 x SIZE_BOUND nodes)
    expect(largest).toBeLessThanOrEqual(4 * 2048);
    expect(w.heapAtEnd - w.heapAtWarm).toBeLessThan(4);
    const want: (number | null)[] = [];
    carriedState("cpu", { every })(n, (p) => want.push(p.loss));
    expectSameLosses(w.losses, want);
  });

  it("sampling 200 tokens: cpu's tokens, and memory flat from one run to the next", () => {
    xla.set_execution_mode(mode);
    const s = sampling("xla", 200);
    const first = s.run();
    const h1 = heapMiB();
    const second = s.run();
    const h2 = heapMiB();
    expect(second).toEqual(first);
    expect(first).toEqual(sampling("cpu", 200).run());
    expect(h2 - h1).toBeLessThan(4);
  });
});
