// Switching XLATORCH_WASM inside one bench process: the kernels read it once and keep it
// (packages/cpu/src/wasm/wasm_env.ts), so a change is followed by refreshWasmEnv().
import { refreshWasmEnv } from "@xlatorch/cpu";

/** Sets XLATORCH_WASM to `value` (undefined: unsets it) for the kernels' next calls. */
export function setWasmEnv(value: string | undefined): void {
  if (value === undefined) delete process.env.XLATORCH_WASM;
  else process.env.XLATORCH_WASM = value;
  refreshWasmEnv();
}
