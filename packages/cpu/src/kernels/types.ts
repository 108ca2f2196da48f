import type { AVal } from "@xlatorch/core";
import type { Strided } from "../strided.js";

/** A CPU kernel: strided inputs (with their avals) and attrs to outputs. */
export type Kernel = (ins: readonly Strided[], avals: readonly AVal[], attrs: any, outs: readonly AVal[]) => Strided[];
