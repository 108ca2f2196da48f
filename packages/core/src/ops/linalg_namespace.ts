// torch.linalg: the namespace's functions under PyTorch's names (the
// implementations live in linalg_decomp.ts, linalg_solve.ts, linalg_norms.ts;
// matmul, diagonal and cross are the torch.* ops with linalg's defaults).
import type { Tensor } from "../tensor.js";
import { parseArgs } from "./args.js";
import { matmul as matmulImpl } from "./linalg.js";
import { diagonal as diagonalImpl } from "./matrix.js";

export {
  linalg_cholesky as cholesky,
  linalg_cholesky_ex as cholesky_ex,
  linalg_qr as qr,
  linalg_eigh as eigh,
  linalg_eigvalsh as eigvalsh,
  linalg_svd as svd,
  linalg_svdvals as svdvals,
  linalg_lu as lu,
  linalg_lu_factor as lu_factor,
  linalg_lu_factor_ex as lu_factor_ex,
} from "./linalg_decomp.js";
export {
  linalg_solve as solve,
  linalg_solve_ex as solve_ex,
  linalg_solve_triangular as solve_triangular,
  linalg_lu_solve as lu_solve,
  linalg_inv as inv,
  linalg_inv_ex as inv_ex,
  linalg_det as det,
  linalg_slogdet as slogdet,
  linalg_lstsq as lstsq,
  linalg_pinv as pinv,
  linalg_matrix_rank as matrix_rank,
  linalg_matrix_power as matrix_power,
  linalg_matrix_exp as matrix_exp,
  linalg_tensorinv as tensorinv,
  linalg_tensorsolve as tensorsolve,
} from "./linalg_solve.js";
export {
  linalg_vector_norm as vector_norm,
  linalg_matrix_norm as matrix_norm,
  linalg_norm as norm,
  linalg_cond as cond,
  linalg_multi_dot as multi_dot,
  linalg_cross as cross,
  linalg_vander as vander,
  linalg_vecdot as vecdot,
  linalg_householder_product as householder_product,
} from "./linalg_norms.js";
export { linalg_eig as eig, linalg_eigvals as eigvals } from "./linalg_eig.js";
export { linalg_ldl_factor as ldl_factor, linalg_ldl_factor_ex as ldl_factor_ex, linalg_ldl_solve as ldl_solve } from "./linalg_ldl.js";
export { LinAlgError } from "./linalg_util.js";

export const matmul = (input: Tensor, other: Tensor): Tensor => matmulImpl(input, other);
/** linalg.diagonal(A, *, offset=0, dim1=-2, dim2=-1): the last two dims by default. */
export function diagonal(A: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_diagonal", args, ["offset", "dim1", "dim2"], { offset: 0, dim1: -2, dim2: -1 });
  return diagonalImpl(A, o.offset, o.dim1, o.dim2);
}
