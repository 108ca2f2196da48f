// torch.special: the namespace's functions under PyTorch's names. The new math
// is in special.ts and special_polynomials.ts; the rest are the torch.* ops
// under their special names (expit is sigmoid, gammaln lgamma, psi digamma,
// multigammaln mvlgamma, gammainc/gammaincc igamma/igammac).
import type { Tensor } from "../tensor.js";
import { parseArgs } from "./args.js";
import { erfc as erfcImpl, logit as logitImpl, sinc as sincImpl, xlogy as xlogyImpl } from "./math.js";
import {
  erf as erfImpl,
  erfinv as erfinvImpl,
  exp2 as exp2Impl,
  expm1 as expm1Impl,
  log1p as log1pImpl,
  round as roundImpl,
  sigmoid,
} from "./elementwise.js";
import { log_softmax as logSoftmaxImpl, logsumexp as logsumexpImpl, softmax as softmaxImpl } from "./reduce.js";
import { digamma, igamma, igammac, lgamma } from "./special.js";
import type { TensorOrScalar } from "./args.js";

export { airy_ai } from "./special_airy.js";

export {
  digamma,
  digamma as psi,
  entr,
  erfcx,
  i0,
  i0e,
  i1,
  i1e,
  log_ndtr,
  ndtr,
  ndtri,
  polygamma,
  multigammaln,
  xlog1py,
  zeta,
  bessel_j0,
  bessel_j1,
  bessel_y0,
  bessel_y1,
  modified_bessel_i0,
  modified_bessel_i1,
  modified_bessel_k0,
  modified_bessel_k1,
  scaled_modified_bessel_k0,
  scaled_modified_bessel_k1,
  spherical_bessel_j0,
} from "./special.js";
export * from "./special_polynomials.js";

export const gammaln = (input: Tensor): Tensor => lgamma(input);
export const gammainc = (input: Tensor, other: Tensor): Tensor => igamma(input, other);
export const gammaincc = (input: Tensor, other: Tensor): Tensor => igammac(input, other);
export const erf = (input: Tensor): Tensor => erfImpl(input);
export const erfc = (input: Tensor): Tensor => erfcImpl(input);
export const erfinv = (input: Tensor): Tensor => erfinvImpl(input);
export const exp2 = (input: Tensor): Tensor => exp2Impl(input);
export const expm1 = (input: Tensor): Tensor => expm1Impl(input);
export const expit = (input: Tensor): Tensor => sigmoid(input);
export const log1p = (input: Tensor): Tensor => log1pImpl(input);
export const sinc = (input: Tensor): Tensor => sincImpl(input);
export const xlogy = (input: TensorOrScalar, other: TensorOrScalar): Tensor => xlogyImpl(input, other);
/** special.logit(input, eps=None) */
export const logit = (input: Tensor, ...args: unknown[]): Tensor => logitImpl(input, ...args);
/** special.round(input, *, decimals=0) */
export const round = (input: Tensor, ...args: unknown[]): Tensor => roundImpl(input, ...args);
/** special.logsumexp(input, dim, keepdim=False) */
export const logsumexp = (input: Tensor, ...args: unknown[]): Tensor => logsumexpImpl(input, ...args);
/** special.softmax(input, dim, dtype=None): dtype positional, unlike torch.softmax's */
export function softmax(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("special_softmax", args, ["dim", "dtype"], { dtype: null });
  return o.dtype === null ? softmaxImpl(input, o.dim) : softmaxImpl(input, o.dim, { dtype: o.dtype });
}
/** special.log_softmax(input, dim, *, dtype=None) */
export function log_softmax(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("special_log_softmax", args, ["dim", "dtype"], { dtype: null });
  return o.dtype === null ? logSoftmaxImpl(input, o.dim) : logSoftmaxImpl(input, o.dim, { dtype: o.dtype });
}
