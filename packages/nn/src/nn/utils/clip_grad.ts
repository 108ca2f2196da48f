// nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13). The clip factor
// stays a tensor (no `if coef < 1` on the host), so nothing syncs on xla.
import { Tensor, div, no_grad, stack, tensor, writing, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

/**
 * Runs the in-place updates of gradients that were just computed and read
 * (for their norm) as parts of one write to `anchor`, a value nothing wrote
 * in place. On the xla device's fused mode, an in-place write to a value written
 * and read in the same trace is taken as the start of the next training step
 * and cuts the trace there (docs/ARCHITECTURE.md, "State write"); clipping
 * belongs to the current step, and announced one gradient at a time it would
 * cut every step in two (backward and clipping | the update), as a ported
 * loop with zero_grad() (in place in 1.13) and clip_grad_norm_ did. Values are
 * the same either way: only where the graph ends changes.
 */
const withinStep = (anchor: Tensor, body: () => void): void => writing(anchor, body);

const gradsOf = (parameters: Tensor | Iterable<Tensor>): Tensor[] =>
  [...(parameters instanceof Tensor ? [parameters] : parameters)].flatMap((p) => (p.grad ? [p.grad] : []));

/** Scales all gradients together so their total norm is at most max_norm; returns the total norm. */
export function clip_grad_norm_(
  parameters: Tensor | Iterable<Tensor>,
  max_norm: number,
  ...args: Args<[norm_type: number, error_if_nonfinite: boolean], { norm_type?: number; error_if_nonfinite?: boolean }>
): Tensor {
  const o = parseArgs("clip_grad_norm_", args, ["norm_type", "error_if_nonfinite"], { norm_type: 2, error_if_nonfinite: false });
  const grads = gradsOf(parameters);
  if (grads.length === 0) return tensor(0.0);
  return no_grad(() => {
    const total =
      o.norm_type === Infinity
        ? grads.length === 1
          ? grads[0]!.abs().max()
          : stack(grads.map((g) => g.abs().max())).max()
        : stack(grads.map((g) => g.norm(o.norm_type))).norm(o.norm_type);
    if (o.error_if_nonfinite && !Number.isFinite(Number(total.item()))) {
      throw new TorchError(
        `The total norm of order ${o.norm_type} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    const coef = div(max_norm, total.add(1e-6)).clamp({ max: 1.0 });
    withinStep(total, () => {
      for (const g of grads) g.mul_(coef);
    });
    return total;
  });
}

/** Clamps every gradient to [-clip_value, clip_value] in place. */
export function clip_grad_value_(parameters: Tensor | Iterable<Tensor>, clip_value: number): void {
  no_grad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clip_value, clip_value);
  });
}
