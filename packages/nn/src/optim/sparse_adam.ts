// SparseAdam (PyTorch 1.13): Adam for sparse gradients (nn.Embedding with
// sparse=True), updating only the rows a gradient holds. xlatorch has no sparse
// layout (F.embedding refuses sparse=True), so every gradient here is dense,
// and PyTorch's SparseAdam refuses dense gradients: step() throws PyTorch's
// error for the first parameter that has one, before any state is made. The
// constructor checks and defaults are PyTorch's, so a program that builds one
// and steps it gets PyTorch's behaviour rather than a silent dense update.
import { TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface SparseAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  maximize?: boolean;
}

/** Python's repr of a beta (a float in PyTorch's defaults: "1.0", not "1"). */
const pyFloat = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));

export class SparseAdam extends Optimizer {
  /** SparseAdam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, maximize=False) */
  constructor(params: Params, ...args: Args<[lr: number, betas: [number, number], eps: number, maximize: boolean], SparseAdamOptions>) {
    const o = parseArgs("SparseAdam", args, ["lr", "betas", "eps", "maximize"], {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      maximize: false,
    });
    // PyTorch's checks, in its order (lr and eps must be positive, not only non-negative)
    if (!(0 < o.lr)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
    if (!(0 < o.eps)) throw new TorchError(`Invalid epsilon value: ${o.eps}`);
    if (!(0 <= o.betas[0]! && o.betas[0]! < 1)) throw new TorchError(`Invalid beta parameter at index 0: ${pyFloat(o.betas[0]!)}`);
    if (!(0 <= o.betas[1]! && o.betas[1]! < 1)) throw new TorchError(`Invalid beta parameter at index 1: ${pyFloat(o.betas[1]!)}`);
    super(params, { lr: o.lr, betas: [...o.betas], eps: o.eps, maximize: o.maximize });
  }

  protected override _step_group(group: ParamGroup): void {
    for (const p of group.params) {
      // a dense gradient (the only kind there is here): PyTorch's refusal
      if (p.grad) throw new TorchError("SparseAdam does not support dense gradients, please consider Adam instead");
    }
  }
}
