// torch.linalg's decompositions (cholesky, qr, eigh, svd, lu) and their
// torch.* forms (torch.cholesky, torch.qr, torch.svd, torch.lu_unpack), over the
// cholesky/qr/eigh/svd/lu primitives. Factorization failures are read off the
// result (LAPACK's info) and throw PyTorch's LinAlgError text, which reads the
// info on the host, as PyTorch does.
import { surface } from "../autograd.js";
import { bind, bind1 } from "../dispatch.js";
import { int64 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { P } from "../prims.js";
import type { Tensor } from "../tensor.js";
import { parseArgs } from "./args.js";
import { convert, withoutDerivative } from "./base.js";
import { real } from "./complex.js";
import { zeros } from "./creation.js";
import { add, eq, gt, logical_not, sub } from "./elementwise.js";
import { checkMatrix, checkSquare, cols, diag, eyeLike, firstTrue, LinAlgError, mH, mT, permRows, rows } from "./linalg_util.js";
import { tril, triu } from "./matrix.js";
import { scatter } from "./scatter.js";
import { expand, reshape, sliceDim } from "./shape.js";
import { gather } from "./indexing.js";

/** A PyTorch return type: the values as an array that also names them (L, info), like namedPair. */
export function named<T extends Record<string, Tensor>>(fields: T): Tensor[] & T {
  return Object.assign(Object.values(fields), fields);
}

/** Throws `message(info)` for the first nonzero info (LinAlgError, "(Batch element i): " for batched input). */
export function checkInfo(op: string, info: Tensor, batched: boolean, message: (info: number) => string): void {
  const flat = reshape(info, [-1]).tolist() as number[];
  const i = flat.findIndex((v) => v !== 0);
  if (i < 0) return;
  throw new LinAlgError(`${op}: ${batched ? `(Batch element ${i}): ` : ""}${message(flat[i]!)}`);
}
const sliceLast = (x: Tensor, dim: number, start: number, end: number) => sliceDim(x, x.ndim + dim, start, end);

// ---- cholesky ---------------------------------------------------------------------
const notPd = (k: number) =>
  `The factorization could not be completed because the input is not positive-definite (the leading minor of order ${k} is not positive-definite).`;

function choleskyCore(op: string, A: Tensor, upper: boolean, check: boolean): [Tensor, Tensor] {
  const L = bind1(P.cholesky, [A]);
  // a complex factor's diagonal is real (its imaginary parts are 0)
  const d = L.dtype.is_complex ? real(diag(L)) : diag(L);
  const info = firstTrue(logical_not(gt(d, 0)));
  if (check) checkInfo(op, info, A.ndim > 2, notPd);
  // A = L L^H = U^H U
  return [upper ? mH(L) : L, info];
}

export function linalg_cholesky_ex(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_cholesky_ex", args, ["upper", "check_errors"], { upper: false, check_errors: false });
  checkSquare("linalg.cholesky", A);
  return surface("linalg_cholesky_ex", () => {
    const [L, info] = choleskyCore("linalg.cholesky", A, !!o.upper, !!o.check_errors);
    return named({ L, info });
  });
}
export function linalg_cholesky(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_cholesky", args, ["upper"], { upper: false });
  checkSquare("linalg.cholesky", A);
  return surface("linalg_cholesky_ex", () => choleskyCore("linalg.cholesky", A, !!o.upper, true)[0]);
}
/** torch.cholesky(input, upper=False): deprecated in PyTorch, the same factor. */
export function cholesky(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("cholesky", args, ["upper"], { upper: false });
  checkSquare("cholesky", A);
  return surface("cholesky", () => choleskyCore("cholesky", A, !!o.upper, true)[0]);
}

// ---- qr -------------------------------------------------------------------------------
export function linalg_qr(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_qr", args, ["mode"], { mode: "reduced" });
  checkMatrix("linalg.qr", A);
  const mode = o.mode as string;
  if (mode !== "reduced" && mode !== "complete" && mode !== "r")
    throw new TorchError(`qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  if (mode === "r") return surface("linalg_qr", () => qrModeR(A));
  return surface("linalg_qr", () => {
    const [Q, R] = bind(P.qr, [A], { complete: mode === "complete" }) as [Tensor, Tensor];
    return named({ Q, R });
  });
}
/** Mode 'r': PyTorch computes no Q (an empty tensor), and R's backward throws (the derivative needs Q). */
function qrModeR(A: Tensor) {
  const R = withoutDerivative(
    "LinalgQrBackward0",
    "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.",
    [A],
    () => bind(P.qr, [A], { complete: false })[1]!,
  );
  return named({ Q: zeros([0], { dtype: A.dtype, device: A.device }), R });
}
export function qr(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("qr", args, ["some"], { some: true });
  checkMatrix("qr", A);
  return surface("linalg_qr", () => {
    const [Q, R] = bind(P.qr, [A], { complete: !o.some }) as [Tensor, Tensor];
    return named({ Q, R });
  });
}

// ---- eigh ---------------------------------------------------------------------------------
function uplo(v: unknown): boolean {
  if (v !== "L" && v !== "U") throw new TorchError(`Expected UPLO argument to be 'L' or 'U', but got ${String(v)}`);
  return v === "L";
}
export function linalg_eigh(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_eigh", args, ["UPLO"], { UPLO: "L" });
  checkSquare("linalg.eigh", A);
  const lower = uplo(o.UPLO);
  return surface("linalg_eigh", () => {
    const [eigenvalues, eigenvectors] = bind(P.eigh, [A], { lower }) as [Tensor, Tensor];
    return named({ eigenvalues: eigenvalues, eigenvectors: eigenvectors });
  });
}
export function linalg_eigvalsh(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_eigvalsh", args, ["UPLO"], { UPLO: "L" });
  checkSquare("linalg.eigvalsh", A);
  const lower = uplo(o.UPLO);
  return surface("linalg_eigh", () => bind(P.eigh, [A], { lower })[0]!);
}

// ---- svd ------------------------------------------------------------------------------------
export function linalg_svd(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_svd", args, ["full_matrices", "driver"], { full_matrices: true, driver: null });
  checkMatrix("linalg.svd", A);
  return surface("linalg_svd", () => {
    const [U, S, Vh] = bind(P.svd, [A], { full_matrices: !!o.full_matrices }) as [Tensor, Tensor, Tensor];
    return named({ U, S, Vh });
  });
}
export function linalg_svdvals(A: Tensor, ...args: unknown[]): Tensor {
  parseArgs("linalg_svdvals", args, ["driver"], { driver: null });
  checkMatrix("linalg.svdvals", A);
  return surface("linalg_svd", () => bind(P.svd, [A], { full_matrices: false })[1]!);
}
/** torch.svd(input, some=True, compute_uv=True): V, not V^H; without compute_uv, U and V are zeros (full size). */
export function svd(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("svd", args, ["some", "compute_uv"], { some: true, compute_uv: true });
  checkMatrix("svd", A);
  return surface("linalg_svd", () => {
    if (!o.compute_uv) {
      const S = bind(P.svd, [A], { full_matrices: false })[1]!;
      const lead = A.shape.slice(0, -2);
      const z = (n: number) => zeros([...lead, n, n], { dtype: A.dtype, device: A.device });
      return named({ U: z(rows(A)), S, V: z(cols(A)) });
    }
    const [U, S, Vh] = bind(P.svd, [A], { full_matrices: !o.some }) as [Tensor, Tensor, Tensor];
    return named({ U, S, V: mT(Vh) });
  });
}

// ---- lu --------------------------------------------------------------------------------------
function luCore(op: string, A: Tensor, pivot: unknown): [Tensor, Tensor, Tensor, Tensor] {
  // the one LU kernel pivots (the xla device computes it on the host too): no device gives an unpivoted LU
  if (!pivot)
    throw new TorchError(
      `${op}: LU without pivoting is not implemented on the ${A.device.type === "cpu" ? "CPU" : `${A.device.type} device`}`,
    );
  const [LU, pivots, perm] = bind(P.lu, [A]) as [Tensor, Tensor, Tensor];
  const k = Math.min(rows(A), cols(A));
  const info = firstTrue(eq(diag(sliceLast(sliceLast(LU, -2, 0, k), -1, 0, k)), 0));
  return [LU, pivots, perm, info];
}
export function linalg_lu_factor_ex(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_lu_factor_ex", args, ["pivot", "check_errors"], { pivot: true, check_errors: false });
  checkMatrix("torch.linalg.lu_factor_ex", A);
  return surface("linalg_lu_factor_ex", () => {
    const [LU, pivots, , info] = luCore("linalg.lu_factor", A, o.pivot);
    if (o.check_errors) checkInfo("torch.linalg.lu_factor_ex", info, A.ndim > 2, (i) => `U[${i},${i}] is zero.`);
    return named({ LU, pivots, info });
  });
}
export function linalg_lu_factor(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_lu_factor", args, ["pivot"], { pivot: true });
  checkMatrix("torch.linalg.lu_factor", A);
  return surface("linalg_lu_factor_ex", () => {
    const [LU, pivots, , info] = luCore("linalg.lu_factor", A, o.pivot);
    checkInfo(
      "torch.linalg.lu_factor",
      info,
      A.ndim > 2,
      (i) =>
        `U[${i},${i}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)`,
    );
    return named({ LU, pivots });
  });
}
/** P, L, U of a packed factorization and its row permutation. */
function unpack(LU: Tensor, perm: Tensor): { P: Tensor; L: Tensor; U: Tensor } {
  const m = rows(LU),
    n = cols(LU),
    k = Math.min(m, n);
  const L = add(tril(sliceLast(LU, -1, 0, k), -1), eyeLike(m, LU, k));
  const U = triu(sliceLast(LU, -2, 0, k));
  return { P: mT(permRows(perm, LU)), L, U };
}
export function linalg_lu(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_lu", args, ["pivot"], { pivot: true });
  checkMatrix("linalg.lu", A);
  return surface("linalg_lu", () => {
    const [LU, , perm] = luCore("linalg.lu", A, o.pivot);
    return named(unpack(LU, perm));
  });
}

/** The row permutation [..., m] that LAPACK's 1-based pivots (row i swapped with pivots[i]) make, with ops. */
export function pivotsToPerm(pivots: Tensor, m: number): Tensor {
  const lead = pivots.shape.slice(0, -1);
  let perm = expand(bind1(P.iota, [], { shape: [m], dim: 0, dtype: int64 }, pivots.device), [...lead, m]);
  const piv = sub(convert(pivots, int64), 1);
  for (let i = 0; i < pivots.shape[pivots.ndim - 1]!; i++) {
    const j = sliceLast(piv, -1, i, i + 1);
    const pi = sliceLast(perm, -1, i, i + 1);
    const pj = gather(perm, -1, j);
    const at = (v: Tensor, k: number) => add(mulZero(v), k);
    perm = scatter(scatter(perm, -1, at(j, i), pj), -1, j, pi);
  }
  return perm;
}
const mulZero = (v: Tensor) => sub(v, v);

export function lu_unpack(LU_data: Tensor, LU_pivots: Tensor, ...args: unknown[]) {
  const o = parseArgs("lu_unpack", args, ["unpack_data", "unpack_pivots"], { unpack_data: true, unpack_pivots: true });
  checkMatrix("lu_unpack", LU_data, "LU_data");
  return surface("lu_unpack", () => {
    const u = unpack(LU_data, pivotsToPerm(LU_pivots, rows(LU_data)));
    const empty = () => zeros([0], { dtype: LU_data.dtype, device: LU_data.device });
    return named({ P: o.unpack_pivots ? u.P : empty(), L: o.unpack_data ? u.L : empty(), U: o.unpack_data ? u.U : empty() });
  });
}
