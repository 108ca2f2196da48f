// torch.native_layer_norm and torch.native_batch_norm: the aten ops behind
// F.layer_norm / F.batch_norm, returning the statistics the backward pass
// saves besides the output. Composed from the same formulas as nn's
// normalization.ts (mean, biased variance, rsqrt(var + eps)), which lives in
// @xlatorch/nn and cannot be imported from core.
//
// PyTorch's derivative of both (derivatives.yaml) uses only the output's
// gradient: the saved mean / rstd are outputs whose gradients are dropped. So
// they are returned detached; the output itself carries the full gradient.
import { enterSurface, exitSurface } from "../autograd.js";
import { no_grad } from "../grad_mode.js";
import { bfloat16, float16, float32, type DType } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, parseArgs } from "./args.js";
import { bind } from "../dispatch.js";
import { P } from "../prims.js";
import { empty } from "./creation.js";

const shapeStr = (s: readonly number[]) => `[${s.join(", ")}]`;

function optionalTensor(op: string, name: string, t: unknown): Tensor | null {
  if (t === null || t === undefined) return null;
  if (!(t instanceof Tensor)) throw new TorchTypeError(`${op}(): argument '${name}' must be Tensor, not ${describe(t)}`);
  return t;
}

/**
 * native_layer_norm(input, normalized_shape, weight, bias, eps) -> (out, mean, rstd);
 * mean and rstd have the input's leading dims and a 1 for each normalized dim.
 */
export function native_layer_norm(input: Tensor, ...args: unknown[]): Tensor[] {
  const o = parseArgs("native_layer_norm", args, ["normalized_shape", "weight", "bias", "eps"]);
  checkTensor("native_layer_norm", "input", input);
  for (const k of ["normalized_shape", "weight", "bias", "eps"] as const)
    if (o[k] === undefined) throw new TorchTypeError(`native_layer_norm() missing required argument '${k}'`);
  const ns = o.normalized_shape;
  const shape: number[] = typeof ns === "number" ? [ns] : Array.isArray(ns) ? [...ns] : [];
  if (!(typeof ns === "number" || Array.isArray(ns)) || shape.some((d) => !Number.isInteger(d)))
    throw new TorchTypeError(`native_layer_norm(): argument 'normalized_shape' must be tuple of ints, not ${describe(ns)}`);
  if (typeof o.eps !== "number") throw new TorchTypeError(`native_layer_norm(): argument 'eps' must be float, not ${describe(o.eps)}`);
  const weight = optionalTensor("native_layer_norm", "weight", o.weight);
  const bias = optionalTensor("native_layer_norm", "bias", o.bias);
  if (!input.dtype.is_floating_point)
    throw new TorchError(`native_layer_norm: "LayerNormKernelImpl" not implemented for '${input.dtype.scalarName}'`);
  for (const t of [weight, bias])
    if (t && t.dtype !== input.dtype)
      throw new TorchError(`native_layer_norm: expected scalar type ${input.dtype.scalarName} but found ${t.dtype.scalarName}`);
  const k = shape.length;
  // aten's _check_layer_norm_inputs, in its order and words
  if (k < 1)
    throw new TorchError(
      `native_layer_norm: Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${shapeStr(shape)}`,
    );
  for (const [name, t] of [
    ["weight", weight],
    ["bias", bias],
  ] as const)
    if (t && t.shape.join() !== shape.join())
      throw new TorchError(
        `native_layer_norm: Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${shapeStr(t.shape)} and normalized_shape = ${shapeStr(shape)}`,
      );
  if (input.ndim < k || input.shape.slice(input.ndim - k).join() !== shape.join())
    throw new TorchError(
      `native_layer_norm: Given normalized_shape=${shapeStr(shape)}, expected input with shape [*, ${shape.join(", ")}], but got input of size${shapeStr(input.shape)}`,
    );
  // every node is named as PyTorch's one node, NativeLayerNormBackward0 (it was the last op's: ToCopyBackward0)
  enterSurface("native_layer_norm");
  try {
    return layerNorm(input, shape, weight, bias, o.eps);
  } finally {
    exitSurface();
  }
}

