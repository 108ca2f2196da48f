// The symmetric indefinite factorization's primitives (LAPACK's sytrf/sytrs,
// lower triangle): shape rules here; CPU kernels in cpu/src/kernels/linalg_ldl.ts;
// the xla device runs both on the host (lazy/src/cpu_fallback_prims.ts): the
// Bunch-Kaufman pivoting swaps rows and columns by the values. Neither has a VJP:
// PyTorch defines no derivative for linalg_ldl_factor_ex or linalg_ldl_solve
// (ops/linalg_ldl.ts records the node that says so).
import { int32 } from "./dtype.js";
import { definePrimitive, type Primitive } from "./primitive.js";

export const LDL_PRIMS = ["ldl", "ldl_solve"] as const;

export function defineLdlPrims(P: Record<(typeof LDL_PRIMS)[number], Primitive>): void {
  /**
   * Bunch-Kaufman LDL^T of the lower triangle of a real [..., n, n] (LAPACK's sytrf, uplo 'L'): LD (LAPACK's
   * packed L and block-diagonal D, strict upper triangle zero), int32 1-based pivots [..., n] (negative for a
   * 2x2 block), int32 info [...] (the first zero D[k, k], 1-based, or 0). hermitian: a complex input's
   * A = L D L^H (LAPACK's hetrf) instead of the complex symmetric L D L^T (sytrf); the same for real input.
   */
  P.ldl = definePrimitive<{ hermitian: boolean }>({
    name: "ldl",
    abstract: ([a]) => [
      { shape: a!.shape, dtype: a!.dtype },
      { shape: a!.shape.slice(0, -1), dtype: int32 },
      { shape: a!.shape.slice(0, -2), dtype: int32 },
    ],
  });
  /** ldl_solve(LD [..., n, n], int32 pivots [..., n], B [..., n, k]) -> A^{-1} B (LAPACK's sytrs); batch dims equal. */
  P.ldl_solve = definePrimitive<{ hermitian: boolean }>({
    name: "ldl_solve",
    abstract: (i) => [{ shape: i[2]!.shape, dtype: i[2]!.dtype }],
  });
}
