// Solving and inverting: solve(_ex), solve_triangular, lu_solve, inv(_ex), det,
// slogdet, logdet, cholesky_solve, cholesky_inverse, triangular_solve, lstsq,
// pinv, matrix_rank, matrix_power, matrix_exp, tensorinv, tensorsolve. All go
// through the lu, triangular_solve, svd and eigh primitives, so gradients are
// the chain of theirs.
import { recordCustom, surface } from "../autograd.js";
import { bind } from "../dispatch.js";
import { int64, toRealValueType } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import { P } from "../prims.js";
import { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { convert } from "./base.js";
import { complexSgn, conjIfComplex } from "./complex.js";
import { complexProd } from "./complex_products.js";
import { zeros } from "./creation.js";
import { abs, add, clamp_min, div, eq, gt, log, maximum, mul, ne, remainder, sign, sub, where } from "./elementwise.js";
import { withNoGradient, withZeroGradient } from "./grad_links.js";
import { checkInfo, named, pivotsToPerm } from "./linalg_decomp.js";
import {
  broadcastBatch,
  checkMatrix,
  checkSameDtype,
  checkSquare,
  cols,
  diag,
  eyeLike,
  firstTrue,
  mH,
  mm,
  mT,
  permRows,
  rows,
  trsm,
} from "./linalg_util.js";
import { reducePrim } from "./reduce.js";
import { sum_to_size } from "./reshaping_extras.js";
import { expand, movedim, reshape, squeeze, unsqueeze } from "./shape.js";

const lastDims = (x: Tensor) => [x.ndim - 1];

/** PyTorch's linalg_solve_is_vector_rhs: B is a vector (batch) when it is 1-D or A's shape without its last dim. */
function isVectorRhs(A: Tensor, B: Tensor): boolean {
  return B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.every((s, i) => s === A.shape[i]));
}
function checkSolveShapes(op: string, A: Tensor, B: Tensor, left: boolean, vector: boolean): void {
  const n = rows(A);
  const bm = vector ? B.shape[B.ndim - 1]! : left ? rows(B) : cols(B);
  if (bm !== n) {
    const bs = vector ? `${B.shape[B.ndim - 1]}x1` : `${rows(B)}x${cols(B)}`;
    throw new TorchError(
      `${op}: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${n}x${cols(A)} and ${bs})`,
    );
  }
}

/** X with A X = B (left) or X A = B from A's packed LU and row permutation; adjoint: A^H in A's place. */
function luSolve(LU: Tensor, perm: Tensor, B: Tensor, left: boolean, adjoint = false): Tensor {
  const Pt = permRows(perm, LU);
  if (left && !adjoint) {
    // A = P L U: X = U^{-1} L^{-1} P^T B
    const y = trsm(LU, mm(Pt, B), { lower: true, unit_diagonal: true });
    return trsm(LU, y, { lower: false });
  }
  if (!adjoint) {
    // X P L U = B: X = B U^{-1} L^{-1} P^T
    const y = trsm(LU, B, { lower: false, left: false });
    return mm(trsm(LU, y, { lower: true, unit_diagonal: true, left: false }), Pt);
  }
  // the adjoint's solves are transposed solves with conj(LU), (conj LU)^T = LU^H (P is real)
  const LUc = conjIfComplex(LU);
  if (left) {
    // A^H X = B: U^H L^H P^T X = B, X = P L^{-H} U^{-H} B
    const y = trsm(LUc, B, { lower: false, transpose_a: true });
    return mm(mT(Pt), trsm(LUc, y, { lower: true, unit_diagonal: true, transpose_a: true }));
  }
  // X A^H = B: X U^H L^H P^T = B, X = B P L^{-H} U^{-H}
  const y = mm(B, mT(Pt));
  return trsm(LUc, trsm(LUc, y, { lower: true, unit_diagonal: true, left: false, transpose_a: true }), {
    lower: false,
    left: false,
    transpose_a: true,
  });
}

