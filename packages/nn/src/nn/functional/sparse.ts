// embedding and one_hot.
import { Tensor, TorchError, TorchIndexError, arange, backendOf, int64, no_grad, where } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

type EmbeddingKw = {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
};

/** Rows of `weight` at `input`'s indices; rows at padding_idx receive no gradient. */
export function embedding(
  input: Tensor,
  weight: Tensor,
  ...args: Args<
    [padding_idx: number | null, max_norm: number | null, norm_type: number, scale_grad_by_freq: boolean, sparse: boolean],
    EmbeddingKw
  >
): Tensor {
  const o = parseArgs("embedding", args, ["padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"], {
    padding_idx: null,
    max_norm: null,
    norm_type: 2,
    scale_grad_by_freq: false,
    sparse: false,
  });
  // PyTorch's order: padding_idx (Python), embedding_renorm_'s checks, then embedding's own.
  const indexCheck = (op: string) => {
    if (input.dtype.is_floating_point || input.dtype.name === "bool") {
      throw new TorchError(
        `Expected tensor for argument #${op === "embedding" ? 1 : 2} 'indices' to have one of the following scalar types: Long, Int; but got torch.${input.dtype.scalarName}Tensor instead (while checking arguments for ${op})`,
      );
    }
  };
  const num = weight.shape[0]!;
  let pad: number | null = o.padding_idx;
  if (pad !== null) {
    if (pad >= num || pad < -num) throw new TorchError("Padding_idx must be within num_embeddings");
    if (pad < 0) pad += num;
  }
  if (o.max_norm !== null) {
    if (weight.ndim !== 2)
      throw new TorchError(
        `Expected 2-dimensional tensor, but got ${weight.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for embedding_renorm_)`,
      );
    indexCheck("embedding_renorm_");
  }
  if (weight.ndim !== 2) throw new TorchError("'weight' must be 2-D");
  indexCheck("embedding");
  if (o.scale_grad_by_freq || o.sparse) throw new TorchError("embedding: scale_grad_by_freq and sparse gradients are not supported");
  // PyTorch's text, with the op, where the indices are at hand without a sync (cpu; host data on xla)
  const h = input.numel() ? backendOf(input.device).peekHost?.(input) : null;
  if (h)
    for (let i = 0; i < h.length; i++) {
      const k = Number(h[i]);
      if (k < 0 || k >= num) throw new TorchIndexError(`embedding(): index out of range in self (index ${k}, num_embeddings ${num})`);
    }
  const flat = input.reshape(-1);
  if (o.max_norm !== null) embeddingRenorm_(weight, flat, o.max_norm, o.norm_type);
  let rows = weight.index_select(0, flat);
  if (pad !== null) rows = where(flat.eq(pad).unsqueeze(1), rows.detach(), rows);
  return rows.reshape([...input.shape, weight.shape[1]!]);
}

/** In place, under no_grad: rows used by `indices` whose norm exceeds max_norm are scaled to it (PyTorch's embedding_renorm_). */
function embeddingRenorm_(weight: Tensor, indices: Tensor, max_norm: number, norm_type: number): void {
  no_grad(() => {
    const rows = weight.index_select(0, indices);
    const norms = rows.norm(norm_type, 1, { keepdim: true });
    const scale = where(norms.gt(max_norm), norms.add(1e-7).reciprocal().mul(max_norm), 1);
    weight.setitem(indices, rows.mul(scale));
  });
}

/** one_hot(tensor, num_classes=-1): int64 of shape [...tensor.shape, num_classes]. */
export function one_hot(tensor: Tensor, ...args: Args<[num_classes: number], { num_classes?: number }>): Tensor {
  let { num_classes } = parseArgs("one_hot", args, ["num_classes"], { num_classes: -1 });
  if (tensor.dtype !== int64) throw new TorchError("one_hot is only applicable to index tensor.");
  if (tensor.numel() > 0) {
    if (Number(tensor.min().item()) < 0) throw new TorchError("Class values must be non-negative.");
    const max = Number(tensor.max().item());
    if (num_classes === -1) num_classes = max + 1;
    else if (max >= num_classes) throw new TorchError("Class values must be smaller than num_classes.");
  } else if (num_classes === -1) throw new TorchError("Can not infer total number of classes from empty tensor.");
  return tensor
    .unsqueeze(-1)
    .eq(arange(num_classes, { device: tensor.device }))
    .to(int64);
}
