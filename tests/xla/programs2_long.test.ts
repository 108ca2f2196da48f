// Three of the ported programs of tests/programs2.fixtures.test.ts run for
// 36-120 steps on the xla device in the default fused mode, no sync calls:
// compiles stop after warm-up, the executions per step stay what the
// program's host reads make them, and the JS heap after GC stays flat.
// (2,000-step runs of all five, with RSS, are in the engineer's report of
// this session; seq2seq's greedy decoding stops at a data-dependent EOS, so
// its graphs settle only once the decoded lengths do, after ~50 iterations.)
import { describe, expect, it } from "vitest";
import { pinFused } from "../harness/modes";
import { watch } from "../harness/programs";
import { mnistPositional } from "../programs/mnist";
import { resnetKeyword } from "../programs/resnet";
import { wordLmPositional } from "../programs/word_lm";

describe("long ported training loops on xla (fused, no sync), programs2", () => {
  pinFused();
  it("mnist (Adadelta, StepLR, dropout, a test pass every 4 steps), 120 steps: no compiles after the first 2 epochs", () => {
    // 30 epochs of 4 steps; each test pass reads 2 losses and 2 accuracies
    const [a, b] = watch((onStep) => mnistPositional("xla", onStep, 30), 7, 119);
    expect(b.compiles, "compiles after step 7").toBe(a.compiles);
    expect(b.executions - a.executions, "executions in 112 steps (28 test passes)").toBeLessThanOrEqual(112 + 28 * 5);
    expect(b.heap - a.heap, `heap ${a.heap.toFixed(1)} -> ${b.heap.toFixed(1)} MiB`).toBeLessThan(2);
  });
  it("word_language_model (tied LSTM, manual SGD, clip_grad_norm_, lr annealing), 60 steps: no compiles after the first epoch and its evaluation", () => {
    const [a, b] = watch((onStep) => wordLmPositional("xla", onStep, 12), 9, 59);
    expect(b.compiles, "compiles after step 9").toBe(a.compiles);
    // one graph per training step; each evaluation (3 windows, each read) adds 3
    expect(b.executions - a.executions, "executions in 50 steps (10 evaluations)").toBe(50 + 10 * 3);
    expect(b.heap - a.heap, `heap ${a.heap.toFixed(1)} -> ${b.heap.toFixed(1)} MiB`).toBeLessThan(2);
  });
  it("resnet, keyword form (BatchNorm2d, nesterov SGD, CosineAnnealingLR, eval mode), 36 steps: no compiles after the second evaluation", () => {
    const [a, b] = watch((onStep) => resnetKeyword("xla", onStep, 12), 8, 35);
    expect(b.compiles, "compiles after step 8").toBe(a.compiles);
    expect(b.executions - a.executions, "executions in 27 steps (9 evaluations)").toBeLessThanOrEqual(27 + 9 * 3);
    expect(b.heap - a.heap, `heap ${a.heap.toFixed(1)} -> ${b.heap.toFixed(1)} MiB`).toBeLessThan(2);
  });
});