function solveCore(op: string, A: Tensor, B: Tensor, left: boolean): [Tensor, Tensor] {
  checkSquare(op, A);
  checkTensor(op, "B", B);
  checkSameDtype(op, A, B);
  const vector = isVectorRhs(A, B);
  checkSolveShapes(op, A, B, left, vector);
  const b = vector ? unsqueeze(B, left ? -1 : -2) : B;
  const [a, bb] = broadcastBatch(A, b);
  const [LU, , perm] = bind(P.lu, [a]) as [Tensor, Tensor, Tensor];
  const info = firstTrue(eq(diag(LU), 0));
  let X = luSolve(LU, perm, bb, left);
  if (vector) X = squeeze(X, left ? -1 : -2);
  return [X, info];
}
export function linalg_solve_ex(A: Tensor, B: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_solve_ex", args, ["left", "check_errors"], { left: true, check_errors: false });
  return surface("linalg_solve_ex", () => {
    const [result, info] = solveCore("linalg.solve", A, B, !!o.left);
    if (o.check_errors)
      checkInfo("torch.linalg.solve_ex", info, A.ndim > 2, () => "The solver failed because the input matrix is singular.");
    return named({ result, info });
  });
}
export function linalg_solve(A: Tensor, B: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_solve", args, ["left"], { left: true });
  return surface("linalg_solve_ex", () => {
    const [X, info] = solveCore("linalg.solve", A, B, !!o.left);
    checkInfo("torch.linalg.solve", info, false, () => "The solver failed because the input matrix is singular.");
    return X;
  });
}

export function linalg_solve_triangular(A: Tensor, B: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_solve_triangular", args, ["upper", "left", "unitriangular"], { left: true, unitriangular: false });
  const op = "linalg.solve_triangular";
  checkSquare(op, A);
  checkMatrix(op, B, "B");
  checkSameDtype(op, A, B);
  checkSolveShapes(op, A, B, !!o.left, false);
  return surface("linalg_solve_triangular", () => trsm(A, B, { lower: !o.upper, left: !!o.left, unit_diagonal: !!o.unitriangular }));
}
/** torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False): (solution, cloned_coefficient). */
export function triangular_solve(b: Tensor, A: Tensor, ...args: unknown[]) {
  const o = parseArgs("triangular_solve", args, ["upper", "transpose", "unitriangular"], {
    upper: true,
    transpose: false,
    unitriangular: false,
  });
  checkMatrix("triangular_solve", b, "b");
  checkSquare("triangular_solve", A);
  if (rows(b) !== rows(A))
    throw new TorchError(
      `Incompatible matrix sizes for triangular_solve: each A matrix is ${rows(A)} by ${cols(A)} but each b matrix is ${rows(b)} by ${cols(b)}`,
    );
  return surface("triangular_solve", () => {
    const solution = trsm(A, b, { lower: !o.upper, transpose_a: !!o.transpose, unit_diagonal: !!o.unitriangular });
    const [cloned] = broadcastBatch(A, b);
    return named({ solution, cloned_coefficient: cloned.clone() });
  });
}

export function linalg_lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_lu_solve", args, ["left", "adjoint"], { left: true, adjoint: false });
  const op = "linalg.lu_solve";
  checkSquare(op, LU, "LU");
  checkMatrix(op, B, "B");
  checkSolveShapes(op, LU, B, !!o.left, false);
  return surface("linalg_lu_solve", () => {
    const [lu, b] = broadcastBatch(LU, B);
    return luSolve(lu, pivotsToPerm(pivots, rows(LU)), b, !!o.left, !!o.adjoint);
  });
}

// ---- inverse and determinants ------------------------------------------------------------------
function invCore(A: Tensor): [Tensor, Tensor] {
  const [LU, , perm] = bind(P.lu, [A]) as [Tensor, Tensor, Tensor];
  const info = firstTrue(eq(diag(LU), 0));
  return [luSolve(LU, perm, expand(eyeLike(rows(A), A), A.shape.slice()), true), info];
}
const singular = (i: number) =>
  `The diagonal element ${i} is zero, the inversion could not be completed because the input matrix is singular.`;
export function linalg_inv_ex(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_inv_ex", args, ["check_errors"], { check_errors: false });
  checkSquare("linalg.inv_ex", A);
  return surface("linalg_inv_ex", () => {
    const [inverse, info] = invCore(A);
    if (o.check_errors) checkInfo("linalg.inv_ex", info, A.ndim > 2, singular);
    return named({ inverse, info });
  });
}
export function linalg_inv(A: Tensor): Tensor {
  checkSquare("linalg.inv", A);
  return surface("linalg_inv_ex", () => {
    const [X, info] = invCore(A);
    checkInfo("linalg.inv", info, A.ndim > 2, singular);
    return X;
  });
}
export function inverse(A: Tensor): Tensor {
  checkSquare("linalg.inv", A);
  return surface("linalg_inv_ex", () => {
    const [X, info] = invCore(A);
    checkInfo("linalg.inv", info, A.ndim > 2, singular);
    return X;
  });
}

