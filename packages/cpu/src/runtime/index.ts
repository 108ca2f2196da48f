export { CpuRuntime, type CpuBuffer } from "./runtime.js";
