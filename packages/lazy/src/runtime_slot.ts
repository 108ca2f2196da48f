// The runtime the xla device executes on. packages/xlatorch installs a factory
// that picks a PJRT plugin from the environment or the in-process CPU runtime.
import type { Runtime } from "@xlatorch/stablehlo";

let factory: (() => Runtime) | null = null;
let current: Runtime | null = null;

export function setRuntimeFactory(f: () => Runtime): void {
  factory = f;
  current = null;
}
export function setRuntime(r: Runtime): void {
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
