// Cutting a trace: collect the pending computation behind some values, key it
// by structure (ops, attributes, shapes, dtypes, parameter order, outputs:
// never tensor data), and lower it to a StableHLO module.
import type { AVal, DType } from "@xlatorch/core";
import { FuncBuilder, type Module, type Value } from "@xlatorch/stablehlo";
import { avalOf, isLeaf, type LazyNode, type LazyValue } from "./ir.js";
import { LOWERINGS, ty } from "./lower.js";

export interface Graph {
  /** Non-leaf nodes in topological order. */
  nodes: LazyNode[];
  /** Leaf values in first-use order: the module's parameters. */
  params: LazyValue[];
  /** Every output of every node the caller asked for (multi-output nodes whole). */
  outputs: LazyValue[];
  key: string;
  /** Human-readable pieces of the key, to explain recompiles. */
  paramSigs: string[];
  opSigs: string[];
}

const avalStr = (a: AVal) => `${a.dtype.name}[${a.shape.join(",")}]`;
const attrJson = (attrs: unknown) =>
  JSON.stringify(attrs, (_k, v) => (v && typeof v === "object" && "itemsize" in v ? (v as DType).name : v));

function keyPart(n: LazyNode): string {
  return (n.keyPart ??= `${n.op}${attrJson(n.attrs)}->${n.outs.map(avalStr).join(";")}`);
}

export function buildGraph(wanted: readonly LazyValue[]): Graph {
  const order: LazyNode[] = [];
  const seen = new Set<LazyNode>();
  const params: LazyValue[] = [];
  const paramIndex = new Map<LazyNode, Map<number, number>>();
  const visitLeaf = (v: LazyValue) => {
    let m = paramIndex.get(v.node);
    if (!m) { m = new Map(); paramIndex.set(v.node, m); }
    if (!m.has(v.index)) { m.set(v.index, params.length); params.push(v); }
  };
  // Iterative post-order DFS (graphs can be deep).
  for (const root of wanted) {
    if (isLeaf(root)) continue;
    if (seen.has(root.node)) continue;
    const stack: [LazyNode, number][] = [[root.node, 0]];
    seen.add(root.node);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [n, i] = top;
      if (i < n.inputs.length) {
        top[1]++;
        const v = n.inputs[i]!;
        if (isLeaf(v)) visitLeaf(v);
        else if (!seen.has(v.node)) { seen.add(v.node); stack.push([v.node, 0]); }
      } else {
        stack.pop();
        order.push(n);
      }
    }
  }
  const local = new Map<LazyNode, number>(order.map((n, i) => [n, i]));
  const ref = (v: LazyValue) => (isLeaf(v) ? `p${paramIndex.get(v.node)!.get(v.index)}` : `n${local.get(v.node)}.${v.index}`);
  const outputs: LazyValue[] = [];
  const outSeen = new Set<LazyNode>();
  for (const v of wanted) {
    if (isLeaf(v) || outSeen.has(v.node)) continue;
    outSeen.add(v.node);
    v.node.outs.forEach((_, i) => outputs.push({ node: v.node, index: i }));
  }
  const paramSigs = params.map((p) => avalStr(avalOf(p)));
  const opSigs = order.map((n) => `${keyPart(n)}(${n.inputs.map(ref).join(",")})`);
  const key = `${paramSigs.join("|")}#${opSigs.join("|")}#${outputs.map(ref).join(",")}`;
  return { nodes: order, params, outputs, key, paramSigs, opSigs };
}

export function lowerGraph(g: Graph, name = "xlatorch"): Module {
  const b = new FuncBuilder("main");
  const vals = new Map<LazyNode, Value[]>();
  const paramVals = new Map<LazyNode, Map<number, Value>>();
  for (const p of g.params) {
    let m = paramVals.get(p.node);
    if (!m) { m = new Map(); paramVals.set(p.node, m); }
    m.set(p.index, b.param(ty(avalOf(p))));
  }
  const valueOf = (v: LazyValue): Value => (isLeaf(v) ? paramVals.get(v.node)!.get(v.index)! : vals.get(v.node)![v.index]!);
  for (const n of g.nodes) {
    const lower = LOWERINGS[n.op];
    if (!lower) throw new Error(`no StableHLO lowering for primitive ${n.op}`);
    vals.set(n, lower(b, n.inputs.map(valueOf), n.attrs, n.outs, n.inputs.map(avalOf)));
  }
  b.ret(g.outputs.map(valueOf));
  return b.module(name);
}
