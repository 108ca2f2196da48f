// The xla device's execution modes (TorchTPU's eager modes plus the lazy one).
// All share one recording path, one graph key, one lowering and one cache;
// only when a trace is cut differs (trace.ts):
//   debug   every op runs now and is waited for; errors and NaN/Inf at the op
//   strict  every op is its own cached executable, dispatched without waiting
//   fused   ops are fused into larger executables, cut at host reads, at state
//           writes (a step boundary) and at a size bound  (the default)
//   lazy    PyTorch/XLA's model: cut only at sync() and host reads
export const EXECUTION_MODES = ["debug", "strict", "fused", "lazy"] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export function checkMode(name: unknown, where: string): ExecutionMode {
  if (typeof name === "string" && (EXECUTION_MODES as readonly string[]).includes(name)) return name as ExecutionMode;
  throw new Error(`${where}: unknown execution mode ${JSON.stringify(name)}; expected one of ${EXECUTION_MODES.join(", ")}`);
}

let mode: ExecutionMode = process.env.XLATORCH_EXECUTION_MODE
  ? checkMode(process.env.XLATORCH_EXECUTION_MODE, "XLATORCH_EXECUTION_MODE")
  : "fused";
export const currentMode = (): ExecutionMode => mode;
/** Switch without flushing; api.ts flushes the open trace first. */
export function setModeRaw(m: ExecutionMode): void {
  mode = m;
}

let nanCheck = false;
export const nanCheckEnabled = (): boolean => nanCheck;
export function setNanCheck(on: boolean): void {
  nanCheck = on;
}