/** The product over the last dim (complex: complex_products.ts's, as the reduce primitive's complex form sums only). */
const prodLast = (d: Tensor): Tensor =>
  d.dtype.is_complex ? complexProd(d, lastDims(d), false) : reducePrim(d, "prod", lastDims(d), false);

/** diag(U) and the permutation's sign (+-1) of A's LU factorization. */
function luDiagSign(A: Tensor): [Tensor, Tensor] {
  const [LU, pivots] = bind(P.lu, [A]) as [Tensor, Tensor, Tensor];
  const n = rows(A);
  const at = bind(P.iota, [], { shape: [n], dim: 0, dtype: int64 }, A.device)[0]!;
  const swaps = reducePrim(convert(ne(convert(pivots, int64), add(at, 1)), int64), "sum", lastDims(pivots), false);
  const sgn = convert(sub(1, mul(remainder(swaps, 2), 2)), A.dtype);
  return [diag(LU), sgn];
}
export function linalg_det(A: Tensor): Tensor {
  checkSquare("linalg.det", A);
  const det = () => {
    const [d, sgn] = luDiagSign(A);
    return mul(prodLast(d), sgn);
  };
  // an empty input: PyTorch's result requires grad, its backward gives no gradient
  if (A.numel() === 0) return withNoGradient("LinalgDetBackward0", [A], det);
  return surface("linalg_det", det);
}
export function det(A: Tensor): Tensor {
  checkSquare("linalg.det", A);
  return linalg_det(A);
}
/** sign (+-1, or a complex unit: PyTorch's sgn) and log |det A|, real. */
function slogdetCore(A: Tensor): [Tensor, Tensor] {
  const [d, sgn] = luDiagSign(A);
  const s = mul(prodLast(d.dtype.is_complex ? complexSgn(d) : sign(d)), sgn);
  return [s, reducePrim(log(abs(d)), "sum", lastDims(d), false)];
}
export function linalg_slogdet(A: Tensor) {
  checkSquare("linalg.slogdet", A);
  return surface("linalg_slogdet", () => {
    const [s, l] = slogdetCore(A);
    return named({ sign: s, logabsdet: l });
  });
}
export function slogdet(A: Tensor) {
  checkSquare("linalg.slogdet", A);
  return linalg_slogdet(A);
}
export function logdet(A: Tensor): Tensor {
  checkSquare("logdet", A);
  return surface("logdet", () => {
    const [s, l] = slogdetCore(A);
    // complex: log(sign) + log|det|, as PyTorch's logdet
    if (A.dtype.is_complex) return add(log(s), l);
    // a negative determinant has no real logarithm
    return where(eq(s, -1), NaN, where(eq(s, 0), -Infinity, l));
  });
}

