// In-process A/B of cpu kernels: the old ones (checkout --a) and the new ones
// (this checkout), alternated call by call on the same inputs; min and median µs.
//   npx tsx bench/kernel_ab.ts --a /path/to/old/checkout
import path from "node:path";
import { bool, float32, float64 } from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import * as newEw from "../packages/cpu/src/kernels/elementwise.js";
import * as newReduce from "../packages/cpu/src/kernels/reduce.js";
import * as newLayout from "../packages/cpu/src/kernels/layout.js";

const argv = process.argv.slice(2);
const a = path.resolve(argv[argv.indexOf("--a") + 1]!);
const oldEw = (await import(path.join(a, "packages/cpu/src/kernels/elementwise.ts"))) as typeof newEw;
const oldLayout = (await import(path.join(a, "packages/cpu/src/kernels/layout.ts"))) as typeof newLayout;
const oldReduce = (await import(path.join(a, "packages/cpu/src/kernels/reduce.ts"))) as typeof newReduce;

const rows: string[] = [];
function ab(name: string, fa: () => unknown, fb: () => unknown, reps = 200) {
  const ta: number[] = [],
    tb: number[] = [];
  for (let i = 0; i < 20; i++) fa(), fb();
  for (let i = 0; i < reps; i++) {
    for (const [f, t] of i % 2
      ? ([
          [fb, tb],
          [fa, ta],
        ] as const)
      : ([
          [fa, ta],
          [fb, tb],
        ] as const)) {
      const t0 = performance.now();
      f();
      t.push((performance.now() - t0) * 1000);
    }
  }
  const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
  const mn = (x: number[]) => Math.min(...x);
  rows.push(
    `| ${name} | ${mn(ta).toFixed(1)} | ${mn(tb).toFixed(1)} | ${med(ta).toFixed(1)} | ${med(tb).toFixed(1)} | ${(med(tb) / med(ta)).toFixed(2)} |`,
  );
}
const dense = (shape: number[], f: (i: number) => number): Strided => {
  const n = shape.reduce((p, q) => p * q, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = f(i);
  let acc = 1;
  const strides = shape.map(() => 0);
  for (let d = shape.length - 1; d >= 0; d--) (strides[d] = acc), (acc *= shape[d]!);
  return { data, offset: 0, strides };
};
const zero: Strided = { data: new Float32Array(1), offset: 0, strides: [] };
for (const shape of [
  [16, 6, 28, 28],
  [16, 16, 10, 10],
  [64, 6, 28, 28],
  [128, 256],
]) {
  const x = dense(shape, (i) => Math.sin(i * 0.37));
  const g = dense(shape, (i) => Math.cos(i * 0.11));
  const fx = { shape, dtype: float32 },
    bx = { shape, dtype: bool };
  const zb: Strided = { data: zero.data, offset: 0, strides: shape.map(() => 0) };
  const cmp = (k: typeof newEw) => k.elementwiseKernels.compare!([x, zb], [fx, fx], { direction: "GT" }, [bx]);
  const mask = cmp(newEw)[0]!;
  const sel = (k: typeof newEw) => k.elementwiseKernels.select!([mask, g, zb], [bx, fx, fx], {}, [fx]);
  ab(
    `compare GT float32[${shape}] vs 0`,
    () => cmp(oldEw),
    () => cmp(newEw),
  );
  ab(
    `select(mask, float32[${shape}], 0)`,
    () => sel(oldEw),
    () => sel(newEw),
  );
}
for (const shape of [
  [256, 784],
  [120, 400],
  [192, 64],
  [6, 3, 5, 5],
]) {
  const src = dense(shape, (i) => i * 0.5);
  const dst = dense(shape, () => 0);
  ab(
    `in-place write (stridedCopy) float32[${shape}]`,
    () => oldLayout.stridedCopy(dst, shape, src),
    () => newLayout.stridedCopy(dst, shape, src),
  );
  const fx = { shape, dtype: float32 };
  ab(
    `copy float32[${shape}]`,
    () => oldEw.elementwiseKernels.copy!([src], [fx], {}, [fx]),
    () => newEw.elementwiseKernels.copy!([src], [fx], {}, [fx]),
  );
}
for (const shape of [
  [8, 32, 64],
  [8, 32, 256],
]) {
  const x = dense(shape, (i) => Math.sin(i * 0.37));
  const f = { shape, dtype: float32 },
    d = { shape, dtype: float64 };
  const y = newEw.elementwiseKernels.convert!([x], [f], {}, [d])[0]!;
  ab(
    `convert float32->float64 [${shape}]`,
    () => oldEw.elementwiseKernels.convert!([x], [f], {}, [d]),
    () => newEw.elementwiseKernels.convert!([x], [f], {}, [d]),
  );
  ab(
    `convert float64->float32 [${shape}]`,
    () => oldEw.elementwiseKernels.convert!([y], [d], {}, [f]),
    () => newEw.elementwiseKernels.convert!([y], [d], {}, [f]),
  );
}
// a conv's bias gradient: sum over N, H, W of NCHW
for (const shape of [
  [16, 6, 28, 28],
  [64, 6, 28, 28],
  [16, 16, 10, 10],
]) {
  const x = dense(shape, (i) => Math.sin(i * 0.37));
  const args = [[x], [{ shape, dtype: float32 }], { op: "sum", dims: [0, 2, 3] }, [{ shape: [shape[1]!], dtype: float32 }]] as const;
  ab(
    `reduce sum dims (0,2,3) float32[${shape}]`,
    () => oldReduce.reduceKernels.reduce!(...args),
    () => newReduce.reduceKernels.reduce!(...args),
  );
}
console.log(
  "| kernel call | old min µs | new min µs | old median µs | new median µs | new/old (median) |\n| --- | ---: | ---: | ---: | ---: | ---: |",
);
console.log(rows.join("\n"));
