// Shared pieces of torch.linalg: PyTorch's input checks (their messages name the
// op), batch broadcasting, triangular solves over the triangular_solve primitive
// and small matrix helpers. Everything is composed of ops, so it runs and
// differentiates on any device.
import { bind1 } from "../dispatch.js";
import { int32, int64 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { P, type TriangularSolveAttrs } from "../prims.js";
import { broadcastShapes } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkTensor } from "./args.js";
import { convert } from "./base.js";
import { conjIfComplex } from "./complex.js";
import { eye } from "./creation.js";
import { add, eq, mul } from "./elementwise.js";
import { reducePrim } from "./reduce.js";
import { matmul } from "./linalg.js";
import { diag_embed, diagonal } from "./matrix.js";
import { expand, transpose, unsqueeze } from "./shape.js";

/** torch.linalg's error for a failed factorization (PyTorch's torch.linalg.LinAlgError, a RuntimeError). */
export class LinAlgError extends TorchError {
  override name = "LinAlgError";
}

export const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
/** The conjugate transpose (mT for real input): A^H in the complex factorizations' formulas. */
export const mH = (x: Tensor): Tensor => conjIfComplex(transpose(x, -2, -1));
export const mm = (a: Tensor, b: Tensor): Tensor => matmul(a, b);
export const diag = (x: Tensor): Tensor => diagonal(x, 0, -2, -1);
export const diagEmbed = (x: Tensor): Tensor => diag_embed(x);
export const rows = (x: Tensor): number => x.shape[x.ndim - 2]!;
export const cols = (x: Tensor): number => x.shape[x.ndim - 1]!;
export const eyeLike = (n: number, like: Tensor, m = n): Tensor => eye(n, m, { dtype: like.dtype, device: like.device });

/** A floating [..., m, n] input (PyTorch's checkIsMatrix + checkFloatingOrComplex). */
export function checkMatrix(op: string, A: unknown, name = "A"): Tensor {
  const t = checkTensor(op, name, A);
  if (t.ndim < 2) throw new TorchError(`${op}: The input tensor ${name} must have at least 2 dimensions.`);
  checkFloating(op, t);
  return t;
}
export function checkFloating(op: string, t: Tensor): void {
  // float32/float64 or complex64/complex128 (half types have no LAPACK kernels, as in PyTorch's CPU build)
  if (!((t.dtype.is_complex && t.dtype.itemsize >= 8) || (t.dtype.is_floating_point && t.dtype.itemsize >= 4)))
    throw new TorchError(`${op}: Expected a floating point or complex tensor as input. Got ${t.dtype.scalarName}`);
}
/** A floating [..., n, n] input (PyTorch's squareCheckInputs). */
export function checkSquare(op: string, A: unknown, name = "A"): Tensor {
  const t = checkMatrix(op, A, name);
  if (rows(t) !== cols(t))
    throw new TorchError(`${op}: ${name} must be batches of square matrices, but they are ${rows(t)} by ${cols(t)} matrices`);
  return t;
}
export function checkSameDtype(op: string, A: Tensor, B: Tensor, an = "A", bn = "B"): void {
  if (A.dtype !== B.dtype)
    throw new TorchError(
      `${op}: Expected ${an} and ${bn} to have the same dtype, but found ${an} of type ${A.dtype.scalarName} and ${bn} of type ${B.dtype.scalarName} instead`,
    );
}

/** A and B with their batch dims (all but the last two) broadcast together. */
export function broadcastBatch(A: Tensor, B: Tensor): [Tensor, Tensor] {
  const batch = broadcastShapes("linalg", A.shape.slice(0, -2), B.shape.slice(0, -2));
  const to = (x: Tensor) =>
    x.shape.length - 2 === batch.length && x.shape.slice(0, -2).every((s, i) => s === batch[i])
      ? x
      : expand(x, [...batch, rows(x), cols(x)]);
  return [to(A), to(B)];
}

/** op(A) X = B (left) or X op(A) = B for triangular A, batch dims broadcast (the triangular_solve primitive). */
export function trsm(A: Tensor, B: Tensor, o: Partial<TriangularSolveAttrs> & { lower: boolean }): Tensor {
  const [a, b] = broadcastBatch(A, B);
  const attrs: TriangularSolveAttrs = {
    left: o.left ?? true,
    lower: o.lower,
    unit_diagonal: o.unit_diagonal ?? false,
    transpose_a: o.transpose_a ?? false,
  };
  return bind1(P.triangular_solve, [a, b], attrs);
}

/** The permutation matrix P^T of a row permutation [..., m]: (P^T)[i, j] = (perm[i] == j), so P^T A = A[perm]. */
export function permRows(perm: Tensor, like: Tensor): Tensor {
  const m = perm.shape[perm.ndim - 1]!;
  const j = bind1(P.iota, [], { shape: [m], dim: 0, dtype: int64 }, perm.device);
  return convert(eq(unsqueeze(perm, -1), j), like.dtype);
}

/** Index of the first true along the last dim plus one, 0 where none (LAPACK's info convention), int32. */
export function firstTrue(bad: Tensor): Tensor {
  const b = convert(bad, int64);
  const last = b.ndim - 1;
  const first = bind1(P.argreduce, [b], { op: "max", dim: last });
  const any = reducePrim(b, "max", [last], false);
  return convert(mul(add(first, 1), any), int32);
}