// ---- Cholesky-based ------------------------------------------------------------------------------
export function cholesky_solve(B: Tensor, L: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("cholesky_solve", args, ["upper"], { upper: false });
  checkMatrix("cholesky_solve", B, "B");
  checkSquare("cholesky_solve", L);
  if (rows(B) !== rows(L))
    throw new TorchError(
      `Incompatible matrix sizes for cholesky_solve: each A matrix is ${rows(L)} by ${cols(L)} but each b matrix is ${rows(B)} by ${cols(B)}`,
    );
  return surface("cholesky_solve", () => choleskySolve(B, L, !!o.upper, "CholeskySolveBackward0"));
}
function choleskySolve(B: Tensor, L: Tensor, upper: boolean, node: string): Tensor {
  const solve = () => {
    // A = L L^H (or U^H U): X = L^{-H} L^{-1} B; the transposed solve with conj(L) is L^H's
    const lower = !upper;
    const y = trsm(lower ? L : conjIfComplex(L), B, { lower, transpose_a: !lower });
    return trsm(lower ? conjIfComplex(L) : L, y, { lower, transpose_a: lower });
  };
  if (!is_grad_enabled() || !(B.requires_grad || L.requires_grad)) return solve();
  // PyTorch's cholesky_solve_backward: the gradient of (L L^T)^{-1} B for the whole of L as given (its other
  // triangle, which the solve never reads, gets a gradient too), not the triangular solves' derivative
  const X = no_grad(solve);
  recordCustom(
    node,
    [B, L],
    [X],
    ([g], [b, l], [x]) => {
      if (!g) return [null, null];
      const gB = choleskySolve(g, l!, upper, "CholeskySolveBackward0");
      // (complex: the adjoints, as PyTorch's cholesky_solve_backward)
      let common = mm(gB, conjIfComplex(mT(x!)));
      common = add(common, conjIfComplex(mT(common)));
      const gL = mul(upper ? mm(l!, common) : mm(common, l!), -1);
      return [sum_to_size(gB, b!.shape.slice()), sum_to_size(gL, l!.shape.slice())];
    },
    { inputs: true, outputs: true },
  );
  return X;
}
export function cholesky_inverse(L: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("cholesky_inverse", args, ["upper"], { upper: false });
  checkSquare("cholesky_inverse", L);
  return surface("cholesky_inverse", () =>
    choleskySolve(expand(eyeLike(rows(L), L), L.shape.slice()), L, !!o.upper, "CholeskyInverseBackward0"),
  );
}

// ---- least squares and pseudo-inverses ------------------------------------------------------------
// the machine epsilon of the real type (complex64's is float32's)
const eps = (t: Tensor) => (toRealValueType(t.dtype).itemsize === 8 ? 2.220446049250313e-16 : 1.1920928955078125e-7);

export function linalg_lstsq(A: Tensor, B: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_lstsq", args, ["rcond", "driver"], { rcond: null, driver: null });
  const op = "torch.linalg.lstsq";
  checkMatrix(op, A);
  checkTensor(op, "B", B);
  checkSameDtype(op, A, B, "input", "other");
  const driver = (o.driver ?? "gelsy") as string;
  if (!["gels", "gelsy", "gelsd", "gelss"].includes(driver))
    throw new TorchError(`torch.linalg.lstsq: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`);
  const vector = B.ndim === A.ndim - 1;
  if ((vector ? B.shape[B.ndim - 1] : rows(B)) !== rows(A)) throw new TorchError(`${op}: input.size(-2) should match other.size(-2)`);
  const m = rows(A),
    n = cols(A);
  return surface("linalg_lstsq", () => {
    const b = vector ? unsqueeze(B, -1) : B;
    const [a, bb] = broadcastBatch(A, b);
    // the minimum-norm solution from the SVD (gelsd's; gelsy's and gels' agree with it at full rank)
    const [U, S, Vh] = bind(P.svd, [a], { full_matrices: false }) as [Tensor, Tensor, Tensor];
    const rcond = o.rcond ?? eps(A) * Math.max(m, n);
    const smax = reducePrim(S, "max", lastDims(S), true);
    const keep = gt(S, mul(smax, rcond));
    const inv = where(keep, div(1, where(keep, S, 1)), 0);
    let X = mm(mH(Vh), mul(unsqueeze(inv, -1), mm(mH(U), bb)));
    const rank = reducePrim(convert(keep, int64), "sum", lastDims(keep), false);
    // residuals and singular values are real (complex input too)
    const realType = toRealValueType(A.dtype);
    let residuals = zeros([0], { dtype: realType, device: A.device });
    if (m > n && driver !== "gelsy") {
      const full = driver === "gels" || (reshape(rank, [-1]).tolist() as number[]).every((r) => r === n);
      if (full) {
        const r = abs(sub(mm(a, X), bb));
        residuals = reducePrim(mul(r, r), "sum", [X.ndim - 2], false);
      }
    }
    if (vector) X = squeeze(X, -1);
    const svals = driver === "gelsd" || driver === "gelss" ? S : zeros([0], { dtype: realType, device: A.device });
    // only the solution is differentiable in PyTorch (residuals and singular values carry no gradient)
    return named({
      solution: X,
      // a vector b keeps its residuals' last dim (one column), as PyTorch's: [..., 1]
      residuals: residuals.detach(),
      rank: driver === "gels" ? zeros([0], { dtype: int64, device: A.device }) : rank,
      singular_values: svals.detach(),
    });
  });
}

