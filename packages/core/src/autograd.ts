// Reverse-mode autograd. Every primitive call that touches a tensor requiring
// grad records a Node holding the primitive's VJP; backward walks the nodes in
// reverse topological order. VJPs are written with ops, so on `xla` the
// backward pass is traced like the forward pass.
import type { Primitive, Saves } from "./primitive.js";
import { backendOf, captureHooks } from "./capture_hooks.js";
import { TorchError } from "./errors.js";
import { checkCopyView } from "./ops/copy_views.js";
import { is_grad_enabled, set_grad_enabled } from "./grad_mode.js";
import { sameShape } from "./shape.js";
import type { Tensor } from "./tensor.js";

export interface Edge {
  node: Node;
  index: number;
}
/**
 * Node._edge's edges are class instances, not object literals: V8 tracks an
 * allocation site per literal and, once most of its objects survive a
 * scavenge, allocates them in old space. An edge in old space outlives its
 * step until the next full collection and keeps its node, and through it the
 * step's whole graph and tensors, alive through every scavenge, which promotes
 * them and so keeps the site pretenured (every edge of the xla LSTM char-RNN
 * was born old: bench/results/issue11_gc_chain_s23.md). Objects made with
 * `new` are not pretenured this way (none is born old since).
 */
class GradEdge implements Edge {
  constructor(
    public node: Node,
    public index: number,
  ) {}
}

interface Saved {
  t: Tensor;
  version: number;
  outputOf: string;
  outIndex: number;
}

let surfaceName: string | null = null;
let surfaceDepth = 0;
/** The op-surface function currently running (for error messages). */
export const currentOp = (): string | null => surfaceName;
/** Runs an op-surface function; nodes recorded inside are named after the outermost op (e.g. MulBackward0). */
export function surface<T>(name: string, fn: () => T): T {
  if (surfaceDepth++ === 0) surfaceName = name;
  try {
    return fn();
  } finally {
    if (--surfaceDepth === 0) surfaceName = null;
  }
}
/**
 * surface() without a closure, for hot ops: `enterSurface(op); try { ... } finally { exitSurface(); }`.
 */
export function enterSurface(name: string): void {
  if (surfaceDepth++ === 0) surfaceName = name;
}
export function exitSurface(): void {
  if (--surfaceDepth === 0) surfaceName = null;
}
/** "mul" -> "MulBackward0"; a name that already reads "XBackwardN" is PyTorch's own choice and kept. */
const classNames = new Map<string, string>();
/** The last name asked for and its class name: consecutive nodes mostly come from the same op (one lookup fewer). */
let lastOp: string | null = null,
  lastClass = "";
function className(op: string): string {
  if (op === lastOp) return lastClass;
  let c = classNames.get(op);
  if (c === undefined) {
    c = /Backward\d$/.test(op)
      ? op
      : op
          .split("_")
          .filter(Boolean)
          .map((s) => s[0]!.toUpperCase() + s.slice(1))
          .join("") + "Backward0";
    classNames.set(op, c);
  }
  lastOp = op;
  lastClass = c;
  return c;
}

const NO_TENSORS: readonly Tensor[] = Object.freeze([]);
let nodeCount = 0;
/** How many nodes have been recorded so far: an in-place op finds the nodes its computation recorded (resaveOverwritten). */
export const nodesRecorded = (): number => nodeCount;

export class Node {
  /** Edges to the nodes producing each input's gradient (null: no grad needed). */
  next_functions: (Edge | null)[];
  private saved: Saved[] | null = null;
  freed = false;
  readonly numOutputs: number;
  private _tensorHooks: Map<number, ((g: Tensor) => Tensor | void)[]> | null = null;
  private _retainGrad: Map<number, Tensor> | null = null;
  /** Engine bookkeeping: the epoch of the backward call that reached this node, and its pending cotangents. */
  _ep = 0;
  _cts: (Tensor | null)[] | null = null;
  /** Recording order (nodesRecorded). */
  readonly seq = ++nodeCount;

