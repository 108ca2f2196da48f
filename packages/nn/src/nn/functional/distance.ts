// cosine_similarity, pairwise_distance, pdist: distances composed from core
// ops the way ATen (PyTorch 1.13) computes them.
import { Tensor, TorchError, broadcast_tensors, no_grad, result_type, triu_indices } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

/**
 * cosine_similarity: sum over `dim` of (x1 / ||x1||) * (x2 / ||x2||), each norm
 * clamped to eps. ATen clamps the norms in place without recording it, so the
 * gradient goes through sqrt at the clamped value: the same here, by adding a
 * zero whose derivative is 1 / (2 * clamped norm).
 */
export function cosine_similarity(
  x1: Tensor,
  x2: Tensor,
  ...args: Args<[dim: number, eps: number], { dim?: number; eps?: number }>
): Tensor {
  const { dim, eps } = parseArgs("cosine_similarity", args, ["dim", "eps"], { dim: 1, eps: 1e-8 });
  const dt = result_type(x1, x2);
  if (!dt.is_floating_point) throw new TorchError(`expected common dtype to be floating point, yet common dtype is ${dt.scalarName}`);
  const [a, b] = broadcast_tensors(x1.to(dt), x2.to(dt)) as [Tensor, Tensor];
  const norm = (x: Tensor) => {
    const sq = x.pow(2).sum(dim, { keepdim: true });
    const clamped = no_grad(() => sq.sqrt().clamp_min(eps));
    return clamped.add(sq.sub(sq.detach()).div(clamped.mul(2)));
  };
  return a
    .div(norm(a))
    .mul(b.div(norm(b)))
    .sum(dim);
}

/** pairwise_distance: the p-norm of x1 - x2 + eps over the last dim of the broadcast shape. */
export function pairwise_distance(
  x1: Tensor,
  x2: Tensor,
  ...args: Args<[p: number, eps: number, keepdim: boolean], { p?: number; eps?: number; keepdim?: boolean }>
): Tensor {
  const { p, eps, keepdim } = parseArgs("pairwise_distance", args, ["p", "eps", "keepdim"], { p: 2, eps: 1e-6, keepdim: false });
  const nd = Math.max(x1.ndim, x2.ndim);
  const d = x1.sub(x2).add(eps);
  return nd === 0 ? d.reshape([1]).norm(p, 0).reshape([]) : d.norm(p, nd - 1, { keepdim });
}

/** pdist: p-norm distances between the rows of an (N, M) input, the upper triangle row by row (N (N - 1) / 2 values). */
export function pdist(input: Tensor, ...args: Args<[p: number], { p?: number }>): Tensor {
  const { p } = parseArgs("pdist", args, ["p"], { p: 2 });
  if (input.ndim !== 2) throw new TorchError(`pdist only supports 2D tensors, got: ${input.ndim}D`);
  if (!input.dtype.is_floating_point) throw new TorchError("pdist only supports floating-point dtypes");
  if (!(p >= 0)) throw new TorchError("pdist only supports non-negative p values");
  const n = input.shape[0]!;
  const ij = triu_indices(n, n, 1, { device: input.device });
  const diff = input.index_select(0, ij.select(0, 0)).sub(input.index_select(0, ij.select(0, 1)));
  return diff.norm(p, 1);
}
