// F.lp_pool1d / F.lp_pool2d: the power-average pool, composed as PyTorch's
// functional.py does: avg_pool of x^p, times the window size, to the 1/p (the
// sign(out) * relu(|out|) step keeps PyTorch's value at out < 0 and its gradient).
import { TorchError, type Tensor } from "@xlatorch/core";
import { type Args, parseArgs } from "../args.js";
import { relu } from "./activation.js";
import type { IntOrTuple } from "./conv.js";
import { avg_pool1d, avg_pool2d } from "./pooling.js";

type LpPoolArgs = Args<[stride: IntOrTuple | null, ceil_mode: boolean], { stride?: IntOrTuple | null; ceil_mode?: boolean }>;

function lpPool(nd: 1 | 2, input: Tensor, norm_type: number, kernel_size: IntOrTuple, args: readonly unknown[]): Tensor {
  const op = `lp_pool${nd}d`;
  const o = parseArgs(op, args, ["stride", "ceil_mode"], { stride: null, ceil_mode: false });
  if (typeof norm_type !== "number") throw new TorchError(`${op}(): norm_type must be a number, got ${String(norm_type)}`);
  const ks = typeof kernel_size === "number" ? Array<number>(nd).fill(kernel_size) : [...kernel_size];
  if (ks.length !== nd)
    throw new TorchError(`${op}(): kernel_size must be an int or a tuple of ${nd} ints, got ${JSON.stringify(kernel_size)}`);
  const pool = nd === 1 ? avg_pool1d : avg_pool2d;
  const x = input.pow(norm_type);
  const out =
    o.stride !== null && o.stride !== undefined
      ? pool(x, kernel_size, o.stride, 0, o.ceil_mode)
      : pool(x, kernel_size, { padding: 0, ceil_mode: o.ceil_mode });
  return out
    .sign()
    .mul(relu(out.abs()))
    .mul(ks.reduce((a, b) => a * b, 1))
    .pow(1.0 / norm_type);
}

/** F.lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export const lp_pool1d = (input: Tensor, norm_type: number, kernel_size: IntOrTuple, ...args: LpPoolArgs): Tensor =>
  lpPool(1, input, norm_type, kernel_size, args);
/** F.lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export const lp_pool2d = (input: Tensor, norm_type: number, kernel_size: IntOrTuple, ...args: LpPoolArgs): Tensor =>
  lpPool(2, input, norm_type, kernel_size, args);
