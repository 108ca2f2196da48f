// The padding modules of PyTorch 1.13 (ConstantPad1d/2d/3d, ZeroPad2d,
// ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d): F.pad with a fixed padding
// and mode. An int padding is repeated to 2·n entries as PyTorch's _ntuple does;
// a sequence is kept as given (F.pad checks it at the call).
import type { Tensor } from "@xlatorch/core";
import { parseArgs } from "../args.js";
import { pad } from "../functional/padding.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";

type Padding = number | readonly number[];
const ntuple = (p: Padding, n: number): number[] => (typeof p === "number" ? Array<number>(n).fill(p) : [...p]);

/** Constant padding by `value` of the last n dims. */
class ConstantPadNd extends Module {
  padding: number[];
  value: number;
  constructor(nd: number, name: string, args: readonly unknown[]) {
    super();
    const o = parseArgs(name, args, ["padding", "value"], {});
    this.padding = ntuple(o.padding, 2 * nd);
    this.value = o.value;
  }
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, "constant", this.value);
  }
  override extra_repr(): string {
    return `padding=${pyRepr(this.padding)}, value=${pyRepr(this.value)}`;
  }
}

/** nn.ConstantPad1d(padding, value). */
export class ConstantPad1d extends ConstantPadNd {
  constructor(
    ...args:
      | [padding: Padding, value: number]
      | [padding: Padding, kwargs: { value: number }]
      | [kwargs: { padding: Padding; value: number }]
  ) {
    super(1, "ConstantPad1d", args);
  }
}
/** nn.ConstantPad2d(padding, value). */
export class ConstantPad2d extends ConstantPadNd {
  constructor(
    ...args:
      | [padding: Padding, value: number]
      | [padding: Padding, kwargs: { value: number }]
      | [kwargs: { padding: Padding; value: number }]
  ) {
    super(2, "ConstantPad2d", args);
  }
}
/** nn.ConstantPad3d(padding, value). */
export class ConstantPad3d extends ConstantPadNd {
  constructor(
    ...args:
      | [padding: Padding, value: number]
      | [padding: Padding, kwargs: { value: number }]
      | [kwargs: { padding: Padding; value: number }]
  ) {
    super(3, "ConstantPad3d", args);
  }
}
/** nn.ZeroPad2d(padding): ConstantPad2d with value 0, printed with its padding only. */
export class ZeroPad2d extends ConstantPadNd {
  constructor(...args: [padding: Padding] | [kwargs: { padding: Padding }]) {
    super(2, "ZeroPad2d", [parseArgs("ZeroPad2d", args, ["padding"], {}).padding, 0]);
  }
  override extra_repr(): string {
    return pyRepr(this.padding);
  }
}

/** Reflection or replication padding of the last n dims. */
class IndexedPadNd extends Module {
  padding: number[];
  mode: "reflect" | "replicate";
  constructor(nd: number, name: string, mode: "reflect" | "replicate", args: readonly unknown[]) {
    super();
    this.padding = ntuple(parseArgs(name, args, ["padding"], {}).padding, 2 * nd);
    this.mode = mode;
  }
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, this.mode);
  }
  override extra_repr(): string {
    return pyRepr(this.padding);
  }
}
type PadArgs = [padding: Padding] | [kwargs: { padding: Padding }];

/** nn.ReflectionPad1d(padding). */
export class ReflectionPad1d extends IndexedPadNd {
  constructor(...args: PadArgs) {
    super(1, "ReflectionPad1d", "reflect", args);
  }
}
/** nn.ReflectionPad2d(padding). */
export class ReflectionPad2d extends IndexedPadNd {
  constructor(...args: PadArgs) {
    super(2, "ReflectionPad2d", "reflect", args);
  }
}
/** nn.ReflectionPad3d(padding). */
export class ReflectionPad3d extends IndexedPadNd {
  constructor(...args: PadArgs) {
    super(3, "ReflectionPad3d", "reflect", args);
  }
}
/** nn.ReplicationPad1d(padding). */
export class ReplicationPad1d extends IndexedPadNd {
  constructor(...args: PadArgs) {
    super(1, "ReplicationPad1d", "replicate", args);
  }
}
/** nn.ReplicationPad2d(padding). */
export class ReplicationPad2d extends IndexedPadNd {
  constructor(...args: PadArgs) {
    super(2, "ReplicationPad2d", "replicate", args);
  }
}
/** nn.ReplicationPad3d(padding). */
export class ReplicationPad3d extends IndexedPadNd {
  constructor(...args: PadArgs) {
    super(3, "ReplicationPad3d", "replicate", args);
  }
}
