// embedding_bag (PyTorch 1.13): sums, means or maxima of the embedding rows of
// each bag. Bags are given by offsets (1-D input) or are the rows of a 2-D
// input. Composed of existing ops so it runs on every device with autograd:
// a bag-membership matrix M[b, j] (offsets[b] <= j < end[b], padding_idx
// excluded) turns sum and mean into one matmul with the gathered rows, and
// max into a masked maximum; empty bags give zeros, as PyTorch's.
import { Tensor, TorchError, TorchTypeError, arange, cat, full, int64, no_grad, where } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { sizeRepr } from "../repr.js";

export type EmbeddingBagMode = "sum" | "mean" | "max";
type EmbeddingBagKw = {
  offsets?: Tensor | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  per_sample_weights?: Tensor | null;
  include_last_offset?: boolean;
  padding_idx?: number | null;
};

const isIndex = (t: Tensor) => t.dtype.name === "int64" || t.dtype.name === "int32";

/** Rows used by `indices` whose norm exceeds max_norm are scaled to it, in place under no_grad (embedding_renorm_). */
function renorm_(weight: Tensor, indices: Tensor, max_norm: number, norm_type: number): void {
  no_grad(() => {
    const rows = weight.index_select(0, indices);
    const norms = rows.norm(norm_type, 1, { keepdim: true });
    const scale = where(norms.gt(max_norm), norms.add(1e-7).reciprocal().mul(max_norm), 1);
    weight.setitem(indices, rows.mul(scale));
  });
}

export function embedding_bag(
  input: Tensor,
  weight: Tensor,
  ...args: Args<
    [
      offsets: Tensor | null,
      max_norm: number | null,
      norm_type: number,
      scale_grad_by_freq: boolean,
      mode: EmbeddingBagMode,
      sparse: boolean,
      per_sample_weights: Tensor | null,
      include_last_offset: boolean,
      padding_idx: number | null,
    ],
    EmbeddingBagKw
  >
): Tensor {
  const o = parseArgs(
    "embedding_bag",
    args,
    [
      "offsets",
      "max_norm",
      "norm_type",
      "scale_grad_by_freq",
      "mode",
      "sparse",
      "per_sample_weights",
      "include_last_offset",
      "padding_idx",
    ],
    {
      offsets: null,
      max_norm: null,
      norm_type: 2,
      scale_grad_by_freq: false,
      mode: "mean",
      sparse: false,
      per_sample_weights: null,
      include_last_offset: false,
      padding_idx: null,
    },
  );
  let offsets = o.offsets as Tensor | null;
  let psw = o.per_sample_weights as Tensor | null;
  // backward compatibility kept by PyTorch: embedding_bag(weight, input, ...)
  if (weight.dtype === int64 && input.dtype.is_floating_point) [weight, input] = [input, weight];
  if (psw !== null && psw.shape.join() !== input.shape.join())
    throw new TorchError(
      `embedding_bag: If per_sample_weights (${sizeRepr(psw.shape)}) is not None, then it must have the same shape as the input (${sizeRepr(input.shape)})`,
    );
  if (input.ndim === 2) {
    if (offsets !== null)
      throw new TorchError(
        "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>",
      );
    offsets = arange(0, input.numel(), input.shape[1]! || 1, { dtype: input.dtype, device: input.device });
    input = input.reshape(-1);
    if (psw !== null) psw = psw.reshape(-1);
  } else if (input.ndim === 1) {
    if (offsets === null) throw new TorchError("offsets has to be a 1D Tensor but got None");
    if (offsets.ndim !== 1) throw new TorchError("offsets has to be a 1D Tensor");
  } else {
    throw new TorchError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
  }
  const mode = o.mode as string;
  if (mode === "max") {
    if (o.scale_grad_by_freq) throw new TorchError("max mode does not support scaling the gradient by the frequency");
    if (o.sparse) throw new TorchError("max mode does not support sparse weights");
  } else if (mode !== "sum" && mode !== "mean") {
    throw new TorchError("mode has to be one of sum, mean or max");
  }
  if (o.max_norm !== null) renorm_(weight, input, o.max_norm, o.norm_type);
  if (psw !== null && mode !== "sum")
    throw new TorchError(
      `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`,
    );
  // aten's checks
  if (!isIndex(input))
    throw new TorchError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${input.dtype.scalarName}Tensor instead (while checking arguments for embedding_bag)`,
    );
  if (!isIndex(offsets))
    throw new TorchError(
      `Expected tensor for argument #1 'offsets' to have one of the following scalar types: Long, Int; but got torch.${offsets.dtype.scalarName}Tensor instead (while checking arguments for embedding_bag)`,
    );
  if (offsets.dtype !== input.dtype)
    throw new TorchError(
      `Expected tensor for argument #1 'indices' to have the same type as tensor for argument #1 'offsets'; but type torch.${input.dtype.scalarName}Tensor does not equal torch.${offsets.dtype.scalarName}Tensor (while checking arguments for embedding_bag)`,
    );
  if (weight.ndim !== 2)
    throw new TorchError(`embedding_bag(): weight must be 2-D (num_embeddings, embedding_dim), got ${sizeRepr(weight.shape)}`);
  if (o.scale_grad_by_freq || o.sparse) throw new TorchError("embedding_bag: scale_grad_by_freq and sparse gradients are not supported");
  if (psw !== null && psw.dtype !== weight.dtype)
    throw new TorchTypeError(`embedding_bag: expected per_sample_weights to have dtype ${weight.dtype}, but got ${psw.dtype}`);
  const num = weight.shape[0]!;
  let pad: number | null = o.padding_idx;
  if (pad !== null) {
    if (!(pad >= -num && pad < num))
      throw new TorchError(`padding_idx must be within the number of embeddings, -${num} through ${num - 1}, but got ${pad}`);
    if (pad < 0) pad += num;
  }
  const n = input.shape[0]!;
  if (o.include_last_offset && offsets.shape[0]! < 1) throw new TorchError("include_last_offset: number of offset should be at least 1");
  if (offsets.device.type === "cpu" && offsets.numel() > 0) {
    const first = Number(offsets.getitem(0).item());
    if (first !== 0)
      throw new TorchError(
        `offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${first}`,
      );
    const last = Number(offsets.getitem(-1).item());
    if (last > n) throw new TorchError(`offsets[-1] can not be greater than input's length ${n} but got offsets[-1] of ${last}`);
  }

  const dev = input.device;
  const off = offsets.to(int64);
  const starts = o.include_last_offset ? off.getitem("0:-1") : off;
  const ends = o.include_last_offset ? off.getitem("1:") : cat([off.getitem("1:"), full([1], n, { dtype: int64, device: dev })]);
  const j = arange(n, { device: dev }).unsqueeze(0);
  let member = j.ge(starts.unsqueeze(1)).logical_and(j.lt(ends.unsqueeze(1))); // [B, n]
  if (pad !== null) member = member.logical_and(input.ne(pad).unsqueeze(0));
  const rows = weight.index_select(0, input.to(int64)); // [n, D]
  if (mode === "max") {
    const masked = where(member.unsqueeze(2), rows.unsqueeze(0), Number.NEGATIVE_INFINITY); // [B, n, D]
    const best = n === 0 ? masked.sum(1) : masked.max(1).values;
    return where(member.any(1, { keepdim: true }), best, 0);
  }
  let m = member.to(weight.dtype);
  if (psw !== null) m = m.mul(psw.unsqueeze(0));
  const sums = m.matmul(rows);
  if (mode === "sum") return sums;
  return sums.div(member.sum(1, { keepdim: true }).clamp_min(1).to(weight.dtype));
}
