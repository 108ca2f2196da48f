// The reference evaluator's ops, and when an op that also has a primitive
// kernel must still run here because the kernel covers only part of the op.
import { isComplex, isFloat, type Op, type Region } from "@xlatorch/stablehlo";
import { ELEMENTWISE, fusable } from "../translate.js";
import { scatterSlicesCovered } from "../translate_gather.js";
import { runCheck } from "./check.js";
import { chloOps } from "./chlo.js";
import { collectiveOps } from "./collectives.js";
import { controlOps } from "./control.js";
import { convOps } from "./conv.js";
import { dynamicOps } from "./dynamic.js";
import { rngOps } from "./rng.js";
import { bitsExact } from "../translate_bits.js";
import { elementwiseOps } from "./elementwise.js";
import type { Interp } from "./engine.js";
import { layoutOps } from "./layout.js";
import { linalgOps } from "./linalg.js";
import { processOps } from "./process.js";
import { reductionOps } from "./reduce.js";
import { hasCarrier, isIntLike, Unsupported } from "./values.js";

const checkOps: Record<string, Interp> = Object.fromEntries(
  ["expect_eq", "expect_eq_const", "expect_almost_eq", "expect_almost_eq_const", "expect_close", "expect_serialized_eq"].map((k) => [
    `check.${k}`,
    (op, ins) => runCheck(op, ins),
  ]),
);

/** custom_call: the test targets `@check.expect_*` (as JAX-exported test data writes the checks); other targets are refused. */
const customCall: Interp = (op, ins, ctx) => {
  const t = op.attrs.call_target_name;
  const target = t && t.kind === "string" ? t.value : "";
  const check = checkOps[target];
  if (!check || ins.length !== 2) throw new Unsupported(op, `custom_call target @${target} is not supported`);
  // stablehlo-translate's tolerances for these targets: 3 ulp, and 0.001
  const attrs = { ...op.attrs };
  if (target === "check.expect_close") attrs.max_ulp_difference = { kind: "int", value: 3, type: "i64" };
  if (target === "check.expect_almost_eq") attrs.tolerance = { kind: "float", value: 0.001, type: "f64" };
  return check({ ...op, name: target, attrs }, ins, ctx);
};

export const INTERPRETED: Record<string, Interp> = {
  ...checkOps,
  "stablehlo.custom_call": customCall,
  ...controlOps,
  ...elementwiseOps,
  ...layoutOps,
  ...reductionOps,
  ...dynamicOps,
  ...rngOps,
  ...linalgOps,
  ...chloOps,
  ...convOps,
  ...processOps,
  ...collectiveOps,
};

const enumAttr = (op: Op, k: string): string | undefined => {
  const a = op.attrs[k];
  return a && a.kind === "enum" ? a.value : undefined;
};

/** A region that applies one op to its two arguments, in order (`add(%a, %b)`), and returns it. */
export function singleOpBody(r: Region | undefined, n = 1): string | undefined {
  if (!r || r.ops.length !== 1 || r.args.length !== 2 * n) return undefined;
  const o = r.ops[0]!;
  if (o.operands.length !== 2 || o.operands[0] !== r.args[0] || o.operands[1] !== r.args[n] || r.returns[0] !== o.results[0])
    return undefined;
  return o.name;
}

const SORT_TYPES = new Set(["SIGNED", "UNSIGNED", "TOTALORDER", undefined]);

/**
 * Whether the primitive kernel computes this op exactly as the spec says (then
 * it runs there); ops with no kernel, or forms the kernel does not cover, run
 * in the reference evaluator.
 */
