export { cpuBackend } from "./backend.js";
export { KERNELS, type Kernel } from "./kernels/index.js";
export { elementwiseLoop } from "./codegen.js";
export * from "./exprs.js";
export { $ as scalarHelpers } from "./helpers.js";
export { type Strided, contiguous } from "./strided.js";
export { dense, stridedCopy, fillValue } from "./kernels/layout.js";
export { CpuRuntime } from "./runtime/index.js";
export { gemmF32, wasmGemmEnabled, wasmGemmStats } from "./wasm/gemm.js";
export { fusedPoolStats, fusedResultF32, fusedWasmConfig, fusedWasmStats, wasmFusedF32 } from "./wasm/fused_module.js";
export {
  WASM_MIN,
  wasmElementwiseF32,
  wasmReduceF32,
  wasmReduceRowsF32,
  wasmSimdEnabled,
  wasmSimdStats,
  storagePoolStats,
} from "./wasm/simd_f32.js";
// torch.set_num_threads reaches the worker pool and OpenBLAS (installs core's thread backend; starts no thread)
import "./wasm/thread_count.js";
export { GEMM_THREAD_MIN } from "./wasm/gemm.js";
export { THREAD_MIN } from "./wasm/simd_f32.js";
export { numThreads, threadStats, _shutdownPool } from "./wasm/threads.js";
export { refreshWasmEnv, wasmMode, type WasmMode } from "./wasm/wasm_env.js";
export {
  blasInfo,
  blasPolicy,
  blasStats,
  discoverBlas,
  _resetBlas,
  type BlasInfo,
  type BlasDiscovery,
  type FsProbe as BlasFsProbe,
} from "./blas.js";
