// Lowerings of the window primitives (core's prims_window.ts), one StableHLO op
// each: stablehlo.convolution (float32/float64 at HIGHEST precision, as
// dot_general: XLA's GPU default would compute in TF32), stablehlo.reduce_window
// with the reduction's identity as init (half-precision sums accumulate in
// float32, as the reduce lowering does) and stablehlo.select_and_scatter with an
// add scatter and PyTorch's select (max pooling's backward: the first maximum of
// each window gets the gradient, or its last NaN: not(q > p or q != q); GE for integers).
import type { AVal, ConvAttrs, WindowAttrs, WindowReduceOp } from "@xlatorch/core";
import { elementTypeOf, identity, isFloat, type Builder, type ConvDims, type Value, type WindowOptions } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const KIND = { sum: "add", max: "max", min: "min" } as const;
const OP = { add: "add", max: "maximum", min: "minimum" } as const;

export function convDims(a: Pick<ConvAttrs, "lhs_spec" | "rhs_spec" | "out_spec">): ConvDims {
  return {
    inputBatchDimension: a.lhs_spec[0]!,
    inputFeatureDimension: a.lhs_spec[1]!,
    inputSpatialDimensions: a.lhs_spec.slice(2),
    kernelOutputFeatureDimension: a.rhs_spec[0]!,
    kernelInputFeatureDimension: a.rhs_spec[1]!,
    kernelSpatialDimensions: a.rhs_spec.slice(2),
    outputBatchDimension: a.out_spec[0]!,
    outputFeatureDimension: a.out_spec[1]!,
    outputSpatialDimensions: a.out_spec.slice(2),
  };
}

const windowOpts = (w: WindowAttrs): WindowOptions => ({
  windowDimensions: w.window_dimensions,
  windowStrides: w.window_strides,
  baseDilations: w.base_dilations,
  windowDilations: w.window_dilations,
  padding: w.padding,
});

const convolution: Lowering<ConvAttrs> = (b, [l, r], a, _o, [la]) => {
  const full = la!.dtype.name === "float32" || la!.dtype.name === "float64";
  return [
    b.convolution(
      l!,
      r!,
      convDims(a),
      {
        windowStrides: a.window_strides,
        padding: a.padding,
        lhsDilation: a.lhs_dilation,
        rhsDilation: a.rhs_dilation,
        featureGroupCount: a.feature_group_count,
        batchGroupCount: a.batch_group_count,
      },
      full ? { precision: "HIGHEST" } : {},
    ),
  ];
};

const reduceWindow: Lowering<WindowAttrs & { op: WindowReduceOp }> = (b, [x], a, _o, [ia]) => {
  const kind = KIND[a.op];
  const half = (ia!.dtype.name === "float16" || ia!.dtype.name === "bfloat16") && a.op === "sum";
  const v = half ? b.convert(x!, "f32") : x!;
  const e = v.type.element;
  const init = b.constant(identity(kind, e), e);
  const [y] = b.reduceWindow([v], [init], windowOpts(a), (bb, [p], [q]) => [bb.binary(OP[kind], p!, q!)]);
  return [half ? b.convert(y!, elementTypeOf(ia!.dtype.name)) : y!];
};

const selectAndScatter: Lowering<WindowAttrs> = (b, [x, s], a, _o, [ia]) => {
  const e = elementTypeOf(ia!.dtype.name);
  const init = b.constant(identity("add", e), e);
  return [
    b.selectAndScatter(
      x!,
      s!,
      init,
      { windowDimensions: a.window_dimensions, windowStrides: a.window_strides, padding: a.padding },
      // keep the current p over a later q unless q > p or q is NaN (PyTorch's first maximum, last NaN)
      (bb, p, q) => (isFloat(e) ? bb.not(bb.or(bb.compare(q, p, "GT"), bb.compare(q, q, "NE"))) : bb.compare(p, q, "GE")),
      (bb, p, q) => bb.add(p, q),
    ),
  ];
};

export const WINDOW_LOWERINGS = { convolution, reduce_window: reduceWindow, select_and_scatter: selectAndScatter };
