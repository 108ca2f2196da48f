// Where the compiled cpu training step of issue 12 spends its time: the MLP
// 784-256-10, CrossEntropyLoss, Adam, batch 128 step of
// bench/compile_step_overhead.ts, compiled on the cpu device. The executable
// the CPU runtime builds for it is captured at compile time and its steps are
// wrapped with timers; the step then runs CALLS times and each step's fastest
// and median time is printed (top TOP by fastest time), with its op, result
// shape and, for a fused loop, how many leaves it reads. The eager step's
// wall time per call is measured in the same process for comparison.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/compiled_step_profile.ts
// CALLS (100), TOP (25), PLAN=1 also lists every step of the plan.
import os from "node:os";
import * as torch from "xlatorch";
import { getRuntime } from "@xlatorch/lazy";
import type { Module, Op } from "@xlatorch/stablehlo";
import { inPlaceSlots } from "../packages/cpu/src/runtime/donation.js";
import { fusedReductions } from "../packages/cpu/src/runtime/fused_reduce.js";
import { groupLoops } from "../packages/cpu/src/runtime/multi_output.js";
import { type Plan, valuePositions } from "../packages/cpu/src/runtime/plan.js";
import { multiFusedConfig } from "../packages/cpu/src/wasm/multi_fused_module.js";
import { mlpAdamStep } from "./lib/mlp_adam_step.js";

const CALLS = Number(process.env.CALLS ?? 100),
  TOP = Number(process.env.TOP ?? 25);

const makeStep = (compiled: boolean) => mlpAdamStep(compiled, "cpu");

interface Exe {
  steps: ((env: unknown) => void)[];
  plan: { steps: { op: number; loop?: { leaves: number[]; wasm?: unknown } }[] };
}
const rt = getRuntime() as unknown as {
  compile: (m: Module, e?: string) => Exe;
  loadExecutable: (b: Uint8Array, m: Module) => Exe;
  execute: (...a: unknown[]) => unknown;
};
const compiledExes: { module: Module; exe: Exe }[] = [];
const compile0 = rt.compile.bind(rt);
rt.compile = (m, e) => {
  const exe = compile0(m, e);
  compiledExes.push({ module: m, exe });
  return exe;
};