  constructor(
    readonly name: string,
    readonly prim: Primitive | null,
    readonly attrs: unknown,
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    readonly apply: (cts: (Tensor | null)[], inputs: readonly Tensor[], outputs: readonly Tensor[]) => (Tensor | null)[],
    saves: Saves | undefined,
  ) {
    const n = inputs.length,
      m = outputs.length;
    const next = new Array<Edge | null>(n);
    for (let i = 0; i < n; i++) next[i] = gradEdge(inputs[i]!);
    this.next_functions = next;
    this.numOutputs = m;
    // The outputs are handed to the VJP as aliases made when it runs (not per
    // recorded op): detached, or under create_graph with this node as grad_fn;
    // saved values' versions are checked at backward time.
    this.inputs = inputs;
    this.outputs = outputs;
    this.readsOutputs = saves === undefined || (saves.outputs !== undefined && saves.outputs !== false);
    if (saves) {
      const saved: Saved[] = [];
      const si = saves.inputs;
      if (si) for (let i = 0; i < n; i++) if (si === true || (Array.isArray(si) && si[i])) saved.push(savedOf(inputs[i]!, i));
      // an output's grad_fn is this node (set after construction), as PyTorch's message names it
      const so = saves.outputs;
      if (so) for (let i = 0; i < m; i++) if (so === true || (Array.isArray(so) && so[i])) saved.push(savedOf(outputs[i]!, i, name));
      if (saved.length) this.saved = saved;
    }
  }
  private inputs: readonly Tensor[];
  private outputs: readonly Tensor[];
  /**
   * Whether the VJP may read the outputs' values (its saves say so, or it declared none). One that reads
   * only their shapes gets the outputs themselves outside create_graph, where nothing it computes is
   * recorded: the aliases were a Tensor per output per node run (~50k per LSTM char-RNN run).
   */
  private readonly readsOutputs: boolean;
  private detachedOutputs(): Tensor[] {
    const outs = this.outputs,
      m = outs.length;
    const aliases = new Array<Tensor>(m);
    // Under create_graph a VJP's use of an output is differentiable through
    // this node, as PyTorch's unpacked SavedVariable of an output (exp's
    // backward g * exp(x) has the second derivative g * exp(x) again).
    const graph = is_grad_enabled();
    for (let i = 0; i < m; i++) {
      const a = outs[i]!._detachedAlias();
      if (graph && outs[i]!.grad_fn === this) a._setGradFn(this, i);
      aliases[i] = a;
    }
    return aliases;
  }

  /** Hooks registered on non-leaf outputs' tensors, per output index. */
  get tensorHooks(): Map<number, ((g: Tensor) => Tensor | void)[]> {
    return (this._tensorHooks ??= new Map());
  }
  get retainGrad(): Map<number, Tensor> {
    return (this._retainGrad ??= new Map());
  }
  /** Whether any hook or retain_grad was registered (the engine skips both otherwise). */
  get _hasTensorHooks(): boolean {
    return this._tensorHooks !== null && this._tensorHooks.size > 0;
  }
  get _hasRetainGrad(): boolean {
    return this._retainGrad !== null && this._retainGrad.size > 0;
  }

  name_(): string {
    return this.name;
  }

  private _edge0: Edge | null = null;
  private _edges: (Edge | undefined)[] | null = null;
  /** The edge to this node's output `index` (shared: edges are never mutated). */
  _edge(index: number): Edge {
    if (index === 0) return (this._edge0 ??= new GradEdge(this, 0));
    const es = (this._edges ??= []);
    return (es[index] ??= new GradEdge(this, index));
  }

