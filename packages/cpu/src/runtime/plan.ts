// The CPU runtime's compiled form as data: which ops run as steps, the fused
// elementwise loops (their leaves and generated expressions) and the buffer
// lifetimes. compile() plans a module and builds closures from the plan; the
// persistent compile cache stores the plan (encodePlan) and a later process
// builds from it (decodePlan) without the fusion analysis and expression
// generation. Values are named by their position in @main (parameters, then
// each op's results in order), not by the in-memory ids, so a plan fits any
// module with the same text.
import type { Func, Op, Value } from "@xlatorch/stablehlo";
import * as exprs from "../exprs.js";
import { elementwiseLoop } from "../codegen.js";
import { type FusedTree, isFusedTree } from "../wasm/fused_module.js";
import { buildLoop, inlinable, type LeafView } from "./fuse.js";
import { viewFits } from "./leaf_view.js";
import { sourceText } from "./source_text.js";
import { exactFusable as fusable } from "./interpret/table.js";

/** Bumped whenever the meaning of a plan changes. */
export const PLAN_VERSION = 4;

export interface LoopPlan {
  /** Values the loop reads, in x0..x{n-1} order (positions in @main). */
  leaves: number[];
  /** Per leaf: null, or the view ops it is read through (leaf_view.ts LeafView); absent when no leaf has one. */
  views?: (LeafView | null)[];
  reads: string[];
  body: string;
  /** The chain as a tree over the leaves, for a WebAssembly loop (float32 ops with emitters only). */
  wasm?: FusedTree;
}
export interface StepPlan {
  /** Index of the op in @main's body. */
  op: number;
  /** For an elementwise op: the fused loop it roots. */
  loop?: LoopPlan;
}
export interface Plan {
  steps: StepPlan[];
  /** Values (positions in @main) to drop after each step: their last use. */
  release: number[][];
}

/** Value positions of @main: parameters first, then each op's results in order. */
export function valuePositions(main: Func): { pos: Map<number, number>; values: Value[] } {
  const values: Value[] = [...main.params];
  for (const op of main.body) values.push(...op.results);
  const pos = new Map<number, number>();
  values.forEach((v, i) => pos.set(v.id, i));
  return { pos, values };
}

export function planModule(main: Func): Plan {
  const uses = new Map<number, number>();
  for (const op of main.body) for (const v of readsOf(op)) uses.set(v.id, (uses.get(v.id) ?? 0) + 1);
  for (const v of main.returns) uses.set(v.id, (uses.get(v.id) ?? 0) + 1);
  const producer = new Map<number, Op>();
  for (const op of main.body) for (const r of op.results) producer.set(r.id, op);
  const inlined = inlinable(main.body.filter(fusable), uses, main.body);
  const { pos } = valuePositions(main);
  const at = (v: Value) => pos.get(v.id)!;
  const steps: StepPlan[] = [];
  const reads: Value[][] = [];
  main.body.forEach((op, i) => {
    if (inlined.has(op)) return;
    if (fusable(op)) {
      const loop = buildLoop(op, (v) => producer.get(v.id), inlined);
      const l: LoopPlan = { leaves: loop.leaves.map(at), reads: loop.reads, body: loop.body };
      if (loop.wasm !== undefined) l.wasm = loop.wasm;
      if (loop.views.some((w) => w !== null)) l.views = loop.views;
      steps.push({ op: i, loop: l });
      reads.push(loop.leaves);
    } else {
      steps.push({ op: i });
      reads.push(op.name === "stablehlo.constant" ? [] : readsOf(op));
    }
  });
  return {
    steps,
    release: releasesOf(
      main,
      reads.map((vs) => vs.map(at)),
    ),
  };
}

/** An op's operands and the outer values its regions use (a while body may read a value of @main). */
export function readsOf(op: Op): Value[] {
  if (!op.regions?.length) return op.operands;
  const out = [...op.operands];
  const walk = (ops: readonly Op[], defined: Set<number>, returns: readonly Value[]) => {
    for (const o of ops) {
      for (const v of o.operands) if (!defined.has(v.id)) out.push(v);
      for (const r of o.regions ?? []) {
        const inner = new Set(defined);
        for (const a of r.args) inner.add(a.id);
        walk(r.ops, inner, r.returns);
      }
      for (const r of o.results) defined.add(r.id);
    }
    for (const v of returns) if (!defined.has(v.id)) out.push(v);
  };
  for (const r of op.regions) walk(r.ops, new Set(r.args.map((a) => a.id)), r.returns);
  return out;
}

/**
 * Buffer lifetimes: a value (position in @main) is released after the last
 * step that reads it (returned values never); reads[i]: the values step i reads.
 */
