// Triangles, diagonals and blocks of matrices: tril/triu, diagonal, diag,
// diag_embed, trace, block_diag.
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { bool, int64, promote_types } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { normDim, viewStrides } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, parseArgs, tensorList } from "./args.js";
import { convert } from "./base.js";
import { markCopyView } from "./copy_views.js";
import { sum } from "./reduce.js";
import { cat, clone, movedim, permute, reshape, sliceDim } from "./shape.js";

function triangle(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new TorchError(`${op}: input tensor must have at least 2 dimensions`);
  return surface(op, () => {
    const [r, c] = [x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!];
    const rows = bind1(P.iota!, [], { shape: [r, c], dim: 0, dtype: int64 }, x.device);
    const cols = bind1(P.iota!, [], { shape: [r, c], dim: 1, dtype: int64 }, x.device);
    const delta = cols.sub(rows);
    const keep = lower ? delta.le(diagonal) : delta.ge(diagonal);
    return x.masked_fill(keep.logical_not(), 0);
  });
}
export const tril = (x: Tensor, ...a: unknown[]) => triangle("tril", x, parseArgs("tril", a, ["diagonal"], { diagonal: 0 }).diagonal, true);
export const triu = (x: Tensor, ...a: unknown[]) =>
  triangle("triu", x, parseArgs("triu", a, ["diagonal"], { diagonal: 0 }).diagonal, false);

export function diagonal(x: Tensor, ...args: unknown[]): Tensor {
  const { offset, dim1, dim2 } = parseArgs("diagonal", args, ["offset", "dim1", "dim2"], { offset: 0, dim1: 0, dim2: 1 });
  const a = normDim(dim1, x.ndim, "diagonal"),
    b = normDim(dim2, x.ndim, "diagonal");
  if (a === b) throw new TorchError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return surface("diagonal", () => {
    // PyTorch's diagonal is a view (writes through it reach x). Its elements sit at offset + i*(sa + sb): one
    // strided slice of the flattened (a, b) plane, a view when that plane flattens without a copy; the swapped
    // form diagonal(x, -offset, b, a) names the same elements in the same order with the plane transposed.
    const view = planeDiagonal(x, offset, a, b) ?? planeDiagonal(x, -offset, b, a);
    if (view) return view;
    // x's strides split the plane (e.g. x[::2] or x[:, 1:-1] of a matrix, or dims a, b of a
    // contiguous tensor that are not adjacent): the diagonal is a copy here,
    // so writes through it are refused (copy_views.ts) instead of silently lost
    const rest = [...Array(x.ndim).keys()].filter((d) => d !== a && d !== b);
    const dense = markCopyView(bind1(P.copy!, [permute(x, [...rest, a, b])]), "diagonal");
    return planeDiagonal(dense, offset, dense.ndim - 2, dense.ndim - 1)!;
  });
}

/**
 * Diagonal `offset` of dims (a, b) as a view: [rest..., a, b] flattened to [rest..., n*m] (null when x's
 * strides do not allow that without a copy), then one slice from the first element with step m + 1.
 */
function planeDiagonal(x: Tensor, offset: number, a: number, b: number): Tensor | null {
  const perm = [...[...Array(x.ndim).keys()].filter((d) => d !== a && d !== b), a, b];
  const [n, m] = [x.shape[a]!, x.shape[b]!];
  const st = x.stride();
  const [shape, strides] = [perm.map((d) => x.shape[d]!), perm.map((d) => st[d]!)];
  const flatShape = [...shape.slice(0, -2), n * m];
  if (viewStrides(shape, strides, flatShape) === null) return null;
  const flat = reshape(permute(x, perm), flatShape);
  const len = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m));
  if (len === 0) return sliceDim(flat, flat.ndim - 1, 0, 0);
  const start = offset >= 0 ? offset : -offset * m;
  return sliceDim(flat, flat.ndim - 1, start, start + (len - 1) * (m + 1) + 1, m + 1);
}

