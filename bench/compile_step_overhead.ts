// Host time of a torch.compile'd training step on the xla device (issue
// "torch.compile and a persistent compile cache": <= 0.1 ms per call beyond the
// executable's own run time), next to the same step run eagerly (fused mode).
// Workload: MLP 784-256-10, CrossEntropyLoss, Adam, batch 128, inputs already
// on the device, no reads.
//   1. on a runtime that executes nothing (bench/lib/null_runtime.ts): every
//      microsecond is xlatorch's host work;
//   2. on the in-process CPU runtime: wall time per call minus the time inside
//      the runtime's execute (metrics().executeMs), i.e. the host time beyond
//      the executable's run.
// Reports the fastest and the median of WINDOWS windows.
//   3. on the cpu device: eager, compiled, and the compiled xla step of 2.,
//      alternated in one process (ROUNDS rounds of CALLS calls each).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/compile_step_overhead.ts
import os from "node:os";
import * as torch from "xlatorch";
import { getRuntime, setRuntime } from "@xlatorch/lazy";
import type { Runtime } from "@xlatorch/stablehlo";
import { NullRuntime } from "./lib/null_runtime.js";
import { mlpAdamStep } from "./lib/mlp_adam_step.js";

const makeStep = (compiled: boolean, device = "xla") => mlpAdamStep(compiled, device);

interface Row {
  runtime: string;
  variant: string;
  bestMs: number;
  medianMs: number;
  execMs: number;
  hostBeyondExecMs: number;
  opsPerCall: number;
}

function measure(rt: Runtime, variant: "eager (fused)" | "compiled", windows: number, calls: number): Row {
  setRuntime(rt);
  torch._dynamo.reset();
  const step = makeStep(variant === "compiled");
  for (let i = 0; i < 20; i++) step();
  torch.xla.sync();
  torch.xla.synchronize();
  const ms: number[] = [];
  const exec: number[] = [];
  const m0 = torch.xla.metrics();
  for (let w = 0; w < windows; w++) {
    const e0 = torch.xla.metrics().executeMs;
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) step();
    torch.xla.sync();
    torch.xla.synchronize();
    ms.push((performance.now() - t0) / calls);
    exec.push((torch.xla.metrics().executeMs - e0) / calls);
  }
  const ops = (torch.xla.metrics().opsRecorded - m0.opsRecorded) / (windows * calls);
  const order = ms.map((_, i) => i).sort((a, b) => ms[a]! - ms[b]!);
  const best = order[0]!,
    med = order[windows >> 1]!;
  return {
    runtime: rt.platform,
    variant,
    bestMs: ms[best]!,
    medianMs: ms[med]!,
    execMs: exec[med]!,
    hostBeyondExecMs: Math.min(...ms.map((v, i) => v - exec[i]!)),
    opsPerCall: ops,
  };
}

const WINDOWS = Number(process.env.WINDOWS ?? 10);
const cpuRt = getRuntime();
const rows: Row[] = [
  measure(new NullRuntime(), "eager (fused)", WINDOWS, 200),
  measure(new NullRuntime(), "compiled", WINDOWS, 200),
  measure(cpuRt, "eager (fused)", WINDOWS, 20),
  measure(cpuRt, "compiled", WINDOWS, 20),
];
setRuntime(cpuRt);

/**
 * The same step on the cpu device, eager and compiled (traced, run on the CPU
 * runtime), next to the compiled xla step on the CPU runtime: the three take
 * turns in one process (CALLS calls each, every order of the three in turn), so
 * that load from other processes falls on all of them alike; ratios are
 * medians of per-round ratios. Per call: wall ms, the runtime's execute ms and
 * the process's CPU time (user + system, all threads).
 */
interface Side {
  name: string;
  step: () => unknown;
  ms: number[];
  execMs: number[];
  cpuMs: number[];
}
function interleaved(rounds: number, calls: number): Side[] {
  torch._dynamo.reset();
  const sides: Side[] = [
    { name: "cpu eager", step: makeStep(false, "cpu"), ms: [], execMs: [], cpuMs: [] },
    { name: "cpu compiled", step: makeStep(true, "cpu"), ms: [], execMs: [], cpuMs: [] },
    { name: "xla compiled (CPU runtime)", step: makeStep(true, "xla"), ms: [], execMs: [], cpuMs: [] },
  ];
  const turn = (s: Side, n: number, record: boolean) => {
    const e0 = torch.xla.metrics().executeMs;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) s.step();
    torch.xla.sync();
    const ms = (performance.now() - t0) / n;
    const c = process.cpuUsage(c0);
    if (!record) return;
    s.ms.push(ms);
    s.execMs.push((torch.xla.metrics().executeMs - e0) / n);
    s.cpuMs.push((c.user + c.system) / 1000 / n);
  };
  for (let i = 0; i < 3; i++) for (const s of sides) turn(s, 2, false);
  // every order of the three in turn, so that each follows each other one equally often (a turn right after the eager
  // step's garbage and threads runs slower: a fixed rotation put cpu compiled after eager twice as often as xla compiled)
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (let r = 0; r < rounds; r++) for (const k of orders[r % orders.length]!) turn(sides[k]!, calls, true);
  return sides;
}
const median = (a: readonly number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const perRound = (a: readonly number[], b: readonly number[]) => median(a.map((v, i) => v / b[i]!));
const load0 = os.loadavg();
const ROUNDS = Number(process.env.ROUNDS ?? 36);
const sides = interleaved(ROUNDS, Number(process.env.CALLS ?? 3));
const [eagerCpu, compiledCpu, compiledXla] = sides as [Side, Side, Side];
console.log(
  "| runtime | step | ms/call best | ms/call median | execute ms/call | host beyond execute, ms/call (best window) | ops recorded/call |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows)
  console.log(
    `| ${r.runtime} | ${r.variant} | ${r.bestMs.toFixed(3)} | ${r.medianMs.toFixed(3)} | ${r.execMs.toFixed(3)} | ${r.hostBeyondExecMs.toFixed(3)} | ${r.opsPerCall.toFixed(1)} |`,
  );
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
console.log(`\ncpu device, ${ROUNDS} rounds alternating the three (load average ${load(load0)} at start, ${load(os.loadavg())} at end):`);
console.log("| step | ms/call median | ms/call fastest turn | execute ms/call median | CPU ms/call median |");
console.log("| --- | --- | --- | --- | --- |");
for (const s of sides)
  console.log(
    `| ${s.name} | ${median(s.ms).toFixed(3)} | ${Math.min(...s.ms).toFixed(3)} | ${median(s.execMs).toFixed(3)} | ${median(s.cpuMs).toFixed(3)} |`,
  );
console.log(
  `cpu device, median ms per step: eager ${median(eagerCpu.ms).toFixed(3)}, compiled ${median(compiledCpu.ms).toFixed(3)} (${perRound(eagerCpu.ms, compiledCpu.ms).toFixed(2)}x per round; CPU time ${perRound(eagerCpu.cpuMs, compiledCpu.cpuMs).toFixed(2)}x)`,
);
console.log(
  `cpu compiled / xla compiled, per round: wall ${perRound(compiledCpu.ms, compiledXla.ms).toFixed(3)}, execute ${perRound(compiledCpu.execMs, compiledXla.execMs).toFixed(3)}, host beyond execute ${perRound(
    compiledCpu.ms.map((v, i) => v - compiledCpu.execMs[i]!),
    compiledXla.ms.map((v, i) => v - compiledXla.execMs[i]!),
  ).toFixed(3)}`,
);
