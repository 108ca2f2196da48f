// gather_slices / scatter_slices kernel calls of the windows ported programs make (kernels/gather.ts):
// a batch of images picked from a dataset (`images[idx]`: windows of 3,072 elements), an embedding
// lookup and its backward (rows of 64), and torch.gather's one-element windows (cross_entropy's pick).
// Microseconds per call, median of rounds. Run it in two trees, alternated, to compare kernels.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/gather_windows.ts [--rounds 9] [--calls 2000]
import { KERNELS } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { cliArg } from "./lib/program_case.js";

type K = (...a: unknown[]) => unknown;
const table = KERNELS as unknown as Record<string, K>;
const rounds = Number(cliArg("rounds", "9"));
const calls = Number(cliArg("calls", "2000"));
const f32 = torch.float32,
  i64 = torch.int64;
const dense = (data: Float32Array | BigInt64Array, shape: number[]) => ({
  data,
  offset: 0,
  strides: shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1)),
});
const rand = (n: number) => new Float32Array(n).map(() => Math.random());
const ids = (n: number, below: number) => new BigInt64Array(n).map(() => BigInt(Math.floor(Math.random() * below)));

const gather = (operand: number[], slice: number[], nIdx: number, below: number, offsetDims: number[], outShape: number[]) => {
  const ins = [dense(rand(operand.reduce((a, b) => a * b, 1)), operand), dense(ids(nIdx, below), [nIdx, 1])];
  const avals = [
    { shape: operand, dtype: f32 },
    { shape: [nIdx, 1], dtype: i64 },
  ];
  const attrs = {
    offset_dims: offsetDims,
    collapsed_slice_dims: [0],
    operand_batching_dims: [],
    start_indices_batching_dims: [],
    start_index_map: [0],
    index_vector_dim: 1,
    slice_sizes: slice,
    indices_are_sorted: false,
  };
  return () => table.gather_slices!(ins, avals, attrs, [{ shape: outShape, dtype: f32 }]);
};
const scatterRows = (V: number, D: number, nIdx: number) => {
  const ins = [dense(new Float32Array(V * D), [V, D]), dense(ids(nIdx, V), [nIdx, 1]), dense(rand(nIdx * D), [nIdx, D])];
  const avals = [
    { shape: [V, D], dtype: f32 },
    { shape: [nIdx, 1], dtype: i64 },
    { shape: [nIdx, D], dtype: f32 },
  ];
  const attrs = {
    update_window_dims: [1],
    inserted_window_dims: [0],
    input_batching_dims: [],
    scatter_indices_batching_dims: [],
    scatter_dims_to_operand_dims: [0],
    index_vector_dim: 1,
    indices_are_sorted: false,
    unique_indices: false,
    reduce: "add",
  };
  return () => table.scatter_slices!(ins, avals, attrs, [{ shape: [V, D], dtype: f32 }]);
};

const cases: [string, () => unknown][] = [
  ["images[idx]: 4 of [16,3,32,32]", gather([16, 3, 32, 32], [1, 3, 32, 32], 4, 16, [1, 2, 3], [4, 3, 32, 32])],
  ["embedding: 256 rows of [65,64]", gather([65, 64], [1, 64], 256, 65, [1], [256, 64])],
  ["embedding backward: 256 rows into [65,64]", scatterRows(65, 64, 256)],
  ["one-element windows: 256 of [256]", gather([256], [1], 256, 256, [], [256])],
];
const times = cases.map(() => [] as number[]);
for (let r = 0; r < rounds + 1; r++)
  cases.forEach(([, f], c) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    if (r > 0) times[c]!.push(((performance.now() - t0) / calls) * 1000);
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
cases.forEach(([name], c) => console.log(`${median(times[c]!).toFixed(2).padStart(8)} us  ${name}`));
