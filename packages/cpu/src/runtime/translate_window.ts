// StableHLO's window ops -> the window primitives' kernels (kernels/conv.ts,
// kernels/window.ts), for translate.ts: convolution with any strides, padding,
// dilations, group counts and dimension numbers; reduce_window of one input
// with a one-op body (the init operand is passed to the kernel, so a
// non-identity init counts); select_and_scatter with a compare select and an
// add scatter. Anything else is refused with the op's name, never computed
// another way.
import type { Attr, Op, Region } from "@xlatorch/stablehlo";

interface Call {
  kernel: string;
  attrs: unknown;
  operands: number;
}

const fail = (op: string, msg: string): never => {
  throw new Error(`cpu runtime: ${op}: ${msg}`);
};
/** An integer list attribute (array<i64: ...> or a dense one), `dflt` repeated when absent; another form is refused. */
function intsOr(a: Attr | undefined, n: number, dflt: number): number[] {
  if (!a) return Array<number>(n).fill(dflt);
  if (a.kind === "ints") return a.values;
  if (a.kind === "dense") return a.values.map(Number);
  return fail("window attributes", `unsupported integer list attribute of kind ${a.kind}`);
}
/** Whether a boolean list attribute (window_reversal) is all false; a form not understood counts as not. */
function allFalse(a: Attr): boolean {
  if (a.kind === "dense") return a.values.every((v) => !v);
  if (a.kind === "ints") return a.values.every((v) => v === 0);
  if (a.kind === "bool") return !a.value;
  if (a.kind === "array") return a.values.every(allFalse);
  return false;
}
function intOr(a: Attr | undefined, dflt: number): number {
  if (!a) return dflt;
  return a.kind === "int" ? Number(a.value) : fail("group counts", `unsupported integer attribute of kind ${a.kind}`);
}
function pairs(a: Attr | undefined, n: number): [number, number][] {
  if (!a) return Array.from({ length: n }, (): [number, number] => [0, 0]);
  const v = a.kind === "dense" ? a.values.map(Number) : a.kind === "ints" ? a.values : null;
  if (!v) return fail("padding", `unsupported attribute ${a.kind}`);
  // a splat dense<k> : tensor<nx2xi64> holds one value
  const flat = v.length === 1 ? Array<number>(2 * n).fill(v[0]!) : v;
  if (flat.length !== 2 * n) fail("padding", `expected ${n} [low, high] pairs, got ${flat.length} values`);
  return Array.from({ length: n }, (_, i): [number, number] => [flat[2 * i]!, flat[2 * i + 1]!]);
}

export function convolutionCall(op: Op): Call {
  const a = op.attrs;
  const name = "stablehlo.convolution";
  const d = a.dimension_numbers;
  if (!d || d.kind !== "conv") return fail(name, "dimension_numbers missing or not #stablehlo.conv");
  const [l, r] = op.operands;
  if (op.operands.length !== 2) fail(name, `expected 2 operands, got ${op.operands.length}`);
  if (l!.type.element !== r!.type.element || op.results[0]!.type.element !== l!.type.element)
    fail(name, "operands and result of different element types are not supported");
  if (a.window_reversal && !allFalse(a.window_reversal)) fail(name, "window_reversal is not supported");
  const n = d.inputSpatialDimensions.length;
  return {
    kernel: "convolution",
    attrs: {
      window_strides: intsOr(a.window_strides, n, 1),
      padding: pairs(a.padding, n),
      lhs_dilation: intsOr(a.lhs_dilation, n, 1),
      rhs_dilation: intsOr(a.rhs_dilation, n, 1),
      feature_group_count: intOr(a.feature_group_count, 1),
      batch_group_count: intOr(a.batch_group_count, 1),
      lhs_spec: [d.inputBatchDimension, d.inputFeatureDimension, ...d.inputSpatialDimensions],
      rhs_spec: [d.kernelOutputFeatureDimension, d.kernelInputFeatureDimension, ...d.kernelSpatialDimensions],
      out_spec: [d.outputBatchDimension, d.outputFeatureDimension, ...d.outputSpatialDimensions],
    },
    operands: 2,
  };
}

