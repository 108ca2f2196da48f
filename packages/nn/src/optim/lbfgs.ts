// L-BFGS (PyTorch 1.13's torch.optim.LBFGS): one step runs up to max_iter
// quasi-Newton iterations on the flattened parameters, re-evaluating the loss
// through the closure, with a fixed step (lr) or the strong-Wolfe line search
// (line_search_fn: "strong_wolfe"). The scalars PyTorch keeps as 0-dim tensors
// (dot products, ro, H_diag, t) are host numbers here, read once from their
// tensors; with float32 parameters they are rounded to float32 where PyTorch
// computes them as float32 tensors.
import { Tensor, cat, enable_grad, float32, no_grad, notifyOptimizerStep, tensor, zeros, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface LBFGSOptions {
  lr?: number;
  max_iter?: number;
  max_eval?: number | null;
  tolerance_grad?: number;
  tolerance_change?: number;
  history_size?: number;
  line_search_fn?: "strong_wolfe" | null;
}

interface LBFGSGroup extends ParamGroup {
  max_iter: number;
  max_eval: number;
  tolerance_grad: number;
  tolerance_change: number;
  history_size: number;
  line_search_fn: string | null;
}

const num = (t: Tensor): number => Number(t.item());

/** Minimum of the cubic interpolating (x1, f1, g1), (x2, f2, g2) within bounds (PyTorch's _cubic_interpolate). */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2_square = d1 ** 2 - g1 * g2;
  if (d2_square >= 0) {
    const d2 = Math.sqrt(d2_square);
    const min_pos =
      x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(min_pos, lo), hi);
  }
  return (lo + hi) / 2;
}

type ObjFunc = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

/** PyTorch's _strong_wolfe: returns [f_new, g_new, t, ls_func_evals]. */
function strongWolfe(
  obj_func: ObjFunc,
  x: Tensor[],
  t0: number,
  d: Tensor,
  f: number,
  g0: Tensor,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  tolerance_change = 1e-9,
  max_ls = 25,
): [number, Tensor, number, number] {
  let t = t0;
  const d_norm = num(d.abs().max());
  const g = g0.clone();
  let [f_new, g_new] = obj_func(x, t, d);
  let ls_func_evals = 1;
  let gtd_new = num(g_new.dot(d));
  let t_prev = 0,
    f_prev = f,
    g_prev = g,
    gtd_prev = gtd;
  let done = false;
  let ls_iter = 0;
  let bracket: number[] = [],
    bracket_f: number[] = [],
    bracket_g: Tensor[] = [],
    bracket_gtd: number[] = [];
  while (ls_iter < max_ls) {
    if (f_new > f + c1 * t * gtd || (ls_iter > 1 && f_new >= f_prev)) {
      bracket = [t_prev, t];
      bracket_f = [f_prev, f_new];
      bracket_g = [g_prev, g_new.clone()];
      bracket_gtd = [gtd_prev, gtd_new];
      break;
    }
    if (Math.abs(gtd_new) <= -c2 * gtd) {
      bracket = [t];
      bracket_f = [f_new];
      bracket_g = [g_new];
      done = true;
      break;
    }
    if (gtd_new >= 0) {
      bracket = [t_prev, t];
      bracket_f = [f_prev, f_new];
      bracket_g = [g_prev, g_new.clone()];
      bracket_gtd = [gtd_prev, gtd_new];
      break;
    }
    // interpolate
    const min_step = t + 0.01 * (t - t_prev);
    const max_step = t * 10;
    const tmp = t;
    t = cubicInterpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, [min_step, max_step]);
    t_prev = tmp;
    f_prev = f_new;
    g_prev = g_new.clone();
    gtd_prev = gtd_new;
    [f_new, g_new] = obj_func(x, t, d);
    ls_func_evals += 1;
    gtd_new = num(g_new.dot(d));
    ls_iter += 1;
  }
  // reached max number of iterations
  if (ls_iter === max_ls) {
    bracket = [0, t];
    bracket_f = [f, f_new];
    bracket_g = [g, g_new];
  }
  // zoom phase: a point satisfying the criteria lies between the brackets
  let insuf_progress = false;
  let [low_pos, high_pos] = bracket_f[0]! <= bracket_f[bracket_f.length - 1]! ? [0, 1] : [1, 0];
  while (!done && ls_iter < max_ls) {
    if (Math.abs(bracket[1]! - bracket[0]!) * d_norm < tolerance_change) break;
    t = cubicInterpolate(bracket[0]!, bracket_f[0]!, bracket_gtd[0]!, bracket[1]!, bracket_f[1]!, bracket_gtd[1]!);
    // a step too close to a bracket end is moved inside (after two such steps in a row, or outside the bracket)
    const bmax = Math.max(...bracket),
      bmin = Math.min(...bracket);
    const eps = 0.1 * (bmax - bmin);
    if (Math.min(bmax - t, t - bmin) < eps) {
      if (insuf_progress || t >= bmax || t <= bmin) {
        t = Math.abs(t - bmax) < Math.abs(t - bmin) ? bmax - eps : bmin + eps;
        insuf_progress = false;
      } else insuf_progress = true;
    } else insuf_progress = false;
    [f_new, g_new] = obj_func(x, t, d);
    ls_func_evals += 1;
    gtd_new = num(g_new.dot(d));
    ls_iter += 1;
    if (f_new > f + c1 * t * gtd || f_new >= bracket_f[low_pos]!) {
      bracket[high_pos] = t;
      bracket_f[high_pos] = f_new;
      bracket_g[high_pos] = g_new.clone();
      bracket_gtd[high_pos] = gtd_new;
      [low_pos, high_pos] = bracket_f[0]! <= bracket_f[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtd_new) <= -c2 * gtd) done = true;
      else if (gtd_new * (bracket[high_pos]! - bracket[low_pos]!) >= 0) {
        bracket[high_pos] = bracket[low_pos]!;
        bracket_f[high_pos] = bracket_f[low_pos]!;
        bracket_g[high_pos] = bracket_g[low_pos]!;
        bracket_gtd[high_pos] = bracket_gtd[low_pos]!;
      }
      bracket[low_pos] = t;
      bracket_f[low_pos] = f_new;
      bracket_g[low_pos] = g_new.clone();
      bracket_gtd[low_pos] = gtd_new;
    }
  }
  return [bracket_f[low_pos]!, bracket_g[low_pos]!, bracket[low_pos]!, ls_func_evals];
}

