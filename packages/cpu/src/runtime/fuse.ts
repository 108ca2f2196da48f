// Fusion of elementwise chains: an elementwise op whose only use is another
// elementwise op is inlined into it, so a chain becomes one generated loop.
// Intermediates are rounded to their dtype exactly as the eager kernels store
// them, so fused and eager results are identical. A chain of float32 ops that
// all have WebAssembly lane emitters also gets its expression tree, which the
// runtime runs as a generated WebAssembly SIMD loop (wasm/fused_module.ts).
import { contiguousStrides, type DType } from "@xlatorch/core";
import type { Op, Value } from "@xlatorch/stablehlo";
import { binaryExpr, compareExpr, convertExpr, readExpr, selectExpr, storeExpr, unaryExpr, wrapExpr } from "../exprs.js";
import { COMPARE_DIRECTIONS, type FusedTree, wasmFusable } from "../wasm/fused_module.js";
import { isViewOp, type LeafView, stridesAfter, viewEntry } from "./leaf_view.js";
import { dtypeOfElement, ELEMENTWISE, fusable } from "./translate.js";

export type { LeafView };

export interface FusedLoop {
  /** Values read by the loop, in x0..x{n-1} order. */
  leaves: Value[];
  /** Per leaf: null, or the view ops it is read through (leaf_view.ts LeafView). */
  views: (LeafView | null)[];
  reads: string[];
  body: string;
  out: Value;
  outDtype: DType;
  /** The chain as a tree over the leaves, when every op is float32 with a WebAssembly emitter. */
  wasm?: FusedTree;
}

const dt = (v: Value) => dtypeOfElement(v.type.element);

/**
 * Expressions nest at most this deep; a deeper chain is cut into several loops
 * (JavaScript parsers recurse on nested expressions).
 */
const MAX_DEPTH = 64;

/** recomputeCompares = false stores every multi-use compare again (bench/xla_mlp_runtime_ab.ts compares the two plans in one process). */
/** fmaF64 = false leaves layer_norm's float64 fma chains to the JavaScript loop (bench/layer_norm_fma_ab.ts compares the two). */
/** viewLeaves = false folds broadcasts alone into the loops, reshapes, transposes and slices staying steps (as before they were folded). */
/** f64Lanes = false leaves the other float64 chains converted to float32 to the JavaScript loop (bench/ln_backward_runtime_ab.ts compares the two). */
export const fuseConfig = { recomputeCompares: true, fmaF64: true, viewLeaves: true, f64Lanes: true };

/**
 * Which elementwise ops get inlined into their elementwise consumers: an op
 * with a single use, and a float32 compare of values that are stored anyway
 * (no inlined operand) whose every use is an elementwise op. Such a compare is
 * computed again in each consumer instead of stored as a bool array: a mask
 * read by a forward select and by its backward (relu's) costs one more
 * compare per element in each loop, where storing it took a JavaScript loop
 * of its own (a bool result has no WebAssembly form) and kept every consumer
 * on masks. A compare is exact, so every copy gives the same bits.
 */
