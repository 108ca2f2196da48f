// The time loop of RNN/LSTM/GRU as one torch.while_loop on the xla device,
// when nothing needs a gradient (inference under no_grad, or weights and
// inputs that do not require grad; PyTorch's while_loop has no autograd): the
// lowered module holds one stablehlo.while per layer and direction, whose
// body is one cell step, instead of the step unrolled T times. The step reads
// its precomputed input gates with a dynamic slice at the traced time index and
// writes its output row with index_copy. Elsewhere (cpu, or training) rnn.ts
// unrolls the loop as before.
import { int64, is_grad_enabled, tensor, while_loop, zeros, type Tensor } from "@xlatorch/core";

/** One cell step on precomputed input gates: the new (h, c) (c null for RNN/GRU). */
export type CellStep = (xi: Tensor, h: Tensor, c: Tensor | null) => [Tensor, Tensor | null];

/** Whether a layer's time loop over `input` runs as one while (xla, no gradient needed, at least one step). */
export function timeLoopAsWhile(input: Tensor, others: readonly (Tensor | null)[]): boolean {
  if (input.device.type !== "xla" || input.shape[0] === 0) return false;
  return !is_grad_enabled() || (!input.requires_grad && !others.some((t) => t?.requires_grad));
}

/**
 * One direction of one layer as a while loop over time: `gates` [T, B, G] (the
 * input projection of every step), h0 [B, H_out], c0 [B, H] or null. Returns
 * the outputs [T, B, H_out] and the final (h, c), as rnn.ts's runLayer.
 */
export function runLayerWhile(
  gates: Tensor,
  h0: Tensor,
  c0: Tensor | null,
  reverse: boolean,
  step: CellStep,
): [Tensor, Tensor, Tensor | null] {
  const T = gates.shape[0]!;
  const dev = gates.device;
  const outs0 = zeros([T, ...h0.shape], { dtype: h0.dtype, device: dev });
  const k0 = tensor(0, { dtype: int64, device: dev });
  const carried = c0 ? [k0, h0, c0, outs0] : [k0, h0, outs0];
  const res = while_loop(
    (k: Tensor) => k.lt(T),
    (...vals: Tensor[]) => {
      const [k, h] = vals as [Tensor, Tensor];
      const c = c0 ? vals[2]! : null;
      const outs = vals[vals.length - 1]!;
      const t = reverse ? k.neg().add(T - 1) : k;
      const [h2, c2] = step(gates.narrow(0, t, 1).squeeze(0), h, c);
      const outs2 = outs.index_copy(0, t.reshape([1]), h2.unsqueeze(0));
      return c0 ? [k.add(1), h2, c2!, outs2] : [k.add(1), h2, outs2];
    },
    carried,
  );
  return c0 ? [res[3]!, res[1]!, res[2]!] : [res[2]!, res[1]!, null];
}