export function releasesOf(main: Func, reads: readonly (readonly number[])[]): number[][] {
  const last = new Map<number, number>();
  reads.forEach((ps, i) => ps.forEach((p) => last.set(p, i)));
  const { pos } = valuePositions(main);
  const keep = new Set(main.returns.map((v) => pos.get(v.id)!));
  const release: number[][] = reads.map(() => []);
  for (const [p, i] of last) if (!keep.has(p)) release[i]!.push(p);
  return release;
}

export function encodePlan(p: Plan): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: PLAN_VERSION, ...p }));
}

/** A plan stored by encodePlan, checked against `main`; throws when it does not fit. */
export function decodePlan(bytes: Uint8Array, main: Func): Plan {
  const bad = (why: string): never => {
    throw new Error(`cpu runtime: stored plan does not fit the module: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return bad("not JSON");
  }
  const o = raw as { v?: unknown; steps?: unknown; release?: unknown };
  if (!o || typeof o !== "object" || o.v !== PLAN_VERSION) return bad(`plan version ${String(o?.v)}, expected ${PLAN_VERSION}`);
  const nValues = main.params.length + main.body.reduce((n, op) => n + op.results.length, 0);
  const isPos = (x: unknown, n: number) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < n;
  if (!Array.isArray(o.steps) || !Array.isArray(o.release) || o.release.length !== o.steps.length) return bad("steps/release");
  let prev = -1;
  let values: Value[] | undefined;
  for (const s of o.steps as StepPlan[]) {
    if (!s || !isPos(s.op, main.body.length) || s.op <= prev) return bad("step op index");
    prev = s.op;
    const op = main.body[s.op]!;
    if (fusable(op) !== (s.loop !== undefined)) return bad(`step ${s.op} (${op.name}) loop`);
    if (s.loop) {
      const l = s.loop;
      if (!Array.isArray(l.leaves) || !l.leaves.every((x) => isPos(x, nValues))) return bad("loop leaves");
      if (
        !Array.isArray(l.reads) ||
        l.reads.length !== l.leaves.length ||
        !l.reads.every((r) => typeof r === "string") ||
        typeof l.body !== "string"
      )
        return bad("loop code");
      if (l.wasm !== undefined && !isFusedTree(l.wasm, l.leaves.length)) return bad("loop wasm tree");
      if (
        l.views !== undefined &&
        !viewsFit(l.views, l.leaves, op.results[0]!.type.shape, (p) => (values ??= valuePositions(main).values)[p]!.type.shape)
      )
        return bad("loop leaf views");
    }
  }
  for (const r of o.release as unknown[]) if (!Array.isArray(r) || !r.every((x) => isPos(x, nValues))) return bad("release");
  return { steps: o.steps as StepPlan[], release: o.release as number[][] };
}

/**
 * Each view null, or view ops from its leaf's shape to the loop's (or to a 0-d
 * value, one a broadcast of a 0-d value spreads: leaf_view.ts viewFits).
 */
function viewsFit(views: unknown, leaves: number[], shape: readonly number[], leafShape: (p: number) => readonly number[]): boolean {
  if (!Array.isArray(views) || views.length !== leaves.length) return false;
  return views.every((w, i) => w === null || viewFits(w, leafShape(leaves[i]!), shape) || viewFits(w, leafShape(leaves[i]!), []));
}

/** FNV-1a (two 32-bit lanes) of a string: a cheap fingerprint, not a security hash. */
function fnv(s: string): string {
  let a = 0x811c9dc5,
    b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/**
 * A fingerprint of the code whose output a plan stores (fusion and the
 * expression generators), so a plan made by other code is not reused even
 * when the package version is the same (a development checkout): the source
 * files where they are beside this one (running from the sources), and the
 * functions' own text always (a bundle).
 */
export const PLAN_CODE_FINGERPRINT: string = (() => {
  const fns = [inlinable, buildLoop, elementwiseLoop, ...Object.values(exprs).filter((f) => typeof f === "function")];
  let text = fns.map((f) => String(f)).join("\n");
  // interpret/table.ts and values.ts decide which elementwise ops are exact enough to fuse
  for (const rel of [
    "./plan.ts",
    "./fuse.ts",
    "./leaf_view.ts",
    "./translate.ts",
    "./interpret/table.ts",
    "./interpret/values.ts",
    "../exprs.ts",
    "../codegen.ts",
    "../wasm/fused_module.ts",
  ]) {
    text += sourceText(new URL(rel, import.meta.url)) ?? ""; // null when bundled: the functions' text above
  }
  return fnv(text);
})();