/** The tolerance max(atol, rtol * largest) PyTorch's pinv/matrix_rank use, from their atol/rtol/rcond/tol arguments. */
function tolerance(A: Tensor, big: Tensor, atol: unknown, rtol: unknown): Tensor {
  // a tensor atol/rtol holds one tolerance per matrix of its (broadcast) batch: PyTorch unsqueezes it
  // beside the singular values' dim, so an rcond of shape [3, 2] makes a batch [3, 2] of results
  const perMatrix = (v: unknown) => (typeof v === "number" ? v : unsqueeze(v as Tensor, -1));
  const a = perMatrix(atol ?? 0);
  const r = perMatrix(rtol ?? (atol !== null && atol !== undefined ? 0 : eps(A) * Math.max(rows(A), cols(A))));
  const t = mul(big, r);
  return typeof a === "number" ? clamp_min(t, a) : maximum(t, a);
}
export function linalg_pinv(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_pinv", args, ["rcond", "hermitian", "atol", "rtol"], { hermitian: false, atol: null, rtol: null });
  const op = "linalg.pinv";
  checkTensor(op, "input", A);
  if (A.ndim < 2 || !(A.dtype.is_complex || (A.dtype.is_floating_point && A.dtype.itemsize >= 4)))
    throw new TorchError(
      `linalg.pinv(${A.dtype.scalarName}{[${A.shape.join(", ")}]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types`,
    );
  const rtol = o.rcond ?? o.rtol;
  for (const [name, t] of [
    ["atol", o.atol],
    ["rtol", rtol],
  ] as const)
    if (t instanceof Tensor && t.requires_grad && is_grad_enabled())
      throw new TorchError(
        `The function 'linalg_pinv' is not differentiable with respect to argument '${name}'. This input cannot have requires_grad True.`,
      );
  const pinv = () => {
    if (A.numel() === 0) {
      // PyTorch returns V diag(1/S) U^T of the empty input, its tolerances unused (nor broadcast)
      const [U, S, Vh] = bind(P.svd, [A], { full_matrices: false }) as [Tensor, Tensor, Tensor];
      return mm(mul(mH(Vh), unsqueeze(div(1, S), -2)), mH(U));
    }
    if (o.hermitian) {
      const [w, V] = bind(P.eigh, [A], { lower: true }) as [Tensor, Tensor];
      const big = reducePrim(abs(w), "max", lastDims(w), true);
      const keep = gt(abs(w), tolerance(A, big, o.atol, rtol));
      const inv = where(keep, div(1, where(keep, w, 1)), 0);
      return mm(mul(V, unsqueeze(inv, -2)), mH(V));
    }
    const [U, S, Vh] = bind(P.svd, [A], { full_matrices: false }) as [Tensor, Tensor, Tensor];
    const big = reducePrim(S, "max", lastDims(S), true);
    const keep = gt(S, tolerance(A, big, o.atol, rtol));
    const inv = where(keep, div(1, where(keep, S, 1)), 0);
    return mm(mul(mH(Vh), unsqueeze(inv, -2)), mH(U));
  };
  if (!is_grad_enabled() || !A.requires_grad) return surface("linalg_pinv", pinv);
  // PyTorch differentiates pinv by its own formula (pinv_backward), not through the decomposition: the
  // derivative of the pseudo-inverse at A itself, also with hermitian=True (where the forward reads one
  // triangle of A) and where the tolerance cut singular values
  const out = no_grad(pinv);
  recordCustom("LinalgPinvBackward0", [A], [out], ([g], [a], [X]) => [g ? sum_to_size(pinvBackward(g, X!, a!), a!.shape.slice()) : null], {
    inputs: true,
    outputs: true,
  });
  return out;
}
/** PyTorch's pinv_backward: the gradient of X = pinv(A) along g, in the smaller of A's two dims. */
function pinvBackward(g: Tensor, X: Tensor, A: Tensor): Tensor {
  // (complex: the conjugate transposes, as PyTorch's)
  const Xt = mH(X),
    gt_ = mH(g);
  if (rows(A) <= cols(A)) {
    const K = mm(gt_, X),
      KXt = mm(K, Xt);
    return add(sub(sub(KXt, mH(mm(X, K))), mm(mm(A, X), KXt)), mm(mm(Xt, X), sub(gt_, mm(K, A))));
  }
  const K = mm(X, gt_),
    XtK = mm(Xt, K);
  return add(sub(sub(XtK, mH(mm(K, X))), mm(XtK, mm(X, A))), mm(sub(gt_, mm(A, K)), mm(X, Xt)));
}
export function pinverse(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("pinverse", args, ["rcond"], { rcond: 1e-15 });
  return linalg_pinv(A, o.rcond);
}
export function linalg_matrix_rank(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_matrix_rank", args, ["tol", "hermitian", "atol", "rtol"], { hermitian: false, atol: null, rtol: null });
  checkTensor("linalg.matrix_rank", "input", A);
  if (!(A.dtype.is_complex || (A.dtype.is_floating_point && A.dtype.itemsize >= 4)))
    throw new TorchError("This function doesn't handle types other than float and double");
  checkMatrix("linalg.matrix_rank", A);
  return surface("linalg_matrix_rank", () => {
    const s = o.hermitian ? abs(bind(P.eigh, [A], { lower: true })[0]!) : bind(P.svd, [A], { full_matrices: false })[1]!;
    const big = reducePrim(s, "max", lastDims(s), true);
    const tol = o.tol !== null && o.tol !== undefined ? o.tol : null;
    const keep = gt(s, tol !== null ? tol : tolerance(A, big, o.atol, o.rtol));
    return reducePrim(convert(keep, int64), "sum", lastDims(keep), false);
  });
}

