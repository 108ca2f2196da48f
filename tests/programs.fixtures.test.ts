// Whole PyTorch programs ported line by line (tests/programs/*.ts), each in
// the positional and the keyword form, held to PyTorch 1.13's numbers step by
// step (tests/fixtures/programs.json, written by tests/fixtures/gen_programs.py):
// every training step's loss, the evaluation losses, learning rates and grad
// norms, and each parameter's sum and absolute sum at the end. Each runs on
// cpu and on the xla device in the default (fused) mode with no sync calls;
// on xla the uncached compiles must stop after the first steps, and the
// losses must be cpu's.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { describePrograms, readFixture, type Want } from "./harness/programs";
import type { Form, Program } from "./programs/common";
import { cifarKeyword, cifarPositional } from "./programs/cifar_cnn";
import { charRnnKeyword, charRnnPositional } from "./programs/char_rnn";
import { vaeKeyword, vaePositional } from "./programs/vae";
import { encoderKeyword, encoderPositional } from "./programs/encoder";
import { nanogptKeyword, nanogptPositional } from "./programs/nanogpt";

const FIXTURE = readFixture<{
  programs: Record<string, Want>;
  errors: Record<string, { type: string; message: string }>;
}>("programs.json");

const PROGRAMS: Record<string, Record<Form, Program>> = {
  nanogpt: { positional: nanogptPositional, keyword: nanogptKeyword },
  cifar_cnn: { positional: cifarPositional, keyword: cifarKeyword },
  char_lstm: { positional: charRnnPositional("lstm"), keyword: charRnnKeyword("lstm") },
  char_gru: { positional: charRnnPositional("gru"), keyword: charRnnKeyword("gru") },
  vae: { positional: vaePositional, keyword: vaeKeyword },
  encoder_steplr: { positional: encoderPositional("step"), keyword: encoderKeyword("step") },
  encoder_onecycle: { positional: encoderPositional("onecycle"), keyword: encoderKeyword("onecycle") },
};

/**
 * The step after which no graph is new: the first steps (the optimizer's
 * state appears at step 0, the steady step from step 1 or 2), the first
 * epoch of the char-RNNs (each BPTT window's offset is a constant of its
 * graph, as a slice's bounds are in XLA), and the evaluations: the first one
 * is a graph of its own, and where it reads two values of one forward (the
 * encoders' loss and accuracy), the second read recomputes the forward once
 * and the graph learns to return it, which compiles once more at the second
 * evaluation (docs/ARCHITECTURE.md, "what the graph has learned to return").
 */
const WARM: Record<string, number> = {
  nanogpt: 4,
  cifar_cnn: 4,
  char_lstm: 6,
  char_gru: 6,
  vae: 4,
  encoder_steplr: 7,
  encoder_onecycle: 7,
};
/** Whether step s's count of executions includes an evaluation (run in the step, or after the previous step's probe). */
const EVALUATES: Record<string, (s: number) => boolean> = {
  nanogpt: (s) => s % 5 === 4,
  cifar_cnn: (s) => s > 0 && s % 4 === 0,
  char_lstm: () => false,
  char_gru: () => false,
  vae: (s) => s > 0 && s % 4 === 0,
  encoder_steplr: (s) => s % 4 === 3,
  encoder_onecycle: (s) => s % 4 === 3,
};

describePrograms(PROGRAMS, FIXTURE.programs, {
  warm: WARM,
  // a training step is one graph (the loss read cuts it); an evaluation adds its own
  step: (name, s, per) => {
    if (EVALUATES[name]!(s)) expect(per[s], `executions in step ${s} (with an evaluation): ${per.join(" ")}`).toBeLessThanOrEqual(3);
    else expect(per[s], `executions in step ${s}: ${per.join(" ")}`).toBe(1);
  },
});

/** The generator's errors(): porting mistakes, each made on `device`. */
const MISTAKES: Record<string, (device: string) => unknown> = {
  cross_entropy_keyword: (d) => {
    const [logits, y] = [torch.randn(4, 10).to(d), torch.randint(0, 10, [4]).to(d)];
    return torch.nn.functional.cross_entropy(logits, y, { ignore_idx: -1 } as never);
  },
  linear_keyword: () => new torch.nn.Linear(16, 4, { bais: false } as never),
  zero_grad_keyword: (d) =>
    new torch.optim.AdamW(new torch.nn.Linear(16, 4).to(d).parameters(), { lr: 1e-3 }).zero_grad({ set_to_non: true } as never),
  clip_grad_norm_keyword: (d) => torch.nn.utils.clip_grad_norm_(new torch.nn.Linear(16, 4).to(d).parameters(), { max_nrm: 1.0 } as never),
  steplr_keyword: () =>
    new torch.optim.lr_scheduler.StepLR(new torch.optim.AdamW(new torch.nn.Linear(16, 4).parameters(), { lr: 1e-3 }), {
      step_size: 4,
      gama: 0.5,
    } as never),
  linear_shape: (d) => new torch.nn.Linear(16, 4).to(d)(torch.randn(4, 8).to(d)),
  embedding_index: (d) => new torch.nn.Embedding(16, 4).to(d)(torch.tensor([[1.5, 2.5]]).to(d)),
  masked_fill_mask_shape: (d) =>
    torch
      .randn(4, 10)
      .to(d)
      .masked_fill(torch.zeros([3, 10], { dtype: torch.bool }).to(d), 0.0),
};

describe.each(["cpu", "xla"])("porting mistakes raise PyTorch's error at the call on %s", (device) => {
  it.each(Object.keys(FIXTURE.errors))("%s", (name) => {
    const want = FIXTURE.errors[name]!;
    // Python 3.11 qualifies names (`Linear.__init__()`, `Optimizer.zero_grad()`) where xlatorch says `Linear()`, `zero_grad()`
    const text = want.message.replace(/^(\w+)\.__init__\(\)/, "$1()").replace(/^\w+\.(\w+)\(\)/, "$1()");
    expect(() => MISTAKES[name]!(device)).toThrow(text);
  });
});
