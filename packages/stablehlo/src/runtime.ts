// The one interface every executor of StableHLO implements: the in-process CPU
// runtime (packages/cpu) and the PJRT runtime (packages/pjrt). Kept as small as
// tinygrad's device: compile, move data in, execute, move data out, dispose.
import type { Module } from "./ir.js";

/** dtype names and host arrays are the core's (layout table in docs/ARCHITECTURE.md). */
export type { DTypeName, HostArray } from "@xlatorch/core";
import type { DTypeName, HostArray } from "@xlatorch/core";

export interface DeviceBuffer {
  readonly dtype: DTypeName;
  readonly shape: readonly number[];
}

export interface Executable {
  readonly numOutputs: number;
}

export interface Runtime {
  /** e.g. "cpu-runtime", "cuda", "tpu". */
  readonly platform: string;
  readonly devices: readonly string[];
  compile(module: Module): Executable;
  toDevice(data: HostArray, dtype: DTypeName, shape: readonly number[]): DeviceBuffer;
  execute(exe: Executable, args: readonly DeviceBuffer[]): DeviceBuffer[];
  toHost(buffer: DeviceBuffer): HostArray;
  dispose(x: Executable | DeviceBuffer): void;
  /**
   * Wait until every dispatched execution and transfer has finished; throws
   * the first device error not yet reported. execute() and toDevice() may
   * return before the device has finished; only toHost() and this method
   * wait. A runtime that finishes its work before returning may omit it.
   */
  synchronize?(): void;
}
