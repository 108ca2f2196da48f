// Five more PyTorch programs ported line by line (tests/programs/{mnist,dcgan,
// word_lm,resnet,seq2seq}.ts), each in the positional and the keyword form,
// held to PyTorch 1.13's numbers (tests/fixtures/programs2.json, written by
// tests/fixtures/gen_programs2.py): every step's loss, what the evaluations
// compute, learning rates, and each state_dict entry's sum and absolute sum
// at the end. Each runs on cpu and on the xla device in the default (fused)
// mode with no sync calls; on xla the uncached compiles stop after the first
// steps (except seq2seq's, whose greedy decoding stops at a data-dependent
// EOS: its graphs differ until the decoded lengths settle, see the report in
// tests/xla/programs2_long.test.ts) and the losses are cpu's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./harness/modes";
import type { Form, Program, ProgramRun } from "./programs/common";
import { dcganKeyword, dcganPositional } from "./programs/dcgan";
import { mnistKeyword, mnistPositional } from "./programs/mnist";
import { resnetKeyword, resnetPositional } from "./programs/resnet";
import { seq2seqKeyword, seq2seqPositional } from "./programs/seq2seq";
import { wordLmKeyword, wordLmPositional } from "./programs/word_lm";

interface Want {
  losses: number[];
  evals: number[];
  lrs?: number[];
  params: Record<string, [number, number]>;
}
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/programs2.json", import.meta.url), "utf8")) as {
  programs: Record<string, Want>;
};

/** float32 through a whole training run: other summation orders, each step's rounding feeding the next. */
const TOL = { rtol: 2e-4, atol: 2e-5 };

const PROGRAMS: Record<string, Record<Form, Program>> = {
  mnist: { positional: mnistPositional, keyword: mnistKeyword },
  dcgan: { positional: dcganPositional, keyword: dcganKeyword },
  word_lm: { positional: wordLmPositional, keyword: wordLmKeyword },
  resnet: { positional: resnetPositional, keyword: resnetKeyword },
  seq2seq: { positional: seq2seqPositional, keyword: seq2seqKeyword },
};

function close(got: number, want: number, what: string, tol = TOL): void {
  const err = Math.abs(got - want);
  expect(err <= tol.atol + tol.rtol * Math.abs(want), `${what}: ${got} vs PyTorch ${want} (|diff| ${err.toExponential(2)})`).toBe(true);
}
function closeList(got: number[] | undefined, want: number[] | undefined, what: string): void {
  if (want === undefined) return;
  expect(got, what).toBeDefined();
  expect(got!.length, `${what}: count`).toBe(want.length);
  want.forEach((w, i) => close(got![i]!, w, `${what}[${i}]`));
}
function expectPyTorch(run: ProgramRun, want: Want): void {
  closeList(run.losses, want.losses, "loss at step");
  closeList(run.evals, want.evals, "eval");
  closeList(run.lrs, want.lrs, "lr");
  expect(Object.keys(run.params).sort()).toEqual(Object.keys(want.params).sort());
  for (const [k, [s, a]] of Object.entries(want.params)) {
    // a parameter's sum cancels (weights near 0); compare it at the scale of its absolute sum
    close(run.params[k]![0], s, `sum of ${k}`, { rtol: 0, atol: TOL.atol + TOL.rtol * a });
    close(run.params[k]![1], a, `abs sum of ${k}`);
  }
}

/**
 * The step after which no graph is new: the optimizer's state appears at
 * step 0 and the steady step follows; the first evaluation is a graph of its
 * own (resnet's second one too: it reads two values of one forward, and the
 * graph learns to return the second, docs/ARCHITECTURE.md); each of
 * word_lm's BPTT windows in the first epoch is a graph (a slice's bounds are
 * constants of it, as in XLA), the shorter last window included.
 */
const WARM: Record<string, number | null> = { mnist: 4, dcgan: 4, word_lm: 5, resnet: 6, seq2seq: null };
/**
 * Executions allowed in step s (counted from the previous step's probe): a
 * training step that reads only its loss is one graph; dcgan reads D(x) and
 * D(G(z)) in the middle of its step (`output.mean().item()`), three graphs;
 * an evaluation before step s (its host reads) adds its own.
 */
const EXECUTIONS: Record<string, (s: number) => number> = {
  mnist: (s) => (s % 4 === 0 ? 6 : 1),
  dcgan: (s) => (s % 4 === 0 ? 4 : 3),
  word_lm: (s) => (s % 5 === 0 ? 4 : 1),
  resnet: (s) => (s % 3 === 0 ? 4 : 1),
};

const cpuRuns = new Map<string, ProgramRun>();

describe.each(Object.keys(PROGRAMS))("%s", (name) => {
  pinFused();
  const want = FIXTURE.programs[name]!;
  describe.each(["positional", "keyword"] as Form[])("%s form", (form) => {
    const program = PROGRAMS[name]![form];
    it("cpu: PyTorch's losses step by step", () => {
      const run = program("cpu");
      expectPyTorch(run, want);
      cpuRuns.set(`${name}/${form}`, run);
    });
    it("xla (fused, no sync): PyTorch's losses, cpu's losses, no compiles after warm-up", () => {
      const compiles: number[] = [],
        executions: number[] = [];
      torch.xla.reset_metrics();
      const run = program("xla", () => {
        const m = torch.xla.metrics();
        compiles.push(m.uncachedCompiles);
        executions.push(m.executions);
      });
      expectPyTorch(run, want);
      const cpu = cpuRuns.get(`${name}/${form}`);
      if (cpu) run.losses.forEach((l, i) => close(l, cpu.losses[i]!, `xla vs cpu loss at step ${i}`, { rtol: 1e-4, atol: 1e-5 }));
      const warm = WARM[name];
      if (warm === null || warm === undefined) return;
      expect(compiles[compiles.length - 1], `uncached compiles after each step: ${compiles.join(" ")}`).toBe(compiles[warm]);
      const per = executions.map((e, i) => e - (executions[i - 1] ?? 0));
      for (let s = warm + 1; s < per.length; s++)
        expect(per[s], `executions in step ${s}: ${per.join(" ")}`).toBeLessThanOrEqual(EXECUTIONS[name]!(s));
    });
  });
});
