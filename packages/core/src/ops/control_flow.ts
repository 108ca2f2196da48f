// torch.cond and torch.while_loop (PyTorch 2.x's control-flow operators).
// On the cpu device they run as Python would (the taken branch; the loop one
// iteration at a time, reading the condition on the host), after tracing the
// functions once to check what they return. On the xla device the functions are
// traced into sub-graphs (subgraph.ts) and become one `case` / `while`
// primitive (prims_control.ts): a data-dependent branch or trip count is then
// one op of one graph, compiled once, instead of a host read and a graph per
// trip count.
import { surface } from "../autograd.js";
import { bind } from "../dispatch.js";
import { bool, int32 } from "../dtype.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { is_grad_enabled } from "../grad_mode.js";
import type { AVal } from "../primitive.js";
import { P } from "../prims.js";
import { avalText, type SubGraph } from "../prims_control.js";
import { isTraced, traceSubGraph, unifyInputs, type Traced } from "../subgraph.js";
import { Tensor } from "../tensor.js";
import { parseArgs } from "./args.js";
import { convert } from "./base.js";
import { ne } from "./elementwise.js";
import { reshape } from "./shape.js";

type Fn = (...args: Tensor[]) => unknown;

/** A function's result as a tensor list, and whether it was a single tensor. */
function flatten(op: string, what: string, r: unknown): { ts: Tensor[]; single: boolean } {
  if (r instanceof Tensor) return { ts: [r], single: true };
  if (Array.isArray(r) && r.every((t) => t instanceof Tensor)) return { ts: r as Tensor[], single: false };
  throw new TorchError(`${op}: ${what} must return a tensor or a tuple (array) of tensors, got ${describe(r)}`);
}
const describe = (v: unknown): string => (Array.isArray(v) ? `[${v.map(describe).join(", ")}]` : v instanceof Tensor ? "Tensor" : typeof v);
const avalsText = (ts: readonly AVal[]) => `(${ts.map(avalText).join(", ")})`;
const same = (a: AVal, b: AVal) => a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);

function checkTensors(op: string, what: string, v: unknown): Tensor[] {
  if (!Array.isArray(v) || !v.every((t) => t instanceof Tensor))
    throw new TorchTypeError(`${op}: ${what} must be a tuple (array) of tensors, got ${describe(v)}`);
  return v as Tensor[];
}
function checkFn(op: string, what: string, f: unknown): Fn {
  if (typeof f !== "function") throw new TorchTypeError(`${op}: ${what} must be callable, got ${typeof f}`);
  return f as Fn;
}

/** Traces `f(*args)` on placeholders of `avals`, remembering whether it returned a single tensor. */
function traceFn(op: string, what: string, f: Fn, avals: readonly AVal[], dev: Tensor["device"]): Traced & { single: boolean } {
  let single = false;
  const t = traceSubGraph(op, dev, avals, (args) => {
    const r = flatten(op, what, f(...args));
    single = r.single;
    return r.ts;
  });
  return { ...t, single };
}
const outsOf = (g: SubGraph): AVal[] => {
  const avals: AVal[] = [...g.inputs];
  for (const e of g.eqns) avals.push(...e.outs);
  return g.outputs.map((v) => avals[v]!);
};

/**
 * torch.cond(pred, true_fn, false_fn, operands): true_fn(*operands) if pred else
 * false_fn(*operands). Both branches must return the same structure of tensors
 * with the same shapes and dtypes. pred: a Python boolean, or a one-element tensor.
 */
