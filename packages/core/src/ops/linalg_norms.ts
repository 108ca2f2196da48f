// Norms and products of torch.linalg: vector_norm, matrix_norm, norm, cond,
// multi_dot, cross, vander, vecdot, householder_product. The spectral and
// nuclear norms take the singular values from the svd primitive.
import { surface } from "../autograd.js";
import { bind } from "../dispatch.js";
import { type DType, toRealValueType } from "../dtype.js";
import { int64 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { P } from "../prims.js";
import { normDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, parseArgs, tensorList } from "./args.js";
import { convert } from "./base.js";
import { arange } from "./creation.js";
import { abs, add, div, mul, ne, pow, sub } from "./elementwise.js";
import { cross as crossImpl, matmul } from "./linalg.js";
import { linalg_inv } from "./linalg_solve.js";
import { withNoGradient } from "./grad_links.js";
import { checkFloating, checkMatrix, eyeLike, mH, mm, rows } from "./linalg_util.js";
import { powAbs, rootOf } from "./norm_root.js";
import { reducePrim } from "./reduce.js";
import { expand, movedim, reshape, sliceDim, squeeze, unsqueeze } from "./shape.js";

function dimsOf(op: string, x: Tensor, dim: unknown): number[] {
  if (dim === null || dim === undefined) return [...Array(x.ndim).keys()];
  const ds = (Array.isArray(dim) ? dim : [dim]) as number[];
  return ds.map((d) => normDim(d, Math.max(x.ndim, 1), op));
}

/** PyTorch's dtype= of the norms: complex for complex input (a cast to a real dtype would drop the imaginary parts), real for real input. */
function checkNormDtype(op: string, x: Tensor, dtype: DType | null | undefined): void {
  if (!dtype || dtype.is_complex === x.dtype.is_complex) return;
  throw new TorchError(
    `${op}: dtype should be ${x.dtype.is_complex ? "complex for complex" : "real for real"} inputs, but got ${dtype.scalarName}`,
  );
}

export function linalg_vector_norm(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_vector_norm", args, ["ord", "dim", "keepdim", "dtype"], { ord: 2, dim: null, keepdim: false, dtype: null });
  checkTensor("linalg.vector_norm", "input", x);
  if (!x.dtype.is_floating_point && !x.dtype.is_complex)
    throw new TorchError(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${x.dtype.scalarName}`);
  checkNormDtype("linalg.vector_norm", x, o.dtype);
  const dims = dimsOf("linalg.vector_norm", x, o.dim);
  const p = o.ord as number;
  const keep = !!o.keepdim;
  // |x| (real for complex input: the norm of a complex tensor is real, the dtype's real counterpart)
  const abs_ = () => abs(o.dtype ? convert(x, o.dtype) : x);
  // p = 0 counts the nonzero entries: PyTorch's result requires grad, its backward gives no gradient
  if (p === 0)
    return withNoGradient("LinalgVectorNormBackward0", [x], () => {
      const nz = convert(ne(abs_(), 0), toRealValueType(o.dtype ?? x.dtype));
      return x.ndim === 0 ? nz : reducePrim(nz, "sum", dims, keep);
    });
  return surface("linalg_vector_norm", () => {
    const a = abs_();
    if (x.ndim === 0) return a;
    if (p === Infinity) return reducePrim(a, "max", dims, keep);
    if (p === -Infinity) return reducePrim(a, "min", dims, keep);
    if (p === 1) return reducePrim(a, "sum", dims, keep);
    if (p === 2) return rootOf(reducePrim(mul(a, a), "sum", dims, keep), 2);
    return rootOf(reducePrim(powAbs(a, p), "sum", dims, keep), p);
  });
}

const MATRIX_ORDS = ["fro", "nuc", Infinity, -Infinity, 1, -1, 2, -2];
export function linalg_matrix_norm(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_matrix_norm", args, ["ord", "dim", "keepdim", "dtype"], {
    ord: "fro",
    dim: [-2, -1],
    keepdim: false,
    dtype: null,
  });
  const op = "linalg.matrix_norm";
  checkTensor(op, "input", A);
  if (A.ndim < 2) throw new TorchError(`${op}: The input tensor A must have at least 2 dimensions.`);
  checkFloating(op, A);
  checkNormDtype(op, A, o.dtype);
  if (!MATRIX_ORDS.includes(o.ord)) {
    if (typeof o.ord === "string") throw new TorchError(`${op}: Order ${o.ord} not supported.`);
    throw new TorchError(`${op}: Order ${o.ord} not supported.`);
  }
  const dims = (o.dim as number[]).map((d) => normDim(d, A.ndim, op));
  if (dims.length !== 2) throw new TorchError(`${op}: dim must be a 2-tuple. Got ${o.dim}`);
  if (dims[0] === dims[1]) throw new TorchError(`${op}: dims must be different. Got (${o.dim[0]}, ${o.dim[1]})`);
  const keep = !!o.keepdim;
  return surface("linalg_matrix_norm", () => {
    const x = o.dtype ? convert(A, o.dtype) : A;
    const [d0, d1] = dims as [number, number];
    const ord = o.ord;
    let r: Tensor;
    if (ord === "fro") {
      // complex: the sum of |x|^2
      const a = x.dtype.is_complex ? abs(x) : x;
      return rootOf(reducePrim(mul(a, a), "sum", dims, keep), 2);
    }
    if (ord === "nuc" || ord === 2 || ord === -2) {
      const m = movedim(x, [d0, d1], [x.ndim - 2, x.ndim - 1]);
      const S = bind(P.svd, [m], { full_matrices: false })[1]!;
      const last = [S.ndim - 1];
      r = ord === "nuc" ? reducePrim(S, "sum", last, false) : reducePrim(S, ord === 2 ? "max" : "min", last, false);
    } else {
      // 1 / -1: max/min column sum (over rows d0); inf / -inf: max/min row sum (over columns d1)
      const inner = ord === 1 || ord === -1 ? d0 : d1;
      const outer = ord === 1 || ord === -1 ? d1 : d0;
      const sums = reducePrim(abs(x), "sum", [inner], true);
      r = reducePrim(sums, ord > 0 ? "max" : "min", [outer], true);
      const sorted = [...dims].sort((a, b) => b - a);
      for (const d of sorted) r = squeeze(r, d);
    }
    if (!keep) return r;
    const sorted = [...dims].sort((a, b) => a - b);
    for (const d of sorted) r = unsqueeze(r, d);
    return r;
  });
}

export function linalg_norm(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_norm", args, ["ord", "dim", "keepdim", "dtype"], { ord: null, dim: null, keepdim: false, dtype: null });
  checkTensor("linalg.norm", "input", A);
  const dim = o.dim === null || o.dim === undefined ? null : Array.isArray(o.dim) ? (o.dim as number[]) : [o.dim as number];
  const kw = { keepdim: o.keepdim, dtype: o.dtype };
  if (dim !== null && dim.length === 2) return linalg_matrix_norm(A, o.ord ?? "fro", dim, kw);
  if (dim === null && o.ord !== null && o.ord !== undefined) {
    if (A.ndim === 2) return linalg_matrix_norm(A, o.ord, [-2, -1], kw);
    if (A.ndim !== 1) throw new TorchError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.ndim}D.`);
  }
  if (typeof o.ord === "string") throw new TorchError(`linalg.norm: If dim is specified, it must be of length 1 or 2. Got ${dim}`);
  return linalg_vector_norm(A, o.ord ?? 2, dim, kw);
}

