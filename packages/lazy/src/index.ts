// @xlatorch/lazy: the `xla` device.
export { xlaBackend, valueOf, syncAll } from "./backend.js";
export { setRuntimeFactory, setRuntime, getRuntime, hasRuntime } from "./runtime_slot.js";
export { dfsGraph, lowerGraph, GraphBuilder } from "./graph.js";
export { LOWERINGS } from "./lower.js";
export { graphCache } from "./execute.js";
export { materialize, SIZE_BOUND } from "./trace.js";
export { metrics as _metrics, resetMetrics, type Metrics, type CutReason, type CutRecord } from "./metrics.js";
export { EXECUTION_MODES, type ExecutionMode } from "./modes.js";
export * as xla from "./xla_namespace.js";
export { compile, type CompileOptions, type ExplainOutput } from "./compile_fn.js";
export * as _dynamo from "./dynamo_namespace.js";
export * as compiler from "./compiler_namespace.js";
export {
  compileModule,
  setPersistentCompileCache,
  persistentCompileCache,
  type PersistentCompileCache,
  type PersistentOutcome,
} from "./compile_step.js";
