// F.channel_shuffle (torch.channel_shuffle): the channels of (N, C, *) split
// into `groups` groups and interleaved, (N, g, C / g, *) with the two group
// dims swapped, composed from reshape and transpose (ATen's
// math_channel_shuffle), with aten's checks in its order and words.
import { Tensor, TorchError, TorchTypeError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

export function channel_shuffle(input: Tensor, ...args: Args<[groups: number], { groups?: number }>): Tensor {
  const { groups } = parseArgs("channel_shuffle", args, ["groups"]) as { groups: unknown };
  if (!(input instanceof Tensor)) throw new TorchTypeError(`channel_shuffle(): argument 'input' (position 1) must be Tensor`);
  if (groups === undefined) throw new TorchTypeError("channel_shuffle() missing required argument 'groups' (pos 2)");
  if (typeof groups !== "number" || !Number.isInteger(groups))
    throw new TorchTypeError(
      `channel_shuffle(): argument 'groups' (position 2) must be int, not ${typeof groups === "number" ? "float" : typeof groups}`,
    );
  if (input.ndim <= 2)
    throw new TorchError(`channel_shuffle expects input with > 2 dims, but got input with sizes [${input.shape.join(", ")}]`);
  const [n, c] = input.shape as [number, number];
  if (groups <= 0) throw new TorchError(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  if (c % groups !== 0) throw new TorchError(`Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`);
  const rest = input.shape.slice(2);
  return input
    .reshape([n, groups, c / groups, ...rest])
    .transpose(1, 2)
    .reshape([n, c, ...rest]);
}
