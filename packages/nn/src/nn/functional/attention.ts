// Attention: scaled_dot_product_attention (PyTorch 2's API and documented
// formula) and multi_head_attention_forward (PyTorch 1.13's, line for line).
// Both are compositions of matmul, softmax, masked_fill, cat and dropout, so
// they run on every device and have autograd without anything of their own.
import { Tensor, TorchError, TorchTypeError, bool, cat, ones, zeros } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { sizeRepr } from "../repr.js";
import { softmax } from "./activation.js";
import { dropout } from "./dropout.js";
import { linear } from "./linear.js";
import { pad } from "./padding.js";

const isOptions = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !(x instanceof Tensor) && Object.getPrototypeOf(x) === Object.prototype;

const typeName = (v: unknown): string =>
  v === null || v === undefined
    ? "NoneType"
    : typeof v === "number"
      ? Number.isInteger(v)
        ? "int"
        : "float"
      : typeof v === "boolean"
        ? "bool"
        : typeof v === "string"
          ? "str"
          : ((v as object).constructor?.name ?? typeof v);

const SDPA = "scaled_dot_product_attention";
const SDPA_NAMES = ["query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale"] as const;

type SdpaKw = { attn_mask?: Tensor | null; dropout_p?: number; is_causal?: boolean; scale?: number | null };

/** Shape after broadcasting a and b, or null when they do not broadcast. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1,
      y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * PyTorch 2's `F.scaled_dot_product_attention(query, key, value, attn_mask=None,
 * dropout_p=0.0, is_causal=False, *, scale=None)`: softmax(q k^T * scale + bias) v,
 * where a bool attn_mask says which positions take part (False -> -inf), a float
 * one is added, is_causal masks above the diagonal, and scale defaults to
 * 1/sqrt(E). Dropout (always applied when dropout_p > 0, as PyTorch's) draws
 * like F.dropout, so a seeded call matches PyTorch's CPU one.
 */