export class LBFGS extends Optimizer {
  _params: Tensor[];
  _numel_cache: number | null = null;

  constructor(
    params: Params,
    ...args: Args<
      [
        lr: number,
        max_iter: number,
        max_eval: number | null,
        tolerance_grad: number,
        tolerance_change: number,
        history_size: number,
        line_search_fn: "strong_wolfe" | null,
      ],
      LBFGSOptions
    >
  ) {
    const o = parseArgs(
      "LBFGS",
      args,
      ["lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size", "line_search_fn"],
      {
        lr: 1,
        max_iter: 20,
        max_eval: null,
        tolerance_grad: 1e-7,
        tolerance_change: 1e-9,
        history_size: 100,
        line_search_fn: null,
      },
    );
    if (o.max_eval === null) o.max_eval = Math.floor((o.max_iter * 5) / 4);
    super(params, o);
    if (this.param_groups.length !== 1) throw new TorchError("LBFGS doesn't support per-parameter options (parameter groups)");
    this._params = this.param_groups[0]!.params;
  }

  _numel(): number {
    this._numel_cache ??= this._params.reduce((n, p) => n + p.numel(), 0);
    return this._numel_cache;
  }

  _gather_flat_grad(): Tensor {
    const views = this._params.map((p) => (p.grad ? p.grad.reshape(-1) : zeros(p.numel(), { dtype: p.dtype, device: p.device })));
    return cat(views, 0);
  }

