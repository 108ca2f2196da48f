// torch.optim.lr_scheduler._LRScheduler (PyTorch 1.13): the base every epoch
// scheduler extends, and the helpers the schedulers share. step() computes the
// new lr from the current one (the chainable get_lr); step(epoch) jumps to an
// epoch through the closed form where the scheduler has one, as PyTorch does.
import { TorchError, TorchTypeError } from "@xlatorch/core";
import { Optimizer } from "./optimizer.js";

export type Verbose = { last_epoch?: number; verbose?: boolean };

/** Python's modulo (the result takes the divisor's sign). */
export const pyMod = (a: number, b: number): number => ((a % b) + b) % b;

/** Python's TypeError for a non-Optimizer: '<type> is not an Optimizer'. */
export function checkOptimizer(optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    const name = optimizer === null ? "NoneType" : ((optimizer as object)?.constructor?.name ?? typeof optimizer);
    throw new TorchTypeError(`${name} is not an Optimizer`);
  }
  return optimizer;
}

/** A value per param group: a list (its length checked) or one value repeated (PyTorch's _format_param). */
export function formatParam<T>(name: string, optimizer: Optimizer, param: T | readonly T[]): T[] {
  const n = optimizer.param_groups.length;
  if (Array.isArray(param)) {
    if (param.length !== n) throw new TorchError(`expected ${n} values for ${name}, got ${param.length}`);
    return [...param];
  }
  return Array(n).fill(param);
}

/** Python's '{:.4e}': two exponent digits at least (1.0000e-01). */
export const pyExp4 = (x: number): string => x.toExponential(4).replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
/** Python's '%.2f' for a float epoch, '%.5d' for an int one. */
export const pyEpoch = (epoch: number): string => (Number.isInteger(epoch) ? String(epoch).padStart(5, "0") : epoch.toFixed(2));

/** The lr of each param group now. */
export const groupLrs = (s: { optimizer: Optimizer }): number[] => s.optimizer.param_groups.map((g) => g.lr);

export abstract class _LRScheduler {
  optimizer: Optimizer;
  base_lrs: number[];
  last_epoch: number;
  verbose: boolean;
  _step_count = 0;
  _last_lr: number[] = [];

  constructor(optimizer: Optimizer, last_epoch = -1, verbose = false) {
    this.optimizer = checkOptimizer(optimizer);
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

  /**
   * Subclass constructors call this last: PyTorch runs it from the base __init__,
   * after the subclass has set its fields, which a JavaScript subclass can only
   * do after super() returns.
   */
  _initial_step(): void {
    this.optimizer._step_count = 0;
    this._step_count = 0;
    this.step();
  }

  /** The chainable form: the next lr of each group from the current one. */
  abstract get_lr(): number[];

  /** The lr of each group at last_epoch from base_lrs alone (schedulers that have one override it). */
  _get_closed_form_lr?(): number[];

  step(epoch?: number | null): void {
    this._step_count++;
    let values: number[];
    if (epoch === undefined || epoch === null) {
      this.last_epoch++;
      values = this.get_lr();
    } else {
      this.last_epoch = epoch;
      values = this._get_closed_form_lr ? this._get_closed_form_lr() : this.get_lr();
    }
    this._apply(values, epoch);
  }

  /** Writes each group's lr and records them (PyTorch's loop at the end of step). */
  protected _apply(values: number[], epoch?: number | null): void {
    this.optimizer.param_groups.forEach((g, i) => {
      if (i >= values.length) return;
      g.lr = values[i]!;
      this.print_lr(this.verbose, i, g.lr, epoch);
    });
    this._last_lr = groupLrs(this);
  }

  print_lr(is_verbose: boolean, group: number, lr: number, epoch?: number | null): void {
    if (!is_verbose) return;
    if (epoch === undefined || epoch === null) console.log(`Adjusting learning rate of group ${group} to ${pyExp4(lr)}.`);
    else console.log(`Epoch ${pyEpoch(epoch)}: adjusting learning rate of group ${group} to ${pyExp4(lr)}.`);
  }

  get_last_lr(): number[] {
    return this._last_lr;
  }

  /** Every field but the optimizer (and functions), copied one level (lists are not shared). */
  state_dict(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this)
        .filter(([k, v]) => k !== "optimizer" && typeof v !== "function")
        .map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
    );
  }
  load_state_dict(state_dict: Record<string, unknown>): void {
    Object.assign(this, Object.fromEntries(Object.entries(state_dict).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])));
  }
}
