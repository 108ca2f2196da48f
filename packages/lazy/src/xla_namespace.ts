// The torch.xla namespace as users see it.
export {
  sync,
  mark_step,
  synchronize,
  xla_device,
  set_execution_mode,
  get_execution_mode,
  execution_mode,
  set_nan_check,
  metrics_report,
  reset_metrics,
  last_recompile_reason,
  clear_compilation_cache,
  runtime,
  get_stablehlo,
  run_stablehlo,
} from "./api.js";
export { metrics_ as metrics } from "./api.js";
export { optimization_barrier_ } from "./optimization_barrier.js";
export type { ExecutionMode } from "./modes.js";
