// cosine_similarity, pairwise_distance, pdist: distances composed from core
// ops the way ATen (PyTorch 1.13) computes them.
import {
  Tensor,
  TorchError,
  broadcast_tensors,
  is_grad_enabled,
  no_grad,
  recordCustom,
  result_type,
  triu_indices,
  where,
  zeros_like,
} from "@xlatorch/core";
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
  const diff = x1.sub(x2).add(eps);
  // complex inputs: the norm of |x1 - x2 + eps| (a real result, as PyTorch's norm of a complex tensor)
  const d = diff.dtype.is_complex ? diff.abs() : diff;
  return nd === 0 ? pnorm(d.reshape([1]), p, 0, false).reshape([]) : pnorm(d, p, nd - 1, keepdim);
}

/** pdist: p-norm distances between the rows of an (N, M) input, the upper triangle row by row (N (N - 1) / 2 values). */
export function pdist(input: Tensor, ...args: Args<[p: number], { p?: number }>): Tensor {
  const { p } = parseArgs("pdist", args, ["p"], { p: 2 });
  if (input.ndim !== 2) throw new TorchError(`pdist only supports 2D tensors, got: ${input.ndim}D`);
  if (!input.dtype.is_floating_point) throw new TorchError("pdist only supports floating-point dtypes");
  if (!(p >= 0)) throw new TorchError("pdist only supports non-negative p values");
  const n = input.shape[0]!;
  const ij = triu_indices(n, n, 1, { device: input.device });
  const rows = (x: Tensor) => [x.index_select(0, ij.select(0, 0)), x.index_select(0, ij.select(0, 1))] as const;
  if ((p === 0 || p === Infinity) && is_grad_enabled() && input.requires_grad) {
    // PyTorch's pdist backward: zeros for p = 0 (a count; the result still requires grad), and for p = inf the
    // whole gradient sign(diff) g to each coordinate where |diff| reaches the maximum (the max reduction's
    // derivative would share it among the ties)
    const out = no_grad(() => pdist(input, p));
    recordCustom(
      "PdistBackward0",
      [input],
      [out],
      ([g], [x], [dist]) => {
        if (p === 0 || !g) return [zeros_like(x!)];
        const [a, b] = rows(x!);
        const diff = a.sub(b);
        const w = diff
          .sign()
          .mul(diff.abs().eq(dist!.unsqueeze(1)).to(diff.dtype))
          .mul(g.unsqueeze(1));
        return [zeros_like(x!).index_add(0, ij.select(0, 0), w).index_add(0, ij.select(0, 1), w.neg())];
      },
      { inputs: true, outputs: true },
    );
    return out;
  }
  const [a, b] = rows(input);
  return pnorm(a.sub(b), p, 1, false);
}

/**
 * The p-norm over `dim`, its gradient 0 where the norm is 0 (PyTorch's norm
 * and pdist backward): the root is taken of a value kept away from 0.
 */
function pnorm(d: Tensor, p: number, dim: number, keepdim: boolean): Tensor {
  if (p === 0) return d.ne(0).to(d.dtype).sum(dim, { keepdim });
  if (p === Infinity) return d.abs().amax(dim, keepdim);
  if (p === -Infinity) return d.abs().amin(dim, keepdim);
  if (p === 1) return d.abs().sum(dim, { keepdim });
  // for p < 1, |d|^(p-1) is infinite at d = 0: PyTorch's backward gives those coordinates 0
  const powAbs = (a: Tensor) => (p >= 1 ? a.pow(p) : where(a.eq(0), p > 0 ? 0 : Infinity, where(a.eq(0), 1, a).pow(p)));
  const s = p === 2 ? d.mul(d).sum(dim, { keepdim }) : powAbs(d.abs()).sum(dim, { keepdim });
  const zero = s.eq(0);
  const safe = where(zero, 1, s);
  return where(zero, 0, p === 2 ? safe.sqrt() : safe.pow(1 / p));
}
