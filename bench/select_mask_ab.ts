// A/B of the float32 select kernel on nanoGPT's masked_fill layout: a [32, 32] causal mask expanded to
// [8, 4, 32, 32] (strides [0, 0, 32, 1]) choosing between -inf and the attention scores. Side A is the
// JavaScript loop (XLATORCH_WASM=off for the call: the path a strided predicate took before
// wasm/select_module.ts gathered it), side B the WebAssembly kernel with the gathered predicate;
// alternated in one process, process CPU per call, then a bit-for-bit check of the two results.
//   npx tsx --tsconfig tsconfig.json bench/select_mask_ab.ts
import { KERNELS } from "@xlatorch/cpu";
import { bool, float32 } from "@xlatorch/core";
import { setWasmEnv } from "./lib/env.js";
type Kernel = (ins: unknown[], avals: unknown[], attrs: unknown, outs: unknown[]) => { data: Float32Array }[];
const n = 32768;
const x = new Float32Array(n).map(() => Math.random());
const mask = new Uint8Array(1024).map((_, i) => ((i & 31) > i >> 5 ? 1 : 0));
const shape = [8, 4, 32, 32];
const av = [
  { shape, dtype: bool },
  { shape: [], dtype: float32 },
  { shape, dtype: float32 },
];
const outs = [{ shape, dtype: float32 }];
const sel = (KERNELS as unknown as Record<string, Kernel>).select!;
const ins = [
  { data: mask, offset: 0, strides: [0, 0, 32, 1] },
  { data: Float32Array.of(-Infinity), offset: 0, strides: [] },
  { data: x, offset: 0, strides: [4096, 1024, 32, 1] },
];
const run = (wasm: boolean) => {
  if (wasm) setWasmEnv(undefined);
  else setWasmEnv("off");
  const c0 = process.cpuUsage();
  for (let i = 0; i < 300; i++) sel(ins, av, {}, outs);
  const c = process.cpuUsage(c0);
  setWasmEnv(undefined);
  return (c.user + c.system) / 300;
};
const js: number[] = [],
  w: number[] = [],
  ratio: number[] = [];
for (let r = 0; r < 12; r++) {
  const a = run(false),
    b = run(true);
  if (r < 2) continue;
  js.push(a);
  w.push(b);
  ratio.push(b / a);
}
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
console.log(
  `select [8,4,32,32] expanded mask, us CPU/call median of 10 rounds: JS loop ${med(js).toFixed(1)}, wasm gathered ${med(w).toFixed(1)}, per-round ratio median ${med(ratio).toFixed(3)}`,
);
const a = (() => {
  setWasmEnv("off");
  const o = sel(ins, av, {}, outs)[0]!.data;
  setWasmEnv(undefined);
  return o;
})();
const b = sel(ins, av, {}, outs)[0]!.data;
console.log(
  "bit-equal",
  a.every((v, i) => Object.is(v, b[i])),
);
