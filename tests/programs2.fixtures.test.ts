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
import { expect } from "vitest";
import { describePrograms, readFixture, type Want } from "./harness/programs";
import type { Form, Program } from "./programs/common";
import { dcganKeyword, dcganPositional } from "./programs/dcgan";
import { mnistKeyword, mnistPositional } from "./programs/mnist";
import { resnetKeyword, resnetPositional } from "./programs/resnet";
import { seq2seqKeyword, seq2seqPositional } from "./programs/seq2seq";
import { wordLmKeyword, wordLmPositional } from "./programs/word_lm";

const FIXTURE = readFixture<{ programs: Record<string, Want> }>("programs2.json");

const PROGRAMS: Record<string, Record<Form, Program>> = {
  mnist: { positional: mnistPositional, keyword: mnistKeyword },
  dcgan: { positional: dcganPositional, keyword: dcganKeyword },
  word_lm: { positional: wordLmPositional, keyword: wordLmKeyword },
  resnet: { positional: resnetPositional, keyword: resnetKeyword },
  seq2seq: { positional: seq2seqPositional, keyword: seq2seqKeyword },
};

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

describePrograms(PROGRAMS, FIXTURE.programs, {
  warm: WARM,
  step: (name, s, per) => expect(per[s], `executions in step ${s}: ${per.join(" ")}`).toBeLessThanOrEqual(EXECUTIONS[name]!(s)),
});
