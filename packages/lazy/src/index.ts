// @xlatorch/lazy: the `xla` device.
export { xlaBackend, valueOf, syncAll } from "./backend.js";
export { setRuntimeFactory, setRuntime, getRuntime, hasRuntime } from "./runtime_slot.js";
export { buildGraph, lowerGraph, type Graph } from "./graph.js";
export { LOWERINGS } from "./lower.js";
export { graphCache, materialize } from "./execute.js";
export { metrics as _metrics, resetMetrics, type Metrics } from "./metrics.js";
export * as xla from "./xla_namespace.js";