export function inlinable(ops: readonly Op[], uses: Map<number, number>, all: readonly Op[] = ops): Set<Op> {
  const producer = new Map<number, Op>();
  for (const op of ops) if (fusable(op)) producer.set(op.results[0]!.id, op);
  // reads of each value by the elementwise ops themselves (uses also counts other ops and returns)
  const fusedReads = new Map<number, number>();
  for (const op of ops) if (fusable(op)) for (const v of op.operands) fusedReads.set(v.id, (fusedReads.get(v.id) ?? 0) + 1);
  const inl = new Set<Op>();
  const depth = new Map<Op, number>();
  const recomputed = (p: Op, id: number) =>
    fuseConfig.recomputeCompares &&
    p.name === "stablehlo.compare" &&
    p.operands.every((o) => dt(o).name === "float32") &&
    depth.get(p) === 1 &&
    (uses.get(id) ?? 0) > 1 &&
    fusedReads.get(id) === uses.get(id);
  for (const op of ops) {
    if (!fusable(op)) continue;
    let d = 1;
    for (const v of op.operands) {
      const p = producer.get(v.id);
      if (!p || (uses.get(v.id) !== 1 && !recomputed(p, v.id))) continue;
      const pd = depth.get(p)!;
      if (pd + 1 > MAX_DEPTH) continue;
      inl.add(p);
      d = Math.max(d, pd + 1);
    }
    depth.set(op, d);
  }
  // a view op (leaf_view.ts) whose every reader is an elementwise op or a view op folded itself is no step: the
  // loops read its operand through the chain's strides (a broadcast of a 0-d value as a scalar leaf, loaded once
  // per loop). Decided from the last op back, so that a chain folds from the loops' end down to its first op.
  const foldable = foldableViews(all);
  const viewReads = new Map<number, number>();
  for (let k = all.length - 1; k >= 0; k--) {
    const op = all[k]!;
    if (!foldable.has(op)) continue;
    const id = op.results[0]!.id;
    const u = uses.get(id) ?? 0;
    if (u === 0 || (fusedReads.get(id) ?? 0) + (viewReads.get(id) ?? 0) !== u) continue;
    inl.add(op);
    const src = op.operands[0]!.id;
    viewReads.set(src, (viewReads.get(src) ?? 0) + 1);
  }
  return inl;
}

/**
 * A broadcast_in_dim of a 0-d value. Read by the elementwise ops alone, it is
 * never a step of its own: their loops read the 0-d value itself, which the
 * generated loops load once (JavaScript: hoisted; WebAssembly: splatted), as
 * they load the broadcast's all-zero-strides view now, so the values are the
 * same and ~290 steps of the nanoGPT xla step (AdamW's hyperparameters and
 * the lowerings' constants, spread to each shape) do not run.
 */
const scalarBroadcast = (op: Op): boolean => op.name === "stablehlo.broadcast_in_dim" && op.operands[0]!.type.shape.length === 0;

/**
 * The view ops that may be folded into the loops that read them: broadcasts
 * (~90 steps of the nanoGPT xla step), transposes and slices always, and a
 * reshape where the layout its operand has, with every value a step computes
 * row-major, lets it be a view (the reshape kernel copies otherwise: after a
 * transpose or a broadcast that its dims cross, it stays a step). The layouts
 * follow the kernels' rules (leaf_view.ts stridesAfter) whether or not the ops
 * before are folded: a folded chain and the kernels' views give the same ones.
 */
function foldableViews(all: readonly Op[]): Set<Op> {
  const out = new Set<Op>();
  const layout = new Map<number, number[]>();
  for (const op of all) {
    if (!isViewOp(op) || (!fuseConfig.viewLeaves && op.name !== "stablehlo.broadcast_in_dim")) continue;
    const src = op.operands[0]!;
    const st = stridesAfter(op, layout.get(src.id) ?? contiguousStrides(src.type.shape));
    if (st === null) continue;
    layout.set(op.results[0]!.id, st);
    out.add(op);
  }
  return out;
}

/** An inlined op read as a leaf through its view (any folded view op but a broadcast of a 0-d value, read as that value). */
const viewLeaf = (op: Op): boolean => isViewOp(op) && !scalarBroadcast(op);

/**
 * The leaf `v` is read from: the value at the bottom of the folded view ops
 * that make `v`, and the view (null when there are none).
 */
function leafOf(v: Value, producerOf: (v: Value) => Op | undefined, inlined: Set<Op>): { value: Value; view: LeafView | null } {
  const entries: number[][] = [];
  let value = v;
  for (let p = producerOf(value); p && inlined.has(p) && isViewOp(p); p = producerOf(value)) {
    entries.push(viewEntry(p));
    value = p.operands[0]!;
  }
  return entries.length === 0 ? { value, view: null } : { value, view: entries.reverse().flat() };
}

