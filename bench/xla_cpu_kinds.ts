// Where the xla step's time goes against the eager step's, in one process: a
// bench case's training step on eager cpu (time per kernel call, by primitive)
// and on xla (time per CPU-runtime step, by kind: WebAssembly or JavaScript
// loop, kernel op; "f64" where the step's own op has a float64 operand or
// result) in alternated rounds, so a loaded machine
// slows both alike; with each side's wall time and xla's execute(), the host
// side is what remains. Dots, copies, pads, reductions, gathers and scatters
// are listed by shapes.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/xla_cpu_kinds.ts --case nanogpt_tiny_adamw_b8 [--rounds 10] [--k 10]
// XLATORCH_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 keeps every kernel on this thread.
import { KERNELS } from "@xlatorch/cpu";
import { cliArg, programCase } from "./lib/program_case.js";
import { timeRuntimeSteps } from "./lib/runtime_step_timer.js";

const id = cliArg("case", "nanogpt_tiny_adamw_b8");
const rounds = Number(cliArg("rounds", "10")),
  K = Number(cliArg("k", "10"));
const xacc = new Map<string, number>(),
  eacc = new Map<string, number>();
let mode: "" | "cpu" | "xla" = "";
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const sh = (v: { type: { shape: readonly number[]; element: string } }) => `${v.type.element}[${v.type.shape.join(",")}]`;
const DETAIL = ["stablehlo.dot_general", "stablehlo.reshape", "stablehlo.pad", "stablehlo.reduce", "stablehlo.gather", "stablehlo.scatter"];
timeRuntimeSteps({
  key: ({ op, loop }) => {
    const f64 = [...op.results, ...op.operands].some((v) => v.type.element === "f64") ? " f64" : "";
    const detail = !loop && DETAIL.includes(op.name);
    return (
      (loop ? (loop.wasm === undefined ? "loop js" : "loop wasm") : op.name.replace("stablehlo.", "")) +
      f64 +
      (detail ? ` ${op.operands.map(sh).join(" ")} -> ${sh(op.results[0]!)}` : "")
    );
  },
  on: () => mode === "xla",
  step: (key, ms) => add(xacc, key, ms),
  execute: (ms) => add(xacc, "=execute", ms),
});
type Kf = (...a: unknown[]) => unknown;
const table = KERNELS as unknown as Record<string, Kf>;
for (const name of Object.keys(table)) {
  const k = table[name]!;
  table[name] = (...a: unknown[]) => {
    if (mode !== "cpu") return k(...a);
    const t0 = performance.now();
    const r = k(...a);
    const avals = a[1] as { shape: number[]; dtype: { name: string } }[];
    const detail = ["dot_general", "copy", "pad", "reduce", "gather_slices", "scatter_slices"].includes(name);
    add(eacc, detail ? `${name} ${avals.map((v) => `${v.dtype.name}[${v.shape.join(",")}]`).join(" ")}` : name, performance.now() - t0);
    return r;
  };
}
const cpu = (await programCase(id, "cpu")).impl,
  xla = (await programCase(id, "xla")).impl;
await cpu.output();
await xla.output();
for (let i = 0; i < 150; i++) {
  await cpu.run();
  await xla.run();
}
let wc = 0,
  wx = 0;
for (let r = 0; r < rounds; r++) {
  for (const side of r % 2 ? (["xla", "cpu"] as const) : (["cpu", "xla"] as const)) {
    mode = side;
    const impl = side === "xla" ? xla : cpu;
    const t0 = performance.now();
    for (let k = 0; k < K; k++) await impl.run();
    const dt = performance.now() - t0;
    if (side === "xla") wx += dt;
    else wc += dt;
    mode = "";
  }
}
const n = rounds * K;
const show = (t: string, m: Map<string, number>) => {
  const tot = [...m].filter(([k]) => !k.startsWith("=")).reduce((a, [, v]) => a + v, 0);
  console.log(`--- ${t}: sum ${(tot / n).toFixed(3)} ms/step`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1])) console.log(`${(v / n).toFixed(3).padStart(8)}  ${k}`);
};
console.log(`wall ms/step cpu ${(wc / n).toFixed(3)} xla ${(wx / n).toFixed(3)}`);
show("cpu kernels", eacc);
show("xla steps", xacc);