  run(cts: (Tensor | null)[]): (Tensor | null)[] {
    if (this.freed) {
      throw new TorchError(
        `Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed) in ${this.name}. ` +
          "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.",
      );
    }
    const saved = this.saved;
    if (saved)
      for (const s of saved) {
        if (s.t._vc.v !== s.version) {
          throw new TorchError(
            `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.${s.t.dtype.scalarName}Tensor [${s.t.shape.join(", ")}]]` +
              `${s.outputOf ? `, which is output ${s.outIndex} of ${s.outputOf},` : ""} is at version ${s.t._vc.v}; expected version ${s.version} instead.`,
          );
        }
      }
    return this.apply(cts, this.inputs, this.readsOutputs || is_grad_enabled() ? this.detachedOutputs() : this.outputs);
  }

  /** Saved references to `target` become `pre()` (resaveOverwritten). */
  _resave(target: Tensor, pre: () => Tensor): void {
    const saved = this.saved;
    if (!saved) return;
    let hit = false;
    for (const s of saved)
      if (s.t === target) {
        s.t = pre();
        s.version = s.t._vc.v;
        hit = true;
      }
    if (hit) this.inputs = this.inputs.map((t) => (t === target ? pre() : t));
  }

  /**
   * An in-place op wrote its output `from` into `to`, which now has this node
   * as grad_fn: a saved `from` is `to` at its version after the write, so a
   * later write to `to` fails at backward, as PyTorch's saved result of
   * `y.sigmoid_()` does. Only for a node that saved nothing but its outputs
   * (exp, sigmoid, tanh, sqrt...: PyTorch's formulas use the result too);
   * where it also saved inputs (divide, power) PyTorch's in-place formula
   * may use the old value instead, and `y.div_(w); y.mul_(2)` is valid there.
   */
  _resaveOutput(from: Tensor, to: Tensor): void {
    const saved = this.saved;
    if (!saved) return;
    for (const s of saved) if (!this.outputs.includes(s.t)) return;
    let hit = false;
    for (const s of saved)
      if (s.t === from) {
        s.t = to;
        s.version = to._vc.v;
        hit = true;
      }
    if (hit) this.outputs = this.outputs.map((t) => (t === from ? to : t));
  }

  free(): void {
    this.freed = true;
    this.saved = null;
    this.inputs = NO_TENSORS;
    this.outputs = NO_TENSORS;
  }
}

/** A saved value; `outputOf` names the node it is an output of (an output's grad_fn is set after the node is made). */
function savedOf(t: Tensor, i: number, outputOf: string = t.grad_fn?.name ?? ""): Saved {
  return { t, version: t._vc.v, outputOf, outIndex: i };
}

/** A primitive node's backward: the primitive's VJP with the node's attributes (called as a method of the node). */
function primApply(this: Node, cts: (Tensor | null)[], ins: readonly Tensor[], outs: readonly Tensor[]): (Tensor | null)[] {
  const nf = this.next_functions;
  const needs = new Array<boolean>(nf.length);
  for (let i = 0; i < nf.length; i++) needs[i] = nf[i] !== null;
  const gs = this.prim!.vjp!(cts, ins, outs, this.attrs, needs);
  // a 0-d operand of an elementwise primitive stood for every position: its gradient is their sum
  // (none when it needs none: a Python scalar's)
  if (this.prim!.scalarOperands) {
    for (let i = 0; i < gs.length; i++) {
      const g = gs[i];
      if (g && ins[i]!.ndim === 0 && g.ndim !== 0) gs[i] = this.next_functions[i] ? ops.sumAll(g) : null;
    }
  }
  return gs;
}

/** The node that accumulates into a leaf's .grad. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super("AccumulateGrad", null, null, [], [variable], () => [], undefined);
  }
  override free(): void {
    /* leaves stay usable across backward calls */
  }
}

export function gradEdge(t: Tensor): Edge | null {
  if (!t.requires_grad) return null;
  return (t.grad_fn ?? t._accumulator())._edge(t.grad_fn ? t._outIndex : 0);
}