export function linalg_cond(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_cond", args, ["p"], { p: null });
  const op = "linalg.cond";
  checkMatrix(op, A);
  const p = o.p;
  if (p !== null && p !== undefined && !MATRIX_ORDS.includes(p)) throw new TorchError(`linalg.cond got an invalid norm type: ${p}`);
  return surface("linalg_cond", () => {
    if (p === null || p === undefined || p === 2 || p === -2) {
      const S = bind(P.svd, [A], { full_matrices: false })[1]!;
      const k = S.shape[S.ndim - 1]!;
      const first = squeeze(sliceDim(S, S.ndim - 1, 0, 1), -1),
        last = squeeze(sliceDim(S, S.ndim - 1, k - 1, k), -1);
      return p === -2 ? div(last, first) : div(first, last);
    }
    return mul(linalg_matrix_norm(A, p), linalg_matrix_norm(linalg_inv(A), p));
  });
}

export function linalg_multi_dot(tensors: readonly Tensor[]): Tensor {
  const ts = tensorList("multi_dot", [tensors]);
  if (ts.length < 2) throw new TorchError(`multi_dot(): expected at least 2 tensors but got ${ts.length}`);
  ts.forEach((t, i) => {
    const ok = i === 0 || i === ts.length - 1 ? t.ndim === 1 || t.ndim === 2 : t.ndim === 2;
    if (!ok)
      throw new TorchError(
        i === 0 || i === ts.length - 1
          ? `multi_dot(): the ${i === 0 ? "first" : "last"} tensor must be 1D or 2D but got ${t.ndim}D`
          : `multi_dot(): tensor ${i} must be 2D but got ${t.ndim}D`,
      );
  });
  const first = ts[0]!.ndim === 1 ? unsqueeze(ts[0]!, 0) : ts[0]!;
  const lastT = ts[ts.length - 1]!;
  const last = lastT.ndim === 1 ? unsqueeze(lastT, 1) : lastT;
  const mats = [first, ...ts.slice(1, -1), last];
  for (let i = 0; i + 1 < mats.length; i++)
    if (mats[i]!.shape[1] !== mats[i + 1]!.shape[0])
      throw new TorchError(
        `multi_dot(): tensors ${i} and ${i + 1} with shapes [${mats[i]!.shape.join(", ")}] and [${mats[i + 1]!.shape.join(", ")}] cannot be multiplied`,
      );
  return surface("multi_dot", () => {
    let r = mats.reduce((acc, m) => mm(acc, m));
    if (ts[0]!.ndim === 1) r = squeeze(r, 0);
    if (lastT.ndim === 1) r = squeeze(r, -1);
    return r;
  });
}

