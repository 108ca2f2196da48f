// F.max_pool3d_with_indices and F.adaptive_max_pool{1,2,3}d_with_indices: PyTorch 1.13's
// public twins of the pools that always return [values, indices] (whatever return_indices says,
// as PyTorch ignores it there). max_pool1d/2d_with_indices live in pooling.ts.
import { type Tensor, Tensor as TensorClass } from "@xlatorch/core";
import { type Args, parseArgs } from "../args.js";
import type { IntOrTuple } from "./conv.js";
import { adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d, max_pool3d, type OutputSize } from "./pooling.js";

type MaxPoolArgs = Args<
  [stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, ceil_mode: boolean, return_indices: boolean],
  { stride?: IntOrTuple | null; padding?: IntOrTuple; dilation?: IntOrTuple; ceil_mode?: boolean; return_indices?: boolean }
>;

/** F.max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function max_pool3d_with_indices(input: Tensor, kernel_size: IntOrTuple, ...args: MaxPoolArgs): Tensor[] {
  const o = parseArgs("max_pool3d_with_indices", args, ["stride", "padding", "dilation", "ceil_mode", "return_indices"], {
    stride: null,
    padding: 0,
    dilation: 1,
    ceil_mode: false,
    return_indices: false,
  });
  return max_pool3d(input, kernel_size, o.stride, o.padding, o.dilation, o.ceil_mode, true) as Tensor[];
}

type AdaptiveArgs = Args<[return_indices: boolean], { return_indices?: boolean }>;
const adaptive =
  (name: string, pool: (input: Tensor, output_size: OutputSize, return_indices: true) => unknown) =>
  (input: Tensor, output_size: OutputSize, ...args: AdaptiveArgs): Tensor[] => {
    parseArgs(name, args, ["return_indices"], { return_indices: false });
    const r = pool(input, output_size, true);
    return r instanceof TensorClass ? [r] : (r as Tensor[]);
  };

/** F.adaptive_max_pool1d_with_indices(input, output_size, return_indices=False): [values, indices]. */
export const adaptive_max_pool1d_with_indices = adaptive("adaptive_max_pool1d_with_indices", adaptive_max_pool1d);
/** F.adaptive_max_pool2d_with_indices(input, output_size, return_indices=False): [values, indices]. */
export const adaptive_max_pool2d_with_indices = adaptive("adaptive_max_pool2d_with_indices", adaptive_max_pool2d);
/** F.adaptive_max_pool3d_with_indices(input, output_size, return_indices=False): [values, indices]. */
export const adaptive_max_pool3d_with_indices = adaptive("adaptive_max_pool3d_with_indices", adaptive_max_pool3d);
