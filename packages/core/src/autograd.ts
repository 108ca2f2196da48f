// Reverse-mode autograd. Every primitive call that touches a tensor requiring
// grad records a Node holding the primitive's VJP; backward walks the nodes in
// reverse topological order. VJPs are written with ops, so on `xla` the
// backward pass is traced like the forward pass.
import type { Primitive, Saves } from "./primitive.js";
import { getBackend } from "./device.js";
import { TorchError } from "./errors.js";
import { is_grad_enabled, set_grad_enabled } from "./grad_mode.js";
import type { Tensor } from "./tensor.js";

export interface Edge { node: Node; index: number }

interface Saved { t: Tensor; version: number; outputOf: string; outIndex: number }

let surfaceName: string | null = null;
let surfaceDepth = 0;
/** The op-surface function currently running (for error messages). */
export const currentOp = (): string | null => surfaceName;
/** Runs an op-surface function; nodes recorded inside are named after the outermost op (e.g. MulBackward0). */
export function surface<T>(name: string, fn: () => T): T {
  if (surfaceDepth++ === 0) surfaceName = name;
  try { return fn(); } finally { if (--surfaceDepth === 0) surfaceName = null; }
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
function className(op: string): string {
  let c = classNames.get(op);
  if (c === undefined) {
    c = /Backward\d$/.test(op) ? op : op.split("_").filter(Boolean).map((s) => s[0]!.toUpperCase() + s.slice(1)).join("") + "Backward0";
    classNames.set(op, c);
  }
  return c;
}

export class Node {
  /** Edges to the nodes producing each input's gradient (null: no grad needed). */
  next_functions: (Edge | null)[];
  private saved: Saved[] | null = null;
  freed = false;
  readonly numOutputs: number;
  private _tensorHooks: Map<number, ((g: Tensor) => Tensor | void)[]> | null = null;
  private _retainGrad: Map<number, Tensor> | null = null;

  constructor(
    readonly name: string,
    readonly prim: Primitive | null,
    readonly attrs: unknown,
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    readonly apply: (cts: (Tensor | null)[], inputs: readonly Tensor[], outputs: readonly Tensor[]) => (Tensor | null)[],
    saves: Saves | undefined,
  ) {
    const n = inputs.length, m = outputs.length;
    const next = new Array<Edge | null>(n);
    for (let i = 0; i < n; i++) next[i] = gradEdge(inputs[i]!);
    this.next_functions = next;
    this.numOutputs = m;
    // Saved values are detached aliases so the graph does not keep itself alive
    // through grad_fn cycles; their version is checked at backward time.
    this.inputs = inputs;
    const outs = new Array<Tensor>(m);
    for (let i = 0; i < m; i++) outs[i] = outputs[i]!._detachedAlias();
    this.outputs = outs;
    if (saves) {
      const saved: Saved[] = [];
      const si = saves.inputs;
      if (si) for (let i = 0; i < n; i++) if (si === true || (Array.isArray(si) && si[i])) saved.push(savedOf(inputs[i]!, i));
      if (saves.outputs) for (let i = 0; i < m; i++) saved.push(savedOf(outs[i]!, i));
      if (saved.length) this.saved = saved;
    }
  }
  private inputs: readonly Tensor[];
  private outputs: readonly Tensor[];

  /** Hooks registered on non-leaf outputs' tensors, per output index. */
  get tensorHooks(): Map<number, ((g: Tensor) => Tensor | void)[]> { return (this._tensorHooks ??= new Map()); }
  get retainGrad(): Map<number, Tensor> { return (this._retainGrad ??= new Map()); }
  /** Whether any hook or retain_grad was registered (the engine skips both otherwise). */
  get _hasTensorHooks(): boolean { return this._tensorHooks !== null && this._tensorHooks.size > 0; }
  get _hasRetainGrad(): boolean { return this._retainGrad !== null && this._retainGrad.size > 0; }

  name_(): string { return this.name; }

  private _edge0: Edge | null = null;
  private _edges: (Edge | undefined)[] | null = null;
  /** The edge to this node's output `index` (shared: edges are never mutated). */
  _edge(index: number): Edge {
    if (index === 0) return (this._edge0 ??= { node: this, index: 0 });
    const es = (this._edges ??= []);
    return (es[index] ??= { node: this, index });
  }

  run(cts: (Tensor | null)[]): (Tensor | null)[] {
    if (this.freed) {
      throw new TorchError(
        `Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed) in ${this.name}. ` +
          "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.",
      );
    }
    for (const s of this.saved ?? []) {
      if (s.t._vc.v !== s.version) {
        throw new TorchError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [${s.t.dtype.scalarName}Tensor [${s.t.shape.join(", ")}]]` +
            `${s.outputOf ? `, which is output ${s.outIndex} of ${s.outputOf},` : ""} is at version ${s.t._vc.v}; expected version ${s.version} instead.`,
        );
      }
    }
    return this.apply(cts, this.inputs, this.outputs);
  }

  free(): void {
    this.freed = true;
    this.saved = null;
    this.inputs = [];
    this.outputs = [];
  }
}

function savedOf(t: Tensor, i: number): Saved {
  return { t, version: t._vc.v, outputOf: t.grad_fn?.name ?? "", outIndex: i };
}

/** A primitive node's backward: the primitive's VJP with the node's attributes (called as a method of the node). */
function primApply(this: Node, cts: (Tensor | null)[], ins: readonly Tensor[], outs: readonly Tensor[]): (Tensor | null)[] {
  return this.prim!.vjp!(cts, ins, outs, this.attrs);
}

/** The node that accumulates into a leaf's .grad. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super("AccumulateGrad", null, null, [], [variable], () => [], undefined);
  }
  override free(): void { /* leaves stay usable across backward calls */ }
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
  for (let i = 0; i < n; i++) if (inputs[i]!.requires_grad) { any = true; break; }
  if (!any) return;
  let differentiable = false;
  for (const o of outputs) if (o.dtype.is_floating_point) { differentiable = true; break; }
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
  for (let i = 0; i < outputs.length; i++) { const o = outputs[i]!; if (o.dtype.is_floating_point) o._setGradFn(node, i); }
}

/** Record a custom node (autograd.Function, in-place rebasing). */
export function recordCustom(name: string, inputs: readonly Tensor[], outputs: readonly Tensor[],
  apply: Node["apply"], saves?: Saves): Node | null {
  if (!is_grad_enabled() || !inputs.some((t) => t.requires_grad)) return null;
  const node = new Node(name, null, null, inputs, outputs, apply, saves);
  outputs.forEach((o, i) => o._setGradFn(node, i));
  return node;
}

export interface BackwardOptions {
  retain_graph?: boolean;
  create_graph?: boolean;
  /** When given, gradients for these tensors are returned instead of accumulated. */
  inputs?: readonly Tensor[];
  allow_unused?: boolean;
}

type Ops = { add(a: Tensor, b: Tensor): Tensor };
let ops: Ops;
/** The op surface registers the one op the engine itself needs (gradient accumulation). */
export function setEngineOps(o: Ops): void { ops = o; }

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

function engine(roots: readonly Tensor[], grads: readonly Tensor[], opts: BackwardOptions): (Tensor | null)[] {
  const rootEdges = roots.map((r) => {
    const e = gradEdge(r);
    if (!e) throw new TorchError("element 0 of tensors does not require grad and does not have a grad_fn");
    return e;
  });
  // Targets for autograd.grad: the edge each input's gradient arrives on.
  const targets = opts.inputs?.map((t) => {
    if (!t.requires_grad) throw new TorchError("One of the differentiated Tensors does not require grad");
    return gradEdge(t)!;
  });
  const captured = new Map<string, Tensor>();
  const key = (e: Edge) => `${id(e.node)}:${e.index}`;
  const targetKeys = new Set(targets?.map(key));

  // Topological order by DFS (iterative) over next_functions.
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, number][] = rootEdges.map((e) => [e.node, 0]);
  for (const e of rootEdges) seen.add(e.node);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [n, i] = top;
    if (i < n.next_functions.length) {
      top[1]++;
      const e = n.next_functions[i];
      if (e && !seen.has(e.node)) { seen.add(e.node); stack.push([e.node, 0]); }
    } else {
      stack.pop();
      order.push(n);
    }
  }
  order.reverse();

  const pending = new Map<Node, (Tensor | null)[]>();
  const addCt = (e: Edge, g: Tensor) => {
    let arr = pending.get(e.node);
    if (!arr) { arr = new Array(e.node.numOutputs).fill(null); pending.set(e.node, arr); }
    const cur = arr[e.index];
    arr[e.index] = cur ? ops.add(cur, g) : g;
  };
  rootEdges.forEach((e, i) => addCt(e, grads[i]!));
  for (const r of roots) getBackend(r.device.type).retain?.(r);

  for (const node of order) {
    const cts = pending.get(node);
    pending.delete(node);
    if (!cts) continue;
    // hooks on non-leaf tensors
    if (node._hasTensorHooks) {
      for (const [idx, hooks] of node.tensorHooks) {
        for (const h of hooks) { const g = cts[idx]; if (g) { const r = h(g); if (r) cts[idx] = r; } }
      }
    }
    if (node._hasRetainGrad) for (const [idx, t] of node.retainGrad) { const g = cts[idx]; if (g) t.grad = t.grad ? ops.add(t.grad, g) : g.detach(); }
    if (targets) cts.forEach((g, i) => { if (g && targetKeys.has(`${id(node)}:${i}`)) captured.set(`${id(node)}:${i}`, g); });
    if (node instanceof AccumulateGrad) {
      if (!targets) accumulate(node.variable, cts[0]!, !!opts.create_graph);
      continue;
    }
    if (cts.every((c) => c === null)) continue;
    const inGrads = node.run(cts);
    if (!opts.retain_graph) node.free();
    node.next_functions.forEach((e, i) => {
      const g = inGrads[i];
      if (e && g) addCt(e, g);
    });
    // gradients of inputs that need none are dead (unless the same tensor flows on through another input)
    node.next_functions.forEach((e, i) => {
      const g = inGrads[i];
      if (!e && g && !node.next_functions.some((f, j) => f && inGrads[j] === g)) getBackend(g.device.type).discard?.(g);
    });
  }
  if (!targets) return [];
  return targets.map((e, i) => {
    const g = captured.get(key(e)) ?? null;
    if (!g && !opts.allow_unused) {
      throw new TorchError(`One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allow_unused=true if this is the desired behavior.`);
    }
    return g;
  });
}

function accumulate(v: Tensor, g: Tensor, createGraph: boolean): void {
  for (const h of v._hooks) { const r = h(g); if (r) g = r; }
  if (!createGraph) g = g.detach();
  v.grad = v.grad ? (createGraph ? ops.add(v.grad, g) : ops.add(v.grad, g).detach()) : g;
}

const ids = new WeakMap<Node, number>();
let nextId = 0;
function id(n: Node): number {
  let v = ids.get(n);
  if (v === undefined) { v = nextId++; ids.set(n, v); }
  return v;
}
