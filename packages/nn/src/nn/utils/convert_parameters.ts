// parameters_to_vector / vector_to_parameters.
import { Tensor, cat, TorchTypeError } from "@xlatorch/core";
import { setData } from "../set_data.js";

export function parameters_to_vector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape(-1)));
}

/** Slices `vec` into the parameters' shapes and makes each parameter's data that slice (param.data = ...). */
export function vector_to_parameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TorchTypeError(`expected torch.Tensor, but got: ${typeof vec}`);
  let offset = 0;
  for (const p of parameters) {
    const n = p.numel();
    setData(p, vec.detach().narrow(0, offset, n).view_as(p));
    offset += n;
  }
}
