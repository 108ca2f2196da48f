// The worker pool's scaling (packages/cpu/src/wasm/threads.ts): eager cpu
// float32 matmul 1024² on the WebAssembly GEMM (run with XLATORCH_BLAS=off, or
// a system BLAS takes it), tanh(x*2+1) on 4M values (eager, and fused on the
// xla device's CPU runtime) and a few single kernels,
// with 1 and 2 threads (torch.set_num_threads), interleaved in one process;
// each figure is the best of `runs`, so a machine loaded by other work still
// gives a fair ratio even where the absolute times are inflated.
//   XLATORCH_BLAS=off XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/threads.ts [runs] [threads...]
import os from "node:os";
import { blasInfo, threadStats } from "@xlatorch/cpu";
import * as torch from "xlatorch";

const runs = Number(process.argv[2] ?? 10);
const counts = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [1, 2];
torch.manual_seed(0);
const a = torch.randn([1024, 1024]),
  b = torch.randn([1024, 1024]),
  m = torch.randn([256, 256]),
  x = torch.randn([4 * 1024 * 1024]),
  z = torch.randn([2048, 2048]);
// the same chain on the xla device: one fused loop on the CPU runtime, forced and one value read back
const xx = x.to("xla");
const fused = () => {
  const r = torch.tanh(xx.mul(2).add(1));
  torch.xla.sync(r);
  return r.reshape(-1).getitem(0).item();
};
const cases: [string, number | null, () => unknown][] = [
  ["f32 matmul 1024² (GFLOP/s)", 2 * 1024 ** 3, () => torch.matmul(a, b)],
  ["f32 matmul 256² (GFLOP/s)", 2 * 256 ** 3, () => torch.matmul(m, m)],
  ["tanh(x*2+1), 4M (ms)", null, () => torch.tanh(x.mul(2).add(1))],
  ["tanh(x*2+1) fused on xla, 4M (ms)", null, fused],
  ["tanh(x), 4M (ms)", null, () => torch.tanh(x)],
  ["exp(x), 4M (ms)", null, () => torch.exp(x)],
  ["x*2, 4M (ms)", null, () => x.mul(2)],
  ["sum(x, -1), 2048x2048 (ms)", null, () => z.sum(-1)],
];
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const cpus = os.cpus();
console.log(`${cpus.length} × ${cpus[0]?.model ?? "?"}, Node ${process.version}; BLAS: ${blasInfo().active ? blasInfo().vendor : "off"}`);
console.log(`load average at start ${load()}`);
console.log(
  `| case | ${counts.map((n) => `${n} thread${n > 1 ? "s" : ""}`).join(" | ")} | ${counts
    .slice(1)
    .map((n) => `${n} vs 1`)
    .join(" | ")} |`,
);
console.log(
  `| --- | ${counts.map(() => "---:").join(" | ")} | ${counts
    .slice(1)
    .map(() => "---:")
    .join(" | ")} |`,
);
for (const [name, flops, f] of cases) {
  const best = counts.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < runs + 2; r++)
    counts.forEach((n, i) => {
      torch.set_num_threads(n);
      const t0 = performance.now();
      f();
      const t = performance.now() - t0;
      if (r >= 2) best[i] = Math.min(best[i]!, t);
    });
  const show = (ms: number) => (flops ? (flops / ms / 1e6).toFixed(1) : ms.toFixed(1));
  const ratio = (i: number) => `${(best[0]! / best[i]!).toFixed(2)}×`;
  console.log(
    `| ${name} | ${best.map(show).join(" | ")} | ${counts
      .slice(1)
      .map((_, i) => ratio(i + 1))
      .join(" | ")} |`,
  );
}
console.log(
  `load average at end ${load()}; jobs ${threadStats.jobs}, worker tasks ${threadStats.workerTasks}, workers ${threadStats.workers}`,
);
