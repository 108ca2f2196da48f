// The torch.* functions of the core, one file per concept.
export * from "./creation.js";
export * from "./elementwise.js";
// math.ts also holds logaddexpImpl, shared with scan.ts, which is not public
export {
  nan_to_num,
  hypot,
  logaddexp,
  logaddexp2,
  xlogy,
  sinc,
  heaviside,
  copysign,
  deg2rad,
  rad2deg,
  float_power,
  sgn,
  logit,
  erfc,
  addcmul,
  addcdiv,
} from "./math.js";
export * from "./compare.js";
export * from "./reduce.js";
export { var_ as var } from "./reduce.js";
export * from "./scan.js";
export * from "./sort.js";
export * from "./shape.js";
export * from "./tensor_lists.js";
export * from "./indexing.js";
export * from "./scatter.js";
export * from "./linalg.js";
export * from "./scale_add.js";
export * from "./matrix.js";
export { copy_, fill_, zero_, assign, inplace, writing } from "./inplace.js";
export { clearScalarOperands, namedPair, scalarTensor, convert as _convert, expandTo as _expandTo } from "./base.js";
export { parseArgs, splitSizes, type Scalar, type TensorOrScalar } from "./args.js";
export * from "./random.js";
// torch.* linear algebra outside torch.linalg (torch.cholesky, torch.svd's V, ...)
export { cholesky, qr, svd, lu_unpack } from "./linalg_decomp.js";
export { lu, lu_solve } from "./lu_torch.js";
export { geqrf, ormqr, orgqr } from "./linalg_eig.js";
// torch.svd_lowrank, torch.pca_lowrank (randomized, composed of randn, qr and svd)
export { svd_lowrank, pca_lowrank } from "./lowrank.js";
export {
  triangular_solve,
  cholesky_solve,
  cholesky_inverse,
  inverse,
  det,
  slogdet,
  logdet,
  pinverse,
  matrix_exp,
  matrix_power,
} from "./linalg_solve.js";
// complex numbers (torch.complex, polar, view_as_real, real/imag, angle, conj, ...)
export {
  complex,
  polar,
  view_as_real,
  view_as_complex,
  real,
  imag,
  angle,
  conj,
  conj_physical,
  resolve_conj,
  resolve_neg,
  is_conj,
  is_complex,
} from "./complex.js";
export { stft, istft } from "./stft.js";
export { gcd, lcm, bitwise_left_shift, bitwise_right_shift } from "./integer_math.js";
export { fmax, fmin, ldexp, frexp, nextafter } from "./float_parts.js";
export { select_scatter, slice_scatter, diagonal_scatter, as_strided, as_strided_scatter } from "./scatter_views.js";
export { trapezoid, trapz, cumulative_trapezoid, gradient } from "./integrate.js";
export { quantile, nanquantile, cov, corrcoef, histc, histogram, bincount, mode } from "./statistics.js";
export { logspace, is_tensor, as_tensor, frombuffer } from "./creation_extras.js";
export { empty_strided, new_empty_strided } from "./empty_strided.js";
export { symeig } from "./symeig.js";
export { take, put, index_reduce, msort, repeat_interleave, combinations } from "./selection_extras.js";
export { split_with_sizes, diagflat } from "./reshaping_extras.js";
export { positive, rsub, renorm } from "./arith_extras.js";
// torch.cond, torch.while_loop (control_flow.ts)
export { cond, while_loop } from "./control_flow.js";
// torch.special functions with torch.* names
export { lgamma, digamma, polygamma, mvlgamma, i0, igamma, igammac } from "./special.js";
export * from "./nn_aliases.js";
export { histogramdd } from "./histogramdd.js";
export { segment_reduce } from "./segment_reduce.js";
// the aten normalizations returning their saved statistics (torch.native_layer_norm, torch.native_batch_norm)
export { native_layer_norm, native_batch_norm } from "./native_norm.js";
// PyTorch's alias names and torch.<op>_ in-place functions, window functions, and other small names (issue 10)
export * from "./aliases.js";
export * from "./windows.js";
export * from "./misc_names.js";
export { constant_pad_nd } from "./constant_pad.js";