function windowAttrs(op: Op) {
  const a = op.attrs;
  const r = op.operands[0]!.type.shape.length;
  return {
    window_dimensions: intsOr(a.window_dimensions, r, 1),
    window_strides: intsOr(a.window_strides, r, 1),
    base_dilations: intsOr(a.base_dilations, r, 1),
    window_dilations: intsOr(a.window_dilations, r, 1),
    padding: pairs(a.padding, r),
  };
}

/** A general reduce_window of one input whose body is the reduction `kind` (sum, prod, max, min, and, or). */
export function reduceWindowCall(op: Op, kind: string): Call {
  if (op.operands.length !== 2) fail("stablehlo.reduce_window", "variadic reduce_window is not supported");
  return { kernel: "reduce_window", attrs: { op: kind, ...windowAttrs(op) }, operands: 2 };
}

const DIRECTIONS = ["GE", "GT", "LE", "LT"];

const compareOf = (o: Op | undefined, direction: string, lhs: unknown, rhs: unknown): boolean => {
  if (!o || o.name !== "stablehlo.compare" || o.operands[0] !== lhs || o.operands[1] !== rhs) return false;
  const d = o.attrs.comparison_direction,
    t = o.attrs.compare_type;
  return !!d && d.kind === "enum" && d.value === direction && !(t && t.kind === "enum" && t.value === "TOTALORDER");
};

/**
 * The select region's rule: one compare(a, b) (direction GE/GT/LE/LT: keep a while it holds), or
 * the lowering's PyTorch rule not(compare(b, a, GT) or compare(b, b, NE)) (undefined: keep a unless
 * b is greater or NaN). Anything else is refused.
 */
function selectRule(r: Region | undefined): string | undefined {
  const name = "stablehlo.select_and_scatter";
  if (!r || r.returns.length !== 1) return fail(name, "the select region must return one value");
  const [a, b] = r.args;
  const def = (v: unknown) => r.ops.find((o) => o.results[0] === v);
  const ret = def(r.returns[0]);
  if (r.ops.length === 1 && ret) {
    const d = ret.attrs.comparison_direction;
    const dir = d && d.kind === "enum" ? d.value : "";
    if (DIRECTIONS.includes(dir) && compareOf(ret, dir, a, b)) return dir;
  }
  if (r.ops.length === 4 && ret?.name === "stablehlo.not") {
    const or = def(ret.operands[0]);
    if (or?.name === "stablehlo.or") {
      const [c1, c2] = or.operands.map(def);
      const gt = (o: Op | undefined) => compareOf(o, "GT", b, a),
        nan = (o: Op | undefined) => compareOf(o, "NE", b, b);
      if ((gt(c1) && nan(c2)) || (nan(c1) && gt(c2))) return undefined;
    }
  }
  return fail(name, "the select region must be one compare (GE/GT/LE/LT) of its arguments in order, or not(b > a or b != b)");
}

export function selectAndScatterCall(op: Op): Call {
  const name = "stablehlo.select_and_scatter";
  const [sel, sct] = op.regions ?? [];
  const direction = selectRule(sel);
  const add = sct && sct.ops.length === 1 && sct.returns[0] === sct.ops[0]!.results[0] ? sct.ops[0]! : undefined;
  if (!add || add.name !== "stablehlo.add" || !add.operands.every((v) => sct!.args.includes(v)) || add.operands[0] === add.operands[1])
    fail(name, "the scatter region must add its two arguments");
  const attrs = direction === undefined ? windowAttrs(op) : { ...windowAttrs(op), direction };
  return { kernel: "select_and_scatter", attrs, operands: 3 };
}
