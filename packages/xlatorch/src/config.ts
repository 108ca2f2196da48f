// torch.__config__: what this build runs on, as PyTorch's torch.__config__.show()
// says how it was built (BLAS_INFO=open for OpenBLAS, and so on), and the one
// switch read once that a program may change at run time (refresh_env).
import { blasInfo, numThreads, refreshWasmEnv, wasmMode, wasmSimdEnabled, type BlasInfo } from "@xlatorch/cpu";

const BLAS_INFO: Record<string, string> = { OpenBLAS: "open", MKL: "mkl", BLIS: "blis", Accelerate: "accelerate", BLAS: "generic" };

function show(): string {
  const b = blasInfo();
  const blas = b.active
    ? `  - BLAS_INFO=${BLAS_INFO[b.vendor!] ?? "generic"}: float32/float64 matmul on the cpu device (and the xla device's CPU runtime) calls ${b.vendor} at ${b.path}${b.config ? ` (${b.config}${b.threads ? `, ${b.threads} threads` : ""})` : ""}`
    : `  - BLAS_INFO=none: matmul runs on the device's own kernels (${b.reason})`;
  const mode = wasmMode();
  const kernels =
    mode === "off"
      ? "JavaScript kernels (XLATORCH_WASM=off)"
      : wasmSimdEnabled()
        ? `WebAssembly SIMD kernels (XLATORCH_WASM=${mode}), JavaScript below their sizes`
        : "JavaScript kernels (this runtime has no WebAssembly SIMD)";
  return [
    "xlatorch built with:",
    `  - cpu device: ${kernels}, ${numThreads()} threads`,
    blas,
    "  - XLATORCH_BLAS=/path/lib.so names a BLAS library, XLATORCH_BLAS=off disables it",
    "",
  ].join("\n");
}

export const __config__ = {
  /** PyTorch's torch.__config__.show(): a description of the configuration, BLAS included. */
  show,
  /** xlatorch's addition: whether the system BLAS is active, which library, and why. */
  blas: (): BlasInfo => blasInfo(),
  /**
   * xlatorch's addition: XLATORCH_WASM is read once, at the first kernel call;
   * a program that changes it later calls this so the next kernel reads it again.
   */
  refresh_env: (): void => refreshWasmEnv(),
};
