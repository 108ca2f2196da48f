// Kernel time per primitive (and per primitive + shapes) over whole training
// steps of one bench/cases/80_programs.ts case on the eager cpu device, plus
// the time spent outside kernels (dispatch, autograd, shape rules, allocation
// of the wrappers): where a step's time goes, to pick what to speed up.
//   npx tsx bench/prim_times.ts --case nanogpt_tiny_adamw_b8 [--steps 20] [--top 30]
import { KERNELS } from "@xlatorch/cpu";
import { cliArg, programCase } from "./lib/program_case.js";

const arg = cliArg;
const id = arg("case", "nanogpt_tiny_adamw_b8");
const steps = Number(arg("steps", "20"));
const top = Number(arg("top", "30"));
const { impl } = await programCase(id);
for (let i = 0; i < 5; i++) await impl.run();

const byPrim = new Map<string, { ms: number; calls: number }>();
const byShape = new Map<string, { ms: number; calls: number }>();
let recording = false;
type K = (ins: unknown, avals: { shape: number[]; dtype: { name: string } }[], attrs: unknown, outs: unknown) => unknown;
const table = KERNELS as unknown as Record<string, K>;
for (const name of Object.keys(table)) {
  const k = table[name]!;
  table[name] = (ins: unknown, avals: { shape: number[]; dtype: { name: string } }[], attrs: unknown, outs: unknown) => {
    if (!recording) return k(ins, avals, attrs, outs);
    const t0 = performance.now();
    const r = k(ins, avals, attrs, outs);
    const dt = performance.now() - t0;
    const add = (m: Map<string, { ms: number; calls: number }>, key: string) => {
      const e = m.get(key) ?? { ms: 0, calls: 0 };
      e.ms += dt;
      e.calls++;
      m.set(key, e);
    };
    add(byPrim, name);
    add(byShape, `${name} ${avals.map((a) => `${a.dtype.name}[${a.shape.join(",")}]`).join(" ")}`);
    return r;
  };
}
recording = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) await impl.run();
const total = (performance.now() - t0) / steps;
recording = false;
const kernels = [...byPrim.values()].reduce((s, e) => s + e.ms, 0) / steps;
const calls = [...byPrim.values()].reduce((s, e) => s + e.calls, 0) / steps;
console.log(
  `${id}: ${total.toFixed(2)} ms/step, kernels ${kernels.toFixed(2)} ms in ${calls} calls, outside kernels ${(total - kernels).toFixed(2)} ms`,
);
const show = (m: Map<string, { ms: number; calls: number }>, n: number) => {
  for (const [k, e] of [...m.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, n))
    console.log(`${(e.ms / steps).toFixed(3).padStart(8)} ms ${String(e.calls / steps).padStart(6)} calls  ${k}`);
};
show(byPrim, top);
console.log("--- by shapes");
show(byShape, top);
