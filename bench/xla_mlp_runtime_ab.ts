// The CPU runtime alone on the xla MLP step's graph (bench/cases/60_mlp.ts,
// mlp_784_256_10_sgd_b128): the module and arguments of the step's execution
// are taken from a few real steps, then two executables of that module, A and
// B, run alternately in one process on the same arguments, so machine load
// falls on both alike. Reports per-execution CPU time and wall time (medians
// of rounds) and the per-round B/A ratio, with the load average; checks that
// A and B return the same bits.
//   A: this checkout's runtime with the flags in TOGGLES off, or, with
//      --baseline DIR, the runtime of another revision's packages/cpu/src
//      copied to DIR (e.g. `mkdir -p packages/pjrt/.tmp/base && git archive HEAD
//      packages/cpu/src | tar -x --strip-components=3 -C packages/pjrt/.tmp/base`;
//      the directory must be inside the repository for its imports to resolve);
//   B: this checkout's runtime, flags on.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/xla_mlp_runtime_ab.ts [--rounds 15] [--execs 20] [--baseline DIR]
// For one thread set XLATORCH_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (both
// runtimes' worker pools and OpenBLAS read them).
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { CpuRuntime } from "@xlatorch/cpu";
import type { CpuBuffer } from "../packages/cpu/src/runtime/buffer.js";
import { getRuntime } from "@xlatorch/lazy";
import type { Executable, Module } from "@xlatorch/stablehlo";
import * as torch from "xlatorch";
import { fuseConfig } from "../packages/cpu/src/runtime/fuse.js";
import mlpCases from "./cases/60_mlp.js";
import { makeData, numel } from "./lib/data.js";
import type { HostInputs, PeerCtx } from "./lib/types.js";

const argv = process.argv.slice(2);
const arg = (name: string, d: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const ROUNDS = arg("rounds", 15),
  EXECS = arg("execs", 20);
const bi = argv.indexOf("--baseline");
const baseline = bi >= 0 ? path.resolve(argv[bi + 1]!) : null;

/** Sets every toggle to `on` (B) or off (A). */
const TOGGLES: ((on: boolean) => void)[] = [(on) => (fuseConfig.recomputeCompares = on)];
const setAll = (on: boolean) => {
  for (const t of TOGGLES) t(on);
};

// capture the step graph: of the modules executed in the last warm-up step (the first step's graph also
// computes the target), the largest, with the arguments of that execution
const rt = getRuntime() as CpuRuntime;
const modules = new Map<Executable, Module>();
let capturing = false;
let big: { module: Module; ops: number } | null = null;
let args: CpuBuffer[] = [];
const compile0 = rt.compile.bind(rt),
  execute0 = rt.execute.bind(rt),
  load0 = rt.loadExecutable.bind(rt);
rt.compile = (m: Module, entry?: string) => {
  const exe = compile0(m, entry);
  modules.set(exe, m);
  return exe;
};
// (the persistent compile cache, where one is set, loads instead of compiling)
rt.loadExecutable = (bytes: Uint8Array, m: Module) => {
  const exe = load0(bytes, m);
  modules.set(exe, m);
  return exe;
};
rt.execute = (exe, a, donate) => {
  const m = modules.get(exe);
  const ops = m ? m.funcs.reduce((n, f) => n + f.body.length, 0) : 0;
  if (capturing && m && (!big || ops > big.ops)) {
    big = { module: m, ops };
    args = [...(a as CpuBuffer[])];
  }
  return execute0(exe, a, donate);
};
const c = mlpCases[0]!;
const inputs: HostInputs = {};
for (const inp of c.inputs) {
  const [lo, hi] = inp.range ?? [-1, 1];
  inputs[inp.name] = { data: makeData(`${c.id}.${inp.name}`, numel(inp.shape), lo, hi), shape: inp.shape };
}
const ctx = { peer: "xlatorch-xla", lib: torch, extra: { device: "xla" } } as unknown as PeerCtx;
const impl = await c.impls["xlatorch-xla"]!(ctx, inputs);
for (let i = 0; i < 5; i++) {
  capturing = i === 4;
  impl.run();
}
rt.compile = compile0;
rt.execute = execute0;
rt.loadExecutable = load0;
const step = big as { module: Module; ops: number } | null;
if (!step) throw new Error("no module captured");

let rtA: CpuRuntime = rt;
if (baseline) {
  const mod = (await import(pathToFileURL(path.join(baseline, "runtime/index.ts")).href)) as { CpuRuntime: new () => CpuRuntime };
  rtA = new mod.CpuRuntime();
}
setAll(baseline !== null);
const exeA = rtA.compile(step.module);
setAll(true);
const exeB = rt.compile(step.module);

// same bits from both plans
const bits = (b: CpuBuffer) => new Uint8Array(Float32Array.from(rt.toHost(b) as Float32Array).buffer);
const outA = rtA.execute(exeA, args).map(bits),
  outB = rt.execute(exeB, args).map(bits);
outA.forEach((a, i) => {
  const b = outB[i]!;
  if (a.length !== b.length || a.some((x, j) => x !== b[j])) throw new Error(`output ${i} differs between A and B`);
});

const run = (exe: Executable) => {
  const r = exe === exeA ? rtA : rt;
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  for (let i = 0; i < EXECS; i++) r.execute(exe, args);
  const u = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / EXECS, cpu: (u.user + u.system) / 1000 / EXECS };
};
for (let i = 0; i < 3; i++) {
  run(exeA);
  run(exeB);
}
const r: { A: { wall: number; cpu: number }[]; B: { wall: number; cpu: number }[] } = { A: [], B: [] };
const loadAvg0 = os.loadavg()[0]!;
for (let k = 0; k < ROUNDS; k++) {
  // alternate which goes first
  if (k % 2) {
    r.B.push(run(exeB));
    r.A.push(run(exeA));
  } else {
    r.A.push(run(exeA));
    r.B.push(run(exeB));
  }
}
const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
const f = (x: number) => x.toFixed(3);
console.log(
  `step graph: ${step.ops} ops; A: ${baseline ?? "toggles off"}; ${ROUNDS} rounds of ${EXECS} executions each; threads ${torch.get_num_threads()}; load average ${loadAvg0.toFixed(2)} -> ${os.loadavg()[0]!.toFixed(2)}`,
);
for (const k of ["cpu", "wall"] as const) {
  const a = r.A.map((x) => x[k]),
    b = r.B.map((x) => x[k]);
  console.log(
    `${k.padEnd(4)} ms/execution: A median ${f(med(a))} (min ${f(Math.min(...a))}), B median ${f(med(b))} (min ${f(Math.min(...b))}); B/A per round median ${f(med(b.map((x, i) => x / a[i]!)))}`,
  );
}
