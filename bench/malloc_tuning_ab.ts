// glibc malloc's thresholds raised (packages/cpu/src/malloc_tuning.ts) or left (XLATORCH_MALLOC=off): the
// tuning is the process's and cannot be undone, so this script runs itself as child processes, the two
// settings alternated round by round (the order swapped each round), and reports medians of CPU time
// (process.cpuUsage: all threads) and wall time:
// - the allocation of a 256 KiB float32 array, dropped at once (an [8, 32, 256] activation);
// - eager kernels on [8, 32, 256] float32: add, relu, exp, gelu forward + backward;
// - whole ported programs at their originals' sizes (bench/lib/ported.ts PORTED_PROGRAMS_BENCH), eager cpu
//   and xla, ms per step (the run's time over its steps; the model's build included).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/malloc_tuning_ab.ts [--rounds 5] [--programs vae,nanogpt,cifar_cnn]
import { execFileSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import * as torch from "xlatorch";
import { cliArg } from "./lib/program_case.js";
import { PORTED_PROGRAMS_BENCH } from "./lib/ported.js";

type Row = { name: string; cpu: number; wall: number };

/** CPU and wall ms of one call of `f`, over `n` calls after `warm`. */
function timeOf(f: () => unknown, n: number, warm: number): { cpu: number; wall: number } {
  for (let i = 0; i < warm; i++) f();
  const c0 = process.cpuUsage(),
    t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000 / n, wall: (performance.now() - t0) / n };
}

function child(programs: string[]): Row[] {
  const rows: Row[] = [];
  let sink = 0;
  rows.push({
    name: "new Float32Array(65536), dropped (us)",
    ...scale(
      timeOf(
        () => {
          sink += new Float32Array(65536)[7]!;
        },
        2000,
        200,
      ),
      1000,
    ),
  });
  const x = torch.randn(8, 32, 256),
    g = torch.randn(8, 32, 256),
    xg = torch.randn(8, 32, 256, { requires_grad: true });
  const F = torch.nn.functional;
  const kernels: [string, () => unknown][] = [
    ["add [8,32,256] (us)", () => x.add(g)],
    ["relu [8,32,256] (us)", () => F.relu(x)],
    ["exp [8,32,256] (us)", () => x.exp()],
    ["gelu forward + backward [8,32,256] (us)", () => torch.autograd.grad(F.gelu(xg), xg, g)],
  ];
  for (const [name, f] of kernels) rows.push({ name, ...scale(timeOf(f, 300, 30), 1000) });
  torch.xla.set_execution_mode("fused");
  for (const p of programs)
    for (const dev of ["cpu", "xla"]) {
      let steps = 0;
      const run = () => PORTED_PROGRAMS_BENCH[p]!(dev, () => steps++);
      run();
      steps = 0;
      const t = timeOf(run, 2, 0);
      rows.push({ name: `${p} ${dev} (ms a step)`, cpu: (t.cpu * 2) / steps, wall: (t.wall * 2) / steps });
    }
  if (sink === -1) console.log(sink);
  return rows;
}
const scale = (t: { cpu: number; wall: number }, k: number) => ({ cpu: t.cpu * k, wall: t.wall * k });

const programs = cliArg("programs", "vae,nanogpt,cifar_cnn").split(",").filter(Boolean);
if (process.argv.includes("--child")) {
  console.log(JSON.stringify(child(programs)));
} else {
  const rounds = Number(cliArg("rounds", "5"));
  const self = fileURLToPath(import.meta.url);
  const seen: Record<"on" | "off", Row[][]> = { on: [], off: [] };
  for (let r = 0; r < rounds; r++)
    for (const mode of r % 2 ? (["on", "off"] as const) : (["off", "on"] as const)) {
      const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child", "--programs", programs.join(",")], {
        encoding: "utf8",
        env: { ...process.env, XLATORCH_QUIET: "1", TSX_TSCONFIG_PATH: "tsconfig.json", XLATORCH_MALLOC: mode },
        maxBuffer: 1 << 24,
      });
      seen[mode].push(JSON.parse(out.trim().split("\n").at(-1)!) as Row[]);
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(
    `# malloc thresholds: XLATORCH_MALLOC=off vs tuned, ${rounds} rounds of child processes alternated; node ${process.version}, ${os.cpus().length} cpus, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, ${new Date().toISOString()}`,
  );
  console.log("| what | off CPU | tuned CPU | tuned/off CPU (per-round median) | off wall | tuned wall |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  seen.off[0]!.forEach((row, i) => {
    const col = (mode: "on" | "off", k: "cpu" | "wall") => median(seen[mode].map((rs) => rs[i]![k]));
    const ratio = median(seen.on.map((rs, r) => rs[i]!.cpu / seen.off[r]![i]!.cpu));
    console.log(
      `| ${row.name} | ${col("off", "cpu").toFixed(2)} | ${col("on", "cpu").toFixed(2)} | ${ratio.toFixed(2)} | ${col("off", "wall").toFixed(2)} | ${col("on", "wall").toFixed(2)} |`,
    );
  });
}
