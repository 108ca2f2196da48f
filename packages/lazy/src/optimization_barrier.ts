// torch.xla.optimization_barrier_(tensors), as PyTorch/XLA's
// xm.optimization_barrier_: the tensors are replaced, in place, by the outputs
// of one optimization_barrier primitive over all of them (identity values; in
// the compiled graph XLA may not move computation across the
// stablehlo.optimization_barrier, e.g. to keep a gradient-checkpointed
// recomputation from merging with the forward). On the cpu device it is a copy.
import { P, Tensor, assign, bind } from "@xlatorch/core";

export function optimization_barrier_(tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || !tensors.every((t) => t instanceof Tensor))
    throw new TypeError("optimization_barrier_: expected a list of tensors");
  if (!tensors.length) return;
  const dev = tensors[0]!.device;
  for (const t of tensors)
    if (!t.device.equals(dev)) throw new Error(`optimization_barrier_: expected all tensors on one device, got ${dev} and ${t.device}`);
  const outs = bind(P.optimization_barrier, tensors);
  tensors.forEach((t, i) => assign("optimization_barrier_", t, outs[i]!));
}
