// Two of the ported PyTorch programs (tests/programs/) run for 100-200
// steps (and the char-RNN at a longer sequence for 24) on the xla device in the default fused mode, no sync calls: compiles
// stop after warm-up, every training step runs one graph (nanoGPT's
// evaluation every 5 steps one more), and the JS heap after GC stays flat.
// bench/long_loops.ts runs the same loops for 2,000+ steps and reports RSS
// too (bench/results/long-loops.md).
import { describe, expect, it } from "vitest";
import { pinFused } from "../harness/modes";
import { watch } from "../harness/programs";
import { charRnnPositional } from "../programs/char_rnn";
import { nanogptPositional } from "../programs/nanogpt";

describe("long ported training loops on xla (fused, no sync)", () => {
  pinFused();
  it("char-RNN (2-layer LSTM, hidden state detached, zero_grad, clip_grad_norm_, Adam), 180 steps: no compiles after the first epoch, one graph per step, flat heap", () => {
    const [a, b] = watch((onStep) => charRnnPositional("lstm")("xla", onStep, 30), 59, 179);
    expect(b.compiles, "compiles after the first 60 steps").toBe(a.compiles);
    expect(b.executions - a.executions, "executions in 120 steps").toBe(120);
    expect(b.heap - a.heap, `heap ${a.heap.toFixed(1)} -> ${b.heap.toFixed(1)} MiB`).toBeLessThan(2);
  });
  it("char-RNN over 35 time steps (~3,900 ops a step, near 2 x SIZE_BOUND), 24 steps: one graph per step and no compiles from the third epoch on", () => {
    // A trace cut at a size bound where nothing repeats starts the next trace at a new phase: with an
    // unconditional cut at 2 x SIZE_BOUND this loop's graphs drifted, 10 and 9 compiles in its first two
    // 6-step epochs, 1 in its third, and four graphs per step (size bound, state write and recompute cuts)
    const size = { vocab: 12, hidden: 16, bsz: 4, bptt: 35 };
    const [a, b] = watch((onStep) => charRnnPositional("lstm")("xla", onStep, 4, size), 12, 23);
    expect(b.compiles, "compiles in steps 13-23").toBe(a.compiles);
    expect(b.executions - a.executions, "executions in steps 13-23").toBe(11);
  });
  it("nanoGPT (AdamW groups, clip_grad_norm_, lr by hand, dropout, eval every 5 steps), 100 steps: no compiles after warm-up, one graph per step plus one per evaluation, flat heap", () => {
    const [a, b] = watch((onStep) => nanogptPositional("xla", onStep, 100), 49, 99);
    expect(b.compiles, "compiles after the first 50 steps").toBe(a.compiles);
    expect(b.executions - a.executions, "executions in 50 steps (10 evaluations)").toBe(50 + 10);
    expect(b.heap - a.heap, `heap ${a.heap.toFixed(1)} -> ${b.heap.toFixed(1)} MiB`).toBeLessThan(2);
  });
});
