// Several float64 sums of one pass: JavaScript loops over one shape that each
// feed a float64 sum (fused_reduce.ts: "rows" or "leading") run as one
// generated loop that reads every leaf once and adds each member's value to its
// own sums, at the first member's step; the later members' steps find their
// sums made. layer_norm_backward's lowering (packages/lazy lower_norm.ts) emits
// four such sums over the same g, x and w (ds and db per row, dweight and dbias
// over the rows), which ran as four passes where the eager kernel makes one.
// Each sum still adds its values in element order from 0 (a row's from 0 at
// its first element, a column's over the rows in order), as the single loop
// does, so the sums are the same bits. Derived when an executable is built, so
// stored plans are unaffected.
//
// A member joins a group only when every value it reads exists at the first
// member's step: a parameter, a leaf of the first member (which the
// multi-output grouping keeps computed by then, multi_output.ts), or the
// result of an earlier step that is not a WebAssembly loop (only those are
// moved later, into a multi-output group's step).
import { numelOf } from "@xlatorch/core";
import type { Func, Value } from "@xlatorch/stablehlo";
import { odometerCarry } from "../codegen.js";
import { $ } from "../helpers.js";
import type { Strided } from "../strided.js";
import { leafInputs, type Step, type Vals } from "./exec_values.js";
import type { LeafView } from "./fuse.js";
import { leafKey } from "./multi_output.js";
import type { LoopPlan, Plan } from "./plan.js";
import { valuePositions } from "./plan.js";

/** A JavaScript loop's float64 sum (fused_reduce.ts FusedReduce, the fields this file reads). */
export interface JsSum {
  reduce: { results: readonly Value[]; operands: readonly Value[] };
  js?: "rows" | "leading";
  /** The group it is computed in, and its place there (0: the member whose step computes them all). */
  group?: SumGroup;
  member?: number;
}

/** One pass's sums: filled per member by the steps built for them (sumGroupStep), run by the first. */
export interface SumGroup {
  /** Op indices of the members' loops, in step order. */
  ops: number[];
  members: ({ loop: LoopPlan; sum: JsSum; slot: { result: Float32Array | Float64Array | null } } | undefined)[];
}

/** enabled = false leaves every sum to its own loop (bench/ln_sum_group_ab.ts compares the two in one process). */
export const sumGroupConfig = { enabled: true };

/**
 * Groups the JavaScript sums of `into` (loop op index -> its sum): members read values of one shape and
 * exist at the group's first step (see the header). Groups of one are left alone.
 */
export function groupSums(main: Func, plan: Plan, into: ReadonlyMap<number, JsSum>): void {
  if (!sumGroupConfig.enabled) return;
  const { pos } = valuePositions(main);
  const nParams = main.params.length;
  // the step that computes each value position, and whether that step is a WebAssembly loop
  const stepOf = new Map<number, number>();
  plan.steps.forEach((s, i) => {
    for (const r of main.body[s.op]!.results) stepOf.set(pos.get(r.id)!, i);
  });
  const wasmStep = (i: number) => plan.steps[i]!.loop?.wasm !== undefined;
  const open: { shape: string; first: number; firstLeaves: Set<number>; group: SumGroup }[] = [];
  plan.steps.forEach((s, i) => {
    const sum = into.get(s.op);
    if (!sum?.js || !s.loop) return;
    const shape = sum.reduce.operands[0]!.type.shape;
    if (shape.length === 0) return;
    const key = shape.join("x");
    const fits = (g: (typeof open)[number]) =>
      g.shape === key &&
      s.loop!.leaves.every((p) => {
        if (p < nParams || g.firstLeaves.has(p)) return true;
        const j = stepOf.get(p);
        return j !== undefined && j < g.first && !wasmStep(j);
      });
    const g = open.find(fits);
    if (g) {
      sum.group = g.group;
      sum.member = g.group.ops.length;
      g.group.ops.push(s.op);
      g.group.members.push(undefined);
      return;
    }
    const group: SumGroup = { ops: [s.op], members: [undefined] };
    sum.group = group;
    sum.member = 0;
    open.push({ shape: key, first: i, firstLeaves: new Set(s.loop.leaves), group });
  });
  for (const g of open)
    if (g.group.ops.length === 1) {
      const only = into.get(g.group.ops[0]!)!;
      delete only.group;
      delete only.member;
    }
}

/**
 * The step of a grouped member: the first computes every member's sums into their slots (each member's step
 * has registered its loop and slot by then: all are built before any runs); a later one computes its own
 * only where its slot is empty (`alone`: its single loop).
 */
export function sumGroupStep(l: LoopPlan, sum: JsSum, slot: { result: Float32Array | Float64Array | null }, alone: Step): Step {
  const g = sum.group!;
  const k = sum.member!;
  g.members[k] = { loop: l, sum, slot };
  if (k > 0)
    return (vals) => {
      if (!slot.result) alone(vals);
    };
  let run: Step | null = null;
  return (vals) => {
    run ??= g.members.every((m) => m !== undefined) ? groupRun(g) : alone;
    run(vals);
  };
}

