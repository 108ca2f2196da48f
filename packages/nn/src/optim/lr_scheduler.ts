// torch.optim.lr_scheduler (PyTorch 1.13): StepLR, ExponentialLR,
// CosineAnnealingLR, LambdaLR, MultiplicativeLR. Each computes the new lr from
// the current one (the "chainable" form), exactly as PyTorch's get_lr does.
import { TorchError, TorchTypeError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { Optimizer } from "./optimizer.js";

type Verbose = { last_epoch?: number; verbose?: boolean };

/** Python's modulo (the result takes the divisor's sign). */
const pyMod = (a: number, b: number) => ((a % b) + b) % b;

export abstract class _LRScheduler {
  optimizer: Optimizer;
  base_lrs: number[];
  last_epoch: number;
  verbose: boolean;
  _step_count = 0;
  _last_lr: number[] = [];

  constructor(optimizer: Optimizer, last_epoch = -1, verbose = false) {
    if (!(optimizer instanceof Optimizer)) throw new TorchTypeError(`${(optimizer as object)?.constructor?.name} is not an Optimizer`);
    this.optimizer = optimizer;
    if (last_epoch === -1) {
      for (const g of optimizer.param_groups) if (!("initial_lr" in g)) g.initial_lr = g.lr;
    } else {
      optimizer.param_groups.forEach((g, i) => {
        if (!("initial_lr" in g))
          throw new TorchError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.base_lrs = optimizer.param_groups.map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
    this.verbose = verbose;
  }

  /** Subclass constructors call this last (PyTorch's _initial_step, run from the base __init__ after subclass fields are set). */
  protected _initial_step(): void {
    this.optimizer._step_count = 0;
    this._step_count = 0;
    this.step();
  }

  abstract get_lr(): number[];

  step(): void {
    this._step_count++;
    this.last_epoch++;
    const values = this.get_lr();
    this.optimizer.param_groups.forEach((g, i) => {
      g.lr = values[i]!;
      if (this.verbose) console.log(`Adjusting learning rate of group ${i} to ${g.lr.toExponential(4)}.`);
    });
    this._last_lr = this.optimizer.param_groups.map((g) => g.lr);
  }

  get_last_lr(): number[] {
    return this._last_lr;
  }

  /** Every field but the optimizer (and functions). */
  state_dict(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([k, v]) => k !== "optimizer" && typeof v !== "function"));
  }
  load_state_dict(state_dict: Record<string, unknown>): void {
    Object.assign(this, state_dict);
  }
}

const groupLrs = (s: _LRScheduler) => s.optimizer.param_groups.map((g) => g.lr as number);

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
