// The runtime the xla device executes on. packages/xlatorch installs a factory
// that picks a PJRT plugin from the environment or the in-process CPU runtime.
import { clearScalarOperands } from "@xlatorch/core";
import type { Runtime } from "@xlatorch/stablehlo";

let factory: (() => Runtime) | null = null;
let current: Runtime | null = null;

// Shared scalar operands (core's scalarOperand) hold device buffers of the runtime that made them.
export function setRuntimeFactory(f: () => Runtime): void {
  factory = f;
  current = null;
  clearScalarOperands();
}
export function setRuntime(r: Runtime): void {
  if (r !== current) clearScalarOperands();
  current = r;
}
export function getRuntime(): Runtime {
  if (!current) {
    if (!factory) throw new Error('xla device: no runtime installed (import "xlatorch", which installs the PJRT/CPU runtime selection)');
    current = factory();
  }
  return current;
}
export const hasRuntime = (): boolean => current !== null;