  _add_grad(step_size: number, update: Tensor): void {
    let offset = 0;
    for (const p of this._params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).view_as(p), { alpha: step_size });
      offset += n;
    }
  }

  _clone_param(): Tensor[] {
    return this._params.map((p) => p.clone());
  }

  _set_param(params_data: Tensor[]): void {
    this._params.forEach((p, i) => p.copy_(params_data[i]!));
  }

  _directional_evaluate(closure: () => number | Tensor, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this._add_grad(t, d);
    const loss = toNumber(closure());
    const flat_grad = this._gather_flat_grad();
    this._set_param(x);
    return [loss, flat_grad];
  }

  /** Runs up to max_iter iterations; `closure` clears the gradients, computes the loss, calls backward and returns the loss. */
  override step(
    ...args: Args<[closure: (() => number | Tensor) | null], { closure?: (() => number | Tensor) | null }>
  ): number | Tensor | undefined {
    const { closure } = parseArgs("step", args, ["closure"], { closure: null }) as { closure: (() => number | Tensor) | null };
    if (typeof closure !== "function")
      throw new TorchError("LBFGS.step() requires a closure that reevaluates the model and returns the loss");
    const evaluate = () => enable_grad(closure);
    this._step_count++;
    const out = no_grad(() => this._run(evaluate));
    notifyOptimizerStep();
    return out;
  }

  private _run(closure: () => number | Tensor): number | Tensor {
    const group = this.param_groups[0] as LBFGSGroup;
    const { lr, max_iter, max_eval, tolerance_grad, tolerance_change, line_search_fn, history_size } = group;
    // float32 parameters: PyTorch's 0-dim float32 tensor arithmetic rounds these scalars to float32
    const R = this._params[0]!.dtype === float32 ? Math.fround : (x: number) => x;
    const state = this._state(this._params[0]!);
    state.func_evals ??= 0;
    state.n_iter ??= 0;

    const orig_loss = closure();
    let loss = toNumber(orig_loss);
    let current_evals = 1;
    state.func_evals += 1;
    let flat_grad = this._gather_flat_grad();
    let opt_cond = num(flat_grad.abs().max()) <= tolerance_grad;
    if (opt_cond) return orig_loss;

    let d: Tensor = state.d;
    let t: number = state.t;
    let old_dirs: Tensor[] = state.old_dirs;
    let old_stps: Tensor[] = state.old_stps;
    let ro: number[] = state.ro;
    // H_diag is a 0-dim tensor in PyTorch's state once computed from the memory (the integer 1 before)
    let H_diag: number = state.H_diag instanceof Tensor ? num(state.H_diag) : state.H_diag;
    let hTensor = state.H_diag instanceof Tensor;
    let prev_flat_grad: Tensor | undefined = state.prev_flat_grad;
    let prev_loss: number = state.prev_loss;

    let n_iter = 0;
    while (n_iter < max_iter) {
      n_iter += 1;
      state.n_iter += 1;
      // the descent direction
      if (state.n_iter === 1) {
        d = flat_grad.neg();
        old_dirs = [];
        old_stps = [];
        ro = [];
        H_diag = 1;
        hTensor = false;
      } else {
        // update the memory
        const y = flat_grad.sub(prev_flat_grad!);
        const s = d.mul(t);
        const ys = num(y.dot(s));
        if (ys > 1e-10) {
          if (old_dirs.length === history_size) {
            old_dirs.shift();
            old_stps.shift();
            ro.shift();
          }
          old_dirs.push(y);
          old_stps.push(s);
          ro.push(R(1.0 / ys));
          H_diag = R(ys / num(y.dot(y)));
          hTensor = true;
        }
        // two-loop recursion: the inverse Hessian approximation times the gradient
        const num_old = old_dirs.length;
        state.al ??= Array(history_size).fill(null);
        const al: number[] = state.al;
        const q = flat_grad.neg();
        for (let i = num_old - 1; i >= 0; i--) {
          al[i] = R(num(old_stps[i]!.dot(q)) * ro[i]!);
          q.add_(old_dirs[i]!, { alpha: -al[i]! });
        }
        const r = q.mul(H_diag);
        d = r;
        for (let i = 0; i < num_old; i++) {
          const be_i = R(num(old_dirs[i]!.dot(r)) * ro[i]!);
          r.add_(old_stps[i]!, { alpha: R(al[i]! - be_i) });
        }
      }
      if (prev_flat_grad === undefined) prev_flat_grad = flat_grad.clone();
      else prev_flat_grad.copy_(flat_grad);
      prev_loss = loss;

      // the step length: min(1, 1 / |g|_1) * lr on the first iteration
      if (state.n_iter === 1) {
        const inv = R(1.0 / num(flat_grad.abs().sum()));
        t = inv < 1.0 ? R(inv * lr) : 1.0 * lr;
      } else t = lr;
      const gtd = num(flat_grad.dot(d));
      if (gtd > -tolerance_change) break;

      let ls_func_evals = 0;
      if (line_search_fn !== null && line_search_fn !== undefined) {
        if (line_search_fn !== "strong_wolfe") throw new TorchError("only 'strong_wolfe' is supported");
        const x_init = this._clone_param();
        const obj_func: ObjFunc = (x, tt, dd) => this._directional_evaluate(closure, x, tt, dd);
        [loss, flat_grad, t, ls_func_evals] = strongWolfe(obj_func, x_init, t, d, loss, flat_grad, gtd);
        this._add_grad(t, d);
        opt_cond = num(flat_grad.abs().max()) <= tolerance_grad;
      } else {
        // a fixed step; re-evaluate the function only if not in the last iteration
        this._add_grad(t, d);
        if (n_iter !== max_iter) {
          loss = toNumber(closure());
          flat_grad = this._gather_flat_grad();
          opt_cond = num(flat_grad.abs().max()) <= tolerance_grad;
          ls_func_evals = 1;
        }
      }
      current_evals += ls_func_evals;
      state.func_evals += ls_func_evals;

      if (n_iter === max_iter) break;
      if (current_evals >= max_eval) break;
      if (opt_cond) break;
      if (num(d.mul(t).abs().max()) <= tolerance_change) break;
      if (Math.abs(loss - prev_loss) < tolerance_change) break;
    }
    const p0 = this._params[0]!;
    const H = hTensor ? tensor(H_diag, { dtype: p0.dtype, device: p0.device }) : H_diag;
    Object.assign(state, { d, t, old_dirs, old_stps, ro, H_diag: H, prev_flat_grad, prev_loss });
    return orig_loss;
  }
}

const toNumber = (v: number | Tensor): number => (v instanceof Tensor ? Number(v.item()) : Number(v));
