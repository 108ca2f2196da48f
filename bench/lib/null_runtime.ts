// tinygrad's null device as a Runtime: compiles and runs in no time and never
// computes results, so a benchmark on it times only xlatorch's own host work.
import * as torch from "xlatorch";
import type { DeviceBuffer, Executable, HostArray, Module, Runtime } from "@xlatorch/stablehlo";

export class NullRuntime implements Runtime {
  readonly platform = "null";
  readonly devices = ["null:0"];
  compile(m: Module): Executable & { outs: DeviceBuffer[] } {
    const outs = m.funcs[0]!.returns.map((v) => ({ dtype: v.type.element as never, shape: v.type.shape }));
    return { numOutputs: outs.length, outs };
  }
  toDevice(_d: HostArray, dtype: DeviceBuffer["dtype"], shape: readonly number[]): DeviceBuffer {
    return { dtype, shape };
  }
  execute(exe: Executable): DeviceBuffer[] {
    return (exe as unknown as { outs: DeviceBuffer[] }).outs.map((b) => ({ ...b }));
  }
  toHost(b: DeviceBuffer): HostArray {
    return torch.dtypeOf(b.dtype).alloc(b.shape.reduce((a, c) => a * c, 1));
  }
  dispose(): void {}
}
