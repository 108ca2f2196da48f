// Loss reductions, including the legacy size_average/reduce flags PyTorch
// still accepts (torch.nn._reduction).
import { TorchError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import type { Reduction } from "../args.js";

/** legacy_get_string: size_average/reduce (either given) decide the reduction. */
export function legacyReduction(size_average: boolean | null | undefined, reduce: boolean | null | undefined, reduction: string): string {
  if ((size_average === null || size_average === undefined) && (reduce === null || reduce === undefined)) return reduction;
  const sa = size_average ?? true,
    r = reduce ?? true;
  return sa && r ? "mean" : r ? "sum" : "none";
}

export function checkReduction(reduction: string): Reduction {
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none")
    throw new TorchError(`${reduction} is not a valid value for reduction`);
  return reduction;
}

/** apply_loss_reduction for elementwise losses. */
export function applyReduction(loss: Tensor, reduction: string): Tensor {
  switch (checkReduction(reduction)) {
    case "mean":
      return loss.mean();
    case "sum":
      return loss.sum();
    default:
      return loss;
  }
}
