// The ported PyTorch programs of tests/programs/ (positional form, their test
// sizes), run whole on eager cpu and on xla (fused mode, the CPU runtime, no
// sync calls) in one process: issue 11 asks that xla on the CPU runtime be
// faster than eager cpu on whole programs, and these are the programs users
// port. Every program reads its loss on the host at each step (loss.item()),
// as the originals do, so an xla step includes that read.
// Each round runs every program once per device (which device goes first
// swaps every round; round 0 warms up and compiles and is not counted) and
// takes the median time between consecutive steps; the table gives the
// median over rounds per device and the median of the per-round xla/cpu
// ratios, with process CPU time per step beside wall time.
// --size bench runs them at their originals' sizes instead (bench/lib/ported.ts PORTED_PROGRAMS_BENCH).
// --torch also times the originals in PyTorch at the same sizes (bench/ported_programs_torch.py, run first,
// by TORCH_PYTHON or /usr/bin/python3, one thread per core) and gives each device's time over PyTorch's.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/ported_programs.ts [--rounds 5] [--only nanogpt,vae] [--size test|bench] [--torch]
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "xlatorch";
import { PORTED_PROGRAMS, PORTED_PROGRAMS_BENCH, type PortedRun } from "./lib/ported.js";
import { cliArg } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

const size = cliArg("size", "test");
if (size !== "test" && size !== "bench") throw new Error(`--size: test or bench, not ${size}`);
const PROGRAMS = size === "bench" ? PORTED_PROGRAMS_BENCH : PORTED_PROGRAMS;

const rounds = Number(cliArg("rounds", "5"));
const only = cliArg("only", "");
const names = Object.keys(PROGRAMS).filter((n) => !only || only.split(",").includes(n));
torch.xla.set_execution_mode("fused");

/** PyTorch's ms per step by program (--torch), and its build and BLAS, or null. */
function torchTimes(): { programs: Record<string, { ms: number }>; torch: { version: string; threads: number; blas: string } } | null {
  if (!process.argv.includes("--torch")) return null;
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "ported_programs_torch.py");
  const args = [script, "--size", size, "--rounds", String(rounds), ...(only ? ["--only", only] : [])];
  const r = spawnSync(process.env.TORCH_PYTHON ?? "/usr/bin/python3", args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`ported_programs_torch.py failed (exit ${r.status}): ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}
const pt = torchTimes();

/** Median wall and CPU ms between consecutive steps of one whole run, and its step count. */
function timeRun(run: PortedRun, device: string): { wall: number; cpu: number; steps: number } {
  const walls: number[] = [],
    cpus: number[] = [];
  let t = performance.now(),
    c = process.cpuUsage();
  run(device, () => {
    const t1 = performance.now(),
      c1 = process.cpuUsage();
    walls.push(t1 - t);
    cpus.push((c1.user - c.user + c1.system - c.system) / 1000);
    t = t1;
    c = c1;
  });
  // the first interval includes the model's construction
  return { wall: median(walls.slice(1)), cpu: median(cpus.slice(1)), steps: walls.length };
}

console.log(
  `# ported programs at their ${size === "bench" ? "originals'" : "tests'"} sizes, eager cpu vs xla (CPU runtime, fused), ${rounds} counted rounds; node ${process.version}, ${os.cpus().length} cpus, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}`,
);
if (pt) console.log(`PyTorch ${pt.torch.version}, ${pt.torch.threads} threads, BLAS loaded: ${pt.torch.blas}`);
console.log(
  `| program | steps | cpu ms/step (CPU ms) | xla ms/step (CPU ms) | xla/cpu per round, wall (CPU) |${pt ? " PyTorch ms/step | cpu/PyTorch | xla/PyTorch |" : ""}`,
);
console.log(`| --- | ---: | ---: | ---: | ---: |${pt ? " ---: | ---: | ---: |" : ""}`);
for (const name of names) {
  const run = PROGRAMS[name]!;
  const rows = { cpu: [] as { wall: number; cpu: number }[], xla: [] as { wall: number; cpu: number }[] };
  let steps = 0;
  for (let r = 0; r <= rounds; r++) {
    const order = r % 2 ? (["xla", "cpu"] as const) : (["cpu", "xla"] as const);
    for (const d of order) {
      const m = timeRun(run, d);
      steps = m.steps;
      if (r > 0) rows[d].push(m);
    }
  }
  const med = (d: "cpu" | "xla", k: "wall" | "cpu") => median(rows[d].map((x) => x[k]));
  const ratio = (k: "wall" | "cpu") => median(rows.xla.map((x, i) => x[k] / rows.cpu[i]![k]));
  const f = (x: number) => x.toFixed(2);
  const t = pt?.programs[name]?.ms;
  const vsTorch = t === undefined ? "" : ` ${f(t)} | ${f(med("cpu", "wall") / t)} | ${f(med("xla", "wall") / t)} |`;
  console.log(
    `| ${name} | ${steps} | ${f(med("cpu", "wall"))} (${f(med("cpu", "cpu"))}) | ${f(med("xla", "wall"))} (${f(med("xla", "cpu"))}) | ${f(ratio("wall"))} (${f(ratio("cpu"))}) |${vsTorch}`,
  );
}
