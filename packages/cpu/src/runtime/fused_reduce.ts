// A reduction fused with the elementwise loop that produces its operand: when
// a float32 loop with a WebAssembly tree (fuse.ts) is read only by a
// sum/max/min over trailing dims, the loop's step computes the tree chunk by
// chunk straight into the eager reduction kernel (wasm/fused_module.ts
// wasmFusedReduceF32), so the tree's values are never stored; the reduce's
// step then only combines the init value, as the kernel step does. Where the
// WebAssembly path declines at run time (XLATORCH_WASM=off, sizes, layouts)
// both steps run as they would unfused. A float64 chain (a JavaScript loop)
// read only by a float64 sum over trailing or leading dims is summed as the
// loop computes it, in the reduce kernel's order (codegen.ts
// elementwiseSumLoop), so its values are never stored either
// (layer_norm_backward's sums in the xla step). Derived from the plan when an
// executable is built, so stored plans are unaffected.
import { numelOf } from "@xlatorch/core";
import type { Func, Op, Value } from "@xlatorch/stablehlo";
import { elementwiseSumLoop } from "../codegen.js";
import { contiguous } from "../strided.js";
import { wasmFusedReduceF32 } from "../wasm/fused_module.js";
import type { ReduceOp } from "../wasm/reduce_module.js";
import { leafInputs, type Step } from "./exec_values.js";
import { groupSums, type SumGroup, sumGroupStep } from "./fused_sums.js";
import { primitiveIsExact } from "./interpret/table.js";
import { bufOf, reduceInit } from "./kernel_step.js";
import { type LoopPlan, type Plan, readsOf } from "./plan.js";
import { dtypeOfElement, translate } from "./translate.js";

export interface FusedReduce {
  /** Index of the reduce op in @main's body. */
  op: number;
  kind: ReduceOp;
  /** Values per reduced row (the product of the trailing reduced dims). */
  len: number;
  reduce: Op;
  /** A JavaScript loop's float64 sum: over the trailing dims ("rows") or the leading ones ("leading"). */
  js?: "rows" | "leading";
  /** A JavaScript sum computed in one pass with others over the same shape (fused_sums.ts), and its place there. */
  group?: SumGroup;
  member?: number;
}

/** The reduction a loop step's result goes into; written by the loop's step, taken by the reduce's. */
export interface ReduceSlot {
  result: Float32Array | Float64Array | null;
}

const isF32 = (v: Value) => dtypeOfElement(v.type.element).name === "float32";
const isF64 = (v: Value) => dtypeOfElement(v.type.element).name === "float64";

/** Loops (by op index) whose only reader is a fusable reduction. */
export function fusedReductions(main: Func, plan: Plan): Map<number, FusedReduce> {
  const users = new Map<number, Op[]>();
  for (const op of main.body)
    for (const v of readsOf(op)) {
      const list = users.get(v.id);
      if (list) list.push(op);
      else users.set(v.id, [op]);
    }
  const returned = new Set(main.returns.map((v) => v.id));
  const index = new Map<Op, number>(main.body.map((op, i) => [op, i]));
  const out = new Map<number, FusedReduce>();
  for (const s of plan.steps) {
    if (!s.loop) continue;
    const wasm = s.loop.wasm !== undefined;
    const v = main.body[s.op]!.results[0]!;
    const us = users.get(v.id) ?? [];
    const r = us[0];
    if (returned.has(v.id) || us.length !== 1 || !r || r.name !== "stablehlo.reduce") continue;
    const [a, init] = r.operands;
    if (r.operands.length !== 2 || a!.id !== v.id || init!.id === v.id) continue;
    if (!(wasm ? isF32(v) && isF32(r.results[0]!) : isF64(v) && isF64(r.results[0]!))) continue;
    // the kernel computes it (not the reference evaluator), with a body it reduces by
    if (!primitiveIsExact(r)) continue;
    let attrs: { op: string; dims: number[] };
    try {
      attrs = translate(r).attrs as typeof attrs;
    } catch {
      continue;
    }
    const kind = attrs.op;
    const shape = v.type.shape,
      nd = shape.length,
      k = attrs.dims.length;
    if (!wasm) {
      // the kernel's float64 sums (kernels/reduce.ts): over leading dims in order (sumLeading64), else over
      // trailing ones in order (sumRows64); other dims go in a transposed order, which the loop does not follow
      const dims = attrs.dims;
      const leading = dims.every((d, i) => d === i) && k < nd;
      const js = kind !== "sum" || k === 0 ? null : leading ? "leading" : dims.every((d, i) => d === nd - k + i) ? "rows" : null;
      if (js) out.set(s.op, { op: index.get(r)!, kind: "sum", len: shape.slice(nd - k).reduce((a, b) => a * b, 1), reduce: r, js });
      continue;
    }
    if (kind !== "sum" && kind !== "max" && kind !== "min") continue;
    const sorted = [...attrs.dims].sort((a, b) => a - b);
    if (k === 0 || !sorted.every((d, i) => d === nd - k + i)) continue;
    out.set(s.op, { op: index.get(r)!, kind, len: shape.slice(nd - k).reduce((a, b) => a * b, 1), reduce: r });
  }
  // the JavaScript sums over one shape: one pass for several (layer_norm_backward's four)
  groupSums(main, plan, out);
  return out;
}

/** The loop's step: its reduction in WebAssembly (or a JavaScript loop's float64 sum) into `slot`, else `plain` (the loop as usual). */
export function loopIntoReduce(l: LoopPlan, red: FusedReduce, slot: ReduceSlot, plain: Step): Step {
  // (the leaves are positions in @main, as the executable's values are kept)
  const leaves = l.leaves;
  const views = l.views;
  const shape = red.reduce.operands[0]!.type.shape;
  if (red.js) {
    const sum = elementwiseSumLoop(leaves.length, l.reads, l.body, red.js);
    // "rows": one sum per kept position; "leading": one per trailing position, the kept ones
    const size = numelOf(red.reduce.results[0]!.type.shape);
    const alone: Step = (vals) => {
      const ins = leafInputs(vals, leaves, views);
      const r = new Float64Array(size);
      sum(r, shape, ins);
      slot.result = r;
    };
    return red.group ? sumGroupStep(l, red, slot, alone) : alone;
  }
  const tree = l.wasm!;
  return (vals) => {
    const ins = leafInputs(vals, leaves, views);
    slot.result = wasmFusedReduceF32(tree, ins, shape, red.kind, red.len);
    if (!slot.result) plain(vals);
  };
}

/** The reduce's step: the init value combined with the slot's result, as the kernel step does; else `plain`. */
export function reduceFromSlot(op: Op, slot: ReduceSlot, plain: Step, at: (v: Value) => number): Step {
  const combine = reduceInit(op);
  const res = op.results[0]!;
  const resAt = at(res),
    initAt = at(op.operands[1]!);
  return (vals) => {
    const r = slot.result;
    if (!r) return plain(vals);
    slot.result = null;
    vals[resAt] = combine(vals[initAt]!, bufOf(res, contiguous(r, res.type.shape)));
  };
}
