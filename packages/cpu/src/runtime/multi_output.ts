// Multi-output fusion of the plan's elementwise loops: float32 loops over one
// shape that read one another's results or share an operand run as one
// generated WebAssembly loop (wasm/multi_fused_module.ts) that reads each
// operand once and writes every member's result. The group runs where its
// last member did; the earlier members' steps do nothing. Derived from the
// plan when an executable is built (as fused_reduce.ts), so stored plans are
// unaffected, and where the one-loop path declines at run time
// (XLATORCH_WASM=off, sizes, layouts) the members run one by one, in their
// order, as they would ungrouped.
//
// Moving a member later is safe when nothing else needs it sooner: no other
// step between it and the group's step reads its result, and none of those
// steps computes into a parameter's memory (buffer donation, donation.ts)
// that the member reads. Values the members read are released after the
// group's step (the lifetimes are recomputed for the new schedule).
import { numelOf } from "@xlatorch/core";
import type { Func, Value } from "@xlatorch/stablehlo";
import type { FusedTree } from "../wasm/fused_module.js";
import type { LeafView } from "./fuse.js";
import { MULTI_MIN } from "../wasm/multi_fused_module.js";
import type { InPlaceSlot } from "./donation.js";
import { type Plan, readsOf, releasesOf, valuePositions } from "./plan.js";
import { dtypeOfElement } from "./translate.js";

export interface LoopGroup {
  /** Plan step indices of the members, ascending; the group runs at the last one. */
  members: number[];
  /** The values (positions in @main) the group reads, in leaf order; no member's result among them. */
  leaves: number[];
  /** Per leaf: null, or the broadcast it is read through (fuse.ts LeafView); absent when no leaf has one. */
  views?: (LeafView | null)[];
  /** Each member's tree over `leaves`, an earlier member j's result read as leaf leaves.length + j. */
  roots: FusedTree[];
}

export interface Grouping {
  groups: LoopGroup[];
  /** The plan step at which each member runs (its group's last member). */
  runsAt: Map<number, number>;
  /** Values (positions) to release after each step, for the grouped schedule. */
  release: number[][];
}

const isF32 = (v: Value) => dtypeOfElement(v.type.element).name === "float32";

/**
 * The groups of `plan`'s loops. `excluded`: op indices of loops computed into
 * a reduction (fused_reduce.ts); `slots`: the plan's in-place parameters.
 */
