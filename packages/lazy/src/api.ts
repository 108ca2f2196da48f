// torch.xla: sync, metrics, diagnostics, StableHLO access.
import { device, dtypeOf, fromHost, type HostArray, type Tensor } from "@xlatorch/core";
import { parseModule, printModule } from "@xlatorch/stablehlo";
import { syncAll, valueOf } from "./backend.js";
import { graphCache } from "./execute.js";
import { buildGraph, lowerGraph } from "./graph.js";
import { metrics, metricsReport, resetMetrics, snapshot, type Metrics } from "./metrics.js";
import { getRuntime } from "./runtime_slot.js";

/** Cut the trace: materialise every tensor holding state (and `tensors`) in one computation. */
export function sync(...tensors: Tensor[]): void { syncAll(tensors); }
/** PyTorch/XLA's older name for sync(). */
export const mark_step = sync;
export const xla_device = () => device("xla");

export function metrics_(): Metrics { return snapshot(); }
export function metrics_report(): string { return metricsReport(getRuntime().platform); }
export const reset_metrics = resetMetrics;
export const last_recompile_reason = () => metrics.lastRecompileReason;
export const clear_compilation_cache = () => graphCache.clear();
export const runtime = () => getRuntime();

/** StableHLO text of the pending computation that produces `tensors`. */
export function get_stablehlo(...tensors: Tensor[]): string {
  return printModule(lowerGraph(buildGraph(tensors.map(valueOf))));
}

/** Run a StableHLO text module (e.g. a .mlir file) on the xla runtime with host arrays. */
export function run_stablehlo(text: string, ...args: Tensor[]): Tensor[] {
  const rt = getRuntime();
  const exe = rt.compile(parseModule(text));
  const bufs = args.map((t) => rt.toDevice(t.cpu().contiguous()._host(), t.dtype.name, t.shape));
  return rt.execute(exe, bufs).map((b) => fromBuffer(rt.toHost(b), b.dtype, b.shape));
}
const fromBuffer = (h: HostArray, d: string, shape: readonly number[]) => fromHost(h, shape, dtypeOf(d), device("cpu"));
