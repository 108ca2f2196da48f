// The CPU runtime's device buffer: a strided view of a host array (kernels'
// payload) with its StableHLO-facing dtype name and shape.
import type { DeviceBuffer } from "@xlatorch/stablehlo";
import type { Strided } from "../strided.js";

export interface CpuBuffer extends DeviceBuffer {
  readonly s: Strided;
}

/** An op at a time: its operands' buffers in, its results' buffers out. */
export type Runner = (ins: readonly CpuBuffer[]) => CpuBuffer[];
