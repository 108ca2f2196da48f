// nn.ChannelShuffle(groups): F.channel_shuffle as a module.
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { channel_shuffle } from "../functional/channel_shuffle.js";
import { Module } from "../module.js";

export class ChannelShuffle extends Module {
  groups: number;
  constructor(...args: Args<[groups: number], { groups?: number }>) {
    super();
    this.groups = (parseArgs("ChannelShuffle", args, ["groups"], {}) as { groups: number }).groups;
  }
  override forward(input: Tensor): Tensor {
    return channel_shuffle(input, this.groups);
  }
  override extra_repr(): string {
    return `groups=${this.groups}`;
  }
}
