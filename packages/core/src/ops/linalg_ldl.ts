// torch.linalg.ldl_factor(_ex) and ldl_solve: LAPACK's Bunch-Kaufman LDL^T
// (sytrf/sytrs, lower triangle) over the ldl and ldl_solve primitives
// (prims_ldl.ts), with PyTorch 1.13's checks in its order and words. PyTorch
// defines no derivative for either: their float results get a node whose
// backward throws PyTorch's message, as its grad_fn=<NotImplemented> does.
// Complex input: hermitian=False is the complex symmetric factorization (zsytrf,
// A = L D L^T with plain transposes), hermitian=True the Hermitian one (zhetrf,
// A = L D L^H), as PyTorch's; for real input the two are the same.
import { surface } from "../autograd.js";
import { bind, bind1 } from "../dispatch.js";
import { int32 } from "../dtype_all.js";
import { TorchError, TorchIndexError } from "../errors.js";
import { P } from "../prims.js";
import { broadcastShapes } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { convert, withoutDerivative } from "./base.js";
import { named } from "./linalg_decomp.js";
import { cols, LinAlgError, rows } from "./linalg_util.js";
import { expand, reshape } from "./shape.js";

/** PyTorch's squareCheckInputs then checkFloatingOrComplex (that order), then the kernel's dtype dispatch. */
function checkLD(op: string, A: unknown, name: string, kernel: string | null): Tensor {
  const t = checkTensor(op, name, A);
  if (t.ndim < 2) throw new TorchError(`${op}: The input tensor ${name} must have at least 2 dimensions.`);
  if (rows(t) !== cols(t))
    throw new TorchError(`${op}: ${name} must be batches of square matrices, but they are ${rows(t)} by ${cols(t)} matrices`);
  if (!t.dtype.is_floating_point && !t.dtype.is_complex)
    throw new TorchError(`${op}: Expected a floating point or complex tensor as input. Got ${t.dtype.scalarName}`);
  if (t.dtype.itemsize < 4 && kernel) throw new TorchError(`"${kernel}" not implemented for '${t.dtype.scalarName}'`);
  return t;
}

const NO_DERIVATIVE = (op: string) => `derivative for aten::${op} is not implemented`;

/** LD, pivots, info of A (float outputs carry PyTorch's not-implemented derivative). */
function ldlCore(A: Tensor, hermitian: boolean): [Tensor, Tensor, Tensor] {
  return withoutDerivative(
    "NotImplemented",
    NO_DERIVATIVE("linalg_ldl_factor_ex"),
    [A],
    () => bind(P.ldl, [A], { hermitian }) as [Tensor, Tensor, Tensor],
  );
}

/** torch.linalg.ldl_factor_ex(A, *, hermitian=False, check_errors=False) -> (LD, pivots, info). */
export function linalg_ldl_factor_ex(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_ldl_factor_ex", args, ["hermitian", "check_errors"], { hermitian: false, check_errors: false });
  checkLD("torch.linalg.ldl_factor_ex", A, "A", "ldl_factor_kernel_cpu");
  return surface("linalg_ldl_factor_ex", () => {
    const [LD, pivots, info] = ldlCore(A, !!o.hermitian);
    if (o.check_errors) checkSingular("torch.linalg.ldl_factor_ex", info);
    return named({ LD, pivots, info });
  });
}

/** torch.linalg.ldl_factor(A, *, hermitian=False) -> (LD, pivots); a singular input throws. */
export function linalg_ldl_factor(A: Tensor, ...args: unknown[]) {
  const o = parseArgs("linalg_ldl_factor", args, ["hermitian"], { hermitian: false });
  checkLD("torch.linalg.ldl_factor_ex", A, "A", "ldl_factor_kernel_cpu");
  return surface("linalg_ldl_factor_ex", () => {
    const [LD, pivots, info] = ldlCore(A, !!o.hermitian);
    checkSingular("torch.linalg.ldl_factor", info);
    return named({ LD, pivots });
  });
}
/**
 * PyTorch 1.13 (and 2.x) have no text for sytrf's info > 0: theirs reads "<op>: Unknown error code: k." after an
 * internal-assert prefix, with no batch element named; we keep that sentence (reading the info on the host, as
 * PyTorch does) and say what it means.
 */
function checkSingular(op: string, info: Tensor): void {
  const flat = reshape(info, [-1]).tolist() as number[];
  const i = flat.findIndex((v) => v !== 0);
  if (i < 0) return;
  const k = flat[i]!;
  const where = info.ndim > 0 ? ` of batch element ${i}` : "";
  throw new LinAlgError(`${op}: Unknown error code: ${k}. (D[${k - 1}, ${k - 1}]${where} is exactly zero: the input is singular.)`);
}

/** torch.linalg.ldl_solve(LD, pivots, B, *, hermitian=False): A^{-1} B from ldl_factor's LD and pivots, batch dims broadcast. */
export function linalg_ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("linalg_ldl_solve", args, ["hermitian"], { hermitian: false });
  const op = "torch.linalg.ldl_solve";
  checkLD(op, LD, "A", "ldl_solve_cpu");
  checkTensor(op, "pivots", pivots);
  checkTensor(op, "B", B);
  // linearSolveCheckInputs(B, LD)
  if (B.device.type !== LD.device.type)
    throw new TorchError(`Expected b and A to be on the same device, but found b on ${B.device} and A on ${LD.device} instead.`);
  if (B.dtype !== LD.dtype)
    throw new TorchError(
      `Expected b and A to have the same dtype, but found b of type ${B.dtype.scalarName} and A of type ${LD.dtype.scalarName} instead.`,
    );
  if (B.ndim < 2)
    throw new TorchIndexError(
      `Dimension out of range (expected to be in range of [${-Math.max(B.ndim, 1)}, ${Math.max(B.ndim, 1) - 1}], but got -2)`,
    );
  const n = rows(LD);
  if (rows(B) !== n)
    throw new TorchError(
      `Incompatible matrix sizes for ${op}: each A matrix is ${n} by ${n} but each b matrix is ${rows(B)} by ${cols(B)}`,
    );
  const lead = LD.shape.slice(0, -1);
  if (pivots.ndim !== lead.length || pivots.shape.some((s, i) => s !== lead[i]))
    throw new TorchError(
      `${op}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with shape [${pivots.shape.join(", ")}] instead`,
    );
  if (pivots.dtype.is_floating_point || pivots.dtype.is_complex || pivots.dtype.name === "bool")
    throw new TorchError(`${op}: Expected pivots to be integers. Got ${pivots.dtype.scalarName}`);
  // _linalg_broadcast_batch_dims(B, LD): B is "tensor a" in the mismatch message
  const batch = broadcastShapes(op, B.shape.slice(0, -2), LD.shape.slice(0, -2));
  return surface("linalg_ldl_solve", () =>
    withoutDerivative("NotImplemented", NO_DERIVATIVE("linalg_ldl_solve"), [LD, B], () => {
      const ld = expand(LD, [...batch, n, n]);
      const piv = expand(pivots.dtype === int32 ? pivots : convert(pivots, int32), [...batch, n]);
      const b = expand(B, [...batch, n, cols(B)]);
      return bind1(P.ldl_solve, [ld, piv, b], { hermitian: !!o.hermitian });
    }),
  );
}