export function linalg_cross(input: Tensor, other: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_cross", args, ["dim"], { dim: -1 });
  return crossImpl(input, other, o.dim as number);
}

export function linalg_vander(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_vander", args, ["N"], { N: null });
  checkTensor("linalg.vander", "x", x);
  // a 0-d x is one point (PyTorch unsqueezes it): the result is 1 x N
  const N = (o.N ?? (x.ndim === 0 ? 1 : x.shape[x.ndim - 1])) as number;
  if (N <= 1) throw new TorchError("N must be greater than 1.");
  return surface("linalg_vander", () => {
    const x1 = x.ndim === 0 ? unsqueeze(x, -1) : x;
    const powers = arange(N, { dtype: int64, device: x.device });
    // x^0 = 1 exactly, then powers by repeated products as PyTorch's cumprod
    return pow(unsqueeze(x1, -1), x.dtype.is_floating_point ? convert(powers, x.dtype) : powers);
  });
}

export function linalg_vecdot(x: Tensor, y: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_vecdot", args, ["dim"], { dim: -1 });
  checkTensor("linalg.vecdot", "x", x);
  checkTensor("linalg.vecdot", "y", y);
  return surface("linalg_vecdot", () => {
    const p = mul(x, y);
    return reducePrim(p, "sum", [normDim(o.dim as number, p.ndim, "linalg.vecdot")], false);
  });
}

/** Q = H_1 ... H_k (first n columns), H_i = I - tau_i v_i v_i^H with v_i below A's diagonal (LAPACK's orgqr/ungqr). */
export function linalg_householder_product(A: Tensor, tau: Tensor): Tensor {
  const op = "torch.linalg.householder_product";
  checkMatrix(op, A, "input");
  const m = rows(A),
    n = A.shape[A.ndim - 1]!,
    k = tau.shape[tau.ndim - 1]!;
  if (m < n) throw new TorchError(`${op}: input.shape[-2] must be greater than or equal to input.shape[-1]`);
  if (k > n) throw new TorchError(`${op}: input.shape[-1] must be greater than or equal to tau.shape[-1]`);
  // no reflector or an empty input: the identity's first n columns; PyTorch's backward gives no gradient then
  if (A.numel() === 0 || tau.numel() === 0)
    return withNoGradient("LinalgHouseholderProductBackward0", [A, tau], () => expand(eyeLike(m, A, n), A.shape.slice()).clone());
  return surface("linalg_householder_product", () => {
    const rowIdx = unsqueeze(arange(m, { dtype: int64, device: A.device }), -1);
    let Q = eyeLike(m, A, n);
    for (let i = k - 1; i >= 0; i--) {
      const col = sliceDim(A, A.ndim - 1, i, i + 1); // [..., m, 1]
      // v: zero above i, one at i, A's column below
      const v = add(mul(col, convert(rowIdx.gt(i), A.dtype)), convert(rowIdx.eq(i), A.dtype));
      const t = unsqueeze(sliceDim(tau, tau.ndim - 1, i, i + 1), -1); // [..., 1, 1]
      Q = sub(Q, mul(t, matmul(v, matmul(mH(v), Q))));
    }
    return Q;
  });
}
