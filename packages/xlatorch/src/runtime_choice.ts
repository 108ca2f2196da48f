// Which runtime the xla device executes on, in the manner of PyTorch/XLA:
// PJRT_DEVICE / PJRT_PLUGIN_LIBRARY_PATH / TPU_LIBRARY_PATH pick a PJRT plugin;
// with none configured, the in-process CPU runtime runs the StableHLO modules.
import { CpuRuntime } from "@xlatorch/cpu";
import { setRuntimeFactory } from "@xlatorch/lazy";
import { openPjrtRuntimeFromEnv } from "@xlatorch/pjrt";
import type { Runtime } from "@xlatorch/stablehlo";

export function chooseRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const pjrt = openPjrtRuntimeFromEnv(env);
  if (pjrt) return pjrt;
  if (!env.XLATORCH_QUIET) {
    console.warn(
      "[xlatorch] xla device: no PJRT plugin configured (PJRT_DEVICE / PJRT_PLUGIN_LIBRARY_PATH); running on the in-process CPU runtime",
    );
  }
  return new CpuRuntime();
}

setRuntimeFactory(() => chooseRuntime());
