// Host time of one fused training step on the xla device, on a runtime that
// executes nothing (only xlatorch's own work is timed): bench/programs/mlp_adam_step.ts,
// no sync. Target (issue "An eager-first xla device"): <= 0.3 ms for a 300-op step.
// A longer run than bench/xla_overhead.ts's, for profiles:
//   node --cpu-prof --cpu-prof-dir=/tmp/p --import tsx bench/train_step_overhead.ts
import * as torch from "xlatorch";
import { setRuntime } from "@xlatorch/lazy";
import { NullRuntime } from "./lib/null_runtime.js";
import { mlpAdamStep } from "./programs/mlp_adam_step.js";

setRuntime(new NullRuntime());
const step = mlpAdamStep();
for (let i = 0; i < 200; i++) step();
const before = torch.xla.metrics().opsRecorded;
const t0 = performance.now();
for (let i = 0; i < 3000; i++) step();
console.log(`ms/step ${((performance.now() - t0) / 3000).toFixed(3)}, ops/step ${((torch.xla.metrics().opsRecorded - before) / 3000).toFixed(1)}`);