export function scaled_dot_product_attention(kwargs: { query: Tensor; key: Tensor; value: Tensor } & SdpaKw): Tensor;
export function scaled_dot_product_attention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  ...args: Args<[attn_mask: Tensor | null, dropout_p: number, is_causal: boolean], SdpaKw>
): Tensor;
export function scaled_dot_product_attention(...args: unknown[]): Tensor {
  const nPos = args.length && isOptions(args[args.length - 1]) ? args.length - 1 : args.length;
  // scale is keyword-only (PyTorch 2's schema: `..., bool is_causal=False, *, float? scale=None`)
  if (nPos > 6) throw new TorchTypeError(`${SDPA}() takes from 3 to 6 positional arguments but ${nPos} were given`);
  const o = parseArgs(SDPA, args, SDPA_NAMES, { attn_mask: null, dropout_p: 0, is_causal: false, scale: null });
  SDPA_NAMES.slice(0, 3).forEach((n, i) => {
    if (o[n] === undefined) throw new TorchTypeError(`${SDPA}() missing required argument '${n}' (pos ${i + 1})`);
    if (!(o[n] instanceof Tensor))
      throw new TorchTypeError(`${SDPA}(): argument '${n}' (position ${i + 1}) must be Tensor, not ${typeName(o[n])}`);
  });
  const query = o.query as Tensor,
    key = o.key as Tensor,
    value = o.value as Tensor;
  const attn_mask = o.attn_mask as Tensor | null;
  if (attn_mask !== null && !(attn_mask instanceof Tensor))
    throw new TorchTypeError(`${SDPA}(): argument 'attn_mask' (position 4) must be Tensor, not ${typeName(attn_mask)}`);
  const dropout_p = o.dropout_p as number,
    is_causal = o.is_causal as boolean,
    scale = o.scale as number | null;
  if (typeof dropout_p !== "number")
    throw new TorchTypeError(`${SDPA}(): argument 'dropout_p' (position 5) must be float, not ${typeName(dropout_p)}`);
  if (typeof is_causal !== "boolean")
    throw new TorchTypeError(`${SDPA}(): argument 'is_causal' (position 6) must be bool, not ${typeName(is_causal)}`);
  if (scale !== null && typeof scale !== "number")
    throw new TorchTypeError(`${SDPA}(): argument 'scale' must be float, not ${typeName(scale)}`);

  // PyTorch 2's validate_sdpa_input, then the shapes its matmuls would refuse, named here
  if (query.dtype !== key.dtype || query.dtype !== value.dtype)
    throw new TorchError(
      `Expected query, key, and value to have the same dtype, but got query.dtype: ${query.dtype} key.dtype: ${key.dtype} and value.dtype: ${value.dtype} instead.`,
    );
  if (query.device.toString() !== key.device.toString() || query.device.toString() !== value.device.toString())
    throw new TorchError(
      `Expected query, key, and value to have the same device type, but got query.device: ${query.device} key.device: ${key.device} and value.device: ${value.device} instead.`,
    );
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2)
    throw new TorchError(
      `Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: ${query.ndim} key.dim: ${key.ndim} and value.dim: ${value.ndim} instead.`,
    );
  if (attn_mask !== null && attn_mask.dtype !== bool && attn_mask.dtype.name !== "float32" && attn_mask.dtype !== query.dtype)
    throw new TorchError(
      `Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${attn_mask.dtype} and  query.dtype: ${query.dtype} instead.`,
    );
  if (is_causal && attn_mask !== null)
    throw new TorchError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  if (!(dropout_p >= 0 && dropout_p <= 1)) throw new TorchError(`dropout probability has to be between 0 and 1, but got ${dropout_p}`);
  const E = query.shape[query.ndim - 1]!,
    L = query.shape[query.ndim - 2]!;
  const S = key.shape[key.ndim - 2]!;
  const shapes = `query ${sizeRepr(query.shape)}, key ${sizeRepr(key.shape)}, value ${sizeRepr(value.shape)}`;
  if (key.shape[key.ndim - 1] !== E)
    throw new TorchError(`${SDPA}(): query and key must have the same embedding dimension (last dim), got ${shapes}`);
  if (value.shape[value.ndim - 2] !== S)
    throw new TorchError(`${SDPA}(): key and value must have the same sequence length (dim -2), got ${shapes}`);
  const batch = broadcastShape(query.shape.slice(0, -2), key.shape.slice(0, -2));
  if (batch === null || broadcastShape(batch, value.shape.slice(0, -2)) === null)
    throw new TorchError(`${SDPA}(): the batch dimensions of query, key and value do not broadcast: ${shapes}`);
  const weightsShape = [...batch, L, S];
  if (attn_mask !== null) {
    const b = broadcastShape(attn_mask.shape, weightsShape);
    if (b === null || b.join() !== weightsShape.join())
      throw new TorchError(
        `${SDPA}(): attn_mask of shape ${sizeRepr(attn_mask.shape)} cannot be broadcast to the attention weights' shape ${sizeRepr(weightsShape)} (..., L, S)`,
      );
  }

  const scaleFactor = scale ?? 1 / Math.sqrt(E);
  let w = query.matmul(key.transpose(-2, -1)).mul(scaleFactor);
  if (is_causal) {
    const keep = ones([L, S], { dtype: bool, device: query.device }).tril();
    w = w.masked_fill(keep.logical_not(), Number.NEGATIVE_INFINITY);
  }
  if (attn_mask !== null) {
    // a bool mask may carry batch dims w lacks: broadcast w to the weights' shape first
    if (attn_mask.dtype === bool) w = w.expand(weightsShape).masked_fill(attn_mask.logical_not(), Number.NEGATIVE_INFINITY);
    else w = w.add(attn_mask);
  }
  w = softmax(w, -1);
  if (dropout_p > 0) w = dropout(w, dropout_p, true);
  return w.matmul(value);
}

const MHA = "multi_head_attention_forward";

