import { checkPrimitiveTable, type PrimName } from "@xlatorch/core";
import { bitsKernels } from "./bits.js";
import { complexAware, complexPrimKernels } from "./complex.js";
import { controlKernels } from "./control.js";
import { convKernels } from "./conv.js";
import { dotKernels } from "./dot.js";
import { dynamicKernels } from "./dynamic.js";
import { elementwiseKernels } from "./elementwise.js";
import { fftKernels } from "./fft.js";
import { gatherKernels } from "./gather.js";
import { indexingKernels } from "./indexing.js";
import { layoutKernels } from "./layout.js";
import { complexFactorizations } from "./linalg_complex_factor.js";
import { decompKernels } from "./linalg_decomp.js";
import { eigKernels } from "./linalg_eig.js";
import { factorKernels } from "./linalg_factor.js";
import { complexFactorKernels } from "./linalg_complex.js";
import { ldlKernels } from "./linalg_ldl.js";
import { optimKernels } from "./optim_update.js";
import { normKernels } from "./norm.js";
import { geluKernels } from "./gelu.js";
import { softmaxKernels } from "./softmax.js";
import { selectKernels } from "./select.js";
import { reduceKernels } from "./reduce.js";
import { windowKernels } from "./window.js";
import type { Kernel } from "./types.js";

/**
 * One CPU kernel per primitive, by primitive name (checked complete when this module loads); complex operands per
 * complex.ts (eig reads and writes complex itself).
 */
const REAL: Record<string, Kernel> = {
  ...elementwiseKernels,
  ...layoutKernels,
  ...reduceKernels,
  ...dotKernels,
  ...indexingKernels,
  ...factorKernels,
  ...ldlKernels,
  ...selectKernels,
  ...decompKernels,
  ...complexPrimKernels,
  ...fftKernels,
  ...convKernels,
  ...windowKernels,
};
const AWARE = complexAware(REAL);
export const KERNELS: Record<PrimName, Kernel> = {
  ...AWARE,
  ...eigKernels,
  // cholesky, geqrf, qr, eigh, svd, ldl, ldl_solve of complex matrices (linalg_complex_factor.ts)
  ...complexFactorizations({ ...factorKernels, ...decompKernels, ...eigKernels, ...ldlKernels }),
  // lu and triangular_solve read and write complex themselves (linalg_complex.ts)
  ...complexFactorKernels,
  // while and case interpret their sub-graphs with this table (complex values pass through them whole)
  ...controlKernels(() => KERNELS),
  // complex operands copied as (re, im) pairs by the kernels themselves
  ...dynamicKernels,
  // clamp, shifts, bitcast_convert, rng_bit_generator, ... (prims_bits.ts): real dtypes, bitcast as raw bytes
  ...bitsKernels,
  // gather_slices, scatter_slices: complex elements moved as (re, im) pairs by the kernels themselves
  ...gatherKernels,
  // adam_update, sgd_update (prims_optim.ts): float32/float64 only, one pass per update
  ...optimKernels,
  // layer_norm, layer_norm_backward (prims_norm.ts)
  ...normKernels,
  // gelu, gelu_backward (prims_gelu.ts): the composition's expression in one pass
  ...geluKernels,
  // softmax, softmax_backward (prims_softmax.ts): the composition's kernels in one call
  ...softmaxKernels,
} as Record<PrimName, Kernel>;
checkPrimitiveTable("CPU kernels", KERNELS);

/**
 * The kernel of primitive `name` for a call whose operands and results are all real: complexAware's wrapper
 * forwards such a call to the real kernel unchanged, so a caller that knows the dtypes once (the CPU runtime's
 * kernel steps, runtime/kernel_step.ts) calls that kernel itself and skips the per-call dtype scan.
 */
export function realKernel(name: string): Kernel | undefined {
  const k = (KERNELS as Record<string, Kernel | undefined>)[name];
  return k !== undefined && k === AWARE[name] ? REAL[name] : k;
}
export type { Kernel };
