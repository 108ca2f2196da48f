// torch.symeig(input, eigenvectors=False, upper=True) (deprecated in PyTorch
// 1.13 in favour of torch.linalg.eigh, and still in its op_db): linalg.eigh /
// linalg.eigvalsh of the triangle `upper` names. Without eigenvectors, PyTorch
// returns an empty [0] tensor in their place (an empty input: its own shape).
import { TorchError, TorchTypeError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { empty } from "./creation.js";
import { linalg_eigh, linalg_eigvalsh, named } from "./linalg_decomp.js";

/** torch.symeig(input, eigenvectors=False, upper=True) -> (eigenvalues, eigenvectors). */
export function symeig(input: Tensor, ...args: unknown[]) {
  const o = parseArgs("symeig", args, ["eigenvectors", "upper"], { eigenvectors: false, upper: true });
  const A = checkTensor("symeig", "input", input);
  for (const k of ["eigenvectors", "upper"] as const)
    if (typeof o[k] !== "boolean") throw new TorchTypeError(`symeig(): argument '${k}' must be bool, not ${typeof o[k]}`);
  // PyTorch checks the shape (linalg.symeig's words) before its kernel refuses the dtype
  if (A.ndim < 2) throw new TorchError("linalg.symeig: The input tensor A must have at least 2 dimensions.");
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (m !== n) throw new TorchError(`linalg.symeig: A must be batches of square matrices, but they are ${m} by ${n} matrices`);
  if (!((A.dtype.is_complex && A.dtype.itemsize >= 8) || (A.dtype.is_floating_point && A.dtype.itemsize >= 4)))
    throw new TorchError(`"symeig_cpu" not implemented for '${A.dtype.scalarName}'`);
  const UPLO = o.upper ? "U" : "L";
  if (o.eigenvectors) {
    const r = linalg_eigh(A, { UPLO });
    return named({ eigenvalues: r.eigenvalues, eigenvectors: r.eigenvectors });
  }
  const eigenvalues = linalg_eigvalsh(A, { UPLO });
  const none = empty(A.numel() === 0 ? A.shape.slice() : [0], { dtype: A.dtype, device: A.device });
  return named({ eigenvalues, eigenvectors: none });
}