/** Record a primitive application on the tape, if any input requires grad. */
export function record(prim: Primitive, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: unknown): void {
  if (!is_grad_enabled()) return;
  const n = inputs.length;
  let any = false;
  for (let i = 0; i < n; i++)
    if (inputs[i]!.requires_grad) {
      any = true;
      break;
    }
  if (!any) return;
  let differentiable = false;
  const m = outputs.length;
  for (let i = 0; i < m; i++) {
    const dt = outputs[i]!.dtype;
    if (dt.is_floating_point || dt.is_complex) {
      differentiable = true;
      break;
    }
  }
  if (!differentiable) return;
  if (!prim.vjp) throw new TorchError(`${prim.name}: derivative is not implemented`);
  let saves: Saves | undefined;
  if (typeof prim.saves === "function") {
    const rg = new Array<boolean>(n);
    for (let i = 0; i < n; i++) rg[i] = inputs[i]!.requires_grad;
    saves = prim.saves(rg, attrs);
  } else {
    saves = prim.saves;
  }
  const node = new Node(className(surfaceName ?? prim.name), prim, attrs, inputs, outputs, primApply, saves);
  for (let i = 0; i < m; i++) {
    const o = outputs[i]!;
    if (o.dtype.is_floating_point || o.dtype.is_complex) o._setGradFn(node, i);
  }
}

/** Record a custom node (autograd.Function, in-place rebasing). */
export function recordCustom(
  name: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  apply: Node["apply"],
  saves?: Saves,
): Node | null {
  if (!is_grad_enabled() || !inputs.some((t) => t.requires_grad)) return null;
  const node = new Node(name, null, null, inputs, outputs, apply, saves);
  outputs.forEach((o, i) => o._setGradFn(node, i));
  return node;
}

/**
 * An in-place op computes its value out of place from `target` and then
 * overwrites `target`: the nodes that computation recorded (those after
 * `since`, reached from `root`) and that saved `target` itself saved the value
 * about to be overwritten. As PyTorch's in-place ops save `original_self` (a
 * copy made before the write), they get `copy()` (called once, only if some
 * node saved `target`), so their backward is valid and reads the old value.
 * Nodes recorded earlier keep `target` and its version: a later write to a
 * tensor they saved still fails at backward, as in PyTorch.
 */
export function resaveOverwritten(root: Node, since: number, target: Tensor, copy: () => Tensor): void {
  let pre: Tensor | null = null;
  const get = (): Tensor => (pre ??= copy());
  const seen = new Set<Node>();
  const stack: Node[] = root.seq > since ? [root] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    n._resave(target, get);
    for (const e of n.next_functions) if (e && e.node.seq > since && !seen.has(e.node)) stack.push(e.node);
  }
}

export interface BackwardOptions {
  retain_graph?: boolean;
  create_graph?: boolean;
  /** When given, gradients for these tensors are returned instead of accumulated. */
  inputs?: readonly Tensor[];
  allow_unused?: boolean;
}

type Ops = { add(a: Tensor, b: Tensor): Tensor; sumAll(a: Tensor): Tensor };
let ops: Ops;
/** The op surface registers the ops the engine itself needs (gradient accumulation, scalar operands' gradients). */
export function setEngineOps(o: Ops): void {
  ops = o;
}

/**
 * Runs backward from `roots` with their cotangents. Accumulates into leaves'
 * .grad, or, when `opts.inputs` is given, returns the gradients of those.
 */
export function runBackward(roots: readonly Tensor[], grads: readonly Tensor[], opts: BackwardOptions): (Tensor | null)[] {
  const prevMode = is_grad_enabled();
  set_grad_enabled(!!opts.create_graph);
  try {
    return engine(roots, grads, opts);
  } finally {
    set_grad_enabled(prevMode);
  }
}

/** Engine calls in progress (a hook or a VJP may run backward again). */
let engineDepth = 0;
let engineEpoch = 0;