export function buildLoop(root: Op, producerOf: (v: Value) => Op | undefined, inlined: Set<Op>): FusedLoop {
  const leaves: Value[] = [];
  const views: (LeafView | null)[] = [];
  // by the value read: a value read through folded view ops is its own leaf (the last op's result id), reading
  // the first op's operand
  const leafIdx = new Map<number, number>();
  const expr = (v: Value): string => {
    const p = producerOf(v);
    if (p && inlined.has(p) && !viewLeaf(p)) return scalarBroadcast(p) ? expr(p.operands[0]!) : wrapExpr(dt(v), opExpr(p));
    let i = leafIdx.get(v.id);
    if (i === undefined) {
      i = leaves.length;
      leafIdx.set(v.id, i);
      const leaf = leafOf(v, producerOf, inlined);
      leaves.push(leaf.value);
      views.push(leaf.view);
    }
    return `x${i}`;
  };
  const opExpr = (op: Op): string => {
    const prim = ELEMENTWISE[op.name]!;
    const ins = op.operands.map(expr);
    const d0 = dt(op.operands[0]!);
    switch (prim) {
      case "compare": {
        const a = op.attrs.comparison_direction;
        return compareExpr(a && a.kind === "enum" ? a.value : "EQ", ins[0]!, ins[1]!);
      }
      case "select":
        return selectExpr(ins[0]!, ins[1]!, ins[2]!);
      case "convert":
        return convertExpr(d0, dt(op.results[0]!), ins[0]!);
      default:
        return ins.length === 1 ? unaryExpr(prim, d0, ins[0]!) : binaryExpr(prim, d0, ins[0]!, ins[1]!);
    }
  };
  const out = root.results[0]!;
  const body = storeExpr(dt(out), opExpr(root));
  const loop: FusedLoop = { leaves, views, reads: leaves.map((l) => readExpr(dt(l), "@")), body, out, outDtype: dt(out) };
  const wasm = wasmTree(root, producerOf, inlined, leafIdx);
  if (wasm !== null) loop.wasm = wasm;
  return loop;
}

const isF32 = (v: Value) => dt(v).name === "float32";
const isBool = (v: Value) => dt(v).name === "bool";
const isF64 = (v: Value) => dt(v).name === "float64";
/** The float64 binary ops an "f32_of" expression computes (wasm/float64_lanes.ts). */
const F64_OPS = new Set(["add", "subtract", "multiply", "divide"]);

/**
 * The float32 chain rooted at `root` as a tree over the leaves numbered by
 * `leafIdx` (wasm/fused_module.ts), or null when an op has no WebAssembly
 * form: float32 ops with lane emitters, float32 compares feeding selects
 * (masks), bool leaves as masks, bool -> float32 converts, float32 fmas
 * computed in float64 (a float64 -> float32 convert of f64(p) * f64(q) + f64(r)),
 * and other float64 chains converted to float32: float64 add, subtract,
 * multiply, divide and negate over widened float32 values and float64 leaves
 * (layer_norm_backward's dx, lower_norm.ts), as "f32_of" nodes
 * (wasm/float64_lanes.ts).
 */
