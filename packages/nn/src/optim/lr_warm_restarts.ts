// CosineAnnealingWarmRestarts (PyTorch 1.13, SGDR): cosine annealing over
// T_i epochs, restarting at base_lr, with T_i growing by T_mult each restart.
// step(epoch) takes fractional epochs (per-batch stepping: epoch + i / iters).
import { TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { _LRScheduler, type Verbose } from "./lr_scheduler_base.js";
import type { Optimizer } from "./optimizer.js";

export class CosineAnnealingWarmRestarts extends _LRScheduler {
  T_0: number;
  T_i: number;
  T_mult: number;
  eta_min: number;
  T_cur: number;

  constructor(
    optimizer: Optimizer,
    T_0: number,
    ...args: Args<[T_mult: number, eta_min: number, last_epoch: number, verbose: boolean], { T_mult?: number; eta_min?: number } & Verbose>
  ) {
    const o = parseArgs("CosineAnnealingWarmRestarts", args, ["T_mult", "eta_min", "last_epoch", "verbose"], {
      T_mult: 1,
      eta_min: 0,
      last_epoch: -1,
      verbose: false,
    });
    if (!Number.isInteger(T_0) || T_0 <= 0) throw new TorchError(`Expected positive integer T_0, but got ${T_0}`);
    if (!Number.isInteger(o.T_mult) || o.T_mult < 1) throw new TorchError(`Expected integer T_mult >= 1, but got ${o.T_mult}`);
    super(optimizer, o.last_epoch, o.verbose);
    this.T_0 = T_0;
    this.T_i = T_0;
    this.T_mult = o.T_mult;
    this.eta_min = o.eta_min;
    this.T_cur = o.last_epoch;
    this._initial_step();
  }

  get_lr(): number[] {
    return this.base_lrs.map((base) => this.eta_min + ((base - this.eta_min) * (1 + Math.cos((Math.PI * this.T_cur) / this.T_i))) / 2);
  }

  override step(epoch?: number | null): void {
    let e = epoch ?? null;
    if (e === null && this.last_epoch < 0) e = 0;
    if (e === null) {
      e = this.last_epoch + 1;
      this.T_cur = this.T_cur + 1;
      if (this.T_cur >= this.T_i) {
        this.T_cur = this.T_cur - this.T_i;
        this.T_i = this.T_i * this.T_mult;
      }
    } else {
      if (e < 0) throw new TorchError(`Expected non-negative epoch, but got ${e}`);
      if (e >= this.T_0) {
        if (this.T_mult === 1) this.T_cur = e % this.T_0;
        else {
          const n = Math.trunc(Math.log((e / this.T_0) * (this.T_mult - 1) + 1) / Math.log(this.T_mult));
          this.T_cur = e - (this.T_0 * (this.T_mult ** n - 1)) / (this.T_mult - 1);
          this.T_i = this.T_0 * this.T_mult ** n;
        }
      } else {
        this.T_i = this.T_0;
        this.T_cur = e;
      }
    }
    this.last_epoch = Math.floor(e);
    this._apply(this.get_lr(), e);
  }
}
