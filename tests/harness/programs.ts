// The harness of the ported-program suites: tests/programs.fixtures.test.ts and
// programs2.fixtures.test.ts hold each program (tests/programs/*.ts) to
// PyTorch 1.13's numbers on cpu and on xla (fused, no sync) and watch the xla
// run's compiles and executions step by step; tests/xla/programs_long.test.ts
// and programs2_long.test.ts sample the counters and the heap of long runs.
import { readFileSync } from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./modes";
import type { Form, Program, ProgramRun } from "../programs/common";

/** A program's numbers in the generator's fixture (tests/fixtures/gen_programs*.py): what a port's run reports; optional ones are checked where present. */
export type Want = ProgramRun;

/** tests/fixtures/`file`, parsed. */
export function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), "utf8")) as T;
}

/**
 * float32 tolerance for a value reached through a whole training run: the
 * kernels sum in other orders than PyTorch's, and each step's rounding feeds
 * the next, so the relative error grows with the step count.
 */
const TOL = { rtol: 2e-4, atol: 2e-5 };

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
  closeList(run.norms, want.norms, "grad norm");
  if (want.generated) expect(run.generated, "tokens sampled by generate()").toEqual(want.generated);
  expect(Object.keys(run.params).sort()).toEqual(Object.keys(want.params).sort());
  for (const [k, [s, a]] of Object.entries(want.params)) {
    // a parameter's sum cancels (weights near 0); compare it at the scale of its absolute sum
    close(run.params[k]![0], s, `sum of ${k}`, { rtol: 0, atol: TOL.atol + TOL.rtol * a });
    close(run.params[k]![1], a, `abs sum of ${k}`);
  }
}

/** What a suite asserts of a program's xla run beyond PyTorch's and cpu's numbers. */
export interface XlaSteps {
  /** Per program, the step after which no graph is new (the uncached compiles stop); null where they do not (the suite says why). */
  warm: Record<string, number | null>;
  /** Asserts step s's count of executions, per[s] (counted from the previous step's probe), for each step after warm-up. */
  step: (name: string, s: number, per: number[]) => void;
}

/**
 * For each program and form, a cpu test held to PyTorch's numbers (`wants`), and an xla test (fused, no sync)
 * held to PyTorch's numbers and cpu's losses, with no compiles after warm-up and the executions `xla.step` allows.
 */
export function describePrograms(programs: Record<string, Record<Form, Program>>, wants: Record<string, Want>, xla: XlaSteps): void {
  const cpuRuns = new Map<string, ProgramRun>();
  describe.each(Object.keys(programs))("%s", (name) => {
    pinFused();
    const want = wants[name]!;
    describe.each(["positional", "keyword"] as Form[])("%s form", (form) => {
      const program = programs[name]![form];
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
        const warm = xla.warm[name];
        if (warm === null || warm === undefined) return;
        expect(compiles[compiles.length - 1], `uncached compiles after each step: ${compiles.join(" ")}`).toBe(compiles[warm]);
        const per = executions.map((e, i) => e - (executions[i - 1] ?? 0));
        for (let s = warm + 1; s < per.length; s++) xla.step(name, s, per);
      });
    });
  });
}

let gc: (() => void) | undefined;
/** The JS heap in use after a full GC, in MiB. */
function heapMiB(): number {
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export interface Sample {
  compiles: number;
  executions: number;
  heap: number;
}

/** Runs a program on xla, sampling the counters and the heap after step `warm` and after the last step. */
export function watch(run: (onStep: (s: number) => void) => void, warm: number, last: number): [Sample, Sample] {
  torch.xla.reset_metrics();
  const out: Sample[] = [];
  run((s) => {
    if (s !== warm && s !== last) return;
    const m = torch.xla.metrics();
    out.push({ compiles: m.uncachedCompiles, executions: m.executions, heap: heapMiB() });
  });
  expect(out.length).toBe(2);
  return out as [Sample, Sample];
}
