// The torch.xla namespace as users see it.
export { sync, mark_step, xla_device, metrics_report, reset_metrics, last_recompile_reason, clear_compilation_cache, runtime, get_stablehlo, run_stablehlo } from "./api.js";
export { metrics_ as metrics } from "./api.js";
