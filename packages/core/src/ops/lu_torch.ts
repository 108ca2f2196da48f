// torch.lu and torch.lu_solve: PyTorch 1.13's deprecated spellings of
// linalg.lu_factor_ex and linalg.lu_solve, composed from them (so cpu, xla and
// autograd come from those). torch.lu never checks the factorization: PyTorch's
// _lu_with_info calls lu_factor_ex without check_errors whatever get_infos says,
// so a singular A returns its LU (and, with get_infos, a non-zero info).
import { int32 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { linalg_lu_factor_ex } from "./linalg_decomp.js";
import { linalg_lu_solve } from "./linalg_solve.js";

/** torch.lu(A, pivot=True, get_infos=False) -> (LU, pivots) or (LU, pivots, infos). */
export function lu(...args: unknown[]): Tensor[] {
  // torch.lu is a Python function taking (*args, **kwargs): A may come by keyword too
  const o = parseArgs("lu", args, ["A", "pivot", "get_infos"], { pivot: true, get_infos: false });
  const t = checkTensor("torch.lu", "A", o.A);
  if (t.ndim < 2)
    throw new TorchError(`torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: [${t.shape.join(", ")}] instead`);
  // (pivot=False is refused by linalg.lu_factor_ex on every device: the one LU kernel pivots)
  const [LU, pivots, infos] = linalg_lu_factor_ex(t, { pivot: !!o.pivot, check_errors: false });
  return o.get_infos ? [LU!, pivots!, infos!] : [LU!, pivots!];
}

/** torch.lu_solve(b, LU_data, LU_pivots) = linalg.lu_solve(LU_data, LU_pivots, b), with PyTorch's input checks. */
export function lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor): Tensor {
  const op = "linalg.lu_solve";
  checkTensor("lu_solve", "b", b);
  checkTensor("lu_solve", "LU_data", LU_data);
  checkTensor("lu_solve", "LU_pivots", LU_pivots);
  if (LU_data.dtype !== b.dtype)
    throw new TorchError(
      `${op}: Expected LU and B to have the same dtype, but found LU of type ${LU_data.dtype.scalarName} and B of type ${b.dtype.scalarName} instead`,
    );
  if (LU_pivots.dtype !== int32) throw new TorchError(`${op}: pivots should be a Tensor of scalar type torch.int32`);
  return linalg_lu_solve(LU_data, LU_pivots, b);
}
