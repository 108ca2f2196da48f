// layer_norm and layer_norm_backward: F.layer_norm / torch.native_layer_norm as
// one primitive each way (ops/native_norm.ts). Composed, a layer_norm was 28
// primitives forward (the mean twice, the variance, rsqrt, ATen's fma rounding
// over float64 copies of the operands) and about 45 more in backward, with
// their broadcasts, converts and gradient sums: on nanoGPT's [8, 32, 64]
// activations most of a training step's primitive calls (bench/gpt_op_counts.ts).
//
// layer_norm(x, weight?, bias?; axis, eps) -> (y, mean, rstd) over the dims from
// `axis` on. Its values are the bits of that composition, each step rounded to
// the element type as the ops round it (kernel: cpu/src/kernels/layer_norm.ts;
// lowering: lazy/src/lower_norm.ts emits the composition's StableHLO ops):
//   mean = sum(x) / N, var = sum((x - mean)^2) / N, rstd = rsqrt(var + eps),
//   y = fma(x, rstd, -rstd * mean), then fma(y, weight, bias),
// where fma(a, b, c) is ATen's CPU rounding (LayerNormKernel.cpp): for float32
// a float64 product and sum rounded once; for other types a * b + c in the type.
// mean and rstd keep the input's leading dims and a 1 per normalized dim.
//
// layer_norm_backward(g, x, mean, rstd, weight?; axis, mask) -> the gradients
// of x, weight and bias that `mask` asks for, in that order: ATen's formula
// (LayerNormBackwardKernelImplInternal) evaluated in float64 and rounded once
// to the element type: with gw = g * weight per row of N,
//   ds = sum(gw * x), db = sum(gw), b = (db * mean - ds) * rstd^3 / N,
//   c = -b * mean - db * rstd / N, dx = rstd * gw + b * x + c,
//   dweight = sum over rows of g * (x - mean) * rstd, dbias = sum over rows of g.
// VJPs of both: vjps_norm.ts.
import type { DType } from "./dtype.js";
import { TorchError } from "./errors.js";
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const NORM_PRIMS = ["layer_norm", "layer_norm_backward"] as const;

export interface LayerNormAttrs {
  /** The first normalized dim: the rows are x.shape.slice(0, axis), each of N = numel(x.shape.slice(axis)). */
  axis: number;
  eps: number;
  weight: boolean;
  bias: boolean;
}
export interface LayerNormBackwardAttrs {
  axis: number;
  /** Whether a weight operand follows rstd. */
  weight: boolean;
  /** Which gradients to return: x, weight, bias (PyTorch's output_mask). */
  mask: readonly [boolean, boolean, boolean];
}

const shapeStr = (a: AVal) => `[${a.shape.join(", ")}]`;
/** The shape of mean and rstd: the leading dims, a 1 for each normalized dim. */
export const layerNormStatShape = (shape: readonly number[], axis: number): number[] => shape.map((d, i) => (i < axis ? d : 1));

function checkNormalized(name: string, x: AVal, axis: number, params: readonly AVal[], dtype: DType): void {
  if (!x.dtype.is_floating_point) throw new TorchError(`${name}: expected a floating input, got ${x.dtype.name}`);
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length)
    throw new TorchError(`${name}: axis ${axis} out of range for an input of shape ${shapeStr(x)}`);
  const inner = `[${x.shape.slice(axis).join(", ")}]`;
  for (const p of params)
    if (p.dtype !== dtype || shapeStr(p) !== inner)
      throw new TorchError(`${name}: expected ${dtype.name} operands of shape ${inner}, got ${p.dtype.name}${shapeStr(p)}`);
}

export function defineNormPrims(P: Record<string, Primitive>): void {
  P.layer_norm = definePrimitive<LayerNormAttrs>({
    name: "layer_norm",
    abstract: (ins, { axis, weight, bias }): AVal[] => {
      const [x] = ins;
      if (ins.length !== 1 + +weight + +bias)
        throw new TorchError(`layer_norm: expected ${1 + +weight + +bias} operands, got ${ins.length}`);
      checkNormalized("layer_norm", x!, axis, ins.slice(1), x!.dtype);
      const stat = { shape: layerNormStatShape(x!.shape, axis), dtype: x!.dtype };
      return [{ shape: x!.shape, dtype: x!.dtype }, stat, stat];
    },
  });
  P.layer_norm_backward = definePrimitive<LayerNormBackwardAttrs>({
    name: "layer_norm_backward",
    abstract: (ins, { axis, weight, mask }): AVal[] => {
      const [g, x, mean, rstd] = ins;
      if (ins.length !== 4 + +weight) throw new TorchError(`layer_norm_backward: expected ${4 + +weight} operands, got ${ins.length}`);
      checkNormalized("layer_norm_backward", x!, axis, ins.slice(4), x!.dtype);
      const stat = `[${layerNormStatShape(x!.shape, axis).join(", ")}]`;
      if (g!.dtype !== x!.dtype || shapeStr(g!) !== shapeStr(x!))
        throw new TorchError(
          `layer_norm_backward: expected a gradient like the input ${shapeStr(x!)}, got ${g!.dtype.name}${shapeStr(g!)}`,
        );
      for (const s of [mean!, rstd!])
        if (s.dtype !== x!.dtype || shapeStr(s) !== stat)
          throw new TorchError(`layer_norm_backward: expected statistics of shape ${stat}, got ${s.dtype.name}${shapeStr(s)}`);
      const inner = { shape: x!.shape.slice(axis), dtype: x!.dtype };
      const outs: AVal[] = [];
      if (mask[0]) outs.push({ shape: x!.shape, dtype: x!.dtype });
      if (mask[1]) outs.push(inner);
      if (mask[2]) outs.push(inner);
      return outs;
    },
  });
}
