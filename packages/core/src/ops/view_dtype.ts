// Tensor.view(dtype): the tensor's bytes read as another dtype, through the
// bitcast_convert primitive (one stablehlo.bitcast_convert on xla). PyTorch's
// rules and messages: same element size keeps the shape; a smaller element
// multiplies the last dim by the size ratio, a larger one divides it (the last
// dim must have stride 1, and for a larger element be divisible by the ratio,
// as must the storage offset and the other strides); a 0-d tensor cannot change
// element size. Not differentiable (PyTorch's view.dtype has no gradient: the
// result never requires grad, and a write through it changes the input's values
// but not its autograd history). A view, as PyTorch's: bitcast_convert is a view
// primitive (on cpu a typed array of the new dtype over the same bytes), so a
// write through the result lands in the input and a write to the input shows
// through the result (core/src/view_reinterpret.ts on the xla device). Every
// pair of dtypes is a true view: each dtype's host array holds its raw bytes
// (bool a 0/1 byte: bytes other than 0 and 1 viewed as bool stay as they are on
// cpu and read as true on xla, where PyTorch's behaviour is undefined).
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import type { DType } from "../dtype.js";
import { TorchError } from "../errors.js";
import { no_grad } from "../grad_mode.js";
import { P } from "../prims.js";
import type { Tensor } from "../tensor.js";

export function view_dtype(x: Tensor, dtype: DType): Tensor {
  const a = x.dtype.itemsize,
    b = dtype.itemsize;
  const what = `to view ${x.dtype.scalarName} as ${dtype.scalarName} (different element sizes)`;
  if (a !== b) {
    if (x.ndim === 0) throw new TorchError(`self.dim() cannot be 0 ${what}`);
    const last = x.stride(-1);
    if (a < b) {
      const r = b / a;
      if (x.shape[x.ndim - 1]! % r !== 0)
        throw new TorchError(`self.size(-1) must be divisible by ${r} ${what}, but got ${x.shape[x.ndim - 1]}`);
      if (x.storage_offset() % r !== 0)
        throw new TorchError(`self.storage_offset() must be divisible by ${r} ${what}, but got ${x.storage_offset()}`);
      if (last !== 1) throw new TorchError(`self.stride(-1) must be 1 ${what}, but got ${last}`);
      for (let d = 0; d < x.ndim - 1; d++)
        if (x.stride(d) % r !== 0) throw new TorchError(`self.stride(${d}) must be divisible by ${r} ${what}, but got ${x.stride(d)}`);
    } else if (last !== 1) throw new TorchError(`self.stride(-1) must be 1 ${what}, but got ${last}`);
  }
  // under no_grad: the result shares x's storage and version counter (its _base is x) but never requires grad
  return surface("view", () => no_grad(() => viewBits(x, dtype, a, b)));
}

/** The bitcast (and the reshape that folds or unfolds its last dim), as PyTorch's result shape. */
function viewBits(x: Tensor, dtype: DType, a: number, b: number): Tensor {
  if (a === b) return bind1(P.bitcast_convert, [x], { dtype });
  const lead = x.shape.slice(0, -1),
    n = x.shape[x.ndim - 1]!;
  if (a > b) {
    // [..., n] -> [..., n, a/b] -> [..., n * a/b]
    const y = bind1(P.bitcast_convert, [x], { dtype });
    return bind1(P.reshape, [y], { shape: [...lead, (n * a) / b] });
  }
  // [..., n] -> [..., n / (b/a), b/a] -> [..., n / (b/a)]
  const grouped = bind1(P.reshape, [x], { shape: [...lead, (n * a) / b, b / a] });
  return bind1(P.bitcast_convert, [grouped], { dtype });
}
