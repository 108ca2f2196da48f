// In-process A/B of the reduce kernel's sum over non-trailing dims (a conv's bias gradient: sum of
// [N, C, H, W] over N, H, W; kernels/reduce_strided.ts) between another checkout's reduce kernel
// (--a: e.g. a `git archive` of an earlier commit, its node_modules linked to this one's) and this
// one's, alternated, 40 rounds of 10 calls; median CPU ms per call (process.cpuUsage), the
// per-round ratio, and the outputs compared bit for bit.
//   npx tsx --tsconfig tsconfig.json bench/reduce_bias_ab.ts /path/to/old/checkout
import path from "node:path";
import { float32 } from "@xlatorch/core";
import { reduceKernels } from "../packages/cpu/src/kernels/reduce.js";

type K = (...args: unknown[]) => [{ data: Float32Array }];
const a = process.argv[2]!;
const old = (await import(path.join(a, "packages/cpu/src/kernels/reduce.ts"))).reduceKernels as Record<string, K>;
const cur = reduceKernels as unknown as Record<string, K>;
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
for (const shape of [
  [64, 6, 28, 28],
  [64, 16, 10, 10],
  [16, 6, 28, 28],
  [16, 16, 10, 10],
]) {
  const n = shape.reduce((p, q) => p * q, 1);
  const x = new Float32Array(n).map(() => Math.random() - 0.5);
  const ins = [{ data: x, offset: 0, strides: [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1] }];
  const args = [ins, [{ shape, dtype: float32 }], { op: "sum", dims: [0, 2, 3] }, [{ shape: [shape[1]!], dtype: float32 }]];
  const t: number[][] = [[], []];
  for (let r = 0; r < 42; r++)
    for (let j = 0; j < 2; j++) {
      const s = (j + r) % 2,
        k = (s === 0 ? old : cur).reduce!;
      const c0 = process.cpuUsage();
      for (let i = 0; i < 10; i++) k(...args);
      const d = process.cpuUsage(c0);
      if (r >= 2) t[s]!.push((d.user + d.system) / 10000);
    }
  const ra = old.reduce!(...args)[0].data,
    rb = cur.reduce!(...args)[0].data;
  const same = ra.every((v, i) => Object.is(v, rb[i]));
  console.log(
    `sum [${shape}] over 0,2,3: old ${med(t[0]!).toFixed(3)} ms CPU, new ${med(t[1]!).toFixed(3)}, per-round ratio ${med(t[1]!.map((v, i) => v / t[0]![i]!)).toFixed(3)}, bit-identical ${same}`,
  );
}
