// ReduceLROnPlateau (PyTorch 1.13): multiplies lr by factor once a metric has
// not improved for more than `patience` steps, then waits `cooldown` steps.
// Not an _LRScheduler in PyTorch: step takes the metric, and there is no
// epoch schedule.
import { Tensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { checkOptimizer, groupLrs, pyEpoch, pyExp4 } from "./lr_scheduler_base.js";
import type { Optimizer } from "./optimizer.js";

type Mode = "min" | "max";
type ThresholdMode = "rel" | "abs";
type PlateauOptions = {
  mode?: Mode;
  factor?: number;
  patience?: number;
  threshold?: number;
  threshold_mode?: ThresholdMode;
  cooldown?: number;
  min_lr?: number | readonly number[];
  eps?: number;
  verbose?: boolean;
};

export class ReduceLROnPlateau {
  factor: number;
  optimizer: Optimizer;
  min_lrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldown_counter = 0;
  mode: Mode;
  threshold: number;
  threshold_mode: ThresholdMode;
  best = 0;
  num_bad_epochs = 0;
  mode_worse = 0;
  eps: number;
  last_epoch = 0;
  _last_lr?: number[];

  constructor(
    optimizer: Optimizer,
    ...args: Args<
      [
        mode: Mode,
        factor: number,
        patience: number,
        threshold: number,
        threshold_mode: ThresholdMode,
        cooldown: number,
        min_lr: number | readonly number[],
        eps: number,
        verbose: boolean,
      ],
      PlateauOptions
    >
  ) {
    const o = parseArgs(
      "ReduceLROnPlateau",
      args,
      ["mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps", "verbose"],
      { mode: "min", factor: 0.1, patience: 10, threshold: 1e-4, threshold_mode: "rel", cooldown: 0, min_lr: 0, eps: 1e-8, verbose: false },
    );
    if (o.factor >= 1.0) throw new TorchError("Factor should be < 1.0.");
    this.factor = o.factor;
    this.optimizer = checkOptimizer(optimizer);
    const n = optimizer.param_groups.length;
    if (Array.isArray(o.min_lr)) {
      if (o.min_lr.length !== n) throw new TorchError(`expected ${n} min_lrs, got ${o.min_lr.length}`);
      this.min_lrs = [...o.min_lr];
    } else this.min_lrs = Array(n).fill(o.min_lr);
    this.patience = o.patience;
    this.verbose = o.verbose;
    this.cooldown = o.cooldown;
    this.mode = o.mode;
    this.threshold = o.threshold;
    this.threshold_mode = o.threshold_mode;
    this.eps = o.eps;
    this._init_is_better(o.mode, o.threshold, o.threshold_mode);
    this._reset();
  }

  _reset(): void {
    this.best = this.mode_worse;
    this.cooldown_counter = 0;
    this.num_bad_epochs = 0;
  }

  /** One epoch's metric (a number or a one-element tensor); `epoch` is deprecated in PyTorch too. */
  step(metrics: number | Tensor, epoch?: number | null): void {
    const current = metrics instanceof Tensor ? Number(metrics.item()) : Number(metrics);
    const e = epoch ?? this.last_epoch + 1;
    this.last_epoch = e;
    if (this.is_better(current, this.best)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else this.num_bad_epochs += 1;
    if (this.in_cooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // bad epochs in cooldown do not count
    }
    if (this.num_bad_epochs > this.patience) {
      this._reduce_lr(e);
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }
    this._last_lr = groupLrs(this);
  }

  _reduce_lr(epoch: number): void {
    this.optimizer.param_groups.forEach((g, i) => {
      const old_lr = Number(g.lr);
      const new_lr = Math.max(old_lr * this.factor, this.min_lrs[i]!);
      if (old_lr - new_lr > this.eps) {
        g.lr = new_lr;
        if (this.verbose) console.log(`Epoch ${pyEpoch(epoch)}: reducing learning rate of group ${i} to ${pyExp4(new_lr)}.`);
      }
    });
  }

  get in_cooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  is_better(a: number, best: number): boolean {
    if (this.mode === "min" && this.threshold_mode === "rel") return a < best * (1 - this.threshold);
    if (this.mode === "min" && this.threshold_mode === "abs") return a < best - this.threshold;
    if (this.mode === "max" && this.threshold_mode === "rel") return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  _init_is_better(mode: Mode, threshold: number, threshold_mode: ThresholdMode): void {
    if (mode !== "min" && mode !== "max") throw new TorchError(`mode ${mode} is unknown!`);
    if (threshold_mode !== "rel" && threshold_mode !== "abs") throw new TorchError(`threshold mode ${threshold_mode} is unknown!`);
    this.mode_worse = mode === "min" ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.threshold_mode = threshold_mode;
  }

  /** PyTorch 1.13's ReduceLROnPlateau has no get_last_lr; this reads the _last_lr it records (later versions' method). */
  get_last_lr(): number[] {
    if (!this._last_lr) throw new TorchError("ReduceLROnPlateau: get_last_lr() is only available after the first step(metrics)");
    return this._last_lr;
  }

  state_dict(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this)
        .filter(([k, v]) => k !== "optimizer" && typeof v !== "function" && v !== undefined)
        .map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
    );
  }
  load_state_dict(state_dict: Record<string, unknown>): void {
    Object.assign(this, state_dict);
    this._init_is_better(this.mode, this.threshold, this.threshold_mode);
  }
}