// a persistent compile cache loads the executable instead of compiling it
const load0 = rt.loadExecutable.bind(rt);
rt.loadExecutable = (b, m) => {
  const exe = load0(b, m);
  compiledExes.push({ module: m, exe });
  return exe;
};
const step = makeStep(true);
for (let i = 0; i < 5; i++) step();
const big = compiledExes.reduce((a, b) => (b.exe.steps.length > a.exe.steps.length ? b : a));
const main = big.module.funcs.find((f) => f.name === "main")!;
const exe = big.exe;
const times: number[][] = exe.steps.map(() => []);
/** Where the step timers write (each A/B side has its own). */
let timing = times;
let inSteps = 0;
exe.steps = exe.steps.map((s, i) => (env: unknown) => {
  const t0 = performance.now();
  s(env);
  const t = performance.now() - t0;
  timing[i]!.push(t);
  inSteps += t;
});
const execMs: number[] = [];
/** Per call: execute's time outside the steps (its bookkeeping: environment, lifetimes, donation checks). */
const outsideSteps: number[] = [];
const execute0 = rt.execute.bind(rt);
rt.execute = (...a: unknown[]) => {
  inSteps = 0;
  const t0 = performance.now();
  const r = execute0(...a);
  if (a[0] === exe) {
    execMs.push(performance.now() - t0);
    outsideSteps.push(performance.now() - t0 - inSteps);
  }
  return r;
};
const eager = makeStep(false);
for (let i = 0; i < 5; i++) eager();
const wall: { eager: number[]; compiled: number[] } = { eager: [], compiled: [] };
const loadAvg0 = os.loadavg();
for (let i = 0; i < CALLS; i++) {
  for (const [k, f] of [
    ["eager", eager],
    ["compiled", step],
  ] as const) {
    const t0 = performance.now();
    f();
    torch.xla.sync();
    wall[k].push(performance.now() - t0);
  }
}
const med = (a: readonly number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const describe = (i: number): string => {
  const s = exe.plan.steps[i]!;
  const op: Op = main.body[s.op]!;
  const r = op.results[0];
  const shape = r ? `${r.type.shape.join("x")}` : "";
  const loop = s.loop ? ` loop(${s.loop.leaves.length} leaves${s.loop.wasm === undefined ? ", js" : ""})` : "";
  return `${i} ${op.name.replace("stablehlo.", "")} ${shape}${loop}`;
};
const rows = times.map((t, i) => ({ i, min: Math.min(...t), med: med(t) }));
const sumMin = rows.reduce((a, r) => a + r.min, 0),
  sumMed = rows.reduce((a, r) => a + r.med, 0);
const loads = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
console.log(
  `load ${loads(loadAvg0)} -> ${loads(os.loadavg())}; ${exe.steps.length} steps; ${CALLS} calls each, eager and compiled alternated`,
);
console.log(
  `wall ms/call median (fastest): eager ${med(wall.eager).toFixed(3)} (${Math.min(...wall.eager).toFixed(3)}), compiled ${med(wall.compiled).toFixed(3)} (${Math.min(...wall.compiled).toFixed(3)}); eager/compiled ${(med(wall.eager) / med(wall.compiled)).toFixed(2)}x`,
);
console.log(`execute ms/call median (fastest): ${med(execMs).toFixed(3)} (${Math.min(...execMs).toFixed(3)})`);
console.log(
  `execute outside its steps, ms/call median (fastest): ${med(outsideSteps).toFixed(3)} (${Math.min(...outsideSteps).toFixed(3)}), timers included`,
);
console.log(`steps summed: fastest ${sumMin.toFixed(3)} ms, medians ${sumMed.toFixed(3)} ms`);
console.log("| step | fastest ms | median ms |");
for (const r of [...rows].sort((a, b) => b.min - a.min).slice(0, TOP))
  console.log(`| ${describe(r.i)} | ${r.min.toFixed(3)} | ${r.med.toFixed(3)} |`);
const byKind = new Map<string, { n: number; min: number; med: number }>();
for (const r of rows) {
  const s = exe.plan.steps[r.i]!;
  const k = `${main.body[s.op]!.name.replace("stablehlo.", "")}${s.loop ? " (loop)" : ""}`;
  const e = byKind.get(k) ?? { n: 0, min: 0, med: 0 };
  byKind.set(k, { n: e.n + 1, min: e.min + r.min, med: e.med + r.med });
}
console.log("by kind: | op | steps | fastest ms summed | medians summed |");
for (const [k, e] of [...byKind].sort((a, b) => b[1].min - a[1].min))
  console.log(`| ${k} | ${e.n} | ${e.min.toFixed(3)} | ${e.med.toFixed(3)} |`);
{
  const plan = exe.plan as unknown as Plan;
  const g = groupLoops(main, plan, new Set(fusedReductions(main, plan).keys()), inPlaceSlots(main, plan, valuePositions(main).values));
  console.log(`multi-output groups (plan steps): ${(g?.groups ?? []).map((x) => `[${x.members.join(", ")}]`).join(" ") || "none"}`);
}
if (process.env.PLAN) for (let i = 0; i < exe.steps.length; i++) console.log(describe(i));

// A/B in one process: eager, compiled with the multi-output loops, and the same executable with them off
// (multiFusedConfig.enabled = false: each group's members run as separate loops, as before) and with large groups
// split across the worker pool (threadMin = 65536), every order of the four in turn, CALLS_AB calls a turn; per-call wall and CPU time (user + system, all threads).
const ROUNDS = Number(process.env.ROUNDS ?? 36),
  CALLS_AB = Number(process.env.CALLS_AB ?? 3);
interface Side {
  name: string;
  run: () => void;
  ms: number[];
  cpu: number[];
  steps?: number[][];
}
const compiledWith = (enabled: boolean, threadMin: number) => () => {
  multiFusedConfig.enabled = enabled;
  multiFusedConfig.threadMin = threadMin;
  step();
};
const threadMin0 = multiFusedConfig.threadMin;
const sides: Side[] = [
  { name: "eager", run: () => eager(), ms: [], cpu: [] },
  { name: "compiled, multi-output loops", run: compiledWith(true, threadMin0), ms: [], cpu: [] },
  { name: "compiled, separate loops", run: compiledWith(false, threadMin0), ms: [], cpu: [] },
  { name: "compiled, multi-output loops split across threads from 65536 values", run: compiledWith(true, 1 << 16), ms: [], cpu: [] },
];
// every order of the four in turn
const perms = (xs: number[]): number[][] =>
  xs.length <= 1 ? [xs] : xs.flatMap((x) => perms(xs.filter((y) => y !== x)).map((p) => [x, ...p]));
const orders = perms([0, 1, 2, 3]);
const loadAb = os.loadavg();
for (let r = 0; r < ROUNDS; r++)
  for (const k of orders[r % orders.length]!) {
    const s = sides[k]!;
    timing = s.steps ??= exe.steps.map(() => []);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < CALLS_AB; i++) s.run();
    torch.xla.sync();
    s.ms.push((performance.now() - t0) / CALLS_AB);
    const c = process.cpuUsage(c0);
    s.cpu.push((c.user + c.system) / 1000 / CALLS_AB);
  }