export function groupLoops(main: Func, plan: Plan, excluded: ReadonlySet<number>, slots: readonly InPlaceSlot[]): Grouping | null {
  const { pos, values } = valuePositions(main);
  const at = (v: Value) => pos.get(v.id)!;
  const steps = plan.steps;
  // a step's first result (-1: an op without results, e.g. the interpreter's check ops)
  const result = steps.map((s) => {
    const r = main.body[s.op]!.results[0];
    return r === undefined ? -1 : at(r);
  });
  const reads: number[][] = steps.map((s) => {
    if (s.loop) return s.loop.leaves;
    const op = main.body[s.op]!;
    return op.name === "stablehlo.constant" ? [] : readsOf(op).map(at);
  });
  // a broadcast of one value is read as a splatted scalar: sharing one joins no loops
  const splat = new Set<number>();
  for (const op of main.body)
    if (op.name === "stablehlo.broadcast_in_dim" && numelOf(op.operands[0]!.type.shape) === 1) splat.add(at(op.results[0]!));
  // (and so is a 0-d value a loop reads itself, fuse.ts: a broadcast of it folded into the loop)
  const scalar = (p: number) => splat.has(p) || values[p]!.type.shape.length === 0;
  // what links loops that share an operand: a value, or a value read through a view (a leaf is one value plus its
  // view, fuse.ts LeafView; the same value through another view is another operand); a view of one value is splatted
  const shared: (number | string)[][] = steps.map((s, i) => {
    if (!s.loop) return [];
    const views = s.loop.views;
    return s.loop.leaves.flatMap((p, k): (number | string)[] => {
      const w = views?.[k];
      if (!w) return scalar(p) ? [] : [p];
      return numelOf(values[p]!.type.shape) === 1 ? [] : [leafKey(p, w)];
    });
  });
  const byShape = new Map<string, number[]>();
  steps.forEach((s, i) => {
    const out = values[result[i]!]!;
    if (result[i]! < 0 || s.loop?.wasm === undefined || excluded.has(s.op) || !isF32(out) || numelOf(out.type.shape) < MULTI_MIN) return;
    const key = out.type.shape.join("x");
    const list = byShape.get(key);
    if (list) list.push(i);
    else byShape.set(key, [i]);
  });
  // a loop reading, through a view (a transpose, a transposing broadcast), the result of a loop over its own shape
  // might read a member's result so, which a group's loop cannot: such a loop stays alone
  const viewsOneOf = (i: number, results: ReadonlySet<number>) =>
    steps[i]!.loop!.views?.some((w, k) => w !== null && results.has(steps[i]!.loop!.leaves[k]!)) ?? false;
  for (const [key, list] of byShape) {
    const results = new Set(list.map((i) => result[i]!));
    byShape.set(
      key,
      list.filter((i) => !viewsOneOf(i, results)),
    );
  }
  const linked = (a: number, b: number) => {
    const ra = reads[a]!,
      rb = reads[b]!;
    const sb = shared[b]!;
    return rb.includes(result[a]!) || ra.includes(result[b]!) || shared[a]!.some((k) => sb.includes(k));
  };
  // the steps that read each value
  const readers = new Map<number, number[]>();
  reads.forEach((ps, j) => {
    for (const p of ps) {
      const list = readers.get(p);
      if (list) list.push(j);
      else readers.set(p, [j]);
    }
  });
  // a member may run at `last` when no other step up to it reads its result or computes into memory it reads
  const movable = (m: number, last: number, members: ReadonlySet<number>) => {
    for (const j of readers.get(result[m]!) ?? []) if (j > m && j <= last && !members.has(j)) return false;
    for (const s of slots)
      if (s.step > m && s.step <= last && !members.has(s.step) && reads[m]!.includes(pos.get(s.paramId)!)) return false;
    return true;
  };
  // in program order, each loop joins the groups it is linked to when all their members can run at it (else the
  // latest one that can), or starts a group: a loop that cannot wait for a later member ends its group there
  const groups: number[][] = [];
  for (const list of byShape.values()) {
    const open: number[][] = [];
    for (const c of list) {
      const near = open.filter((g) => g.some((m) => linked(m, c)));
      const fits = (g: number[]) => {
        const set = new Set([...g, c]);
        return g.every((m) => movable(m, c, set));
      };
      const all = near.flat().sort((a, b) => a - b);
      let join: number[] | undefined;
      if (near.length > 1 && fits(all)) {
        for (const g of near) open.splice(open.indexOf(g), 1);
        join = all;
        open.push(join);
      } else join = near.reverse().find(fits);
      if (join) join.push(c);
      else open.push([c]);
      // a group with a member that cannot wait past c takes no later loop
      for (let k = open.length - 1; k >= 0; k--) {
        const g = open[k]!;
        const set = new Set(g);
        if (g.every((m) => movable(m, c, set))) continue;
        if (g.length > 1) groups.push(g);
        open.splice(k, 1);
      }
    }
    for (const g of open) if (g.length > 1) groups.push(g);
  }
  if (groups.length === 0) return null;
  groups.sort((a, b) => a[0]! - b[0]!);
  const runsAt = new Map<number, number>();
  const out: LoopGroup[] = groups.map((members) => {
    const last = members[members.length - 1]!;
    for (const m of members) runsAt.set(m, last);
    return treesOf(members, steps, result);
  });
  // the grouped schedule's reads: a group's at its last member (every member's leaves), none at the others
  const grouped = reads.map((r) => [...r]);
  for (const g of groups) {
    const last = g[g.length - 1]!;
    for (const m of g) if (m !== last) grouped[last]!.push(...grouped[m]!.splice(0));
  }
  return { groups: out, runsAt, release: releasesOf(main, grouped) };
}

/** The members' trees over the group's leaves (a member's result read by a later one becomes a reference to it). */
function treesOf(members: number[], steps: Plan["steps"], result: readonly number[]): LoopGroup {
  const leaves: number[] = [];
  const views: (LeafView | null)[] = [];
  const leafAt = new Map<number | string, number>();
  const memberAt = new Map<number, number>(members.map((m, j) => [result[m]!, j]));
  const maps = members.map((m) =>
    steps[m]!.loop!.leaves.map((p, k) => {
      const w = steps[m]!.loop!.views?.[k] ?? null;
      // (a member's result is never read through a view: groupLoops keeps such loops alone)
      const j = w === null ? memberAt.get(p) : undefined;
      if (j !== undefined) return -1 - j;
      const key = w === null ? p : leafKey(p, w);
      let i = leafAt.get(key);
      if (i === undefined) {
        i = leaves.length;
        leafAt.set(key, i);
        leaves.push(p);
        views.push(w);
      }
      return i;
    }),
  );
  const n = leaves.length;
  const remap = (t: FusedTree, map: readonly number[]): FusedTree => {
    if (typeof t === "number") {
      const i = map[t]!;
      return i >= 0 ? i : n + (-1 - i);
    }
    const [head, ...args] = t;
    return [head, ...args.map((a) => remap(a, map))];
  };
  const g: LoopGroup = { members, leaves, roots: members.map((m, k) => remap(steps[m]!.loop!.wasm!, maps[k]!)) };
  if (views.some((w) => w !== null)) g.views = views;
  return g;
}

/** A leaf read through a view, as a key distinct from the value's own position and from its other views (fused_sums.ts keys its leaves the same way). */
export const leafKey = (p: number, w: LeafView): string => `${p}:${w.join(",")}`;
