import { dotKernels } from "./dot.js";
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import { layoutKernels } from "./layout.js";
import { reduceKernels } from "./reduce.js";
import type { Kernel } from "./types.js";

/** One CPU kernel per primitive, by primitive name. */
export const KERNELS: Record<string, Kernel> = {
  ...elementwiseKernels, ...layoutKernels, ...reduceKernels, ...dotKernels, ...indexingKernels,
};
export type { Kernel };