// One primitive (prims_norm.ts): the bits of the composition it replaced, mean, biased variance,
// rsqrt(var + eps) and ATen's CPU fma rounding (LayerNormKernel.cpp), y = fma(x, rstd, -rstd * mean)
// then fma(y, weight, bias), float32's fma a float64 product and sum rounded once; its backward is
// ATen's formula as one primitive too.
function layerNorm(input: Tensor, shape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor[] {
  const ins = [input];
  if (weight) ins.push(weight);
  if (bias) ins.push(bias);
  const [y, mean, rstd] = bind(P.layer_norm, ins, { axis: input.ndim - shape.length, eps, weight: !!weight, bias: !!bias });
  return [y!, mean!.detach(), rstd!.detach()];
}

/**
 * native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)
 * -> (out, save_mean, save_invstd): in training the batch statistics (per channel, dim 1),
 * the running ones updated in place with the unbiased variance; in evaluation the running
 * statistics normalize and save_mean / save_invstd are empty, as PyTorch's CPU kernel returns.
 */
export function native_batch_norm(input: Tensor, ...args: unknown[]): Tensor[] {
  const names = ["weight", "bias", "running_mean", "running_var", "training", "momentum", "eps"] as const;
  const o = parseArgs("native_batch_norm", args, names);
  checkTensor("native_batch_norm", "input", input);
  for (const k of names) if (o[k] === undefined) throw new TorchTypeError(`native_batch_norm() missing required argument '${k}'`);
  const [weight, bias, runningMean, runningVar] = (["weight", "bias", "running_mean", "running_var"] as const).map((k) =>
    optionalTensor("native_batch_norm", k, o[k]),
  );
  if (typeof o.training !== "boolean")
    throw new TorchTypeError(`native_batch_norm(): argument 'training' must be bool, not ${describe(o.training)}`);
  for (const k of ["momentum", "eps"] as const)
    if (typeof o[k] !== "number") throw new TorchTypeError(`native_batch_norm(): argument '${k}' must be float, not ${describe(o[k])}`);
  if (!input.dtype.is_floating_point)
    throw new TorchError(`native_batch_norm: "batch_norm" not implemented for '${input.dtype.scalarName}'`);
  if (input.ndim < 2)
    throw new TorchIndexError(
      `native_batch_norm: Dimension out of range (expected to be in range of [${-Math.max(input.ndim, 1)}, ${Math.max(input.ndim, 1) - 1}], but got 1)`,
    );
  const C = input.shape[1]!;
  // the parameters have the input's dtype, or float32 for a half-precision input (the statistics are then float32)
  const params = [weight, bias, runningMean, runningVar].filter((t): t is Tensor => t !== null);
  const half = input.dtype === bfloat16 || input.dtype === float16;
  const statDtype: DType = half && params.length > 0 && params.every((t) => t.dtype === float32) ? float32 : input.dtype;
  for (const t of params)
    if (t.dtype !== statDtype)
      throw new TorchError(
        `native_batch_norm: mixed dtype (CPU): expect parameter to have scalar type of ${statDtype.scalarName}, got ${t.dtype.scalarName}`,
      );
  const x = statDtype === input.dtype ? input : input.to(statDtype);
  for (const [name, t] of [
    ["weight", weight],
    ["bias", bias],
    ["running_mean", runningMean],
    ["running_var", runningVar],
  ] as const)
    if (t && (t.ndim !== 1 || t.shape[0] !== C))
      throw new TorchError(`native_batch_norm: expected ${name} to have ${C} elements (one per channel), got shape ${shapeStr(t.shape)}`);
  const dims = [...Array(input.ndim).keys()].filter((d) => d !== 1);
  const asChannel = (t: Tensor) => t.reshape([C, ...Array(input.ndim - 2).fill(1)]);
  let mean: Tensor;
  let invstd: Tensor;
  if (o.training) {
    mean = x.mean(dims);
    invstd = x.var(dims, { unbiased: false }).add(o.eps).rsqrt();
    const m = o.momentum as number;
    no_grad(() => {
      if (runningMean) runningMean.copy_(mean.mul(m).add(runningMean.mul(1 - m)));
      if (runningVar)
        runningVar.copy_(
          x
            .var(dims)
            .mul(m)
            .add(runningVar.mul(1 - m)),
        );
    });
  } else {
    // PyTorch 1.13's CPU kernel reads the running statistics unchecked here (and crashes without them)
    if (!runningMean || !runningVar)
      throw new TorchError("native_batch_norm: running_mean and running_var must be defined in evaluation mode");
    mean = runningMean;
    invstd = runningVar.add(o.eps).rsqrt();
  }
  let y = x.sub(asChannel(mean)).mul(asChannel(invstd));
  if (weight) y = y.mul(asChannel(weight));
  if (bias) y = y.add(asChannel(bias));
  if (y.dtype !== input.dtype) y = y.to(input.dtype);
  if (!o.training) {
    const none = () => empty([0], { dtype: statDtype, device: input.device });
    return [y, none(), none()];
  }
  return [y, mean.detach(), invstd.detach()];
}
