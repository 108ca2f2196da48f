// The graph cache: a training loop compiles during warm-up and then only hits
// the cache; varying scalars do not recompile; a new batch size compiles once,
// and the debug mode names the changed shape.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as torch from "xlatorch";
import { batch, makeMlp, trainStep } from "./mlp";
import { pinFused } from "../harness/modes";

// compile counts and pending graphs are the fused mode's (the suite may run under XLATORCH_EXECUTION_MODE)
pinFused();

const xla = torch.xla;

beforeEach(() => {
  xla.clear_compilation_cache();
  xla.reset_metrics();
});
afterEach(() => {
  delete process.env.XLATORCH_DEBUG_RECOMPILE;
  vi.restoreAllMocks();
});

function run(steps: number, sizeOf: (s: number) => number, lrOf: (s: number) => number): { compiles: number[]; losses: number[] } {
  const m = makeMlp("xla");
  const compiles: number[] = [];
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const [x, y] = batch("xla", s, sizeOf(s));
    const loss = trainStep(m, x, y, lrOf(s));
    xla.sync(loss);
    losses.push(loss.item() as number);
    compiles.push(xla.metrics().uncachedCompiles);
  }
  return { compiles, losses };
}

describe("xla graph cache", () => {
  it("an MLP loop compiles during warm-up, then every step hits the cache", () => {
    const { compiles, losses } = run(
      20,
      () => 32,
      () => 0.1,
    );
    const warm = compiles[2]!;
    expect(warm).toBeGreaterThan(0);
    expect(warm).toBeLessThanOrEqual(3);
    expect(compiles.slice(2)).toEqual(Array(18).fill(warm));
    const m = xla.metrics();
    expect(m.cachedCompiles).toBeGreaterThanOrEqual(17);
    expect(m.executions).toBe(m.cachedCompiles + m.uncachedCompiles);
    expect(losses[19]!).toBeLessThan(losses[0]!);
  });

  it("parameters stay on the device: after warm-up a step moves only its batch in and the loss out", () => {
    const m = makeMlp("xla");
    const snap = () => xla.metrics();
    let before = snap();
    for (let s = 0; s < 8; s++) {
      if (s === 3) before = snap();
      const [x, y] = batch("xla", s, 32);
      const loss = trainStep(m, x, y, 0.1);
      xla.sync(loss);
      loss.item();
    }
    const after = snap();
    const batchBytes = 32 * 8 * 4 + 32 * 4 * 4;
    expect(after.bytesToDevice - before.bytesToDevice).toBe(5 * batchBytes);
    expect(after.transfersFromDevice - before.transfersFromDevice).toBe(5);
    expect(after.bytesFromDevice - before.bytesFromDevice).toBe(5 * 4);
  });

  it("changing the learning rate every step does not recompile", () => {
    const fixed = run(
      12,
      () => 32,
      () => 0.1,
    ).compiles;
    xla.clear_compilation_cache();
    xla.reset_metrics();
    const varying = run(
      12,
      () => 32,
      (s) => 0.1 / (1 + s),
    ).compiles;
    expect(varying).toEqual(fixed);
  });

  it("a new batch size compiles once per new size, and the debug mode names the shape", () => {
    process.env.XLATORCH_DEBUG_RECOMPILE = "1";
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const sizes = [32, 32, 32, 32, 16, 16, 16, 32, 16, 8, 8];
    const { compiles } = run(
      sizes.length,
      (s) => sizes[s]!,
      () => 0.05,
    );
    const base = compiles[3]!;
    // one new graph (or the same small set as warm-up) for 16, none when it returns, one for 8
    const after16 = compiles[6]! - base,
      after8 = compiles[10]! - compiles[8]!;
    expect(after16).toBeGreaterThan(0);
    expect(compiles[8]).toBe(compiles[6]);
    expect(after8).toBe(after16);
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    expect(msgs.some((m) => m.includes("recompiling") && m.includes("[16,8]") && m.includes("[32,8]"))).toBe(true);
    expect(msgs.some((m) => m.includes("at sync"))).toBe(true);
    expect(xla.last_recompile_reason()).toMatch(/\[8,8\]|\[8,4\]/);
  });

  it("the xla run gives the eager cpu run's losses", () => {
    const lazy = run(
      5,
      () => 16,
      () => 0.1,
    ).losses;
    const m = makeMlp("cpu");
    const eager: number[] = [];
    for (let s = 0; s < 5; s++) {
      const [x, y] = batch("cpu", s, 16);
      eager.push(trainStep(m, x, y, 0.1).item() as number);
    }
    lazy.forEach((v, i) => expect(v).toBeCloseTo(eager[i]!, 5));
  });
});
