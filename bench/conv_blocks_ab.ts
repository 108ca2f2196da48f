// In-process A/B of the convolution kernel's block size (kernels/conv.ts, blocks) and of its
// wide rows (kernels/conv_wide.ts): the convolution calls of one training step of a
// bench/cases/80_programs.ts case, replayed in step order (so a forward's kept columns are there
// for its weight gradient) with each configuration in turn, rotating which goes first, several
// rounds. A configuration is a block size in elements and "wide" or "narrow" (the wide rows on or
// off); 8388608:narrow puts every call of the CNN in one block without wide rows: the path before
// either (whole columns, kept for the weight gradient). An optional third part, "seq" or "pool"
// (the default), keeps the blocks on this thread or lets them run on the worker pool
// (kernels/conv.ts poolBlocks). Wall and CPU ms (process.cpuUsage, all threads) per call, medians
// over rounds.
//   npx tsx --tsconfig tsconfig.json bench/conv_blocks_ab.ts [--case cifar_cnn_sgd_b64] [--rounds 20] [--configs 8388608:narrow,65536:narrow,65536:wide,65536:wide:seq]
import { KERNELS } from "@xlatorch/cpu";
import { setConvCacheColumns, setConvPoolBlocks, setConvWideRows } from "../packages/cpu/src/kernels/conv.js";
import { cliArg, kernelCallsOfStep, programCase } from "./lib/program_case.js";

type K = (...args: unknown[]) => unknown;
const id = cliArg("case", "cifar_cnn_sgd_b64");
const rounds = Number(cliArg("rounds", "20"));
const configs = cliArg("configs", `${1 << 23}:narrow,${1 << 16}:narrow,${1 << 16}:wide`).split(",");
const table = KERNELS as unknown as Record<string, K>;
const { impl } = await programCase(id);
const calls = await kernelCallsOfStep(impl, "convolution");
const conv = table.convolution!;
const shapes = calls.map((a) => (a[1] as { shape: number[] }[]).map((v) => `[${v.shape.join(",")}]`).join(" "));
// wall[config][call][round], cpu likewise
const wall = configs.map(() => calls.map(() => [] as number[])),
  cpu = configs.map(() => calls.map(() => [] as number[]));
for (let r = 0; r < rounds + 2; r++)
  for (let j = 0; j < configs.length; j++) {
    const s = (j + r) % configs.length;
    const [size, rows, where] = configs[s]!.split(":");
    setConvCacheColumns(Number(size));
    setConvWideRows(rows === "wide");
    setConvPoolBlocks(where !== "seq");
    calls.forEach((args, c) => {
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      conv(...args);
      const w = performance.now() - t0,
        d = process.cpuUsage(c0);
      // the first two rounds warm up (plans, module memory)
      if (r >= 2) {
        wall[s]![c]!.push(w);
        cpu[s]![c]!.push((d.user + d.system) / 1000);
      }
    });
  }
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
console.log(
  `${id}: ${calls.length} convolution calls, ${rounds} rounds; median ms per call, wall / CPU, per configuration (block elements:rows)`,
);
console.log(`| call | ${configs.map((s) => `${s} wall | ${s} CPU`).join(" | ")} |`);
console.log(`| --- | ${configs.map(() => "---: | ---:").join(" | ")} |`);
calls.forEach((_, c) =>
  console.log(
    `| ${shapes[c]} | ${configs.map((_, s) => `${med(wall[s]![c]!).toFixed(3)} | ${med(cpu[s]![c]!).toFixed(3)}`).join(" | ")} |`,
  ),
);
// per round: the sum over calls, then the median of the per-round sums and of the ratio to the first configuration
const sum = (m: number[][], r: number) => m.reduce((t, x) => t + x[r]!, 0);
const per = (m: number[][][]) => configs.map((_, s) => Array.from({ length: rounds }, (_, r) => sum(m[s]!, r)));
const ws = per(wall),
  cs = per(cpu);
console.log(`| sum | ${configs.map((_, s) => `${med(ws[s]!).toFixed(3)} | ${med(cs[s]!).toFixed(3)}`).join(" | ")} |`);
console.log(
  `| per-round ratio to ${configs[0]} | ${configs.map((_, s) => `${med(ws[s]!.map((v, r) => v / ws[0]![r]!)).toFixed(2)} | ${med(cs[s]!.map((v, r) => v / cs[0]![r]!)).toFixed(2)}`).join(" | ")} |`,
);
