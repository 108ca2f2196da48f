// Interleaved A/B of whole training steps between two checkouts of the
// repository (no stash in a shared checkout: e.g. `git worktree add` or a clone
// of the commit before a change, and the working tree after it). Each round
// runs bench/program_steps.ts once in checkout A, then once in B (alternating
// which goes first), so both see the same machine load on average; the table
// gives each side's median over rounds of its per-process median ms/step, and
// the median of the per-round ratios B/A, for the wall time and for the
// process's CPU time per step (less sensitive to other people's load).
// With --torch, each round also runs the case's PyTorch side (bench/torch_bench.py,
// same inputs and weights, TORCH_BENCH_THREADS threads if set), and the table
// gives B's ratio to it: a side-by-side figure taken under the same load.
//   npx tsx bench/ab_programs.ts --a /path/before --b /path/after [--cases id,id] [--rounds 5] [--steps 20]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import programs from "./cases/80_programs.js";
import mlp from "./cases/60_mlp.js";
import { inputFile, writeInputs } from "./lib/data.js";
import { median } from "./lib/timing.js";

const argv = process.argv.slice(2);
const arg = (name: string, dflt?: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const dirs = { A: path.resolve(arg("a") ?? "."), B: path.resolve(arg("b") ?? ".") };
const cases = (arg("cases") ?? "cifar_cnn_sgd_b16,cifar_cnn_sgd_b64,nanogpt_tiny_adamw_b8").split(",");
const rounds = Number(arg("rounds", "5"));
const steps = arg("steps", "20")!;
const device = arg("device", "cpu")!;
const withTorch = argv.includes("--torch");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-ab-"));

/** One process of bench/torch_bench.py on one case: `steps` repetitions after 5 warm-up steps. */
function torchOnce(id: string): { median_ms: number; cpu_ms: number } {
  const c = [...programs, ...mlp].find((p) => p.id === id)!;
  writeInputs(dataDir, [c]);
  const spec = {
    policy: { warmup: 5, minReps: Number(steps), maxReps: Number(steps), budgetMs: 0 },
    cases: [
      {
        id,
        inputs: c.inputs.map((i) => ({ name: i.name, shape: i.shape, file: inputFile(dataDir, c, i) })),
        setup: c.torch!.setup ?? "",
        expr: c.torch!.expr,
      },
    ],
  };
  const specFile = path.join(dataDir, `${id}.spec.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const out = execFileSync(process.env.TORCH_PYTHON ?? "/usr/bin/python3", [path.join(import.meta.dirname, "torch_bench.py"), specFile], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const r = JSON.parse(out).results[id];
  if (!r || r.error) throw new Error(`torch ${id}: ${r?.error ?? "no result"}`);
  return r;
}

function once(dir: string, id: string): { median_ms: number; cpu_ms: number; first_loss: number } {
  const out = execFileSync(
    "npx",
    ["tsx", "--tsconfig", "tsconfig.json", "bench/program_steps.ts", "--case", id, "--steps", steps, "--device", device],
    {
      cwd: dir,
      env: { ...process.env, XLATORCH_QUIET: "1" },
      encoding: "utf8",
    },
  );
  return JSON.parse(out.trim().split("\n").pop()!);
}

console.log(`A = ${dirs.A}\nB = ${dirs.B}\n${rounds} rounds of ${steps} steps per process, device ${device}\n`);
console.log(
  `| case | A ms/step | B ms/step | B/A | A cpu ms/step | B cpu ms/step | B/A (cpu) |${withTorch ? " torch ms/step | torch cpu ms/step | B/torch | B/torch (cpu) |" : ""} first loss A / B |`,
);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |${withTorch ? " ---: | ---: | ---: | ---: |" : ""} --- |`);
const f2 = (x: number) => x.toFixed(2);
for (const id of cases) {
  const wall = { A: [] as number[], B: [] as number[], ratio: [] as number[] };
  const cpu = { A: [] as number[], B: [] as number[], ratio: [] as number[] };
  const loss: Record<string, number> = {};
  const tw: number[] = [],
    tc: number[] = [],
    tr: number[] = [],
    trc: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order: ("A" | "B")[] = r % 2 ? ["B", "A"] : ["A", "B"];
    const got: Record<string, { median_ms: number; cpu_ms: number }> = {};
    for (const side of order) {
      const res = once(dirs[side], id);
      got[side] = res;
      loss[side] = res.first_loss;
      wall[side].push(res.median_ms);
      cpu[side].push(res.cpu_ms);
    }
    if (withTorch) {
      const t = torchOnce(id);
      tw.push(t.median_ms);
      tc.push(t.cpu_ms);
      tr.push(got.B!.median_ms / t.median_ms);
      trc.push(got.B!.cpu_ms / t.cpu_ms);
    }
    wall.ratio.push(got.B!.median_ms / got.A!.median_ms);
    cpu.ratio.push(got.B!.cpu_ms / got.A!.cpu_ms);
    process.stderr.write(
      `  ${id} round ${r + 1}: A ${f2(got.A!.median_ms)} ms (cpu ${f2(got.A!.cpu_ms)}), B ${f2(got.B!.median_ms)} ms (cpu ${f2(got.B!.cpu_ms)})\n`,
    );
  }
  console.log(
    `| ${id} | ${f2(median(wall.A))} | ${f2(median(wall.B))} | ${median(wall.ratio).toFixed(3)} | ${f2(median(cpu.A))} | ${f2(median(cpu.B))} | ${median(cpu.ratio).toFixed(3)} |${withTorch ? ` ${f2(median(tw))} | ${f2(median(tc))} | ${median(tr).toFixed(2)} | ${median(trc).toFixed(2)} |` : ""} ${loss.A} / ${loss.B} |`,
  );
}
