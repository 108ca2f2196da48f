// Tensor.fill_diagonal_(fill_value, wrap=False): writes fill_value on the main
// diagonal (every index equal), and for a tall matrix with wrap=True on the
// diagonals that restart every ncols + 1 rows, as PyTorch's strided walk over
// the storage does. Composed of a position mask and masked_fill_ (in place,
// with its autograd), so it works on every device.
import { bool, int64 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { arange } from "./creation.js";
import * as E from "./elementwise.js";
import { reshape } from "./shape.js";

export function fill_diagonal_(self: Tensor, ...args: unknown[]): Tensor {
  const { fill_value, wrap } = parseArgs("fill_diagonal_", args, ["fill_value", "wrap"], { wrap: false });
  checkTensor("fill_diagonal_", "self", self);
  if (fill_value === undefined) throw new TorchError("fill_diagonal_() missing required argument 'fill_value'");
  const n = self.ndim;
  if (n < 2) throw new TorchError("fill_diagonal_: dimensions must larger than 1");
  const height = self.shape[0]!,
    width = self.shape[1]!;
  if (n > 2 && self.shape.some((s) => s !== height))
    throw new TorchError(`fill_diagonal_: all dimensions of input must be of equal length (got ${JSON.stringify(self.shape)})`);
  // element (i, i, ..., i) sits at flat (row-major) position i * step
  let step = 0;
  for (let d = 0, s = 1; d < n; d++) {
    step += s;
    s *= self.shape[n - 1 - d]!;
  }
  const size = Math.min(height, width);
  const wraps = wrap && n === 2 && height > width + 1;
  // PyTorch walks the storage: with wrap its continuation follows self's strides, equal to the
  // row-major positions only for a contiguous self
  if (wraps && !self.is_contiguous())
    throw new TorchError("fill_diagonal_: wrap=True on a non-contiguous tall matrix is not supported; call .contiguous() first");
  const end = wraps ? self.numel() : size * step;
  const idx = arange(self.numel(), { dtype: int64, device: self.device });
  const mask = E.logical_and(E.eq(E.remainder(idx, step), 0), E.lt(idx, end));
  const m = reshape(mask.to(bool), self.shape.slice());
  return (self as unknown as { masked_fill_(m: Tensor, v: unknown): Tensor }).masked_fill_(m, fill_value);
}
