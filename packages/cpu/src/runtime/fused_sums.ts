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
/** sideBySide = false runs every group's pass one row at a time (compileGroup; bench/sum_rows_ab.ts compares the two). */
export const groupConfig = { sideBySide: true };

/** Group passes run side by side (compileRows), and one row at a time (tests check which ran). */
export const groupStats = { sideBySide: 0, rowAtATime: 0 };

/** Rows summed side by side (compileRows): four chains of float64 adds in flight where one was. */
const SIDE = 4;

/**
 * The stride between consecutive rows of the last dim when the dims before it step through memory as one run
 * (dims of size 1 aside; 0 when they all have stride 0, or there is one row), else null.
 */
function rowStride(shape: readonly number[], strides: readonly number[]): number | null {
  // (a 0-d leaf, read as a scalar, has no strides)
  if (strides.length !== shape.length) return strides.every((x) => x === 0) ? 0 : null;
  let q: number | null = null,
    next = 0;
  for (let d = shape.length - 2; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (q === null) q = strides[d]!;
    else if (strides[d] !== next) return null;
    next = strides[d]! * shape[d]!;
  }
  return q ?? 0;
}

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

/** (rho: each leaf's rowStride, read by compileRows's passes) */
type GroupFn = (helpers: typeof $, outs: Float64Array[], shape: readonly number[], ins: readonly Strided[], rho: readonly number[]) => void;

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
  // every sum one per row of the last dim ("rows") or one per column of it ("leading"): the rows may be summed
  // side by side (compileRows)
  const n = numelOf(shape),
    inner = shape[shape.length - 1]!;
  const perRow = sizes.every((size, k) => (sinks[k] === "rows" ? size * inner === n : size === inner));
  const rho = new Array<number>(leaves.length).fill(0);
  return (vals: Vals) => {
    const ins = leafInputs(vals, leaves, anyView ? views : undefined);
    // per leaf: 0 moving, 1 loaded once per row (inner stride 0), 2 loaded once (all strides 0); side by side
    // (each leaf's leading dims one run of rows, rowStride), 3 for a moving leaf that is the same in every row
    let rows = perRow && groupConfig.sideBySide;
    for (let i = 0; i < ins.length && rows; i++) {
      const q = rowStride(shape, ins[i]!.strides);
      if (q === null) rows = false;
      else rho[i] = q;
    }
    let flags = rows ? "r" : "";
    for (let i = 0; i < ins.length; i++) {
      const st = ins[i]!.strides;
      flags += st.every((x) => x === 0) ? "2" : st[st.length - 1] === 0 ? "1" : rows && rho[i] === 0 ? "3" : "0";
    }
    let fn = variants.get(flags);
    if (!fn) {
      fn = rows ? compileRows(bodies, sinks, flags.slice(1)) : compileGroup(reads, bodies, sinks, flags);
      variants.set(flags, fn);
    }
    const outs = sizes.map((n) => new Float64Array(n));
    if (rows) groupStats.sideBySide++;
    else groupStats.rowAtATime++;
    fn($, outs, shape, ins, rho);
    for (let k = 0; k < members.length; k++) members[k]!.slot.result = outs[k]!;
  };
}

/**
 * The generated pass over rows side by side (every sum one per row, "rows", or one per column of the last
 * dim, "leading", and every leaf's rows one run: rowStride): SIDE rows at a time, then one at a time. A row's
 * sum still adds its values from 0 in element order (a chain s{k}_{u} per row), and a column's adds the rows
 * in order (O{k}[j] + row r's value, + row r + 1's, ...): the values compileGroup gives, with SIDE chains of
 * dependent float64 adds in flight instead of one (layer_norm_backward's sums: bench/sum_rows_ab.ts).
 * Leaf i's value at row r, element j is A{i}[offset + r * rowStride + j * inner stride].
 */
function compileRows(bodies: readonly string[], sinks: readonly ("rows" | "leading")[], flags: string): GroupFn {
  const r = [...flags].map((_, i) => i);
  const ks = [...bodies.keys()];
  const shared = (i: number) => flags[i] === "2" || flags[i] === "3";
  // member k's value at row u of the block: its leaves renamed to the row's (a shared leaf is every row's)
  const at = (k: number, u: number) => bodies[k]!.replace(/\bx(\d+)\b/g, (m, d: string) => (shared(Number(d)) ? m : `${m}_${u}`));
  const block = (U: number) => {
    const us = [...Array(U).keys()];
    const each = (f: (u: number) => string) => us.map(f).join("");
    return `for (; r + ${U} <= R; r += ${U}) {
  ${r
    .filter((i) => flags[i] === "1")
    .map((i) => each((u) => `const x${i}_${u}=A${i}[o${i}+(r+${u})*q${i}];`))
    .join("")}
  ${r
    .filter((i) => flags[i] === "0")
    .map((i) => each((u) => `let p${i}_${u}=o${i}+(r+${u})*q${i};`))
    .join("")}
  ${ks
    .filter((k) => sinks[k] === "rows")
    .map((k) => each((u) => `let s${k}_${u}=0;`))
    .join("")}
  for (let j = 0; j < inner; j++) {
    ${r
      .filter((i) => flags[i] === "3")
      .map((i) => `const x${i}=A${i}[o${i}+j*t${i}];`)
      .join("")}
    ${r
      .filter((i) => flags[i] === "0")
      .map((i) => each((u) => `const x${i}_${u}=A${i}[p${i}_${u}]; p${i}_${u}+=t${i};`))
      .join("")}
    ${ks
      .map((k) =>
        sinks[k] === "rows"
          ? each((u) => `s${k}_${u} += ${at(k, u)};`)
          : `O${k}[j] = ${us.reduce((acc, u) => `(${acc} + ${at(k, u)})`, `O${k}[j]`)};`,
      )
      .join("\n    ")}
  }
  ${ks
    .filter((k) => sinks[k] === "rows")
    .map((k) => each((u) => `O${k}[r+${u}]=s${k}_${u};`))
    .join("")}
}`;
  };
  const src = `
${r.map((i) => `const A${i}=ins[${i}].data, o${i}=ins[${i}].offset, q${i}=rho[${i}], t${i}=ins[${i}].strides[shape.length-1];`).join("\n")}
let n = 1; for (let d = 0; d < shape.length; d++) n *= shape[d];
if (n === 0) return;
const inner = shape[shape.length - 1], R = n / inner;
${r
  .filter((i) => flags[i] === "2")
  .map((i) => `const x${i}=A${i}[o${i}];`)
  .join("")}
${ks.map((k) => `const O${k}=outs[${k}];`).join("")}
let r = 0;
${block(SIDE)}
${block(1)}`;
  return new Function("$", "outs", "shape", "ins", "rho", src) as GroupFn;
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
