// A graph to execute: pending nodes in topological order, the leaves they read
// (the module's parameters, in first-use order) and, as the nodes are
// appended, the graph's structure as integer tokens with a rolling hash. The
// open trace appends as ops are recorded (O(1) per op); materialising a value
// outside it walks its history once (dfsGraph). Keys never include tensor data.
import { FuncBuilder, type Module, type Value } from "@xlatorch/stablehlo";
import { avalOf, isLeaf, type LazyNode, type LazyValue, type TraceMark } from "./ir.js";
import { LOWERINGS, ty } from "./lower.js";
import { avalText, mix, paramSig } from "./sig.js";

const SEED = 0x9747b28c;
/** Starting size of a graph's token array: the size the last graph grew to, so a periodic program's traces do not grow theirs at every step. */
let tokenCapacity = 1024;
/** A released open trace's token array, reused by the next trace (no zeroed allocation per step). */
let spareTokens: Int32Array | null = null;
function freshTokens(): Int32Array {
  const t = spareTokens;
  if (t !== null && t.length >= tokenCapacity) {
    spareTokens = null;
    return t;
  }
  return new Int32Array(tokenCapacity);
}
/** Hands a graph's token array on once nothing reads the graph again (the cache keeps its own copies). */
export function recycleTokens(g: GraphBuilder): void {
  if (spareTokens === null || g.tokens.length > spareTokens.length) spareTokens = g.tokens;
  g.tokens = new Int32Array(0);
  g.tokenCount = 0;
}

export abstract class GraphBuilder {
  readonly nodes: LazyNode[] = [];
  /** Leaves read, one per slot: a 0-d leaf is a slot per use (below), so the same value may appear more than once. */
  readonly params: LazyValue[] = [];
  /** Per node input, in order: the parameter slot it reads, or -1 for a node of this graph. */
  readonly inputSlots: number[] = [];
  /** Per node: sig id, input count, one ref per input (a new parameter's ref is followed by its aval's sig id). */
  tokens = freshTokens();
  tokenCount = 0;
  hash = SEED;
  /** What the nodes recorded here point at (ir.ts LazyNode.trace): the trace's identity, and what its graph learned once it ran. */
  readonly mark: TraceMark = { learned: null };

  /** Position of a node appended here, or -1. */
  protected abstract localOf(n: LazyNode): number;
  protected abstract setLocal(n: LazyNode, local: number): void;
  /** Parameter slot of a leaf value, or -1. */
  protected abstract slotOf(v: LazyValue): number;
  protected abstract setSlot(v: LazyValue, slot: number): void;

  /** Appends a node whose inputs are nodes of this graph or leaves. */
  append(n: LazyNode): void {
    this.token(n.sig.id, n.sig.hash);
    const ins = n.inputs;
    this.token(ins.length, ins.length);
    for (let i = 0; i < ins.length; i++) {
      const v = ins[i]!;
      const l = this.localOf(v.node);
      if (l >= 0) {
        const ref = ((l << 3) | v.index) << 1;
        this.token(ref, ref);
        this.inputSlots.push(-1);
        continue;
      }
      // A 0-d leaf takes a new slot at every use: Python scalar operands with
      // equal values share one tensor (core's scalarOperand), and a graph's
      // structure must not depend on which of its scalars happen to be equal.
      const aval = avalOf(v);
      let s = aval.shape.length === 0 ? -1 : this.slotOf(v);
      if (s >= 0) {
        this.token((s << 1) | 1, (s << 1) | 1);
        this.inputSlots.push(s);
        continue;
      }
      s = this.params.length;
      this.inputSlots.push(s);
      this.params.push(v);
      if (aval.shape.length !== 0) this.setSlot(v, s);
      this.token((s << 1) | 1, (s << 1) | 1);
      const p = paramSig(aval);
      this.token(p.id, p.hash);
    }
    this.setLocal(n, this.nodes.length);
    this.nodes.push(n);
  }

  private token(exact: number, stable: number): void {
    if (this.tokenCount === this.tokens.length) {
      const t = new Int32Array(this.tokens.length * 2);
      t.set(this.tokens);
      this.tokens = t;
      if (t.length > tokenCapacity && t.length <= 1 << 16) tokenCapacity = t.length;
    }
    this.tokens[this.tokenCount++] = exact;
    this.hash = mix(this.hash, stable);
  }

