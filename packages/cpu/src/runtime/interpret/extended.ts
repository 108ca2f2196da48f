// The reference evaluator's ops on what is not a plain tensor (tuples, tokens,
// quantized tensors), the host transfers, the interpreter's instrumentation and
// chlo.ragged_dot, custom_call @check.eq, and chlo.sinh/cosh (chlo_math.ts):
// always run here (engine.ts looks them up before the kernel table).
import { checkEqOps } from "./check_eq.js";
import { chloSinhCosh } from "./chlo_math.js";
import type { Interp } from "./engine.js";
import { hostOps } from "./host.js";
import { instrumentOps } from "./instrument.js";
import { quantOps } from "./quant.js";
import { raggedDotOps } from "./ragged_dot.js";
import { tupleOps } from "./tuples.js";

export const EXTENDED: Record<string, Interp> = {
  ...tupleOps,
  ...hostOps,
  ...instrumentOps,
  ...quantOps,
  ...raggedDotOps,
  ...checkEqOps,
  ...chloSinhCosh,
};
