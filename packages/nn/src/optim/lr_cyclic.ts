// The per-batch cycling schedulers of torch.optim.lr_scheduler (PyTorch 1.13):
// OneCycleLR (warm up to max_lr, anneal to min_lr; two or three phases) and
// CyclicLR (triangular, triangular2, exp_range or a custom scale). Both move
// momentum inversely to lr when cycle_momentum is on; OneCycleLR moves beta1
// for optimizers with betas (Adam, AdamW, Adamax, NAdam, RAdam).
import { TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { _LRScheduler, checkOptimizer, formatParam, type Verbose } from "./lr_scheduler_base.js";
import type { Optimizer, ParamGroup } from "./optimizer.js";

type NumOrList = number | readonly number[];

/** One phase of a 1cycle schedule: where it ends and which group keys it anneals between. */
interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/** Cosine anneal from start to end as pct goes from 0 to 1. */
const annealCos = (start: number, end: number, pct: number): number => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
/** Linear anneal from start to end as pct goes from 0 to 1. */
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

/** Sets momentum, or beta1 of betas, in a group (PyTorch replaces the betas tuple). */
function setMomentum(group: ParamGroup, useBeta1: boolean, m: number): void {
  if (useBeta1) group.betas = [m, ...(group.betas as number[]).slice(1)];
  else group.momentum = m;
}

const positiveInt = (x: unknown): boolean => typeof x === "number" && Number.isInteger(x) && x > 0;

type OneCycleOptions = {
  total_steps?: number | null;
  epochs?: number | null;
  steps_per_epoch?: number | null;
  pct_start?: number;
  anneal_strategy?: "cos" | "linear";
  cycle_momentum?: boolean;
  base_momentum?: NumOrList;
  max_momentum?: NumOrList;
  div_factor?: number;
  final_div_factor?: number;
  three_phase?: boolean;
} & Verbose;
const ONE_CYCLE = [
  "total_steps",
  "epochs",
  "steps_per_epoch",
  "pct_start",
  "anneal_strategy",
  "cycle_momentum",
  "base_momentum",
  "max_momentum",
  "div_factor",
  "final_div_factor",
  "three_phase",
  "last_epoch",
  "verbose",
] as const;

export class OneCycleLR extends _LRScheduler {
  total_steps: number;
  _schedule_phases: Phase[];
  anneal_strategy: "cos" | "linear";
  cycle_momentum: boolean;
  use_beta1 = false;

  constructor(
    optimizer: Optimizer,
    max_lr: NumOrList,
    ...args: Args<
      [
        total_steps: number | null,
        epochs: number | null,
        steps_per_epoch: number | null,
        pct_start: number,
        anneal_strategy: "cos" | "linear",
        cycle_momentum: boolean,
        base_momentum: NumOrList,
        max_momentum: NumOrList,
        div_factor: number,
        final_div_factor: number,
        three_phase: boolean,
        last_epoch: number,
        verbose: boolean,
      ],
      OneCycleOptions
    >
  ) {
    const o = parseArgs("OneCycleLR", args, ONE_CYCLE, {
      total_steps: null,
      epochs: null,
      steps_per_epoch: null,
      pct_start: 0.3,
      anneal_strategy: "cos",
      cycle_momentum: true,
      base_momentum: 0.85,
      max_momentum: 0.95,
      div_factor: 25.0,
      final_div_factor: 1e4,
      three_phase: false,
      last_epoch: -1,
      verbose: false,
    });
    checkOptimizer(optimizer);
    let total: number;
    if (o.total_steps === null && o.epochs === null && o.steps_per_epoch === null) {
      throw new TorchError("You must define either total_steps OR (epochs AND steps_per_epoch)");
    } else if (o.total_steps !== null) {
      if (!positiveInt(o.total_steps)) throw new TorchError(`Expected positive integer total_steps, but got ${o.total_steps}`);
      total = o.total_steps;
    } else {
      if (!positiveInt(o.epochs)) throw new TorchError(`Expected positive integer epochs, but got ${o.epochs}`);
      if (!positiveInt(o.steps_per_epoch)) throw new TorchError(`Expected positive integer steps_per_epoch, but got ${o.steps_per_epoch}`);
      total = o.epochs * o.steps_per_epoch;
    }
    const pct: number = o.pct_start;
    const phases: Phase[] = o.three_phase
      ? [
          {
            end_step: pct * total - 1,
            start_lr: "initial_lr",
            end_lr: "max_lr",
            start_momentum: "max_momentum",
            end_momentum: "base_momentum",
          },
          {
            end_step: 2 * pct * total - 2,
            start_lr: "max_lr",
            end_lr: "initial_lr",
            start_momentum: "base_momentum",
            end_momentum: "max_momentum",
          },
          { end_step: total - 1, start_lr: "initial_lr", end_lr: "min_lr", start_momentum: "max_momentum", end_momentum: "max_momentum" },
        ]
      : [
          {
            end_step: pct * total - 1,
            start_lr: "initial_lr",
            end_lr: "max_lr",
            start_momentum: "max_momentum",
            end_momentum: "base_momentum",
          },
          { end_step: total - 1, start_lr: "max_lr", end_lr: "min_lr", start_momentum: "base_momentum", end_momentum: "max_momentum" },
        ];
    // Python's isinstance(pct_start, float): an integer-valued number is accepted here (JavaScript has one number type)
    if (typeof pct !== "number" || !(pct >= 0 && pct <= 1))
      throw new TorchError(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    if (o.anneal_strategy !== "cos" && o.anneal_strategy !== "linear")
      throw new TorchError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${o.anneal_strategy}`);
    const max_lrs = formatParam<number>("max_lr", optimizer, max_lr);
    if (o.last_epoch === -1) {
      optimizer.param_groups.forEach((g, i) => {
        g.initial_lr = max_lrs[i]! / o.div_factor;
        g.max_lr = max_lrs[i]!;
        g.min_lr = (g.initial_lr as number) / o.final_div_factor;
      });
    }
    let useBeta1 = false;
    if (o.cycle_momentum) {
      if (!("momentum" in optimizer.defaults) && !("betas" in optimizer.defaults))
        throw new TorchError("optimizer must support momentum with `cycle_momentum` option enabled");
      useBeta1 = "betas" in optimizer.defaults;
      const maxM = formatParam<number>("max_momentum", optimizer, o.max_momentum);
      const baseM = formatParam<number>("base_momentum", optimizer, o.base_momentum);
      if (o.last_epoch === -1) {
        optimizer.param_groups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxM[i]!);
          g.max_momentum = maxM[i]!;
          g.base_momentum = baseM[i]!;
        });
      }
    }
    super(optimizer, o.last_epoch, o.verbose);
    this.total_steps = total;
    this._schedule_phases = phases;
    this.anneal_strategy = o.anneal_strategy;
    this.cycle_momentum = o.cycle_momentum;
    this.use_beta1 = useBeta1;
    this._initial_step();
  }

  get_lr(): number[] {
    const step_num = this.last_epoch;
    if (step_num > this.total_steps)
      throw new TorchError(`Tried to step ${step_num + 1} times. The specified number of total steps is ${this.total_steps}`);
    const anneal = this.anneal_strategy === "cos" ? annealCos : annealLinear;
    const phases = this._schedule_phases;
    return this.optimizer.param_groups.map((group) => {
      let start_step = 0;
      let lr = 0,
        momentum = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i]!;
        const end_step = phase.end_step;
        if (step_num <= end_step || i === phases.length - 1) {
          const pct = (step_num - start_step) / (end_step - start_step);
          lr = anneal(group[phase.start_lr] as number, group[phase.end_lr] as number, pct);
          if (this.cycle_momentum) momentum = anneal(group[phase.start_momentum] as number, group[phase.end_momentum] as number, pct);
          break;
        }
        start_step = phase.end_step;
      }
      if (this.cycle_momentum) setMomentum(group, this.use_beta1, momentum);
      return lr;
    });
  }
}

type CyclicOptions = {
  step_size_up?: number;
  step_size_down?: number | null;
  mode?: "triangular" | "triangular2" | "exp_range";
  gamma?: number;
  scale_fn?: ((x: number) => number) | null;
  scale_mode?: "cycle" | "iterations";
  cycle_momentum?: boolean;
  base_momentum?: NumOrList;
  max_momentum?: NumOrList;
} & Verbose;
const CYCLIC = [
  "step_size_up",
  "step_size_down",
  "mode",
  "gamma",
  "scale_fn",
  "scale_mode",
  "cycle_momentum",
  "base_momentum",
  "max_momentum",
  "last_epoch",
  "verbose",
] as const;

export class CyclicLR extends _LRScheduler {
  max_lrs: number[];
  total_size: number;
  step_ratio: number;
  mode: string;
  gamma: number;
  _scale_fn_custom: ((x: number) => number) | null;
  scale_mode: "cycle" | "iterations";
  cycle_momentum: boolean;
  base_momentums: number[] = [];
  max_momentums: number[] = [];

  constructor(
    optimizer: Optimizer,
    base_lr: NumOrList,
    max_lr: NumOrList,
    ...args: Args<
      [
        step_size_up: number,
        step_size_down: number | null,
        mode: "triangular" | "triangular2" | "exp_range",
        gamma: number,
        scale_fn: ((x: number) => number) | null,
        scale_mode: "cycle" | "iterations",
        cycle_momentum: boolean,
        base_momentum: NumOrList,
        max_momentum: NumOrList,
        last_epoch: number,
        verbose: boolean,
      ],
      CyclicOptions
    >
  ) {
    const o = parseArgs("CyclicLR", args, CYCLIC, {
      step_size_up: 2000,
      step_size_down: null,
      mode: "triangular",
      gamma: 1.0,
      scale_fn: null,
      scale_mode: "cycle",
      cycle_momentum: true,
      base_momentum: 0.8,
      max_momentum: 0.9,
      last_epoch: -1,
      verbose: false,
    });
    checkOptimizer(optimizer);
    const base_lrs = formatParam<number>("base_lr", optimizer, base_lr);
    if (o.last_epoch === -1) optimizer.param_groups.forEach((g, i) => (g.lr = base_lrs[i]!));
    const max_lrs = formatParam<number>("max_lr", optimizer, max_lr);
    const up = Number(o.step_size_up);
    const down = o.step_size_down !== null ? Number(o.step_size_down) : up;
    if (!["triangular", "triangular2", "exp_range"].includes(o.mode) && o.scale_fn === null)
      throw new TorchError("mode is invalid and scale_fn is None");
    let baseM: number[] = [],
      maxM: number[] = [];
    if (o.cycle_momentum) {
      if (!("momentum" in optimizer.defaults)) throw new TorchError("optimizer must support momentum with `cycle_momentum` option enabled");
      const bm = formatParam<number>("base_momentum", optimizer, o.base_momentum);
      if (o.last_epoch === -1) optimizer.param_groups.forEach((g, i) => (g.momentum = bm[i]!));
      baseM = optimizer.param_groups.map((g) => g.momentum as number);
      maxM = formatParam<number>("max_momentum", optimizer, o.max_momentum);
    }
    super(optimizer, o.last_epoch, o.verbose);
    this.max_lrs = max_lrs;
    this.total_size = up + down;
    this.step_ratio = up / this.total_size;
    this.mode = o.mode;
    this.gamma = o.gamma;
    this._scale_fn_custom = o.scale_fn;
    // the built-in modes fix the scale mode; a custom scale_fn takes the one given
    this.scale_mode = o.scale_fn !== null ? o.scale_mode : o.mode === "exp_range" ? "iterations" : "cycle";
    this.cycle_momentum = o.cycle_momentum;
    this.base_momentums = baseM;
    this.max_momentums = maxM;
    this._initial_step();
    this.base_lrs = base_lrs;
  }

  scale_fn(x: number): number {
    if (this._scale_fn_custom) return this._scale_fn_custom(x);
    if (this.mode === "triangular") return 1.0;
    if (this.mode === "triangular2") return 1 / 2.0 ** (x - 1);
    return this.gamma ** x;
  }

  get_lr(): number[] {
    const cycle = Math.floor(1 + this.last_epoch / this.total_size);
    const x = 1.0 + this.last_epoch / this.total_size - cycle;
    const scale_factor = x <= this.step_ratio ? x / this.step_ratio : (x - 1) / (this.step_ratio - 1);
    const arg = this.scale_mode === "cycle" ? cycle : this.last_epoch;
    const lrs = this.base_lrs.map((base_lr, i) => base_lr + (this.max_lrs[i]! - base_lr) * scale_factor * this.scale_fn(arg));
    if (this.cycle_momentum) {
      this.optimizer.param_groups.forEach((g, i) => {
        const base = this.base_momentums[i]!,
          max = this.max_momentums[i]!;
        g.momentum = max - (max - base) * scale_factor * this.scale_fn(arg);
      });
    }
    return lrs;
  }
}
