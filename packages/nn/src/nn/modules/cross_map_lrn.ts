// nn.CrossMapLRN2d (PyTorch 1.13): a legacy local response norm across
// channels whose forward and backward are PyTorch's own autograd.Function
// (torch/nn/modules/_functions.py CrossMapLRN2d), composed here from
// elementwise ops and a product with 0/1 channel-window matrices. Both passes
// keep PyTorch's quirks, since users compare against it: the forward's running
// window never subtracts channel 0 (every channel's sum includes it), and the
// backward sums a window that is not the forward's (so it is not the forward's
// true gradient, and size=1 fails in backward as in PyTorch).
import { autograd, type Tensor, tensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { Module } from "../module.js";

/** A [C, C] matrix of 0/1: row c has ones at the channels that `window(c)` lists. */
function windowMatrix(like: Tensor, C: number, window: (c: number) => number[]): Tensor {
  const rows: number[][] = [];
  for (let c = 0; c < C; c++) {
    const row = Array<number>(C).fill(0);
    for (const j of window(c)) row[j] = 1;
    rows.push(row);
  }
  return tensor(rows, { dtype: like.dtype, device: like.device });
}
type FunctionCtx = autograd.FunctionCtx;
const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
/** Sums over channels: m [C, C] times x [N, C, H, W] on dim 1. */
const channelSum = (m: Tensor, x: Tensor) => m.matmul(x.flatten(2)).reshape(x.shape);

class CrossMapLRN2dFunction extends autograd.Function {
  static override forward(ctx: FunctionCtx, input: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
    // PyTorch asserts input.dim() == 4 (an AssertionError with no message)
    if (input.ndim !== 4) throw new TorchError(`CrossMapLRN2d: expected a 4D input (got ${input.ndim}D input)`);
    const C = input.shape[1]!;
    const pre = Math.trunc((size - 1) / 2 + 1);
    // channel 0, then channels c-pre+1 .. c+pre-1 (channel 0 is never removed from PyTorch's running sum)
    const w = windowMatrix(input, C, (c) => [0, ...range(Math.max(1, c - pre + 1), Math.min(c + pre - 1, C - 1))]);
    const scale = channelSum(w, input.mul(input))
      .mul(alpha / size)
      .add(k);
    const output = scale.pow(-beta).mul(input);
    Object.assign(ctx, { size, alpha, beta, scale });
    ctx.save_for_backward(input, output);
    return output;
  }

  static override backward(ctx: FunctionCtx, grad_output: Tensor): (Tensor | null)[] {
    const [input, output] = ctx.saved_tensors as [Tensor, Tensor];
    const { size, alpha, beta, scale } = ctx as unknown as { size: number; alpha: number; beta: number; scale: Tensor };
    const C = input.shape[1]!;
    const inversePrePad = Math.trunc(size - (size - 1) / 2);
    if (inversePrePad + C > C + size - 1)
      throw new TorchError(`start (${inversePrePad}) + length (${C}) exceeds dimension size (${C + size - 1}).`);
    // PyTorch's accum_ratio at channel c sums ratio over channels c-inversePrePad .. c+size-1-inversePrePad
    const w = windowMatrix(input, C, (c) => range(Math.max(0, c - inversePrePad), Math.min(c + size - 1 - inversePrePad, C - 1)));
    const ratio = channelSum(w, grad_output.mul(output).div(scale));
    const grad = scale
      .pow(-beta)
      .mul(grad_output)
      .sub(input.mul(ratio).mul((2 * alpha * beta) / size));
    return [grad, null, null, null, null];
  }
}

export class CrossMapLRN2d extends Module {
  size: number;
  alpha: number;
  beta: number;
  k: number;
  /** CrossMapLRN2d(size, alpha=0.0001, beta=0.75, k=1) */
  constructor(size: number, ...args: Args<[alpha: number, beta: number, k: number], { alpha?: number; beta?: number; k?: number }>) {
    super();
    const o = parseArgs("CrossMapLRN2d", args, ["alpha", "beta", "k"], { alpha: 1e-4, beta: 0.75, k: 1 });
    this.size = size;
    this.alpha = o.alpha;
    this.beta = o.beta;
    this.k = o.k;
  }
  override forward(input: Tensor): Tensor {
    return CrossMapLRN2dFunction.apply(input, this.size, this.alpha, this.beta, this.k);
  }
  /** PyTorch formats the values as given ('{size}, alpha={alpha}, ...'), so the default k=1 prints as 1. */
  override extra_repr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}