export function primitiveIsExact(op: Op): boolean {
  const types = [...op.operands, ...op.results].map((v) => v.type.element);
  if (types.some(hasCarrier)) return false;
  // float32 sinh/cosh are the CHLO decomposition's float32 steps (chlo_math.ts), not the kernels' float64 ones
  if (op.name === "chlo.sinh" || op.name === "chlo.cosh") return false;
  const short = op.name.replace(/^stablehlo\./, "");
  const e = op.operands[0]?.type.element;
  // clamp, shifts, bitcast_convert, ... (translate_bits.ts)
  const bits = bitsExact(op);
  if (bits !== undefined) return bits;
  if (ELEMENTWISE[op.name]) {
    // complex elementwise math and the integer corner cases (x / 0, INT_MIN / -1, ...) are the evaluator's
    if (types.some(isComplex)) return false;
    if (e && isIntLike(e) && e !== "i1" && (short === "divide" || short === "remainder" || short === "power")) return false;
    if (short === "convert" && e && isFloat(e) && isIntLike(op.results[0]!.type.element)) return false;
    if (short === "compare") {
      const t = enumAttr(op, "compare_type");
      if (t === "TOTALORDER" || (e && isIntLike(e) && t && t !== (e.startsWith("u") || e === "i1" ? "UNSIGNED" : "SIGNED"))) return false;
    }
    return true;
  }
  switch (op.name) {
    case "stablehlo.reduce": {
      // one operand, a body applying one of the kernel's reductions (the init value is combined after)
      const body = singleOpBody(op.regions?.[0]);
      if (op.operands.length !== 2 || !body || !REDUCE_BODIES.has(body) || types.some(isComplex)) return false;
      // narrow integers: the kernel multiplies in float64 (inexact past 2^53) and its and/or are logical
      const narrowInt = !!e && isIntLike(e) && e !== "i1" && e !== "i64";
      if (narrowInt && body === "stablehlo.multiply") return false;
      if (e && isIntLike(e) && e !== "i1" && (body === "stablehlo.and" || body === "stablehlo.or")) return false;
      return true;
    }
    case "stablehlo.sort": {
      // the kernel's stable sort by the first operand, ascending or descending (followers permuted alike)
      const r = op.regions?.[0];
      // the comparator's arguments are (lhs0, rhs0, lhs1, rhs1, ...): this compares the first operand's pair
      if (!r || r.ops.length !== 1 || r.ops[0]!.name !== "stablehlo.compare") return false;
      const c = r.ops[0]!;
      const dir = enumAttr(c, "comparison_direction");
      if (c.operands[0] !== r.args[0] || c.operands[1] !== r.args[1] || r.returns[0] !== c.results[0]) return false;
      if (dir !== "LT" && dir !== "GT") return false;
      const t = enumAttr(c, "compare_type");
      // floats only in the total order (the kernel puts NaN last, as TOTALORDER does for +NaN)
      if (e && isFloat(e) ? t !== "TOTALORDER" : !SORT_TYPES.has(t)) return false;
      return !types.some(isComplex);
    }
    // one input, a store or add body: the windowed kernel (translate_gather.ts), any dimension numbers
    case "stablehlo.scatter":
      return scatterSlicesCovered(op);
    case "stablehlo.iota":
    case "stablehlo.reduce_window":
      return !types.some(isComplex);
    // the kernels take complex operands only
    case "stablehlo.real":
    case "stablehlo.imag":
      return isComplex(e!);
    case "stablehlo.triangular_solve":
      return !types.some(isComplex);
    // the kernel factors complex (Hermitian) matrices too (kernels/linalg_complex_factor.ts)
    case "stablehlo.cholesky":
      return true;
    case "stablehlo.convolution": {
      // the kernel: one float type throughout, no window reversal
      const rev = op.attrs.window_reversal;
      const reversed = !!rev && (rev.kind === "ints" || rev.kind === "dense") && rev.values.some((v) => Number(v) !== 0);
      return types.every((t) => isFloat(t) && t === types[0]) && !reversed;
    }
    case "stablehlo.dot_general":
      // the kernel accumulates in floating point: integer dots are the evaluator's (exact, wrapping), and so are
      // complex ones, whose kernel (four real products; complex64's in float64, rounded once) differs from a
      // complex<f32> dot_general rounding each step (the xla device's complex64 products are complex128 dots:
      // lazy/src/lower.ts)
      return types.every(isFloat);
  }
  return true;
}

const REDUCE_BODIES = new Set([
  "stablehlo.add",
  "stablehlo.multiply",
  "stablehlo.maximum",
  "stablehlo.minimum",
  "stablehlo.and",
  "stablehlo.or",
]);

/** Elementwise ops the planner fuses into generated loops: those whose kernel is exact here. */
export const exactFusable = (op: Op): boolean => fusable(op) && primitiveIsExact(op);

/** Ops whose kernel throws on out-of-range indices, where the spec clamps (gather) or skips (scatter): the evaluator then. */
export const FALLBACK_ON_KERNEL_ERROR = new Set(["stablehlo.gather", "stablehlo.scatter"]);
