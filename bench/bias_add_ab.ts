// In-process A/B of the float32 add kernel with a channel's bias operand ([N, C, H, W] + bias[C]
// broadcast, strides [0, 1, 0, 0]: the CNN's conv bias add) between another checkout's
// elementwise kernels (--a: e.g. a `git archive` of an earlier commit, its node_modules linked
// to this one's) and this one's, alternated, 40 rounds of 10 calls; median CPU ms per call
// (process.cpuUsage) and the per-round ratio; the outputs compared bit for bit.
//   npx tsx --tsconfig tsconfig.json bench/bias_add_ab.ts /path/to/old/checkout
import path from "node:path";
import { float32 } from "@xlatorch/core";
import { elementwiseKernels } from "../packages/cpu/src/kernels/elementwise.js";
type K = (...args: unknown[]) => [{ data: Float32Array }];
const a = process.argv[2]!;
const old = (await import(path.join(a, "packages/cpu/src/kernels/elementwise.ts"))).elementwiseKernels as Record<string, K>;
const cur = elementwiseKernels as unknown as Record<string, K>;
const shapes = [
  [64, 6, 28, 28],
  [64, 16, 10, 10],
  [16, 6, 28, 28],
];
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
for (const shape of shapes) {
  const n = shape.reduce((p, q) => p * q, 1);
  const x = new Float32Array(n).map(() => Math.random() - 0.5),
    b = new Float32Array(shape[1]!).map(() => Math.random());
  const ins = [
    { data: x, offset: 0, strides: [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1] },
    { data: b, offset: 0, strides: [0, 1, 0, 0] },
  ];
  const av = [
    { shape, dtype: float32 },
    { shape, dtype: float32 },
  ];
  const t: number[][] = [[], []];
  let same = true;
  for (let r = 0; r < 42; r++)
    for (let j = 0; j < 2; j++) {
      const s = (j + r) % 2,
        k = (s === 0 ? old : cur).add!;
      const c0 = process.cpuUsage();
      let res: [{ data: Float32Array }] | undefined;
      for (let i = 0; i < 10; i++) res = k(ins, av, {}, [{ shape, dtype: float32 }]);
      const d = process.cpuUsage(c0);
      if (r >= 2) t[s]!.push((d.user + d.system) / 10000);
      if (r === 0 && s === 1) {
        const ref = old.add!(ins, av, {}, [{ shape, dtype: float32 }])[0].data;
        same = res![0].data.every((v, i) => Object.is(v, ref[i]));
      }
    }
  console.log(
    `add [${shape}] + bias[${shape[1]}] (strides 0,1,0,0): HEAD ${med(t[0]!).toFixed(3)} ms CPU, new ${med(t[1]!).toFixed(3)}, per-round ratio ${med(t[1]!.map((v, i) => v / t[0]![i]!)).toFixed(3)}, bit-identical ${same}`,
  );
}