// ---- powers and exponentials -----------------------------------------------------------------------
export function linalg_matrix_power(A: Tensor, n: number): Tensor {
  checkSquare("linalg.matrix_power", A);
  return surface("linalg_matrix_power", () => {
    // A^0 = I: PyTorch copies I into a clone of A, so the result is on the graph with a zero gradient
    if (n === 0) return withZeroGradient("LinalgMatrixPowerBackward0", [A], () => expand(eyeLike(rows(A), A), A.shape.slice()).clone());
    let base = n < 0 ? linalg_inv(A) : A;
    let k = Math.abs(n);
    let result: Tensor | null = null;
    while (k > 0) {
      if (k & 1) result = result ? mm(result, base) : base;
      k >>= 1;
      if (k) base = mm(base, base);
    }
    return result!;
  });
}
export const matrix_power = linalg_matrix_power;

// the matrix exponential: PyTorch's Taylor-polynomial algorithm (matrix_exp.ts)
export { linalg_matrix_exp, matrix_exp } from "./matrix_exp.js";

// ---- tensors of matrices ---------------------------------------------------------------------------
export function linalg_tensorinv(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_tensorinv", args, ["ind"], { ind: 2 });
  checkTensor("linalg.tensorinv", "input", A);
  const ind = o.ind as number;
  if (!(ind > 0)) throw new TorchError(`Expected a strictly positive integer for 'ind', but got ${ind}`);
  const outer = A.shape.slice(0, ind),
    inner = A.shape.slice(ind);
  const p = outer.reduce((x, y) => x * y, 1),
    q = inner.reduce((x, y) => x * y, 1);
  if (p !== q)
    throw new TorchError(`Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got ${q} != ${p}`);
  return surface("linalg_tensorinv", () => reshape(linalg_inv(reshape(A, [p, q])), [...inner, ...outer]));
}
export function linalg_tensorsolve(A: Tensor, B: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_tensorsolve", args, ["dims"], { dims: null });
  checkTensor("linalg.tensorsolve", "input", A);
  checkTensor("linalg.tensorsolve", "other", B);
  return surface("linalg_tensorsolve", () => {
    let a = A;
    if (o.dims) {
      const dims = (o.dims as number[]).map((d) => (d < 0 ? d + A.ndim : d));
      a = movedim(
        A,
        dims,
        dims.map((_, i) => A.ndim - dims.length + i),
      );
    }
    const rest = a.shape.slice(B.ndim);
    const q = rest.reduce((x, y) => x * y, 1);
    const p = B.numel();
    if (p !== q)
      throw new TorchError(
        `Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got ${q} != ${p}`,
      );
    return reshape(linalg_solve(reshape(a, [p, q]), reshape(B, [p])), [...rest]);
  });
}
