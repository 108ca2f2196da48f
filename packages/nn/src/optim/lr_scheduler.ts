// torch.optim.lr_scheduler (PyTorch 1.13): the epoch schedulers whose lr is a
// function of the epoch (StepLR, MultiStepLR, ConstantLR, LinearLR,
// ExponentialLR, PolynomialLR, CosineAnnealingLR, LambdaLR, MultiplicativeLR).
// Each get_lr computes the new lr from the current one (the "chainable" form)
// exactly as PyTorch's does, and _get_closed_form_lr serves step(epoch). The
// cycling, composing and metric-driven schedulers live in their own files and
// are re-exported here: torch.optim.lr_scheduler is this one module.
import { TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { _LRScheduler, groupLrs, pyMod, type Verbose } from "./lr_scheduler_base.js";
import type { Optimizer } from "./optimizer.js";

export { _LRScheduler } from "./lr_scheduler_base.js";
export { OneCycleLR, CyclicLR } from "./lr_cyclic.js";
export { CosineAnnealingWarmRestarts } from "./lr_warm_restarts.js";
export { SequentialLR, ChainedScheduler } from "./lr_compose.js";
export { ReduceLROnPlateau } from "./lr_plateau.js";

/** Python's bisect_right on a sorted list. */
function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class StepLR extends _LRScheduler {
  step_size: number;
  gamma: number;
  constructor(
    optimizer: Optimizer,
    step_size: number,
    ...args: Args<[gamma: number, last_epoch: number, verbose: boolean], { gamma?: number } & Verbose>
  ) {
    const o = parseArgs("StepLR", args, ["gamma", "last_epoch", "verbose"], { gamma: 0.1, last_epoch: -1, verbose: false });
    super(optimizer, o.last_epoch, o.verbose);
    this.step_size = step_size;
    this.gamma = o.gamma;
    this._initial_step();
  }
  get_lr(): number[] {
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return groupLrs(this);
    return groupLrs(this).map((lr) => lr * this.gamma);
  }
  override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base) => base * this.gamma ** Math.floor(this.last_epoch / this.step_size));
  }
}

