// The polynomial examples give PyTorch's numbers (tests/fixtures/gen_examples.py
// ran the Python originals with the same seed), on cpu and on xla.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run as runTensors } from "../examples/polynomial/tensors";
import { run as runAutograd } from "../examples/polynomial/autograd";
import { run as runCustom } from "../examples/polynomial/custom_function";

const ref = JSON.parse(readFileSync(new URL("./fixtures/examples.json", import.meta.url), "utf8"));
const quiet = () => {};

// 2000 float32 steps: the reductions sum in a different order than PyTorch's,
// so values agree to float32 rounding accumulated over the run, not bit for bit.
function close(got: { loss: number; coef: number[] }, want: { loss: number; coef: number[] }) {
  expect(got.loss).toBeCloseTo(want.loss, 3);
  got.coef.forEach((c, i) => expect(Math.abs(c - want.coef[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(want.coef[i]!))));
}

describe("polynomial examples match PyTorch", () => {
  it("raw tensors with manual gradients (cpu)", () => close(runTensors(quiet), ref.tensors));
  it("autograd (cpu)", () => close(runAutograd(quiet), ref.autograd));
  it("custom autograd Function (cpu)", () => close(runCustom(quiet), ref.custom_function));
  it("autograd (xla)", () => close(runAutograd(quiet, "xla"), ref.autograd));
});

import * as torch from "xlatorch";
import { run as runDigits } from "../examples/mlp_xla";
import { pinFused } from "./harness/modes";

// compile counts and pending graphs are the fused mode's (the suite may run under XLATORCH_EXECUTION_MODE)
pinFused();
describe("digits MLP on xla (nn.Sequential, CrossEntropyLoss, SGD, DataLoader)", () => {
  it("learns, compiles only during warm-up and the final evaluation, then hits the cache", () => {
    torch.xla.clear_compilation_cache();
    torch.xla.reset_metrics();
    const { accuracy, compiles, metrics } = runDigits(quiet, "xla", 3);
    expect(accuracy).toBeGreaterThan(0.75);
    // no sync calls: a few graphs while warming up (first step, its recomputes, the steady step), then none
    // (.grad accumulates in place, as in PyTorch, so the step's cut settles at zero_grad after four steps)
    const warm = compiles[4]!;
    expect(warm).toBeLessThanOrEqual(6);
    expect(compiles.slice(4).every((c) => c === warm)).toBe(true);
    // one execution per step, plus the recompute while warming up and the final evaluation
    expect(metrics.executions).toBeLessThanOrEqual(compiles.length + 3);
    expect(metrics.uncachedCompiles).toBe(warm + 1);
  });
});
