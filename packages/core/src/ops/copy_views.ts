// Results that PyTorch returns as views of their input but this library
// computes as copies (diagonal of a plane whose strides do not flatten; view(dtype),
// view_as_real/view_as_complex and real/imag are views: view_reinterpret.ts). A
// write through one would update only the copy, so assign() (inplace.ts)
// refuses writes to them and to views of them.
import { TorchError } from "../errors.js";
import type { Tensor } from "../tensor.js";

/**
 * Results that PyTorch returns as views but this library computes as copies (a diagonal that is no
 * composition of the view primitives), by the op that made them: a write to one (or to a view of one) would not reach the
 * tensor it was taken from, so it is refused rather than silently lost.
 */
const COPY_VIEWS = new WeakMap<Tensor, string>();
export function markCopyView(t: Tensor, op: string): Tensor {
  COPY_VIEWS.set(t, op);
  return t;
}
export function checkCopyView(op: string, target: Tensor): void {
  const by = COPY_VIEWS.get(target) ?? (target._base ? COPY_VIEWS.get(target._base) : undefined);
  if (by !== undefined)
    throw new TorchError(
      `${op}: the tensor being written is the result of ${by}, which xlatorch computes as a copy, not a view of its input: ` +
        `the write would not reach the input. Write to the input instead, or write to ${by}(...).clone().`,
    );
}
