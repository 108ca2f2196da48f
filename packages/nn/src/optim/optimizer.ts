// torch.optim.Optimizer (PyTorch 1.13): param groups, per-parameter state,
// zero_grad, state_dict/load_state_dict. Subclasses implement _step_group,
// which runs under no_grad and updates parameters in place.
import { Tensor, captureHooks, enable_grad, hostEffect, no_grad, notifyOptimizerStep, TorchError, TorchTypeError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { zeroGrad } from "../nn/zero_grad.js";

/** A parameter group: its tensors and the hyperparameters for them (lr, momentum, ...). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
}
/** A parameter group as given: its tensors and any hyperparameters that differ from the defaults. */
export type ParamGroupInput = { params: Iterable<Tensor> | Tensor; [option: string]: unknown };
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;
/** Per-parameter state: buffers (tensors) and counters (each optimizer narrows its own with a State type). */
// biome-ignore lint/suspicious/noExplicitAny: PyTorch's Dict[str, Any]: callers read optimizer.state[i].exp_avg as a Tensor (tests/serialization.test.ts); which keys exist depends on the optimizer
export type ParamState = Record<string, any>;

export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: (Omit<ParamGroup, "params"> & { params: number[] })[];
}

/** Marks a hyperparameter without a default (SGD's lr). */
export const required: unique symbol = Symbol("required");

export class Optimizer {
  defaults: Record<string, unknown>;
  state = new Map<Tensor, ParamState>();
  param_groups: ParamGroup[] = [];
  /** Counted by step(); lr schedulers read it. */
  _step_count = 0;

  constructor(params: Params, defaults: Record<string, unknown>) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TorchTypeError(
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.${params.dtype.scalarName}Tensor`,
      );
    }
    const list = [...params] as (Tensor | ParamGroupInput)[];
    if (list.length === 0) throw new TorchError("optimizer got an empty parameter list");
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ParamGroupInput[]);
    for (const g of groups) this.add_param_group(g);
  }

  add_param_group(param_group: ParamGroupInput): void {
    if (typeof param_group !== "object" || param_group === null) throw new TorchTypeError("param group must be a dict");
    const ps = param_group.params;
    if (ps instanceof Set)
      throw new TorchTypeError(
        "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.",
      );
    const params = ps instanceof Tensor ? [ps] : [...ps];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TorchTypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.is_leaf) throw new TorchError("can't optimize a non-leaf Tensor");
    }
    // lr and the other hyperparameters come from the defaults just below
    const group = { ...param_group, params } as ParamGroup;
    for (const [name, dflt] of Object.entries(this.defaults)) {
      if (name in group) continue;
      if (dflt === required) throw new TorchError(`parameter group didn't specify a value of required optimization parameter ${name}`);
      group[name] = Array.isArray(dflt) ? [...dflt] : dflt;
    }
    const seen = new Set(this.param_groups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new TorchError("some parameters appear in more than one parameter group");
    this.param_groups.push(group);
  }

  /** PyTorch 1.13: set_to_none defaults to false (grads are zeroed in place). */
  zero_grad(...args: Args<[set_to_none: boolean], { set_to_none?: boolean }>): void {
    const { set_to_none } = parseArgs("zero_grad", args, ["set_to_none"], { set_to_none: false });
    for (const g of this.param_groups) for (const p of g.params) zeroGrad(p, set_to_none);
  }

  /** One update of every parameter with a gradient; `closure` (re)computes and returns the loss. */
  step(
    ...args: Args<[closure: (() => number | Tensor) | null], { closure?: (() => number | Tensor) | null }>
  ): number | Tensor | undefined {
    const { closure } = parseArgs("step", args, ["closure"], { closure: null }) as { closure: (() => number | Tensor) | null };
    const loss = closure ? enable_grad(closure) : undefined;
    // An optimizer whose step reads its hyperparameters and counters as live
    // scalars (core/capture_hooks.ts) declares itself capturable; any other's
    // step inside torch.compile is a graph break, not a replay with stale lr.
    if (!(this.constructor as { _capturable?: boolean })._capturable)
      captureHooks()?.unsupported(
        `${this.constructor.name}.step() is not capturable by torch.compile yet (its hyperparameters would be frozen)`,
      );
    // host bookkeeping a compiled step's replay repeats
    hostEffect(() => this._step_count++);
    no_grad(() => {
      for (const group of this.param_groups) this._step_group(group);
    });
    hostEffect(notifyOptimizerStep);
    return loss;
  }

  /** The update of one group; called under no_grad. */
  protected _step_group(_group: ParamGroup): void {
    throw new TorchError(`${this.constructor.name}.step is not implemented`);
  }

  /** The state of parameter p, created empty on first use (PyTorch's defaultdict). */
  protected _state(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** Parameters are numbered across groups in order; state is keyed by those numbers. */
  state_dict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.param_groups.map((g) => {
      const { params, ...rest } = g;
      for (const p of params) if (!index.has(p)) index.set(p, index.size);
      return { ...rest, params: params.map((p) => index.get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = s;
    }
    return { state, param_groups };
  }

  /** Restores hyperparameters and state (tensors copied and cast to each parameter's dtype/device, except 'step'). */
  load_state_dict(state_dict: OptimizerStateDict): void {
    const groups = this.param_groups,
      saved = state_dict.param_groups;
    if (groups.length !== saved.length) throw new TorchError("loaded state dict has a different number of parameter groups");
    if (groups.some((g, i) => g.params.length !== saved[i]!.params.length)) {
      throw new TorchError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => idMap.set(id, groups[i]!.params[j]!)));
    const cast = (p: Tensor, v: unknown, key?: string): unknown => {
      if (v instanceof Tensor) {
        let t = v.detach().clone();
        if (key !== "step") t = t.to({ dtype: p.is_floating_point() ? p.dtype : t.dtype, device: p.device });
        return t;
      }
      if (Array.isArray(v)) return v.map((e) => cast(p, e, key));
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, cast(p, e, k)]));
      return v;
    };
    this.state = new Map();
    for (const [k, v] of Object.entries(state_dict.state)) {
      const p = idMap.get(Number(k));
      if (p) this.state.set(p, cast(p, v) as ParamState);
    }
    this.param_groups = groups.map((g, i) => {
      const copy = Object.fromEntries(Object.entries(saved[i]!).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
      return { ...copy, params: g.params } as ParamGroup;
    });
  }

  toString(): string {
    const lines = this.param_groups.map((g, i) => {
      const keys = Object.keys(g)
        .filter((k) => k !== "params")
        .sort();
      return `Parameter Group ${i}\n${keys.map((k) => `    ${k}: ${String(g[k])}`).join("\n")}`;
    });
    return `${this.constructor.name} (\n${lines.join("\n")}\n)`;
  }
}
