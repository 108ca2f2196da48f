// linear, bilinear, identity-like compositions of matmul.
import { Tensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

/** y = input @ weight.T + bias. Checks the feature size first so the error names both shapes. */
export function linear(input: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor {
  const { bias } = parseArgs("linear", args, ["bias"], { bias: null });
  const k = input.ndim === 0 ? 1 : input.shape[input.ndim - 1]!;
  const inF = weight.ndim === 2 ? weight.shape[1]! : weight.shape[0]!;
  if (input.ndim === 0 || k !== inF) {
    const rows = input.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    throw new TorchError(
      `linear(): mat1 and mat2 shapes cannot be multiplied (${rows}x${k} and ${inF}x${weight.ndim === 2 ? weight.shape[0] : 1}): input has shape [${input.shape.join(", ")}] and weight has shape [${weight.shape.join(", ")}] (in_features=${inF})`,
    );
  }
  const y = input.matmul(weight.t());
  return bias ? y.add(bias) : y;
}

/** y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]. */
export function bilinear(
  input1: Tensor,
  input2: Tensor,
  weight: Tensor,
  ...args: Args<[bias: Tensor | null], { bias?: Tensor | null }>
): Tensor {
  const { bias } = parseArgs("bilinear", args, ["bias"], { bias: null });
  if (weight.ndim !== 3)
    throw new TorchError(
      `bilinear(): weight must be 3-D (out_features, in1_features, in2_features), got shape [${weight.shape.join(", ")}]`,
    );
  const [O, I, J] = weight.shape as [number, number, number];
  if (
    input1.shape[input1.ndim - 1] !== I ||
    input2.shape[input2.ndim - 1] !== J ||
    input1.shape.slice(0, -1).join() !== input2.shape.slice(0, -1).join()
  ) {
    throw new TorchError(
      `bilinear(): input1 [${input1.shape.join(", ")}] and input2 [${input2.shape.join(", ")}] do not match weight [${weight.shape.join(", ")}] (expected [..., ${I}] and [..., ${J}] with equal leading dimensions)`,
    );
  }
  const lead = input1.shape.slice(0, -1);
  const x1 = input1.reshape(-1, I),
    x2 = input2.reshape(-1, J);
  // (N, I) @ (I, O*J) -> (N, O, J), then contract J against input2.
  const t = x1.matmul(weight.permute(1, 0, 2).reshape(I, O * J)).reshape(-1, O, J);
  let y = t.mul(x2.unsqueeze(1)).sum(-1);
  if (bias) y = y.add(bias);
  return y.reshape([...lead, O]);
}