multiFusedConfig.enabled = true;
multiFusedConfig.threadMin = threadMin0;
const perRound = (a: readonly number[], b: readonly number[]) => med(a.map((v, i) => v / b[i]!));
console.log(`\nA/B, ${ROUNDS} rounds of ${CALLS_AB} calls (load ${loads(loadAb)} -> ${loads(os.loadavg())}):`);
console.log("| side | wall ms/call median | fastest turn | CPU ms/call median |");
for (const s of sides) console.log(`| ${s.name} | ${med(s.ms).toFixed(3)} | ${Math.min(...s.ms).toFixed(3)} | ${med(s.cpu).toFixed(3)} |`);
const [e, on, off, one] = sides as [Side, Side, Side, Side];
console.log(
  `per round: eager / multi-output ${perRound(e.ms, on.ms).toFixed(2)}x (CPU ${perRound(e.cpu, on.cpu).toFixed(2)}x); eager / separate ${perRound(e.ms, off.ms).toFixed(2)}x (CPU ${perRound(e.cpu, off.cpu).toFixed(2)}x); separate / multi-output ${perRound(off.ms, on.ms).toFixed(3)} (CPU ${perRound(off.cpu, on.cpu).toFixed(3)}); split / not split ${perRound(one.ms, on.ms).toFixed(3)} (CPU ${perRound(one.cpu, on.cpu).toFixed(3)})`,
);
if (process.env.DUMP)
  (await import("node:fs")).writeFileSync(process.env.DUMP, (await import("@xlatorch/stablehlo")).printModule(big.module));
// the steps whose fastest time differs most between the multi-output and the separate loops
{
  const fastest = (t: number[][], i: number) => (t[i]!.length ? Math.min(...t[i]!) : 0);
  const a = on.steps!,
    b = off.steps!;
  const diffs = exe.steps.map((_, i) => ({ i, on: fastest(a, i), off: fastest(b, i) })).filter((d) => Math.abs(d.on - d.off) > 0.005);
  console.log("steps whose fastest time differs by > 0.005 ms: | step | multi-output | separate |");
  for (const d of diffs.sort((x, y) => Math.abs(y.on - y.off) - Math.abs(x.on - x.off)))
    console.log(`| ${describe(d.i)} | ${d.on.toFixed(3)} | ${d.off.toFixed(3)} |`);
}