function wasmTree(
  root: Op,
  producerOf: (v: Value) => Op | undefined,
  inlined: Set<Op>,
  leafIdx: ReadonlyMap<number, number>,
): FusedTree | null {
  type Node = { t: FusedTree; mask: boolean };
  const arg = (v: Value, mask: boolean): FusedTree | null => {
    const p = producerOf(v);
    if (p && inlined.has(p) && scalarBroadcast(p)) return arg(p.operands[0]!, mask);
    if (p && inlined.has(p) && !viewLeaf(p)) {
      const n = node(p);
      return n && n.mask === mask ? n.t : null;
    }
    const i = leafIdx.get(v.id)!;
    if (isF32(v)) return mask ? null : i;
    return isBool(v) && mask ? ["mask", i] : null;
  };
  const args = (vs: readonly Value[], masks: readonly boolean[]): FusedTree[] | null => {
    const out: FusedTree[] = [];
    for (let i = 0; i < vs.length; i++) {
      const a = arg(vs[i]!, masks[i]!);
      if (a === null) return null;
      out.push(a);
    }
    return out;
  };
  const inlinedOp = (v: Value, name: string): Op | null => {
    const p = producerOf(v);
    return p && inlined.has(p) && p.name === name ? p : null;
  };
  const widened = (v: Value): Value | null => {
    const c = inlinedOp(v, "stablehlo.convert");
    return c && isF32(c.operands[0]!) ? c.operands[0]! : null;
  };
  // layer_norm's float32 fma (lower_norm.ts): f64(p) * f64(q) + f64(r), all inlined, whose float32 operands become the node's
  const fmaOperands = (v: Value): Value[] | null => {
    const add = inlinedOp(v, "stablehlo.add");
    const mul = add && inlinedOp(add.operands[0]!, "stablehlo.multiply");
    if (!add || !mul) return null;
    const ops = [widened(mul.operands[0]!), widened(mul.operands[1]!), widened(add.operands[1]!)];
    return ops.every((o) => o !== null) ? (ops as Value[]) : null;
  };
  // a float64 value as a float64 expression: the ops the JavaScript loop computes as plain doubles (exprs.ts
  // FLOAT_BINARY/FLOAT_UNARY, each exactly rounded; float64 intermediates stay unrounded, wrapExpr), float32
  // values widened by a convert, float64 leaves
  const wide = (v: Value): FusedTree | null => {
    const p = producerOf(v);
    if (p && inlined.has(p) && scalarBroadcast(p)) return wide(p.operands[0]!);
    if (!(p && inlined.has(p)) || viewLeaf(p)) return isF64(v) ? ["f64_leaf", leafIdx.get(v.id)!] : null;
    const prim = ELEMENTWISE[p.name]!;
    if (prim === "convert") {
      if (!isF64(v) || !isF32(p.operands[0]!)) return null;
      const a = arg(p.operands[0]!, false);
      return a === null ? null : ["f64_of", a];
    }
    if (!isF64(v) || !p.operands.every(isF64)) return null;
    if (prim === "neg") {
      const a = wide(p.operands[0]!);
      return a && ["f64_neg", a];
    }
    if (!F64_OPS.has(prim) || p.operands.length !== 2) return null;
    const a = wide(p.operands[0]!),
      b = a && wide(p.operands[1]!);
    return b ? [`f64_${prim}`, a!, b] : null;
  };
  const node = (op: Op): Node | null => {
    const prim = ELEMENTWISE[op.name]!;
    const ins = op.operands,
      res = op.results[0]!;
    if (prim === "compare") {
      const a = op.attrs.comparison_direction;
      const dir = a && a.kind === "enum" ? a.value : "EQ";
      if (!ins.every(isF32) || !COMPARE_DIRECTIONS.includes(dir)) return null;
      const xs = args(ins, [false, false]);
      return xs && { t: [`compare_${dir}`, ...xs], mask: true };
    }
    if (prim === "select") {
      if (!isBool(ins[0]!) || !isF32(ins[1]!) || !isF32(ins[2]!) || !isF32(res)) return null;
      const xs = args(ins, [true, false, false]);
      return xs && { t: ["select", ...xs], mask: false };
    }
    if (prim === "convert" && isF32(res) && isF64(ins[0]!) && fuseConfig.fmaF64) {
      const f = fmaOperands(ins[0]!);
      const xs = f && args(f, [false, false, false]);
      if (xs) return { t: ["fma_f64", ...xs], mask: false };
      const d = fuseConfig.f64Lanes ? wide(ins[0]!) : null;
      return d === null ? null : { t: ["f32_of", d], mask: false };
    }
    if (prim === "convert" && isBool(ins[0]!) && isF32(res)) {
      // a bool leaf already reads as 0/1; an inlined mask becomes 0/1
      const p = producerOf(ins[0]!);
      if (!(p && inlined.has(p)) || viewLeaf(p)) return { t: leafIdx.get(ins[0]!.id)!, mask: false };
      const m = arg(ins[0]!, true);
      return m === null ? null : { t: ["mask_to_f32", m], mask: false };
    }
    if (!wasmFusable(prim, ins.length) || !ins.every(isF32) || !isF32(res)) return null;
    const xs = args(
      ins,
      ins.map(() => false),
    );
    return xs && { t: [prim, ...xs], mask: false };
  };
  const r = node(root);
  return r && !r.mask ? r.t : null;
}