/**
 * [..., n] -> [..., m, m] with the last dim on diagonal k (m = n + |k|): one pad
 * of the flattened matrix, the values interleaved with m zeros.
 */
function embedDiagonal(x: Tensor, k: number): Tensor {
  const n = x.shape[x.ndim - 1]!,
    m = n + Math.abs(k);
  const lead = x.shape.slice(0, -1);
  const start = k >= 0 ? k : -k * m;
  const used = n === 0 ? 0 : start + (n - 1) * (m + 1) + 1;
  const flat = bind1(P.pad!, [x], {
    low: [...lead.map(() => 0), n === 0 ? 0 : start],
    high: [...lead.map(() => 0), m * m - used],
    interior: [...lead.map(() => 0), m],
    value: 0,
  });
  return reshape(flat, [...lead, m, m]);
}

/** diag(input, diagonal=0): a 1-D input becomes a matrix with it on the diagonal; a 2-D input gives its diagonal (a copy). */
export function diag(x: Tensor, ...args: unknown[]): Tensor {
  const { diagonal: k } = parseArgs("diag", args, ["diagonal"], { diagonal: 0 });
  checkTensor("diag", "input", x);
  if (!Number.isInteger(k)) throw new TorchTypeError(`diag(): argument 'diagonal' must be int, not ${describe(k)}`);
  if (x.ndim === 1) return surface("diag", () => embedDiagonal(x, k));
  if (x.ndim === 2) return surface("diag", () => clone(diagonal(x, k)));
  throw new TorchError(`diag(): matrix or a vector expected (a 1-D or 2-D tensor), got a ${x.ndim}-D tensor`);
}

/** diag_embed(input, offset=0, dim1=-2, dim2=-1): the last dim placed on diagonals of new (dim1, dim2) planes. */
export function diag_embed(x: Tensor, ...args: unknown[]): Tensor {
  const { offset, dim1, dim2 } = parseArgs("diag_embed", args, ["offset", "dim1", "dim2"], { offset: 0, dim1: -2, dim2: -1 });
  checkTensor("diag_embed", "input", x);
  const nd = x.ndim + 1;
  const a = normDim(dim1, nd, "diag_embed"),
    b = normDim(dim2, nd, "diag_embed");
  if (a === b) throw new TorchError(`diag_embed: diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return surface("diag_embed", () => {
    const src = x.ndim === 0 ? reshape(x, [1]) : x;
    const r = embedDiagonal(src, offset);
    return movedim(r, [r.ndim - 2, r.ndim - 1], [a, b]);
  });
}

/** trace(input): sum of the main diagonal of a matrix (integers accumulate in int64). */
export function trace(x: Tensor): Tensor {
  checkTensor("trace", "input", x);
  if (x.ndim !== 2) throw new TorchError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  if (x.dtype === bool) throw new TorchError(`"trace" not implemented for 'Bool'`);
  return surface("trace", () => sum(diagonal(x)));
}

/** block_diag(*tensors): a block-diagonal matrix (0-D -> 1x1, 1-D -> 1xn blocks), dtypes promoted. */
export function block_diag(...args: unknown[]): Tensor {
  const ts = tensorList("block_diag", args);
  ts.forEach((t, i) => {
    if (t.ndim > 2)
      throw new TorchError(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.ndim} dimensions`);
  });
  if (!ts.length) throw new TorchError("torch.block_diag: expected at least one tensor");
  return surface("block_diag", () => {
    const dt = ts.map((t) => t.dtype).reduce(promote_types);
    const mats = ts.map((t) => convert(t.ndim === 2 ? t : reshape(t, [1, t.numel()]), dt));
    const cols = mats.reduce((s, m) => s + m.shape[1]!, 0);
    let off = 0;
    const rows = mats.map((m) => {
      const r = bind1(P.pad!, [m], { low: [0, off], high: [0, cols - off - m.shape[1]!], interior: [0, 0], value: 0 });
      off += m.shape[1]!;
      return r;
    });
    return cat(rows, 0);
  });
}