/** lr decays by gamma at each milestone (a milestone given twice decays twice: PyTorch's Counter). */
export class MultiStepLR extends _LRScheduler {
  /** milestone epoch -> how many times it was given. */
  milestones: Record<number, number>;
  gamma: number;
  constructor(
    optimizer: Optimizer,
    milestones: Iterable<number>,
    ...args: Args<[gamma: number, last_epoch: number, verbose: boolean], { gamma?: number } & Verbose>
  ) {
    const o = parseArgs("MultiStepLR", args, ["gamma", "last_epoch", "verbose"], { gamma: 0.1, last_epoch: -1, verbose: false });
    super(optimizer, o.last_epoch, o.verbose);
    this.milestones = {};
    for (const m of milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = o.gamma;
    this._initial_step();
  }
  get_lr(): number[] {
    const count = this.milestones[this.last_epoch];
    if (!count) return groupLrs(this);
    return groupLrs(this).map((lr) => lr * this.gamma ** count);
  }
  override _get_closed_form_lr(): number[] {
    const sorted = Object.entries(this.milestones)
      .flatMap(([m, c]) => Array<number>(c).fill(Number(m)))
      .sort((a, b) => a - b);
    return this.base_lrs.map((base) => base * this.gamma ** bisectRight(sorted, this.last_epoch));
  }
}

/** lr * factor until total_iters, then lr. */
export class ConstantLR extends _LRScheduler {
  factor: number;
  total_iters: number;
  constructor(
    optimizer: Optimizer,
    ...args: Args<
      [factor: number, total_iters: number, last_epoch: number, verbose: boolean],
      { factor?: number; total_iters?: number } & Verbose
    >
  ) {
    const o = parseArgs("ConstantLR", args, ["factor", "total_iters", "last_epoch", "verbose"], {
      factor: 1.0 / 3,
      total_iters: 5,
      last_epoch: -1,
      verbose: false,
    });
    if (o.factor > 1.0 || o.factor < 0) throw new TorchError("Constant multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.last_epoch, o.verbose);
    this.factor = o.factor;
    this.total_iters = o.total_iters;
    this._initial_step();
  }
  get_lr(): number[] {
    if (this.last_epoch === 0) return groupLrs(this).map((lr) => lr * this.factor);
    if (this.last_epoch !== this.total_iters) return groupLrs(this);
    return groupLrs(this).map((lr) => lr * (1.0 / this.factor));
  }
  override _get_closed_form_lr(): number[] {
    const reached = this.last_epoch >= this.total_iters ? 1 : 0;
    return this.base_lrs.map((base) => base * (this.factor + reached * (1 - this.factor)));
  }
}

/** The factor moves linearly from start_factor to end_factor over total_iters steps. */
export class LinearLR extends _LRScheduler {
  start_factor: number;
  end_factor: number;
  total_iters: number;
  constructor(
    optimizer: Optimizer,
    ...args: Args<
      [start_factor: number, end_factor: number, total_iters: number, last_epoch: number, verbose: boolean],
      { start_factor?: number; end_factor?: number; total_iters?: number } & Verbose
    >
  ) {
    const o = parseArgs("LinearLR", args, ["start_factor", "end_factor", "total_iters", "last_epoch", "verbose"], {
      start_factor: 1.0 / 3,
      end_factor: 1.0,
      total_iters: 5,
      last_epoch: -1,
      verbose: false,
    });
    if (o.start_factor > 1.0 || o.start_factor < 0) throw new TorchError("Starting multiplicative factor expected to be between 0 and 1.");
    if (o.end_factor > 1.0 || o.end_factor < 0) throw new TorchError("Ending multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.last_epoch, o.verbose);
    this.start_factor = o.start_factor;
    this.end_factor = o.end_factor;
    this.total_iters = o.total_iters;
    this._initial_step();
  }
  get_lr(): number[] {
    const { start_factor: s, end_factor: e, total_iters: n, last_epoch: t } = this;
    if (t === 0) return groupLrs(this).map((lr) => lr * s);
    if (t > n) return groupLrs(this);
    return groupLrs(this).map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
  override _get_closed_form_lr(): number[] {
    const { start_factor: s, end_factor: e, total_iters: n, last_epoch: t } = this;
    return this.base_lrs.map((base) => base * (s + ((e - s) * Math.min(n, t)) / n));
  }
}

export class ExponentialLR extends _LRScheduler {
  gamma: number;
  constructor(optimizer: Optimizer, gamma: number, ...args: Args<[last_epoch: number, verbose: boolean], Verbose>) {
    const o = parseArgs("ExponentialLR", args, ["last_epoch", "verbose"], { last_epoch: -1, verbose: false });
    super(optimizer, o.last_epoch, o.verbose);
    this.gamma = gamma;
    this._initial_step();
  }
  get_lr(): number[] {
    if (this.last_epoch === 0) return groupLrs(this);
    return groupLrs(this).map((lr) => lr * this.gamma);
  }
  override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base) => base * this.gamma ** this.last_epoch);
  }
}

/** lr * (1 - t / total_iters) ** power, reaching 0 at total_iters. */
export class PolynomialLR extends _LRScheduler {
  total_iters: number;
  power: number;
  constructor(
    optimizer: Optimizer,
    ...args: Args<
      [total_iters: number, power: number, last_epoch: number, verbose: boolean],
      { total_iters?: number; power?: number } & Verbose
    >
  ) {
    const o = parseArgs("PolynomialLR", args, ["total_iters", "power", "last_epoch", "verbose"], {
      total_iters: 5,
      power: 1.0,
      last_epoch: -1,
      verbose: false,
    });
    super(optimizer, o.last_epoch, o.verbose);
    this.total_iters = o.total_iters;
    this.power = o.power;
    this._initial_step();
  }
  get_lr(): number[] {
    const { total_iters: n, last_epoch: t } = this;
    if (t === 0 || t > n) return groupLrs(this);
    const decay = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** this.power;
    return groupLrs(this).map((lr) => lr * decay);
  }
  override _get_closed_form_lr(): number[] {
    const { total_iters: n, last_epoch: t } = this;
    return this.base_lrs.map((base) => base * (1.0 - Math.min(n, t) / n) ** this.power);
  }
}

export class CosineAnnealingLR extends _LRScheduler {
  T_max: number;
  eta_min: number;
  constructor(
    optimizer: Optimizer,
    T_max: number,
    ...args: Args<[eta_min: number, last_epoch: number, verbose: boolean], { eta_min?: number } & Verbose>
  ) {
    const o = parseArgs("CosineAnnealingLR", args, ["eta_min", "last_epoch", "verbose"], { eta_min: 0, last_epoch: -1, verbose: false });
    super(optimizer, o.last_epoch, o.verbose);
    this.T_max = T_max;
    this.eta_min = o.eta_min;
    this._initial_step();
  }
  get_lr(): number[] {
    const { last_epoch: e, T_max: T, eta_min } = this;
    if (e === 0) return groupLrs(this);
    if (this._step_count === 1 && e > 0) {
      return this.base_lrs.map((base) => eta_min + ((base - eta_min) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return groupLrs(this).map((lr, i) => lr + ((this.base_lrs[i]! - eta_min) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groupLrs(this).map(
      (lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - eta_min) + eta_min,
    );
  }
  override _get_closed_form_lr(): number[] {
    const { last_epoch: e, T_max: T, eta_min } = this;
    return this.base_lrs.map((base) => eta_min + ((base - eta_min) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

type LrLambda = (epoch: number) => number;
function lambdasFor(op: string, optimizer: Optimizer, lr_lambda: LrLambda | LrLambda[]): LrLambda[] {
  const n = optimizer.param_groups.length;
  if (!Array.isArray(lr_lambda)) return Array(n).fill(lr_lambda);
  if (lr_lambda.length !== n) throw new TorchError(`${op}: Expected ${n} lr_lambdas, but got ${lr_lambda.length}`);
  return [...lr_lambda];
}

/** lr = base_lr * lr_lambda(epoch). */
export class LambdaLR extends _LRScheduler {
  lr_lambdas: LrLambda[];
  constructor(optimizer: Optimizer, lr_lambda: LrLambda | LrLambda[], ...args: Args<[last_epoch: number, verbose: boolean], Verbose>) {
    const o = parseArgs("LambdaLR", args, ["last_epoch", "verbose"], { last_epoch: -1, verbose: false });
    const lambdas = lambdasFor("LambdaLR", optimizer, lr_lambda);
    super(optimizer, o.last_epoch, o.verbose);
    this.lr_lambdas = lambdas;
    this._initial_step();
  }
  get_lr(): number[] {
    return this.base_lrs.map((base, i) => base * this.lr_lambdas[i]!(this.last_epoch));
  }
  override state_dict(): Record<string, unknown> {
    const { lr_lambdas: _drop, ...rest } = super.state_dict();
    return { ...rest, lr_lambdas: this.lr_lambdas.map(() => null) };
  }
  override load_state_dict(state_dict: Record<string, unknown>): void {
    const { lr_lambdas: _drop, ...rest } = state_dict;
    super.load_state_dict(rest);
  }
}

/** lr = lr * lr_lambda(epoch) from the second step on. */
export class MultiplicativeLR extends LambdaLR {
  override get_lr(): number[] {
    if (this.last_epoch > 0) return groupLrs(this).map((lr, i) => lr * this.lr_lambdas[i]!(this.last_epoch));
    return groupLrs(this);
  }
}