  /** Position of a node in this graph (-1 if absent). */
  indexOf(n: LazyNode): number {
    return this.localOf(n);
  }
}

/** A graph over maps: for walks that must not disturb the open trace's bookkeeping. */
class MapGraph extends GraphBuilder {
  private locals = new Map<LazyNode, number>();
  private slotMap = new Map<LazyNode, number[]>();
  protected localOf(n: LazyNode): number {
    return this.locals.get(n) ?? -1;
  }
  protected setLocal(n: LazyNode, l: number): void {
    this.locals.set(n, l);
  }
  protected slotOf(v: LazyValue): number {
    return this.slotMap.get(v.node)?.[v.index] ?? -1;
  }
  protected setSlot(v: LazyValue, s: number): void {
    let m = this.slotMap.get(v.node);
    if (!m) this.slotMap.set(v.node, (m = []));
    m[v.index] = s;
  }
}

/** Every node behind `wanted` that is not yet device data, in post-order. */
export function dfsGraph(wanted: readonly LazyValue[]): GraphBuilder {
  const g = new MapGraph();
  const seen = new Set<LazyNode>();
  for (const root of wanted) {
    if (isLeaf(root) || seen.has(root.node)) continue;
    const stack: [LazyNode, number][] = [[root.node, 0]];
    seen.add(root.node);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const n = top[0];
      if (top[1] < n.inputs.length) {
        const v = n.inputs[top[1]++]!;
        if (!isLeaf(v) && !seen.has(v.node)) {
          seen.add(v.node);
          stack.push([v.node, 0]);
        }
      } else {
        stack.pop();
        g.append(n);
      }
    }
  }
  return g;
}

/**
 * The StableHLO module of a graph returning every output of `outputs` (nodes
 * of g, in order). Nodes nothing returned depends on are left out (a VJP's
 * gradient for an input that needs none, say): the key still covers them, the
 * module need not compute them, and they can be computed later if asked for.
 */
export function lowerGraph(g: GraphBuilder, outputs: readonly LazyNode[], name = "xlatorch"): Module {
  const live = new Uint8Array(g.nodes.length);
  for (const n of outputs) live[g.indexOf(n)] = 1;
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    if (!live[i]) continue;
    for (const v of g.nodes[i]!.inputs) {
      const l = g.indexOf(v.node);
      if (l >= 0) live[l] = 1;
    }
  }
  const b = new FuncBuilder("main");
  const paramVals = g.params.map((p) => b.param(ty(avalOf(p))));
  const vals: Value[][] = [];
  // each input reads the slot it was recorded with (a 0-d leaf has one per use)
  let k = 0;
  for (let i = 0; i < g.nodes.length; i++) {
    const n = g.nodes[i]!;
    const ins = n.inputs;
    if (!live[i]) {
      k += ins.length;
      vals.push([]);
      continue;
    }
    const args = new Array<Value>(ins.length);
    for (let j = 0; j < ins.length; j++) {
      const slot = g.inputSlots[k++]!;
      args[j] = slot >= 0 ? paramVals[slot]! : vals[g.indexOf(ins[j]!.node)]![ins[j]!.index]!;
    }
    const lower = (LOWERINGS as Partial<Record<string, (typeof LOWERINGS)["add"]>>)[n.op];
    if (!lower) throw new Error(`no StableHLO lowering for primitive ${n.op}`);
    vals.push(lower(b, args, n.attrs as Parameters<typeof lower>[2], n.outs, ins.map(avalOf)));
  }
  b.ret(outputs.flatMap((n) => vals[g.indexOf(n)]!));
  return b.module(name);
}

/** Human-readable structure, to explain recompiles (computed only when compiling). */
export function describeGraph(g: GraphBuilder): { paramSigs: string[]; opSigs: string[] } {
  const paramSigs = g.params.map((p) => avalText(avalOf(p)));
  const ref = (v: LazyValue) => {
    const l = g.indexOf(v.node);
    return l >= 0 ? `n${l}.${v.index}` : `p${g.params.findIndex((p) => p.node === v.node && p.index === v.index)}`;
  };
  const opSigs = g.nodes.map((n) => `${n.sig.text}(${n.inputs.map(ref).join(",")})`);
  return { paramSigs, opSigs };
}
