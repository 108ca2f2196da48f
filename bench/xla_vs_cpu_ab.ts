// A bench case's training step on the eager cpu device and on xla (the CPU
// runtime) in one process: both warmed up, then rounds of K steps alternated
// (which goes first swaps every round), so a loaded machine slows both alike.
// Prints median wall and process-CPU ms a step and the per-round xla/cpu ratios.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/xla_vs_cpu_ab.ts --case cifar_cnn_sgd_b16 [--warmup 300] [--rounds 12] [--k 10]
import { median } from "./lib/timing.js";
import { cliArg, programCase } from "./lib/program_case.js";

const id = cliArg("case", "mlp_784_256_10_sgd_b128");
const rounds = Number(cliArg("rounds", "12")),
  K = Number(cliArg("k", "10")),
  warmup = Number(cliArg("warmup", "300"));
const cpu = (await programCase(id, "cpu")).impl,
  xla = (await programCase(id, "xla")).impl;
await cpu.output();
await xla.output();
for (let i = 0; i < warmup; i++) {
  await cpu.run();
  await xla.run();
}
const rows: { cpu: [number, number]; xla: [number, number] }[] = [];
for (let r = 0; r < rounds; r++) {
  const row = { cpu: [0, 0], xla: [0, 0] } as { cpu: [number, number]; xla: [number, number] };
  for (const side of r % 2 ? (["xla", "cpu"] as const) : (["cpu", "xla"] as const)) {
    const impl = side === "xla" ? xla : cpu;
    const c0 = process.cpuUsage(),
      t0 = performance.now();
    for (let k = 0; k < K; k++) await impl.run();
    const u = process.cpuUsage(c0);
    row[side] = [(performance.now() - t0) / K, (u.user + u.system) / 1000 / K];
  }
  rows.push(row);
}
const m = (f: (r: (typeof rows)[number]) => number) => median(rows.map(f)).toFixed(3);
console.log(
  `${id}, ${warmup} warm-up steps each, ${rounds} rounds of ${K}: wall ms cpu ${m((r) => r.cpu[0])} xla ${m((r) => r.xla[0])}, per-round xla/cpu ${m((r) => r.xla[0] / r.cpu[0])}; process CPU ms cpu ${m((r) => r.cpu[1])} xla ${m((r) => r.xla[1])}, per-round ${m((r) => r.xla[1] / r.cpu[1])}`,
);
