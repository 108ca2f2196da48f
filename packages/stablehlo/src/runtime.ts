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
  /**
   * toDevice for an array the caller hands over: it never reads or writes
   * `data` again, so the runtime may keep it or copy it to where its kernels
   * read it best (the CPU runtime copies a large float32 value into its fused
   * loops' memory once, where they read it in place at every execution).
   * Optional: toDevice where absent.
   */
  toDeviceOwned?(data: HostArray, dtype: DTypeName, shape: readonly number[]): DeviceBuffer;
  /**
   * `donate[i]` (optional): the caller gives up argument i: where the module
   * aliases its parameter to a result (`tf.aliasing_output`), the runtime may
   * reuse the buffer for that result, and the caller must neither read nor
   * free the argument afterwards (docs/ARCHITECTURE.md, "Buffer donation").
   * Without it nothing is donated.
   * `dest[k]` (optional, host runtimes): a host array the caller owns and does
   * not read during the call, where the runtime may compute result k (the
   * CPU runtime does for results of its fused loops): result k's buffer is then
   * over that array. Others ignore it.
   */
  execute(
    exe: Executable,
    args: readonly DeviceBuffer[],
    donate?: readonly boolean[],
    dest?: readonly (HostArray | null | undefined)[],
  ): DeviceBuffer[];
  toHost(buffer: DeviceBuffer): HostArray;
  dispose(x: Executable | DeviceBuffer): void;
  /**
   * Wait until every dispatched execution and transfer has finished; throws
   * the first device error not yet reported. execute() and toDevice() may
   * return before the device has finished; only toHost() and this method
   * wait. A runtime that finishes its work before returning may omit it.
   */
  synchronize?(): void;
  /**
   * Persistent compile cache support (optional; see docs/ARCHITECTURE.md,
   * "The persistent compile cache"). `cacheIdentity` names everything besides
   * the module that changes what compile() builds (platform, plugin and its
   * version, device kind, compile options, the runtime's own code), or null
   * when executables of this runtime cannot be stored.
   */
  cacheIdentity?(): string | null;
  /** The bytes `loadExecutable` turns back into `exe` (in a later process); null when this one cannot be stored. */
  serializeExecutable?(exe: Executable): Uint8Array | null;
  /** An executable from `serializeExecutable`'s bytes; `module` is the program they were compiled from. Throws on bytes it cannot use. */
  loadExecutable?(bytes: Uint8Array, module: Module): Executable;
}
