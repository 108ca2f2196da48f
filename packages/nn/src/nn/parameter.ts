// torch.nn.Parameter: a Tensor that a Module registers as a parameter.
import { Tensor, empty, formatTensor, internals, no_grad, TorchTypeError } from "@xlatorch/core";
import { parseArgs, type Args } from "./args.js";

export class Parameter extends Tensor {
  /**
   * `new nn.Parameter(data, requires_grad=true)`. Like PyTorch's
   * `Tensor._make_subclass`, the parameter aliases `data`'s values (same
   * payload and version counter) without its autograd history.
   */
  constructor(data?: Tensor | null, ...args: Args<[requires_grad: boolean], { requires_grad?: boolean }>) {
    const { requires_grad } = parseArgs("Parameter", args, ["requires_grad"], { requires_grad: true });
    const d = data ?? no_grad(() => empty(0));
    if (!(d instanceof Tensor)) throw new TorchTypeError(`Parameter(): argument 'data' must be Tensor, not ${typeof d}`);
    super(internals(d)._payload, d.shape, d.dtype, d.device);
    internals(this)._vc = internals(d)._vc;
    internals(d)._vc.shared = true;
    this.requires_grad_(requires_grad);
  }

  override toString(): string {
    return `Parameter containing:\n${formatTensor(this)}`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
