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
const intsOr = (a: Attr | undefined, n: number, dflt: number): number[] =>
  a && a.kind === "ints" ? a.values : a && a.kind === "dense" ? a.values.map(Number) : Array<number>(n).fill(dflt);
const intOr = (a: Attr | undefined, dflt: number): number => (a && a.kind === "int" ? Number(a.value) : dflt);
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
  const rev = a.window_reversal;
  if (rev && ((rev.kind === "dense" && rev.values.some((v) => !!v)) || (rev.kind === "ints" && rev.values.some((v) => v !== 0))))
    fail(name, "window_reversal is not supported");
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

export function selectAndScatterCall(op: Op): Call {
  const name = "stablehlo.select_and_scatter";
  const [sel, sct] = op.regions ?? [];
  const only = (r: Region | undefined, what: string) => {
    if (!r || r.ops.length !== 1 || r.returns.length !== 1 || r.returns[0] !== r.ops[0]!.results[0])
      return fail(name, `unsupported ${what} region: expected one op whose result is returned`);
    return r.ops[0]!;
  };
  const cmp = only(sel, "select");
  const dir = cmp.attrs.comparison_direction;
  if (
    cmp.name !== "stablehlo.compare" ||
    cmp.operands[0] !== sel!.args[0] ||
    cmp.operands[1] !== sel!.args[1] ||
    !dir ||
    dir.kind !== "enum" ||
    !DIRECTIONS.includes(dir.value)
  )
    fail(name, "the select region must be compare(GE|GT|LE|LT) of its two arguments in order");
  const ct = cmp.attrs.compare_type;
  if (ct && ct.kind === "enum" && ct.value === "TOTALORDER") fail(name, "a TOTALORDER select is not supported");
  const add = only(sct, "scatter");
  if (add.name !== "stablehlo.add" || !add.operands.every((v) => sct!.args.includes(v)) || add.operands[0] === add.operands[1])
    fail(name, "the scatter region must add its two arguments");
  return { kernel: "select_and_scatter", attrs: { ...windowAttrs(op), direction: (dir as { value: string }).value }, operands: 3 };
}
