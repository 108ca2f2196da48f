// Flatten and Unflatten.
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { Module } from "../module.js";

export class Flatten extends Module {
  start_dim: number;
  end_dim: number;
  constructor(...args: Args<[start_dim: number, end_dim: number], { start_dim?: number; end_dim?: number }>) {
    super();
    const o = parseArgs("Flatten", args, ["start_dim", "end_dim"], { start_dim: 1, end_dim: -1 });
    this.start_dim = o.start_dim;
    this.end_dim = o.end_dim;
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.start_dim, this.end_dim);
  }
  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}

export class Unflatten extends Module {
  constructor(
    public dim: number,
    public unflattened_size: number[],
  ) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattened_size);
  }
  override extra_repr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattened_size.join(", ")}${this.unflattened_size.length === 1 ? "," : ""})`;
  }
}
