// torch.svd_lowrank and torch.pca_lowrank: PyTorch 1.13's randomized range
// finder and low-rank SVD (torch/_lowrank.py, Halko et al. 2009, algorithms 4.4
// and 5.1), step for step: the same randn draw (n x q, from the default
// generator), the same QR/SVD calls and products, so with the same manual_seed
// the results are PyTorch's up to the SVD's column signs (linalg.svd's own
// convention here). Composed of ops, so they run on cpu and xla and differentiate.
// Dense real inputs only (PyTorch's sparse branch has no counterpart here).
import { float32 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { sub } from "./elementwise.js";
import { linalg_qr, linalg_svd } from "./linalg_decomp.js";
import { mm, mT } from "./linalg_util.js";
import { randn } from "./random.js";
import { mean } from "./reduce.js";

const Q_of = (x: Tensor): Tensor => linalg_qr(x).Q;

/** _lowrank.get_approximate_basis: Q with q orthonormal columns such that Q Q^H (A - M) approximates A - M. */
function approximateBasis(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor {
  const n = A.shape[A.ndim - 1]!;
  // _utils.get_floating_dtype: a float dtype as it is, anything else float32
  const dtype = A.dtype.is_floating_point ? A.dtype : float32;
  const R = randn(n, q, { dtype, device: A.device });
  const A_H = mT(A);
  if (M === null) {
    let Q = Q_of(mm(A, R));
    for (let i = 0; i < niter; i++) {
      Q = Q_of(mm(A_H, Q));
      Q = Q_of(mm(A, Q));
    }
    return Q;
  }
  const M_H = mT(M);
  let Q = Q_of(sub(mm(A, R), mm(M, R)));
  for (let i = 0; i < niter; i++) {
    Q = Q_of(sub(mm(A_H, Q), mm(M_H, Q)));
    Q = Q_of(sub(mm(A, Q), mm(M, Q)));
  }
  return Q;
}

/** _lowrank._svd_lowrank: U [..., m, q], S [..., q], V [..., n, q] with A - M ~ U diag(S) V^T. */
function svdLowrank(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor[] & { U: Tensor; S: Tensor; V: Tensor } {
  const m = A.shape[A.ndim - 2]!,
    n = A.shape[A.ndim - 1]!;
  // PyTorch's asserts on B_t's shape fail for these (an AssertionError there): say why instead
  if (q > Math.min(m, n))
    throw new TorchError(
      `svd_lowrank: q (=${q}) must not be greater than min(m, n) = ${Math.min(m, n)} for an input of shape [${A.shape.join(", ")}]`,
    );
  const M_t = M === null ? null : mT(M);
  const A_t = mT(A);
  let U: Tensor, S: Tensor, V: Tensor;
  if (m < n || n > q) {
    const Q = approximateBasis(A_t, q, niter, M_t);
    const B_t = M === null ? mm(A, Q) : sub(mm(A, Q), mm(M, Q));
    const r = linalg_svd(B_t, false);
    [U, S] = [r.U, r.S];
    V = mm(Q, mT(r.Vh));
  } else {
    const Q = approximateBasis(A, q, niter, M);
    const B = M_t === null ? mm(A_t, Q) : sub(mm(A_t, Q), mm(M_t, Q));
    const r = linalg_svd(mT(B), false);
    S = r.S;
    V = mT(r.Vh);
    U = mm(Q, r.U);
  }
  return Object.assign([U, S, V], { U, S, V });
}

function checkInput(op: string, A: unknown): Tensor {
  const t = checkTensor(op, "A", A);
  if (t.ndim < 2) throw new TorchError(`${op}: expected A of size (*, m, n), but got a ${t.ndim}-D tensor`);
  if (t.dtype.is_complex) throw new TorchError(`${op}: complex inputs are not supported yet (got ${t.dtype.scalarName})`);
  return t;
}
function checkCount(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TorchError(`${op}: ${name} must be an integer, not ${String(v)}`);
  return v;
}

/** torch.svd_lowrank(A, q=6, niter=2, M=None) -> (U, S, V). */
export function svd_lowrank(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("svd_lowrank", args, ["q", "niter", "M"], { q: 6, niter: 2, M: null });
  checkInput("svd_lowrank", A);
  const q = checkCount("svd_lowrank", "q", o.q ?? 6);
  const niter = checkCount("svd_lowrank", "niter", o.niter ?? 2);
  const M = o.M === null ? null : checkTensor("svd_lowrank", "M", o.M);
  return svdLowrank(A, q, niter, M);
}

/** torch.pca_lowrank(A, q=None, center=True, niter=2) -> (U, S, V) of A less its column means (center). */
export function pca_lowrank(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("pca_lowrank", args, ["q", "center", "niter"], { q: null, center: true, niter: 2 });
  checkInput("pca_lowrank", A);
  const m = A.shape[A.ndim - 2]!,
    n = A.shape[A.ndim - 1]!;
  let q: number;
  if (o.q === null) q = Math.min(6, m, n);
  else {
    q = checkCount("pca_lowrank", "q", o.q);
    // PyTorch's ValueError texts
    if (!(q >= 0 && q <= Math.min(m, n)))
      throw new TorchError(`q(=${q}) must be non-negative integer and not greater than min(m, n)=${Math.min(m, n)}`);
  }
  const niter = checkCount("pca_lowrank", "niter", o.niter);
  if (!(niter >= 0)) throw new TorchError(`niter(=${niter}) must be non-negative integer`);
  if (!o.center) return svdLowrank(A, q, niter, null);
  const C = mean(A, [-2], true);
  return svdLowrank(sub(A, C), q, niter, null);
}
