// Argument typing shared by modules, functionals and optimizers.
//
// PyTorch's optional parameters may be passed positionally or by keyword; in
// TypeScript a trailing run of them may move into one options object (API.md).
// Parsing is core's `parseArgs` (unknown or repeated names throw); this file only
// provides the static types of such argument lists.
export { parseArgs } from "@xlatorch/core";

type Prefixes<P extends unknown[]> = P extends [...infer Init, unknown] ? P | Prefixes<Init> : [];

/**
 * The optional arguments of a PyTorch signature: any prefix of the positional
 * parameters `P`, optionally followed by a keyword object `K`.
 * `Args<[bias: boolean], { bias?: boolean; dtype?: DType }>` accepts `()`,
 * `(false)`, `({ dtype })` and `(false, { dtype })`.
 */
export type Args<P extends unknown[], K extends object> =
  Prefixes<P> extends infer Q ? (Q extends unknown[] ? Q | [...Q, K] : never) : never;

/** PyTorch's reduction names for losses. */
export type Reduction = "mean" | "sum" | "none";