type GroupFn = (helpers: typeof $, outs: Float64Array[], shape: readonly number[], ins: readonly Strided[]) => void;

/** The group's one pass: the union of the members' leaves, each member's body renamed onto it. */
function groupRun(g: SumGroup): Step {
  const members = g.members.map((m) => m!);
  const leaves: number[] = [];
  const views: (LeafView | null)[] = [];
  const reads: string[] = [];
  const index = new Map<string, number>();
  const bodies = members.map(({ loop }) => {
    const map = loop.leaves.map((p, i) => {
      const w = loop.views?.[i] ?? null;
      const key = w ? leafKey(p, w) : `${p}`;
      let j = index.get(key);
      if (j === undefined) {
        j = leaves.length;
        index.set(key, j);
        leaves.push(p);
        views.push(w);
        reads.push(loop.reads[i]!);
      }
      return j;
    });
    return loop.body.replace(/\bx(\d+)\b/g, (_, d: string) => `x${map[Number(d)]!}`);
  });
  const sinks = members.map((m) => m.sum.js!);
  const sizes = members.map((m) => numelOf(m.sum.reduce.results[0]!.type.shape));
  const anyView = views.some((w) => w !== null);
  const shape = members[0]!.sum.reduce.operands[0]!.type.shape;
  const variants = new Map<string, GroupFn>();
  return (vals: Vals) => {
    const ins = leafInputs(vals, leaves, anyView ? views : undefined);
    // per leaf: 0 moving, 1 loaded once per row (inner stride 0), 2 loaded once (all strides 0)
    let flags = "";
    for (let i = 0; i < ins.length; i++) {
      const st = ins[i]!.strides;
      flags += st.every((x) => x === 0) ? "2" : st[st.length - 1] === 0 ? "1" : "0";
    }
    let fn = variants.get(flags);
    if (!fn) {
      fn = compileGroup(reads, bodies, sinks, flags);
      variants.set(flags, fn);
    }
    const outs = sizes.map((n) => new Float64Array(n));
    fn($, outs, shape, ins);
    for (let k = 0; k < members.length; k++) members[k]!.slot.result = outs[k]!;
  };
}

/**
 * The generated pass (codegen.ts's strided loop, with a sum per member): an inner loop over the last dim, an
 * odometer outside it. A "rows" sum adds each value to s{k} and stores it at the end of its run of values
 * (a whole number of inner rows); a "leading" one adds it to O{k}[c{k} + j], the column's sum.
 */
function compileGroup(reads: readonly string[], bodies: readonly string[], sinks: readonly ("rows" | "leading")[], flags: string): GroupFn {
  const r = [...reads.keys()];
  const load = (i: number) => `const x${i}=${reads[i]!.replace("@", `A${i}[p${i}]`)};`;
  const moving = r.filter((i) => flags[i] !== "2");
  const perRow = r.filter((i) => flags[i] === "1");
  const perElem = r.filter((i) => flags[i] === "0");
  const ks = [...bodies.keys()];
  const src = `
${r.map((i) => `const A${i}=ins[${i}].data, S${i}=ins[${i}].strides; let p${i}=ins[${i}].offset;`).join("\n")}
const nd = shape.length;
let n = 1; for (let d = 0; d < nd; d++) n *= shape[d];
if (n === 0) return;
${r
  .filter((i) => flags[i] === "2")
  .map(load)
  .join("")}
${ks.map((k) => `const O${k}=outs[${k}], L${k}=${sinks[k] === "rows" ? `n / O${k}.length` : `O${k}.length`}; let s${k}=0, c${k}=0, r${k}=0;`).join("\n")}
const last = nd - 1, inner = shape[last];
${moving.map((i) => `const t${i}=S${i}[last];`).join("")}
const idx = new Int32Array(nd);
for (let kk = n / inner; kk > 0; kk--) {
  ${perRow.map(load).join("")}
  for (let j = 0; j < inner; j++) {
    ${perElem.map(load).join("")}
    ${ks.map((k) => (sinks[k] === "rows" ? `s${k} += ${bodies[k]};` : `O${k}[c${k} + j] += ${bodies[k]};`)).join("\n    ")}
    ${perElem.map((i) => `p${i}+=t${i};`).join("")}
  }
  ${ks
    .map((k) =>
      sinks[k] === "rows"
        ? `c${k} += inner; if (c${k} === L${k}) { O${k}[r${k}++] = s${k}; s${k} = 0; c${k} = 0; }`
        : `c${k} += inner; if (c${k} === L${k}) c${k} = 0;`,
    )
    .join("\n  ")}
  ${perElem.map((i) => `p${i}-=t${i}*inner;`).join("")}
  ${odometerCarry(moving)}
}`;
  return new Function("$", "outs", "shape", "ins", src) as GroupFn;
}
