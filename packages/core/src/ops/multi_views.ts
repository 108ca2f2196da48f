// Functions that return several views of one tensor (split, split_with_sizes,
// chunk through split, unbind), as PyTorch records them: ONE autograd node for
// all the pieces (SplitBackward0, SplitWithSizesBackward0, UnbindBackward0),
// whose backward is one cat/stack of the pieces' gradients, zeros for pieces
// that got none. Recorded as independent slices, each piece's gradient was a
// zero pad to the whole input, and the pads were summed: k pieces cost k
// full-size pads and k - 1 full-size adds, so an LSTM's unbind over time was
// quadratic in the sequence length (the eager char-RNN at hidden 128, batch
// 32, 20 time steps: 193 ms a training step before, 102 ms after).
//
// As in PyTorch, such views may not be written in place while autograd would
// record the write (the pieces share one node, which cannot be rebased for
// one of them), nor used with grad once their base or a sibling was written
// (multi_view_errors.ts).
import { recordCustom, surface } from "../autograd.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import type { Tensor } from "../tensor.js";
import { zeros_like } from "./creation.js";

/**
 * The pieces `make` cuts from `x` (views of it, made by the view primitives), with one autograd node
 * named `node` whose backward is `join` of every piece's gradient (zeros where a piece got none).
 */
export function multiOutputViews(op: string, node: string, x: Tensor, make: () => Tensor[], join: (gs: Tensor[]) => Tensor): Tensor[] {
  const grad = is_grad_enabled();
  if (!grad || !x.requires_grad) {
    const outs = surface(op, make);
    // (made with grad enabled: a later write that autograd would record is refused, as PyTorch's MULTI_OUTPUT_NODE)
    if (grad) for (const o of outs) o._multiView = true;
    return outs;
  }
  const outs = no_grad(() => surface(op, make));
  recordCustom(node, [x], outs, (cts, _ins, pieces) => [join(cts.map((g, i) => g ?? zeros_like(pieces[i]!)))]);
  for (const o of outs) o._multiView = true;
  return outs;
}