function engine(roots: readonly Tensor[], grads: readonly Tensor[], opts: BackwardOptions): (Tensor | null)[] {
  const nr = roots.length;
  const rootEdges = new Array<Edge>(nr);
  for (let i = 0; i < nr; i++) {
    const e = gradEdge(roots[i]!);
    if (!e) throw new TorchError("element 0 of tensors does not require grad and does not have a grad_fn");
    rootEdges[i] = e;
  }
  // Targets for autograd.grad: the edge each input's gradient arrives on.
  let targets: Edge[] | null = null;
  if (opts.inputs) {
    const ins = opts.inputs;
    targets = new Array<Edge>(ins.length);
    for (let i = 0; i < ins.length; i++) {
      const t = ins[i]!;
      if (!t.requires_grad) throw new TorchError("One of the differentiated Tensors does not require grad");
      targets[i] = gradEdge(t)!;
    }
  }
  const captured: (Tensor | null)[] | null = targets ? new Array<Tensor | null>(targets.length).fill(null) : null;
  const createGraph = !!opts.create_graph,
    retain = !!opts.retain_graph;
  // The sums addCt made (none under create_graph, where a sum is differentiable): see addCt.
  const own: Set<Tensor> | null = createGraph ? null : new Set();

  // Each call marks the nodes it reaches with its own epoch and keeps their
  // pending cotangents on them; a nested call puts back what it overwrote.
  const epoch = ++engineEpoch;
  const nested = engineDepth > 0;
  const restore: (Node | number | (Tensor | null)[] | null)[] | null = nested ? [] : null;
  const mark = (n: Node): void => {
    if (restore) restore.push(n, n._ep, n._cts);
    n._ep = epoch;
    n._cts = null;
  };

  // Topological order by DFS (iterative) over next_functions, one root after
  // another: a root reachable from another root (backward([h, h.sum()])) is
  // then ordered after it, so it has every cotangent before it runs.
  const order: Node[] = [];
  const stackN: Node[] = [];
  const stackI: number[] = [];
  let sp = 0;
  for (let r = 0; r < nr; r++) {
    const root = rootEdges[r]!.node;
    if (root._ep === epoch) continue;
    mark(root);
    stackN[0] = root;
    stackI[0] = 0;
    sp = 1;
    while (sp > 0) {
      const n = stackN[sp - 1]!;
      const i = stackI[sp - 1]!;
      const nf = n.next_functions;
      if (i < nf.length) {
        stackI[sp - 1] = i + 1;
        const e = nf[i];
        if (e && e.node._ep !== epoch) {
          mark(e.node);
          stackN[sp] = e.node;
          stackI[sp] = 0;
          sp++;
        }
      } else {
        sp--;
        order.push(n);
      }
    }
  }

  // Payloads a leaf's .grad may not take over (see accumulate): the root
  // cotangents (the caller's tensors) and each gradient once assigned.
  const taken = new Set<unknown>();
  for (let i = 0; i < nr; i++) {
    taken.add(grads[i]!._payload);
    // a view's base too: a leaf may take a whole-base view's base (see accumulate), never the caller's
    if (grads[i]!._base) taken.add(grads[i]!._base!._payload);
  }

  engineDepth++;
  try {
    for (let i = 0; i < nr; i++) addCt(rootEdges[i]!, grads[i]!, own);
    for (const r of roots) backendOf(r.device).retain?.(r);

    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      const cts = node._cts;
      node._cts = null;
      if (!cts) continue;
      // from here on its cotangents may be handed on (add's VJP returns one for both operands), kept by a
      // hook, retain_grad, autograd.grad or a leaf's .grad: no longer the engine's alone
      if (own !== null && own.size !== 0) for (let i = 0; i < cts.length; i++) if (cts[i] !== null) own.delete(cts[i]!);
      // hooks on non-leaf tensors
      if (node._hasTensorHooks) {
        for (const [idx, hooks] of node.tensorHooks) {
          for (const h of hooks) {
            const g = cts[idx];
            if (g) {
              const r = h(g);
              if (r) cts[idx] = r;
            }
          }
        }
      }
      if (node._hasRetainGrad)
        for (const [idx, t] of node.retainGrad) {
          const g = cts[idx];
          // a copy, as PyTorch's retain_grad hook makes: the same cotangent may reach a leaf, whose .grad
          // takes it and is later added into in place
          if (g) t.grad = t.grad ? ops.add(t.grad, g) : g.detach().clone();
        }
      if (targets) {
        for (let i = 0; i < cts.length; i++) {
          const g = cts[i];
          if (!g) continue;
          for (let j = 0; j < targets.length; j++) {
            const e = targets[j]!;
            if (e.node === node && e.index === i) captured![j] = g;
          }
        }
      }
      if (node instanceof AccumulateGrad) {
        if (!targets) accumulate(node.variable, cts[0]!, createGraph, taken);
        continue;
      }
      let anyCt = false;
      for (let i = 0; i < cts.length; i++)
        if (cts[i] !== null) {
          anyCt = true;
          break;
        }
      if (!anyCt) continue;
      const inGrads = node.run(cts);
      if (!retain) node.free();
      const nf = node.next_functions;
      const nn = nf.length;
      for (let i = 0; i < nn; i++) {
        const e = nf[i],
          g = inGrads[i];
        if (e && g) addCt(e, g, own);
      }
      // gradients of inputs that need none are dead (unless the same tensor flows on through another input)
      for (let i = 0; i < nn; i++) {
        const g = inGrads[i];
        if (nf[i] || !g) continue;
        let live = false;
        for (let j = 0; j < nn; j++)
          if (nf[j] && inGrads[j] === g) {
            live = true;
            break;
          }
        if (!live) backendOf(g.device).discard?.(g);
      }
    }
  } finally {
    engineDepth--;
    // nothing stays pending (after an error), and a nested call leaves the outer one's marks as they were
    for (let k = 0; k < order.length; k++) order[k]!._cts = null;
    if (restore) {
      for (let k = restore.length - 3; k >= 0; k -= 3) {
        const n = restore[k] as Node;
        n._ep = restore[k + 1] as number;
        n._cts = restore[k + 2] as (Tensor | null)[] | null;
      }
    }
  }
  if (!targets) return [];
  const out = new Array<Tensor | null>(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const g = captured![i] ?? null;
    if (!g && !opts.allow_unused) {
      throw new TorchError(
        `One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allow_unused=true if this is the desired behavior.`,
      );
    }
    out[i] = g;
  }
  return out;
}

