// torch.empty_strided(size, stride) and Tensor.new_empty_strided(size, stride):
// an uninitialised tensor (ours holds zeros, as torch.empty's) of the given
// size. A dense stride (a permutation of a contiguous layout: channels_last,
// a transposed layout) is the result's real layout, made as PyTorch's would be
// (a contiguous tensor of the permuted sizes, viewed back); any other stride
// (gaps, overlaps) gives the contiguous layout, since nothing here can read the
// storage outside a tensor's elements and the contents are unspecified anyway;
// an empty tensor (whose strides PyTorch keeps as given) gets them too.
import { get_default_dtype } from "../dtype.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, parseArgs } from "./args.js";
import { empty } from "./creation.js";
import { permute } from "./shape.js";

const FACTORY = ["dtype", "layout", "device", "pin_memory", "requires_grad"] as const;

function intList(op: string, name: string, position: number, v: unknown): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== "number" || !Number.isInteger(d)))
    throw new TorchTypeError(`${op}(): argument '${name}' (position ${position}) must be tuple of SymInts, not ${describe(v)}`);
  return v as number[];
}

/** The dims ordered outermost first, when `stride` is exactly a permutation of a contiguous layout of `size`; else null. */
function denseOrder(size: readonly number[], stride: readonly number[]): number[] | null {
  // outermost first: larger strides first; size-1 dims (whose stride means nothing) keep their place among equals
  const order = size.map((_, i) => i).sort((a, b) => stride[b]! - stride[a]! || a - b);
  let expected = 1;
  for (let k = order.length - 1; k >= 0; k--) {
    const d = order[k]!;
    if (size[d] !== 1 && stride[d] !== expected) return null;
    expected *= size[d]!;
  }
  return order;
}

function strided(op: string, sizeArg: unknown, strideArg: unknown, o: Record<string, unknown>): Tensor {
  const size = intList(op, "size", 1, sizeArg),
    stride = intList(op, "stride", 2, strideArg);
  if (size.length !== stride.length)
    throw new TorchError(`dimensionality of sizes (${size.length}) must match dimensionality of strides (${stride.length})`);
  if (size.some((s) => s < 0))
    throw new TorchError(`Trying to create tensor with negative dimension ${size.find((s) => s < 0)}: ${shapeStr(size)}`);
  if (stride.some((s) => s < 0))
    throw new TorchError(`Storage size calculation overflowed with sizes=${shapeStr(size)} and strides=${shapeStr(stride)}`);
  const opts = { dtype: o.dtype ?? undefined, device: o.device ?? undefined };
  const order = denseOrder(size, stride);
  const identity = order === null || order.every((d, i) => d === i);
  const r = identity
    ? empty(size, opts)
    : permute(
        empty(
          order!.map((d) => size[d]!),
          opts,
        ),
        order!.map((_, i) => order!.indexOf(i)),
      );
  if (o.requires_grad) r.requires_grad_(true);
  return r;
}

/** torch.empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False). */
export function empty_strided(size: number[], stride: number[], ...args: unknown[]): Tensor {
  const o = parseArgs("empty_strided", args, FACTORY);
  return strided("empty_strided", size, stride, { ...o, dtype: o.dtype ?? get_default_dtype() });
}

/** Tensor.new_empty_strided(size, stride, *, dtype=self.dtype, device=self.device, ...). */
export function new_empty_strided(x: Tensor, size: number[], stride: number[], ...args: unknown[]): Tensor {
  checkTensor("new_empty_strided", "self", x);
  const o = parseArgs("new_empty_strided", args, FACTORY);
  return strided("new_empty_strided", size, stride, { ...o, dtype: o.dtype ?? x.dtype, device: o.device ?? x.device });
}
