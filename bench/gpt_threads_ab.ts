// In-process A/B of the thread count on one bench/cases/80_programs.ts case's
// eager cpu step: torch.set_num_threads(1) and (2) alternated by rounds in one
// process (the same model and load for both). On nanoGPT tiny every OpenBLAS
// product is below blasPolicy.minWorkPerThread (one thread either way), so the
// difference is the WebAssembly kernels' thread split (simd_f32.ts THREAD_MIN:
// the [8, 32, 256] GELU calls, 65,536 values, at the transcendental threshold).
//   npx tsx --tsconfig tsconfig.json bench/gpt_threads_ab.ts [--case nanogpt_tiny_adamw_b8] [--rounds 12] [--steps 20] [--a 1] [--b 2]
import * as torch from "xlatorch";
import { cliArg, programCase } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

const id = cliArg("case", "nanogpt_tiny_adamw_b8");
const rounds = Number(cliArg("rounds", "12"));
const steps = Number(cliArg("steps", "20"));
const counts = [Number(cliArg("a", "1")), Number(cliArg("b", "2"))] as const;
const { impl } = await programCase(id);
const time = async (threads: number) => {
  torch.set_num_threads(threads);
  for (let i = 0; i < 3; i++) await impl.run();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await impl.run();
  const wall = (performance.now() - t0) / steps;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / steps };
};
const rows: { a: { wall: number; cpu: number }; b: { wall: number; cpu: number } }[] = [];
for (let r = 0; r < rounds; r++) {
  if (r % 2 === 0) {
    const a = await time(counts[0]);
    rows.push({ a, b: await time(counts[1]) });
  } else {
    const b = await time(counts[1]);
    rows.push({ a: await time(counts[0]), b });
  }
}
const f = (v: number) => v.toFixed(2);
const m = (k: "wall" | "cpu", side: "a" | "b") => median(rows.map((r) => r[side][k]));
const ratio = (k: "wall" | "cpu") => median(rows.map((r) => r.b[k] / r.a[k]));
console.log(
  `${id}: ${rounds} alternated rounds of ${steps} steps, ms/step medians (${counts[0]} -> ${counts[1]} threads, per-round ratio median):`,
);
console.log(
  `  wall ${f(m("wall", "a"))} -> ${f(m("wall", "b"))} (${ratio("wall").toFixed(3)}); process CPU ${f(m("cpu", "a"))} -> ${f(m("cpu", "b"))} (${ratio("cpu").toFixed(3)})`,
);