/** PyTorch's _mha_shape_check: whether the input is batched (3-D) or unbatched (2-D). */
function mhaShapeCheck(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | null, mask: Tensor | null, num_heads: number): boolean {
  if (query.ndim === 3) {
    if (key.ndim !== 3 || value.ndim !== 3)
      throw new TorchError(
        `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`,
      );
    if (kpm !== null && kpm.ndim !== 2)
      throw new TorchError(
        `For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${kpm.ndim}-D tensor instead`,
      );
    if (mask !== null && mask.ndim !== 2 && mask.ndim !== 3)
      throw new TorchError(
        `For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${mask.ndim}-D tensor instead`,
      );
    return true;
  }
  if (query.ndim === 2) {
    if (key.ndim !== 2 || value.ndim !== 2)
      throw new TorchError(
        `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`,
      );
    if (kpm !== null && kpm.ndim !== 1)
      throw new TorchError(
        `For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${kpm.ndim}-D tensor instead`,
      );
    if (mask !== null) {
      if (mask.ndim !== 2 && mask.ndim !== 3)
        throw new TorchError(
          `For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${mask.ndim}-D tensor instead`,
        );
      const expected = [num_heads, query.shape[0]!, key.shape[0]!];
      if (mask.ndim === 3 && mask.shape.join() !== expected.join())
        throw new TorchError(`Expected \`attn_mask\` shape to be (${expected.join(", ")}) but got ${sizeRepr(mask.shape)}`);
    }
    return false;
  }
  throw new TorchError(`query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
}

/** _in_projection_packed: one weight of [3E, E]; the shared-input cases project once and split, as PyTorch does. */
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): Tensor[] {
  const E = q.shape[q.ndim - 1]!;
  if (k === v) {
    if (q === k) return linear(q, w, b).chunk(3, -1);
    const [w_q, w_kv] = w.split([E, E * 2]) as [Tensor, Tensor];
    const [b_q, b_kv] = b === null ? [null, null] : (b.split([E, E * 2]) as [Tensor, Tensor]);
    return [linear(q, w_q, b_q), ...linear(k, w_kv, b_kv).chunk(2, -1)];
  }
  const [w_q, w_k, w_v] = w.chunk(3) as [Tensor, Tensor, Tensor];
  const [b_q, b_k, b_v] = b === null ? [null, null, null] : (b.chunk(3) as [Tensor, Tensor, Tensor]);
  return [linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)];
}

/** _in_projection: separate q/k/v weights, shapes checked as PyTorch asserts them. */
function inProjection(q: Tensor, k: Tensor, v: Tensor, w_q: Tensor, w_k: Tensor, w_v: Tensor, b: (Tensor | null)[]): Tensor[] {
  const Eq = q.shape[q.ndim - 1]!,
    Ek = k.shape[k.ndim - 1]!,
    Ev = v.shape[v.ndim - 1]!;
  const want = (name: string, t: Tensor, shape: number[]) => {
    if (t.shape.join() !== shape.join())
      throw new TorchError(
        `expecting ${name} shape of (${shape.join(", ")}${shape.length === 1 ? "," : ""}), but got ${sizeRepr(t.shape)}`,
      );
  };
  want("query weights", w_q, [Eq, Eq]);
  want("key weights", w_k, [Eq, Ek]);
  want("value weights", w_v, [Eq, Ev]);
  ["query", "key", "value"].forEach((n, i) => b[i] && want(`${n} bias`, b[i]!, [Eq]));
  return [linear(q, w_q, b[0] ?? null), linear(k, w_k, b[1] ?? null), linear(v, w_v, b[2] ?? null)];
}

type MhaKw = {
  training?: boolean;
  key_padding_mask?: Tensor | null;
  need_weights?: boolean;
  attn_mask?: Tensor | null;
  use_separate_proj_weight?: boolean;
  q_proj_weight?: Tensor | null;
  k_proj_weight?: Tensor | null;
  v_proj_weight?: Tensor | null;
  static_k?: Tensor | null;
  static_v?: Tensor | null;
  average_attn_weights?: boolean;
};

/**
 * PyTorch 1.13's F.multi_head_attention_forward: inputs (L, N, E) or unbatched
 * (L, E); returns [attn_output, attn_output_weights or null]. Masks: bool True
 * (or nonzero uint8) = not allowed to attend, float = added.
 */
export function multi_head_attention_forward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embed_dim_to_check: number,
  num_heads: number,
  in_proj_weight: Tensor | null,
  in_proj_bias: Tensor | null,
  bias_k: Tensor | null,
  bias_v: Tensor | null,
  add_zero_attn: boolean,
  dropout_p: number,
  out_proj_weight: Tensor,
  out_proj_bias: Tensor | null,
  ...args: Args<
    [
      training: boolean,
      key_padding_mask: Tensor | null,
      need_weights: boolean,
      attn_mask: Tensor | null,
      use_separate_proj_weight: boolean,
      q_proj_weight: Tensor | null,
      k_proj_weight: Tensor | null,
      v_proj_weight: Tensor | null,
      static_k: Tensor | null,
      static_v: Tensor | null,
      average_attn_weights: boolean,
    ],
    MhaKw
  >
): [Tensor, Tensor | null] {
  const o = parseArgs(
    MHA,
    args,
    [
      "training",
      "key_padding_mask",
      "need_weights",
      "attn_mask",
      "use_separate_proj_weight",
      "q_proj_weight",
      "k_proj_weight",
      "v_proj_weight",
      "static_k",
      "static_v",
      "average_attn_weights",
    ],
    {
      training: true,
      key_padding_mask: null,
      need_weights: true,
      attn_mask: null,
      use_separate_proj_weight: false,
      q_proj_weight: null,
      k_proj_weight: null,
      v_proj_weight: null,
      static_k: null,
      static_v: null,
      average_attn_weights: true,
    },
  );
  let kpm = o.key_padding_mask as Tensor | null;
  let attn_mask = o.attn_mask as Tensor | null;
  const static_k = o.static_k as Tensor | null,
    static_v = o.static_v as Tensor | null;
  const is_batched = mhaShapeCheck(query, key, value, kpm, attn_mask, num_heads);
  if (!is_batched) {
    // run as a batch of one, squeezed again at the end
    // (three new tensors, as PyTorch's: the projection then takes the separate-inputs path)
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (kpm !== null) kpm = kpm.unsqueeze(0);
  }
  const [tgt_len, bsz, embed_dim] = query.shape as [number, number, number];
  let src_len = key.shape[0]!;
  if (kpm !== null && kpm.dtype !== bool && !kpm.dtype.is_floating_point)
    throw new TorchError("only bool and floating types of key_padding_mask are supported");
  if (embed_dim !== embed_dim_to_check)
    throw new TorchError(`was expecting embedding dimension of ${embed_dim_to_check}, but got ${embed_dim}`);
  const head_dim = Math.floor(embed_dim / num_heads);
  if (head_dim * num_heads !== embed_dim) throw new TorchError(`embed_dim ${embed_dim} not divisible by num_heads ${num_heads}`);
  if (o.use_separate_proj_weight) {
    if (key.shape[0] !== value.shape[0] || key.shape[1] !== value.shape[1])
      throw new TorchError(
        `key's sequence and batch dims ${sizeRepr(key.shape.slice(0, 2))} do not match value's ${sizeRepr(value.shape.slice(0, 2))}`,
      );
  } else if (key.shape.join() !== value.shape.join()) {
    throw new TorchError(`key shape ${sizeRepr(key.shape)} does not match value shape ${sizeRepr(value.shape)}`);
  }

  // in-projection
  let q: Tensor, k: Tensor, v: Tensor;
  if (!o.use_separate_proj_weight) {
    if (in_proj_weight === null) throw new TorchError("use_separate_proj_weight is False but in_proj_weight is None");
    [q, k, v] = inProjectionPacked(query, key, value, in_proj_weight, in_proj_bias) as [Tensor, Tensor, Tensor];
  } else {
    for (const n of ["q_proj_weight", "k_proj_weight", "v_proj_weight"] as const)
      if (o[n] === null) throw new TorchError(`use_separate_proj_weight is True but ${n} is None`);
    const bs = in_proj_bias === null ? [null, null, null] : in_proj_bias.chunk(3);
    [q, k, v] = inProjection(query, key, value, o.q_proj_weight, o.k_proj_weight, o.v_proj_weight, bs) as [Tensor, Tensor, Tensor];
  }

  // attention mask: bool (uint8 converted), or float; made 3-D
  if (attn_mask !== null) {
    if (attn_mask.dtype.name === "uint8") attn_mask = attn_mask.to(bool);
    else if (!attn_mask.dtype.is_floating_point && attn_mask.dtype !== bool)
      throw new TorchError(`Only float, byte, and bool types are supported for attn_mask, not ${attn_mask.dtype}`);
    if (attn_mask.ndim === 2) {
      if (attn_mask.shape[0] !== tgt_len || attn_mask.shape[1] !== src_len)
        throw new TorchError(`The shape of the 2D attn_mask is ${sizeRepr(attn_mask.shape)}, but should be (${tgt_len}, ${src_len}).`);
      attn_mask = attn_mask.unsqueeze(0);
    } else if (attn_mask.ndim === 3) {
      if (attn_mask.shape.join() !== [bsz * num_heads, tgt_len, src_len].join())
        throw new TorchError(
          `The shape of the 3D attn_mask is ${sizeRepr(attn_mask.shape)}, but should be (${bsz * num_heads}, ${tgt_len}, ${src_len}).`,
        );
    } else {
      throw new TorchError(`attn_mask's dimension ${attn_mask.ndim} is not supported`);
    }
  }

  // bias_k / bias_v appended along the sequence
  if (bias_k !== null && bias_v !== null) {
    if (static_k !== null) throw new TorchError("bias cannot be added to static key.");
    if (static_v !== null) throw new TorchError("bias cannot be added to static value.");
    k = cat([k, bias_k.repeat(1, bsz, 1)]);
    v = cat([v, bias_v.repeat(1, bsz, 1)]);
    if (attn_mask !== null) attn_mask = pad(attn_mask, [0, 1]);
    if (kpm !== null) kpm = pad(kpm, [0, 1]);
  } else if (bias_k !== null || bias_v !== null) {
    throw new TorchError(
      `bias_k and bias_v must both be given or both be None (got ${bias_k === null ? "None" : "a tensor"} and ${bias_v === null ? "None" : "a tensor"})`,
    );
  }

  // heads into the batch: (N * num_heads, len, head_dim)
  q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1);
  if (static_k === null) k = k.reshape(k.shape[0]!, bsz * num_heads, head_dim).transpose(0, 1);
  else {
    if (static_k.shape[0] !== bsz * num_heads)
      throw new TorchError(`expecting static_k.size(0) of ${bsz * num_heads}, but got ${static_k.shape[0]}`);
    if (static_k.shape[2] !== head_dim) throw new TorchError(`expecting static_k.size(2) of ${head_dim}, but got ${static_k.shape[2]}`);
    k = static_k;
  }
  if (static_v === null) v = v.reshape(v.shape[0]!, bsz * num_heads, head_dim).transpose(0, 1);
  else {
    if (static_v.shape[0] !== bsz * num_heads)
      throw new TorchError(`expecting static_v.size(0) of ${bsz * num_heads}, but got ${static_v.shape[0]}`);
    if (static_v.shape[2] !== head_dim) throw new TorchError(`expecting static_v.size(2) of ${head_dim}, but got ${static_v.shape[2]}`);
    v = static_v;
  }

  if (add_zero_attn) {
    const z = [bsz * num_heads, 1, head_dim];
    k = cat([k, zeros(z, { dtype: k.dtype, device: k.device })], 1);
    v = cat([v, zeros(z, { dtype: v.dtype, device: v.device })], 1);
    if (attn_mask !== null) attn_mask = pad(attn_mask, [0, 1]);
    if (kpm !== null) kpm = pad(kpm, [0, 1]);
  }
  src_len = k.shape[1]!;

  // key padding merged into the attention mask
  if (kpm !== null) {
    if (kpm.shape.join() !== [bsz, src_len].join())
      throw new TorchError(`expecting key_padding_mask shape of (${bsz}, ${src_len}), but got ${sizeRepr(kpm.shape)}`);
    kpm = kpm
      .view(bsz, 1, 1, src_len)
      .expand(-1, num_heads, -1, -1)
      .reshape(bsz * num_heads, 1, src_len);
    if (attn_mask === null) attn_mask = kpm;
    else if (attn_mask.dtype === bool) attn_mask = attn_mask.logical_or(kpm);
    else {
      if (kpm.dtype !== bool) throw new TorchError(`masked_fill_ only supports boolean masks, but got mask with dtype ${kpm.dtype}`);
      attn_mask = attn_mask.masked_fill(kpm, Number.NEGATIVE_INFINITY);
    }
  }
  if (attn_mask !== null && attn_mask.dtype === bool)
    attn_mask = zeros(attn_mask.shape, { dtype: q.dtype, device: q.device }).masked_fill(attn_mask, Number.NEGATIVE_INFINITY);

  const p = o.training ? dropout_p : 0;
  const E = q.shape[2]!;
  const q_scaled = q.div(Math.sqrt(E));
  const scores = q_scaled.bmm(k.transpose(-2, -1));
  let weights = softmax(attn_mask !== null ? attn_mask.add(scores) : scores, -1);
  if (p > 0) weights = dropout(weights, p);

  let out = weights
    .bmm(v)
    .transpose(0, 1)
    .reshape(tgt_len * bsz, embed_dim);
  out = linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, out_proj_weight.shape[0]!);
  if (!o.need_weights) return [is_batched ? out : out.squeeze(1), null];
  let w = weights.view(bsz, num_heads, tgt_len, src_len);
  if (o.average_attn_weights) w = w.sum(1).div(num_heads);
  return is_batched ? [out, w] : [out.squeeze(1), w.squeeze(0)];
}
