// The one interface every executor of StableHLO implements: the in-process CPU
// runtime (packages/cpu) and the PJRT runtime (packages/pjrt). Kept as small as
// tinygrad's device: compile, move data in, execute, move data out, dispose.
import type { Module } from "./ir.js";

/** dtype names of the core (see docs/ARCHITECTURE.md for the host layout). */
export type DTypeName =
  | "float32" | "float64" | "float16" | "bfloat16"
  | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool";

export type HostArray =
  | Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array
  | Int16Array | Int32Array | BigInt64Array;

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
}