/**
 * Adds a cotangent for an edge's output (the node was marked by this engine call). A second one is added
 * into the first in place, as PyTorch's InputBuffer::accumulate does (old_var.add_(var)) when it holds the
 * only reference, where the first is a sum this function made (in `own`: no one else has seen it before its
 * node runs) and the device adds in place (DeviceBackend.accumulate): a value read k times in the forward
 * (an RNN's weight at every time step) then costs one new array in the backward, not k - 1. A
 * cotangent handed in (a VJP's result, the caller's) may be another slot's or someone's, and is never
 * written; nor is anything under create_graph (own is null), where the sum must be recorded.
 */
function addCt(e: Edge, g: Tensor, own: Set<Tensor> | null): void {
  const node = e.node;
  let arr = node._cts;
  if (!arr) {
    const m = node.numOutputs;
    arr = new Array<Tensor | null>(m);
    for (let i = 0; i < m; i++) arr[i] = null;
    node._cts = arr;
  }
  const cur = arr[e.index];
  if (cur === null) {
    arr[e.index] = g;
    return;
  }
  if (own !== null && own.has(cur) && addInPlace(cur, g)) return;
  const s = ops.add(cur, g);
  arr[e.index] = s;
  // (only where the device adds in place: elsewhere (xla) the set would just keep dead sums alive)
  if (own !== null && backendOf(s.device).accumulate !== undefined) {
    own.delete(cur);
    own.add(s);
  }
}

