// A full collection must not deoptimize the functions that build thread jobs (packages/cpu/src/wasm/threads.ts
// keeps one Job alive): V8 holds the maps of a class's instances only weakly, so with no Job alive at a
// collection they were freed and Job.call, endTask and their callers deoptimized after every one (the eager
// tanh chain's calls after each storage-pool collection ran ~5 ms slower).
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { Job } from "../packages/cpu/src/wasm/threads.js";

v8.setFlagsFromString("--allow-natives-syntax");
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
// natives syntax is read when a function is parsed: these are compiled after the flag is set
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)") as (f: unknown) => void;
const optimizeNext = new Function("f", "%OptimizeFunctionOnNextCall(f)") as (f: unknown) => void;
const status = new Function("f", "return %GetOptimizationStatus(f)") as (f: unknown) => number;
/** V8's status bit of a function with TurboFan code (src/runtime/runtime.h OptimizationStatus::kTurboFanned). */
const TURBOFANNED = 1 << 6;

/** Builds and drops a job of `tasks` one-call tasks, as simd_f32.ts runChunks does for each kernel call. */
function build(tasks: number): number {
  const job = new Job({ id: -1 } as never);
  for (let u = 0; u < tasks; u++) job.call(0, u, 1, 2, 3).endTask();
  return job.tasks;
}

describe("thread job maps", () => {
  it("an optimized job builder stays optimized across a full collection with no job alive", () => {
    prepare(build);
    for (let i = 0; i < 20; i++) build(8);
    optimizeNext(build);
    expect(build(8)).toBe(8);
    expect(status(build) & TURBOFANNED).toBe(TURBOFANNED);
    gc();
    gc();
    expect(status(build) & TURBOFANNED).toBe(TURBOFANNED);
    expect(build(8)).toBe(8);
  });
});
