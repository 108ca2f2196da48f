// F.gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1), composed as
// PyTorch's functional.py: Gumbel noise -log(Exp(1)) from exponential_ (the
// same random stream as PyTorch's on cpu, so seeded values agree), softmax of
// (logits + g) / tau; hard=True returns the one-hot of the argmax with the
// soft sample's gradient (straight-through).
import { Tensor, TorchError, TorchTypeError, empty_like, zeros_like } from "@xlatorch/core";
import { type Args, parseArgs } from "../args.js";

type GumbelArgs = Args<
  [tau: number, hard: boolean, eps: number, dim: number],
  { tau?: number; hard?: boolean; eps?: number; dim?: number }
>;

export function gumbel_softmax(logits: Tensor, ...args: GumbelArgs): Tensor {
  const o = parseArgs("gumbel_softmax", args, ["tau", "hard", "eps", "dim"], { tau: 1, hard: false, eps: 1e-10, dim: -1 });
  if (!(logits instanceof Tensor)) throw new TorchTypeError("gumbel_softmax(): argument 'logits' must be Tensor");
  if (!logits.dtype.is_floating_point)
    throw new TorchError(`gumbel_softmax: expected a floating point logits tensor, got ${logits.dtype.scalarName}`);
  // eps is deprecated in PyTorch and has no effect
  const gumbels = empty_like(logits).exponential_().log().neg();
  const ySoft = logits.add(gumbels).div(o.tau).softmax(o.dim);
  if (!o.hard) return ySoft;
  const index = ySoft.max(o.dim, true)[1];
  const yHard = zeros_like(logits).scatter_(o.dim, index, 1.0);
  return yHard.sub(ySoft.detach()).add(ySoft);
}