/** acc += g in place where acc's device does it without a new array (DeviceBackend.accumulate); false: nothing written. */
function addInPlace(acc: Tensor, g: Tensor): boolean {
  if (acc.dtype !== g.dtype || (acc.device !== g.device && !acc.device.equals(g.device)) || !sameShape(acc.shape, g.shape)) return false;
  if (acc._disposed || g._disposed) return false;
  const b = backendOf(acc.device);
  return b.accumulate !== undefined && b.accumulate(acc, g);
}

/**
 * AccumulateGrad, as PyTorch's: a leaf without a gradient takes the incoming
 * one (a copy when that tensor is also the caller's or another leaf's: add's
 * backward hands one cotangent to both operands, and `a.grad.mul_(5)` must
 * not change b.grad; or when it is a view); a leaf with one adds into it in place (`g = p.grad`
 * sees later backward calls), or, with create_graph, out of place.
 */
/** Tensor.backward(inputs=...): the gradients runBackward returned for `inputs`, accumulated into their .grad as AccumulateGrad would. */
export function accumulateInto(inputs: readonly Tensor[], grads: readonly (Tensor | null)[], createGraph: boolean): void {
  const taken = new Set<unknown>();
  inputs.forEach((t, i) => {
    const g = grads[i];
    if (g) accumulate(t, g, createGraph, taken);
  });
}

function accumulate(v: Tensor, g: Tensor, createGraph: boolean, taken: Set<unknown>): void {
  for (const h of v._hooks) {
    const r = h(g);
    if (r) g = r;
  }
  if (!createGraph) g = g.detach();
  const cur = v.grad;
  if (cur === null) {
    // A view laid out exactly as its whole base is that base: F.linear's weight
    // gradient is the transpose (w.t()'s VJP) of the transposed product
    // (dot_general's VJP computes g^T x and permutes it), so it arrives as a
    // row-major view of the product. PyTorch's AccumulateGrad takes such a
    // gradient as it is (its layout obeys the leaf's); taking the base does the
    // same without the copy below.
    if (!createGraph && g._base !== null) {
      const b = wholeBase(g);
      if (b) {
        // the view itself is dead: on the xla device it is no graph output
        backendOf(g.device).discard?.(g);
        g = b;
      }
    }
    // any other view is copied, as PyTorch's layout contract does: later
    // in-place adds then write the leaf's own storage, not a scatter into
    // someone else's
    if (g._base !== null || taken.has(g._payload)) g = g.clone();
    taken.add(g._payload);
    v.grad = g;
    captureHooks()?.gradEvent(v, "assign", null);
  } else if (createGraph) v.grad = ops.add(cur, g);
  else {
    captureHooks()?.gradEvent(v, "accumulate", cur);
    // what cur.add_(g) does, without its out-of-place sum and copy, where the device adds in place: a .grad
    // that is no view and has no history of its own (add_ would check a view's write and rebase history)
    // (a copy-view result refuses the write as add_ would: checkCopyView throws add_'s error)
    if (cur._base === null && !cur.requires_grad && (checkCopyView("add_", cur), addInPlace(cur, g))) cur._vc.v++;
    else cur.add_(g);
  }
}

/** g's base (detached) when g is a row-major view covering all of it in the base's own layout (same values, same storage), else null. */
function wholeBase(g: Tensor): Tensor | null {
  const b = g._base!;
  if (b.dtype !== g.dtype || b.shape.length !== g.shape.length) return null;
  for (let i = 0; i < b.shape.length; i++) if (b.shape[i] !== g.shape[i]) return null;
  if (!g.is_contiguous() || !b.is_contiguous() || g.storage_offset() !== 0 || b.storage_offset() !== 0) return null;
  const t = b.detach();
  // its own version counter, as the copy had: the base and its views are the engine's, dead after this
  t._vc = { v: 0, shared: false };
  return t;
}
