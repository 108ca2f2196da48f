// prim_times.ts and xla_step_times.ts in one process, their steps alternated:
// a bench case's eager cpu step (time in each kernel call, by primitive and
// shapes) and its xla step (time in each CPU-runtime step, by op or loop and
// shapes), in rounds of K steps whose order swaps each round, so a loaded
// machine slows both sides alike and their rows can be compared. Also each
// side's whole-step wall and, for xla, execute()'s.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/xla_eager_step_times.ts --case nanogpt_tiny_adamw_b8 [--rounds 10] [--k 5] [--warmup 100] [--top 30]
// XLATORCH_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 keeps every kernel on this thread.
import { KERNELS } from "@xlatorch/cpu";
import type { Value } from "@xlatorch/stablehlo";
import { cliArg, programCase } from "./lib/program_case.js";
import { timeRuntimeSteps } from "./lib/runtime_step_timer.js";

const id = cliArg("case", "nanogpt_tiny_adamw_b8");
const rounds = Number(cliArg("rounds", "10"));
const K = Number(cliArg("k", "5"));
const warmup = Number(cliArg("warmup", "100"));
const top = Number(cliArg("top", "30"));

// every call's time is kept: a step that a scavenge or a worker's wake-up lands in is slower than the rest, so the
// median call (times the calls a step makes) is shown beside the total
type Acc = Map<string, { ms: number; calls: number; each: number[] }>;
const add = (m: Acc, key: string, ms: number) => {
  const e = m.get(key) ?? { ms: 0, calls: 0, each: [] };
  e.ms += ms;
  e.calls++;
  e.each.push(ms);
  m.set(key, e);
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};
const eager: Acc = new Map();
const xla: Acc = new Map();
let on: "cpu" | "xla" | null = null;
let executeMs = 0;

// the eager side: every kernel call while an eager step is timed (the runtime's kernel steps call the same
// table, but only while the xla side is on)
type Kfn = (ins: unknown, avals: { shape: number[]; dtype: { name: string } }[], attrs: unknown, outs: unknown) => unknown;
const table = KERNELS as unknown as Record<string, Kfn>;
for (const name of Object.keys(table)) {
  const k = table[name]!;
  table[name] = (ins, avals, attrs, outs) => {
    if (on !== "cpu") return k(ins, avals, attrs, outs);
    const t0 = performance.now();
    const r = k(ins, avals, attrs, outs);
    add(eager, `${name} ${avals.map((a) => `${a.dtype.name}[${a.shape.join(",")}]`).join(" ")}`, performance.now() - t0);
    return r;
  };
}
const shape = (v: Value) => `${JSON.stringify(v.type.shape)}${v.type.element}`;
timeRuntimeSteps({
  key: ({ op, loop }) =>
    `${loop ? (loop.wasm === undefined ? "loop js" : "loop") : op.name} ${op.results[0] ? shape(op.results[0]) : "[]"} <- ${op.operands.map(shape).join(",")}`,
  on: () => on === "xla",
  step: (key, ms) => add(xla, key, ms),
  execute: (ms) => {
    executeMs += ms;
  },
});

const cpuImpl = (await programCase(id, "cpu")).impl;
const xlaImpl = (await programCase(id, "xla")).impl;
await cpuImpl.output();
await xlaImpl.output();
for (let i = 0; i < warmup; i++) {
  await cpuImpl.run();
  await xlaImpl.run();
}
const wall = { cpu: 0, xla: 0 };
for (let r = 0; r < rounds; r++)
  for (const side of r % 2 ? (["xla", "cpu"] as const) : (["cpu", "xla"] as const)) {
    const impl = side === "cpu" ? cpuImpl : xlaImpl;
    on = side;
    const t0 = performance.now();
    for (let k = 0; k < K; k++) await impl.run();
    wall[side] += performance.now() - t0;
    on = null;
  }
const steps = rounds * K;
const sum = (m: Acc) => [...m.values()].reduce((a, e) => a + e.ms, 0) / steps;
console.log(
  `${id}, ${rounds} alternated rounds of ${K} steps after ${warmup} warm-up steps each (ms per step): cpu wall ${(wall.cpu / steps).toFixed(3)}, its kernels ${sum(eager).toFixed(3)}; xla wall ${(wall.xla / steps).toFixed(3)}, execute ${(executeMs / steps).toFixed(3)}, its steps ${sum(xla).toFixed(3)}`,
);
const show = (title: string, m: Acc) => {
  const med = [...m.values()].reduce((a, e) => a + (median(e.each) * e.calls) / steps, 0);
  console.log(`--- ${title} (ms per step, then the median call's ms times its calls a step: in all ${med.toFixed(3)})`);
  for (const [k, e] of [...m].sort((a, b) => b[1].ms - a[1].ms).slice(0, top))
    console.log(
      `${(e.ms / steps).toFixed(3).padStart(8)} ms ${((median(e.each) * e.calls) / steps).toFixed(3).padStart(8)} ms ${String(e.calls / steps).padStart(5)}x  ${k}`,
    );
};
show("eager cpu kernels", eager);
show("xla runtime steps", xla);