export function cond(...args: unknown[]): Tensor | Tensor[] {
  return surface("cond", () => {
    const o = parseArgs("cond", args, ["pred", "true_fn", "false_fn", "operands"], { operands: [] });
    const pred = o.pred as unknown;
    const tf = checkFn("cond", "true_fn", o.true_fn);
    const ff = checkFn("cond", "false_fn", o.false_fn);
    const operands = checkTensors("cond", "operands", o.operands);
    // a Python condition: no graph, the branch runs (PyTorch does the same)
    if (typeof pred === "boolean") return runBranch(pred ? tf : ff, operands);
    if (!(pred instanceof Tensor))
      throw new TorchTypeError(`cond: Expected pred to be bool or single-element tensor, but got ${describe(pred)}`);
    if (pred.numel() !== 1)
      throw new TorchError(`cond: Expected pred to be bool or single-element tensor, but got a tensor of shape [${pred.shape.join(", ")}]`);
    const dev = operands[0]?.device ?? pred.device;
    for (const t of operands)
      if (!t.device.equals(dev)) throw new TorchError(`cond: operands must be on one device, got ${dev} and ${t.device}`);
    if (!pred.device.equals(dev)) throw new TorchError(`cond: pred is on ${pred.device} but the operands are on ${dev}`);
    const avals = operands.map((t) => ({ shape: t.shape.slice(), dtype: t.dtype }));
    const branches = [traceFn("cond", "false_fn", ff, avals, dev), traceFn("cond", "true_fn", tf, avals, dev)];
    const [fo, to] = [outsOf(branches[0]!.graph), outsOf(branches[1]!.graph)];
    if (branches[0]!.single !== branches[1]!.single || fo.length !== to.length || !fo.every((a, i) => same(a, to[i]!)))
      throw new TorchError(
        `cond: true_fn and false_fn must return the same structure of tensors with the same shapes and dtypes, but true_fn returned ${branches[1]!.single ? avalText(to[0]!) : avalsText(to)} and false_fn ${branches[0]!.single ? avalText(fo[0]!) : avalsText(fo)}`,
      );
    const single = branches[0]!.single;
    // (inside a function being traced, a traced predicate's value is not known: the primitive, as on xla)
    if (dev.type === "cpu" && !isTraced(pred)) {
      // eager: the taken branch, as Python runs it (autograd records that branch)
      return runBranch(pred.item() ? tf : ff, operands);
    }
    const { graphs, consts } = unifyInputs(branches, operands.length);
    const p = reshape(pred.dtype === bool ? pred : ne(pred, 0), []);
    const index = convert(p, int32);
    const outs = bind(P.case, [index, ...operands, ...consts], { branches: graphs });
    return single ? outs[0]! : outs;
  });
}

function runBranch(f: Fn, operands: Tensor[]): Tensor | Tensor[] {
  const r = flatten("cond", "the branch", f(...operands));
  return r.single ? r.ts[0]! : r.ts;
}

const noGradError = () => new TorchError("while_loop: Autograd not implemented for while_loop");

/**
 * torch.while_loop(cond_fn, body_fn, carried_inputs): while cond_fn(*carried)
 * carried = body_fn(*carried); returns the final carried tuple (an array).
 * body_fn must return as many tensors as it is given, of the same shapes and
 * dtypes; cond_fn a bool scalar tensor. Not differentiable (as in PyTorch).
 */
export function while_loop(...args: unknown[]): Tensor[] {
  return surface("while_loop", () => {
    const o = parseArgs("while_loop", args, ["cond_fn", "body_fn", "carried_inputs"]);
    const cf = checkFn("while_loop", "cond_fn", o.cond_fn);
    const bf = checkFn("while_loop", "body_fn", o.body_fn);
    const carried = checkTensors("while_loop", "carried_inputs", o.carried_inputs);
    if (carried.length === 0) throw new TorchError("while_loop: carried_inputs must hold at least one tensor");
    const dev = carried[0]!.device;
    for (const t of carried)
      if (!t.device.equals(dev)) throw new TorchError(`while_loop: carried_inputs must be on one device, got ${dev} and ${t.device}`);
    const grad = is_grad_enabled();
    if (grad && carried.some((t) => t.requires_grad)) throw noGradError();
    const avals = carried.map((t) => ({ shape: t.shape.slice(), dtype: t.dtype }));
    const c = traceSubGraph("while_loop", dev, avals, (xs) => [condValue(cf(...xs))]);
    const b = traceFn("while_loop", "body_fn", bf, avals, dev);
    const bo = outsOf(b.graph);
    if (bo.length !== avals.length || !bo.every((a, i) => same(a, avals[i]!)))
      throw new TorchError(
        `while_loop: body_fn must return the carried values with unchanged shapes and dtypes: carried_inputs are ${avalsText(avals)} but body_fn returned ${avalsText(bo)}`,
      );
    const { graphs, consts } = unifyInputs([c, b], carried.length);
    if (grad && consts.some((t) => t.requires_grad)) throw noGradError();
    if (dev.type === "cpu" && !carried.some(isTraced) && !consts.some(isTraced)) {
      // eager: one iteration at a time, the condition read on the host
      let vals = carried;
      while (condValue(cf(...vals)).item()) vals = flatten("while_loop", "body_fn", bf(...vals)).ts;
      return vals;
    }
    return bind(P.while, [...carried, ...consts], { cond: graphs[0]!, body: graphs[1]!, carried: carried.length });
  });
}

function condValue(r: unknown): Tensor {
  if (!(r instanceof Tensor) || r.dtype !== bool || r.numel() !== 1)
    throw new TorchError(`while_loop: cond_fn must return a bool scalar tensor, got ${r instanceof Tensor ? avalText(r) : describe(r)}`);
  return r.shape.length === 0 ? r : reshape(r, []);
}
