import type { AVal } from "@xlatorch/core";
import type { Strided } from "../strided.js";

/**
 * A CPU kernel: strided inputs (with their avals) and attrs to outputs. Each kernel declares its
 * primitive's attrs; the table holds them all, so the attrs parameter is bivariant (method syntax).
 */
export type Kernel = {
  kernel(ins: readonly Strided[], avals: readonly AVal[], attrs: unknown, outs: readonly AVal[]): Strided[];
}["kernel"];
