// In-process A/B of the CPU runtime's WebAssembly form of layer_norm's float64
// fma (fuse.ts fmaF64: the "fma_f64" node, wasm/fma_f64_lanes.ts) vs the
// JavaScript loop that ran those chains before, on a bench case's xla step
// (default nanogpt_tiny_adamw_b8): both plans of every module in one process,
// bits checked first (bench/lib/plan_ab.ts).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/layer_norm_fma_ab.ts [--case id] [--rounds 12] [--steps 20]
import { fuseConfig } from "../packages/cpu/src/runtime/fuse.js";
import { planAB } from "./lib/plan_ab.js";

await planAB((on) => (fuseConfig.fmaF64 = on), ["JS loop", "wasm fma_f64"]);
