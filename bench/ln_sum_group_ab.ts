// In-process A/B of the CPU runtime's float64 sums of one shape in one pass
// (runtime/fused_sums.ts: layer_norm_backward's four sums) vs a pass per sum,
// on a bench case's xla step (default nanogpt_tiny_adamw_b8): both plans of
// every module in one process, bits checked first (bench/lib/plan_ab.ts).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/ln_sum_group_ab.ts [--case id] [--rounds 12] [--steps 20]
import { sumGroupConfig } from "../packages/cpu/src/runtime/fused_sums.js";
import { planAB } from "./lib/plan_ab.js";

await planAB((on) => (sumGroupConfig.enabled = on), ["pass per sum", "sums grouped"]);
