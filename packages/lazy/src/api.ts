// torch.xla: sync, execution modes, metrics, diagnostics, StableHLO access.
import { device, dtypeOf, fromHost, internals, onOptimizerStep, type HostArray, type Tensor } from "@xlatorch/core";
import { elementTypeOf, isElementType, parseModule, printModule, sameType, typeToString, type Module } from "@xlatorch/stablehlo";
import { syncAll, valueOf } from "./backend.js";
import { graphCache } from "./execute.js";
import { metrics, metricsReport, resetMetrics, snapshot, type Metrics } from "./metrics.js";
import { checkMode, currentMode, setModeRaw, setNanCheck, type ExecutionMode } from "./modes.js";
import { getRuntime } from "./runtime_slot.js";
import { cut, pendingModule } from "./trace.js";

/**
 * Optional in every mode (PyTorch/XLA's mark_step): executes everything
 * recorded so far in one graph, returning `tensors` and whatever the step
 * computed (losses included), so reading them afterwards runs nothing.
 */
export function sync(...tensors: Tensor[]): void {
  syncAll(tensors);
}
/** PyTorch/XLA's older name for sync(). */
export const mark_step = sync;
/** torch.cuda.synchronize(): dispatch what is pending and wait until the device has finished it. */
export function synchronize(): void {
  syncAll();
  getRuntime().synchronize?.();
}
export const xla_device = () => device("xla");

/** "debug" | "strict" | "fused" (default) | "lazy"; see modes.ts. Pending work runs first. */
export function set_execution_mode(mode: ExecutionMode): void {
  const m = checkMode(mode, "torch.xla.set_execution_mode");
  if (m !== currentMode()) cut("mode", []);
  setModeRaw(m);
}
export const get_execution_mode = (): ExecutionMode => currentMode();
/** Runs `fn` in `mode`, restoring the previous mode afterwards (also when fn throws). */
export function execution_mode<T>(mode: ExecutionMode, fn: () => T): T {
  const prev = currentMode();
  set_execution_mode(mode);
  try {
    return fn();
  } finally {
    set_execution_mode(prev);
  }
}
/** Debug mode: throw at the first op whose output holds NaN or Inf computed from finite inputs. */
export function set_nan_check(on: boolean): void {
  setNanCheck(!!on);
}

export function metrics_(): Metrics {
  return snapshot();
}
export function metrics_report(): string {
  return metricsReport(getRuntime().platform, currentMode());
}
export const reset_metrics = resetMetrics;
export const last_recompile_reason = () => metrics.lastRecompileReason;
export const clear_compilation_cache = () => graphCache.clear();
export const runtime = () => getRuntime();

onOptimizerStep(() => {
  metrics.steps++;
});

/** StableHLO text of the pending computation that produces `tensors`. */
export function get_stablehlo(...tensors: Tensor[]): string {
  return printModule(pendingModule(tensors.map(valueOf)));
}

/** Run a StableHLO text module (e.g. a .mlir file) on the xla runtime with host arrays. */
export function run_stablehlo(text: string, ...args: Tensor[]): Tensor[] {
  const rt = getRuntime();
  const mod = parseModule(text);
  checkArguments(mod, args);
  checkResults(mod);
  const exe = rt.compile(mod);
  const bufs = args.map((t) => rt.toDevice(internals(t.cpu().contiguous())._host(), t.dtype.name, t.shape));
  return rt.execute(exe, bufs).map((b) => fromBuffer(rt.toHost(b), b.dtype, b.shape));
}
/**
 * The tensors must be @main's parameters, in number, dtype and shape: a runtime given other
 * arguments would read past buffers or reinterpret them, so refuse at the call instead.
 */
function checkArguments(mod: Module, args: readonly Tensor[]): void {
  const main = mod.funcs.find((f) => f.name === "main") ?? mod.funcs[0];
  if (!main) throw new Error("run_stablehlo: the module has no function to run");
  const want = main.params.map((p) => typeToString(p.type)).join(", ");
  if (args.length !== main.params.length)
    throw new Error(`run_stablehlo: @${main.name} takes ${main.params.length} arguments (${want}), got ${args.length}`);
  args.forEach((t, i) => {
    const p = main.params[i]!.type;
    const got = isElementType(p.element) ? elementTypeOf(t.dtype.name) : undefined;
    if (got !== p.element || !sameType(p, { shape: t.shape.slice(), element: p.element }))
      throw new Error(
        `run_stablehlo: argument ${i} is ${t.dtype.name}[${t.shape.join(", ")}], but @${main.name}'s parameter ${i} is ${typeToString(p)}`,
      );
  });
}
/** Integer types a runtime returns in a wider dtype (ui64: as int64 bits). */
const WIDENED = new Set(["ui16", "ui32", "ui64", "i2", "i4", "ui2", "ui4"]);
/**
 * Results must come back as tensors with their values: an f8/f6/f4 or quantized result would
 * arrive as its storage bits, a token or tuple as nothing, so refuse at the call instead.
 */
function checkResults(mod: Module): void {
  const main = mod.funcs.find((f) => f.name === "main") ?? mod.funcs[0]!;
  main.returns.forEach((r, i) => {
    const e = r.type.element;
    if (!isElementType(e) && !WIDENED.has(e))
      throw new Error(
        `run_stablehlo: @${main.name}'s result ${i} is ${typeToString(r.type)}, which has no dtype to return it as (convert it in the module, e.g. to f32)`,
      );
  });
}
const fromBuffer = (h: HostArray, d: string, shape: readonly number[]) => fromHost(h, shape, dtypeOf(d), device("cpu"));
