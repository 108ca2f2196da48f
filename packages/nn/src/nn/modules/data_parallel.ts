// nn.DataParallel (PyTorch 1.13) where no GPU is available, which is always
// here (neither the cpu nor the xla device is one): PyTorch then keeps the
// module, leaves device_ids empty, sets neither dim nor output_device, and its
// forward calls the module with the arguments unchanged.
import { type Args, parseArgs } from "../args.js";
import { Module } from "../module.js";

export class DataParallel<M extends Module = Module> extends Module {
  module: M;
  device_ids: number[];
  /** DataParallel(module, device_ids=None, output_device=None, dim=0) */
  constructor(
    module: M,
    ...args: Args<
      [device_ids: number[] | null, output_device: number | null, dim: number],
      { device_ids?: number[] | null; output_device?: number | null; dim?: number }
    >
  ) {
    super();
    parseArgs("DataParallel", args, ["device_ids", "output_device", "dim"]);
    this.module = module;
    this.device_ids = [];
  }
  override forward(...inputs: Parameters<M["forward"]>): ReturnType<M["forward"]> {
    return (this.module as unknown as (...a: unknown[]) => ReturnType<M["forward"]>)(...inputs);
  }
}
