// Schedulers made of schedulers (PyTorch 1.13): SequentialLR hands over from
// one scheduler to the next at each milestone; ChainedScheduler steps them all
// at once, each multiplying in its own chainable change. Their state_dict holds
// each wrapped scheduler's state_dict under _schedulers, as PyTorch's does.
import { TorchError, TorchIndexError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { _LRScheduler, checkOptimizer, groupLrs, type Verbose } from "./lr_scheduler_base.js";
import type { Optimizer } from "./optimizer.js";

/** Python's bisect_right on a sorted list. */
function bisectRight(sorted: readonly number[], x: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i]! <= x) i++;
  return i;
}

/** The state_dict of a scheduler of schedulers: `keys` of its own, and each wrapped scheduler's state_dict. */
function composedState(self: object, keys: readonly string[], schedulers: _LRScheduler[]): Record<string, unknown> {
  const own = self as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = Array.isArray(own[k]) ? [...(own[k] as unknown[])] : own[k];
  out._schedulers = schedulers.map((s) => s.state_dict());
  return out;
}

function loadComposed(self: object, state_dict: Record<string, unknown>, schedulers: _LRScheduler[]): void {
  const { _schedulers, ...rest } = state_dict;
  Object.assign(self, rest);
  (_schedulers as Record<string, unknown>[]).forEach((s, i) => schedulers[i]!.load_state_dict(s));
}

export class SequentialLR extends _LRScheduler {
  _schedulers: _LRScheduler[];
  _milestones: number[];

  constructor(
    optimizer: Optimizer,
    schedulers: _LRScheduler[],
    milestones: number[],
    ...args: Args<[last_epoch: number, verbose: boolean], Verbose>
  ) {
    const o = parseArgs("SequentialLR", args, ["last_epoch", "verbose"], { last_epoch: -1, verbose: false });
    checkOptimizer(optimizer);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer)
        throw new TorchError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
    });
    if (milestones.length !== schedulers.length - 1)
      throw new TorchError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    // PyTorch's SequentialLR skips the base __init__; its bookkeeping (initial_lr) is already there from the wrapped schedulers
    super(optimizer, -1, o.verbose);
    this._schedulers = [...schedulers];
    this._milestones = [...milestones];
    this.last_epoch = o.last_epoch + 1;
    // reset lr to the initial values and undo the step each wrapped scheduler took at construction
    for (const g of optimizer.param_groups) g.lr = g.initial_lr as number;
    for (const s of this._schedulers) s.last_epoch -= 1;
    this._schedulers[0]!._initial_step();
    this._last_lr = this._schedulers[0]!.get_last_lr();
  }

  get_lr(): number[] {
    return groupLrs(this);
  }

  override step(): void {
    this.last_epoch += 1;
    const idx = bisectRight(this._milestones, this.last_epoch);
    const scheduler = this._schedulers[idx]!;
    if (idx > 0 && this._milestones[idx - 1] === this.last_epoch) scheduler.step(0);
    else scheduler.step();
    this._last_lr = scheduler.get_last_lr();
  }

  override state_dict(): Record<string, unknown> {
    return composedState(this, ["_milestones", "last_epoch", "_last_lr"], this._schedulers);
  }
  override load_state_dict(state_dict: Record<string, unknown>): void {
    loadComposed(this, state_dict, this._schedulers);
  }
}

export class ChainedScheduler extends _LRScheduler {
  _schedulers: _LRScheduler[];

  constructor(schedulers: _LRScheduler[]) {
    const list = [...schedulers];
    if (list.length === 0) throw new TorchIndexError("list index out of range");
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.optimizer !== list[0]!.optimizer)
        throw new TorchError(
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
    }
    // PyTorch's ChainedScheduler skips the base __init__: it takes no step of its own
    super(checkOptimizer(list[0]!.optimizer), -1, false);
    this._schedulers = list;
    this._last_lr = groupLrs(list[list.length - 1]!);
  }

  get_lr(): number[] {
    return groupLrs(this);
  }

  override step(): void {
    for (const s of this._schedulers) s.step();
    this._last_lr = groupLrs(this._schedulers[this._schedulers.length - 1]!);
  }

  override state_dict(): Record<string, unknown> {
    return composedState(this, ["_last_lr"], this._schedulers);
  }
  override load_state_dict(state_dict: Record<string, unknown>): void {
    loadComposed(this, state_dict, this._schedulers);
  }
}
