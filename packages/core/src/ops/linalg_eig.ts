// torch.linalg.eig/eigvals over the eig primitive (a nonsymmetric eigensolver:
// complex results for real or complex input), and the Householder
// representation's torch.* functions: geqrf (a primitive, LAPACK's packed
// output), ormqr and orgqr, composed of linalg.householder_product.
import { surface } from "../autograd.js";
import { bind } from "../dispatch.js";
import { TorchError } from "../errors.js";
import { P } from "../prims.js";
import type { Tensor } from "../tensor.js";
import { checkTensor } from "./args.js";
import { withoutDerivative } from "./base.js";
import { view_as_real } from "./complex.js";
import { zeros } from "./creation.js";
import { isfinite } from "./elementwise.js";
import { named } from "./linalg_decomp.js";
import { linalg_householder_product } from "./linalg_norms.js";
import { cols, mm, mT, rows } from "./linalg_util.js";
import { parseArgs } from "./args.js";
import { all } from "./reduce.js";
import { cat, sliceDim } from "./shape.js";
import { conjIfComplex } from "./complex.js";

/** PyTorch's checks of linalg.eig's input: a square float or complex matrix with finite entries. */
function checkEig(op: string, A: unknown): Tensor {
  const t = checkTensor(op, "A", A);
  if (t.ndim < 2) throw new TorchError(`${op}: The input tensor A must have at least 2 dimensions.`);
  if (rows(t) !== cols(t))
    throw new TorchError(`${op}: A must be batches of square matrices, but they are ${rows(t)} by ${cols(t)} matrices`);
  if (!(t.dtype.is_complex || (t.dtype.is_floating_point && t.dtype.itemsize >= 4)))
    throw new TorchError(`${op}: Unknown Complex ScalarType for ${t.dtype.scalarName}`);
  // PyTorch reads this on the host too (geev would loop forever on NaN)
  const finite = isfinite(t.dtype.is_complex ? view_as_real(t) : t);
  if (!all(finite).item()) throw new TorchError("torch.linalg.eig: input tensor should not contain infs or NaNs.");
  return t;
}

/** torch.linalg.eig(A): (eigenvalues, eigenvectors), complex; each eigenvector of unit norm, largest component real. */
export function linalg_eig(A: Tensor) {
  checkEig("linalg.eig", A);
  return surface("linalg_eig", () => {
    const [eigenvalues, eigenvectors] = bind(P.eig, [A]) as [Tensor, Tensor];
    return named({ eigenvalues, eigenvectors });
  });
}
/** torch.linalg.eigvals(A): the eigenvalues of linalg.eig (its backward too: PyTorch's eigvals is eig's first output). */
export function linalg_eigvals(A: Tensor): Tensor {
  checkEig("linalg.eigvals", A);
  return surface("linalg_eig", () => bind(P.eig, [A])[0]!);
}

/** torch.geqrf(input): (a, tau) as LAPACK's geqrf packs them; not differentiable in PyTorch. */
export function geqrf(input: Tensor) {
  const t = checkTensor("geqrf", "input", input);
  if (t.ndim < 2) throw new TorchError("torch.geqrf: input must have at least 2 dimensions.");
  if (!(t.dtype.is_complex || (t.dtype.is_floating_point && t.dtype.itemsize >= 4)))
    throw new TorchError(`"geqrf_cpu" not implemented for '${t.dtype.scalarName}'`);
  return surface("geqrf", () => {
    const [a, tau] = withoutDerivative("GeqrfBackward0", "the derivative for 'geqrf' is not implemented.", [t], () =>
      bind(P.geqrf, [t]),
    ) as [Tensor, Tensor];
    return named({ a, tau });
  });
}

/** torch.orgqr(input, tau): torch.linalg.householder_product under its LAPACK name. */
export function orgqr(input: Tensor, tau: Tensor): Tensor {
  return linalg_householder_product(input, tau);
}

/**
 * torch.ormqr(input, tau, other, left=True, transpose=False): op(Q) other (left) or other op(Q), Q the
 * m x m product of the Householder reflectors input and tau encode (m = input.shape[-2]); op = (conjugate)
 * transpose with `transpose`. Q is householder_product of the reflectors padded with identities (tau 0).
 */
export function ormqr(input: Tensor, tau: Tensor, other: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("ormqr", args, ["left", "transpose"], { left: true, transpose: false });
  const op = "torch.ormqr";
  checkTensor("ormqr", "input", input);
  checkTensor("ormqr", "tau", tau);
  checkTensor("ormqr", "other", other);
  if (input.ndim < 2) throw new TorchError(`${op}: input must have at least 2 dimensions.`);
  if (other.ndim < 2) throw new TorchError(`${op}: other must have at least 2 dimensions.`);
  const left = !!o.left;
  const cond = left ? -2 : -1;
  const k = tau.ndim ? tau.shape[tau.ndim - 1]! : 1;
  const mn = rows(input);
  const otherAt = other.shape[other.ndim + cond]!;
  if (otherAt < k) throw new TorchError(`${op}: other.shape[${cond}] must be greater than or equal to tau.shape[-1]`);
  if (otherAt !== mn) throw new TorchError(`${op}: other.shape[${cond}] must be equal to input.shape[-2]`);
  if (k > cols(input)) throw new TorchError(`${op}: tau.shape[-1] must be less than or equal to input.shape[-1]`);
  if (input.ndim - tau.ndim !== 1)
    throw new TorchError(
      `${op}: Expected tau to have one dimension less than input, but got tau.ndim equal to ${tau.ndim} and input.ndim is equal to ${input.ndim}`,
    );
  if (input.ndim !== other.ndim)
    throw new TorchError(
      `${op}: Expected other to have the same number of dimensions as input, but got other.ndim equal to ${other.ndim} and input.ndim is equal to ${input.ndim}`,
    );
  const batch = input.shape.slice(0, -2);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(tau.shape.slice(0, -1), batch))
    throw new TorchError(
      `${op}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got [${tau.shape.slice(0, -1).join(", ")}]`,
    );
  if (!same(other.shape.slice(0, -2), batch))
    throw new TorchError(
      `${op}: Expected batch dimensions of other to be equal to input.shape[:-2], but got [${other.shape.slice(0, -2).join(", ")}]`,
    );
  if (input.dtype !== tau.dtype)
    throw new TorchError(
      `${op}: Expected input and tau to have the same dtype, but input has dtype${input.dtype.scalarName} and tau has dtype ${tau.dtype.scalarName}`,
    );
  if (input.dtype !== other.dtype)
    throw new TorchError(
      `${op}: Expected input and other to have the same dtype, but input has dtype${input.dtype.scalarName} and other has dtype ${other.dtype.scalarName}`,
    );
  return surface("ormqr", () =>
    withoutDerivative("OrmqrBackward0", "the derivative for 'ormqr' is not implemented.", [input, tau, other], () => {
      // the first k reflectors, then identities (zero vectors, zero scales) up to m x m
      let V = sliceDim(input, input.ndim - 1, 0, k);
      let t = tau;
      if (k < mn) {
        V = cat([V, zeros([...batch, mn, mn - k], { dtype: input.dtype, device: input.device })], -1);
        t = cat([tau, zeros([...batch, mn - k], { dtype: tau.dtype, device: tau.device })], -1);
      }
      let Q = linalg_householder_product(V, t);
      if (o.transpose) Q = conjIfComplex(mT(Q));
      return left ? mm(Q, other) : mm(other, Q);
    }),
  );
}
