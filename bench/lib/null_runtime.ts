// tinygrad's null device as a Runtime: compiles and runs in no time and never
// computes results, so a benchmark on it times only xlatorch's own host work.
import * as torch from "xlatorch";
import {
  dtypeOf,
  type DeviceBuffer,
  type ElementType,
  type Executable,
  type HostArray,
  type Module,
  type Runtime,
} from "@xlatorch/stablehlo";

export class NullRuntime implements Runtime {
  readonly platform = "null";
  readonly devices = ["null:0"];
  compile(m: Module): Executable & { outs: DeviceBuffer[] } {
    // buffers carry dtype names, as the real runtimes' do (toHost below reads them)
    const outs = m.funcs[0]!.returns.map((v) => ({ dtype: dtypeOf(v.type.element as ElementType), shape: v.type.shape }));
    return { numOutputs: outs.length, outs };
  }
  toDevice(_d: HostArray, dtype: DeviceBuffer["dtype"], shape: readonly number[]): DeviceBuffer {
    return { dtype, shape };
  }
  execute(exe: Executable): DeviceBuffer[] {
    return (exe as unknown as { outs: DeviceBuffer[] }).outs.map((b) => ({ ...b }));
  }
  toHost(b: DeviceBuffer): HostArray {
    // ones, not zeros: a program sampling from its outputs (nanoGPT's generate) needs a nonzero distribution
    const h = torch.dtypeOf(b.dtype).alloc(b.shape.reduce((a, c) => a * c, 1));
    if (h instanceof BigInt64Array) h.fill(1n);
    else h.fill(1);
    return h;
  }
  dispose(): void {}
}
