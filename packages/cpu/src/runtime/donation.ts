// Buffer donation on the CPU runtime: a parameter marked
// `tf.aliasing_output = k` (stablehlo Func.aliasingOutput) whose caller
// donates it at execute() has its memory reused for result k: the fused
// elementwise loop that computes result k writes into the parameter's array
// instead of a new one, so a compiled training step updates parameters and
// optimizer state where they are, with no allocation and no copy back.
//
// When that is safe (decided here, per executable and per call; anything else
// computes result k into fresh memory as before):
//   - result k is computed by a fused elementwise loop (a kernel such as a dot
//     writes into memory it reads from only when it says so: none does yet);
//   - that loop is the parameter's last reader (plan.ts release) and the
//     parameter is not itself returned: nothing computes from the old value
//     after the loop starts, and the loop reads each element at the index it
//     writes (its leaves have the result's shape or are 0-d, hoisted before the
//     loop; the WebAssembly loops copy each chunk in before its result goes out;
//     a group of loops run as one, multi_output.ts, counts as one loop: it
//     reads a chunk of every operand before any member's result goes out, and
//     where it runs its members one by one they keep their order);
//   - no loop that runs at that step reads the parameter through a broadcast
//     folded into it (fuse.ts LeafView): such a leaf reads other indices than
//     the one written, and is no live value sharedLive could see;
//   - the argument is a dense array of exactly the result's type and size
//     (offset 0, row-major), and no other argument's memory is in the same
//     ArrayBuffer (the same tensor passed twice, a view of it);
//   - when the loop runs, no other live value of the execution shares the array
//     (a runtime view of the parameter, such as a reshape, read later). Only a
//     value a kernel or evaluator step computed from the parameter (itself or
//     through such values) can: a fused loop writes fresh memory, and no step
//     returns memory it did not read but its own (a constant's), so those
//     values (aliases, found once per build) are the ones looked at.
import { isContiguous, numelOf, storageKey, type HostArray } from "@xlatorch/core";
import type { Func, Value } from "@xlatorch/stablehlo";
import type { CpuBuffer } from "./buffer.js";
import type { Vals } from "./exec_values.js";
import { type Plan, readsOf } from "./plan.js";
import { dtypeOfElement } from "./translate.js";

/** A parameter that may be computed over in place by the loop at step `step`. */
export interface InPlaceSlot {
  param: number;
  paramId: number;
  outId: number;
  /** The result's position in @main (plan.ts valuePositions). */
  outPos: number;
  step: number;
  numel: number;
  /** The typed-array constructor of the result's dtype. */
  ctor: unknown;
  /** Positions of the values that may share the parameter's memory (views of it), itself excluded. */
  aliases: number[];
}

/**
 * The executable's in-place slots (planned once per build), judged on the
 * plan's own schedule. `runsAt`: the step a grouped loop runs at instead
 * (multi_output.ts); a loop safe in place at its own step stays so in its
 * group, whose members keep their order when run one by one.
 */
export function inPlaceSlots(main: Func, plan: Plan, values: readonly Value[], runsAt?: ReadonlyMap<number, number>): InPlaceSlot[] {
  const alias = main.aliasingOutput;
  if (!alias) return [];
  const stepOf = new Map<number, number>();
  plan.steps.forEach((s, i) => {
    for (const r of main.body[s.op]!.results) stepOf.set(r.id, i);
  });
  const lastUse = new Map<number, number>();
  plan.release.forEach((r, i) => {
    for (const p of r) lastUse.set(values[p]!.id, i);
  });
  const returned = new Set(main.returns.map((v) => v.id));
  const aliases = paramAliases(main, plan, values);
  // (step it runs at, parameter) of each loop leaf that reads a parameter through a broadcast view
  const viewed = new Set<string>();
  plan.steps.forEach((s, i) => {
    const views = s.loop?.views;
    if (views)
      s.loop!.leaves.forEach((p, k) => {
        if (views[k] !== null && p < main.params.length) viewed.add(`${runsAt?.get(i) ?? i}:${p}`);
      });
  });
  const slots: InPlaceSlot[] = [];
  alias.forEach((k, i) => {
    if (k === null || k === undefined) return;
    const p = main.params[i]!;
    const out = main.returns[k];
    if (!out || returned.has(p.id) || main.returns.filter((v) => v.id === out.id).length !== 1) return;
    const own = stepOf.get(out.id);
    if (own === undefined || !plan.steps[own]!.loop) return;
    const step = runsAt?.get(own) ?? own;
    if (viewed.has(`${step}:${i}`)) return;
    if (p.type.element !== out.type.element || p.type.shape.join() !== out.type.shape.join()) return;
    const last = lastUse.get(p.id) ?? -1;
    if (last > own) return;
    const d = dtypeOfElement(out.type.element);
    if (d.is_complex) return;
    const outPos = positionOf(values, out);
    slots.push({
      param: i,
      paramId: p.id,
      outId: out.id,
      outPos,
      step,
      numel: numelOf(out.type.shape),
      ctor: d.alloc(0).constructor,
      aliases: aliases[i]!,
    });
  });
  return slots;
}

/** `v`'s position in @main (by id: a return names the value its op defines). */
function positionOf(values: readonly Value[], v: Value): number {
  const i = values.findIndex((u) => u.id === v.id);
  if (i < 0) throw new Error(`cpu runtime: value %${v.id} is not defined in @main`);
  return i;
}

/**
 * For each parameter (by index, which is its position), the positions of the values that may share its memory:
 * the results of kernel and evaluator steps (not fused loops, not constants) that read it or such a value, in
 * the plan's order (a grouped loop's move changes no kernel step's order).
 */
function paramAliases(main: Func, plan: Plan, values: readonly Value[]): number[][] {
  const pos = new Map<number, number>(values.map((v, i) => [v.id, i]));
  const from = new Map<number, Set<number>>(main.params.map((_, i) => [i, new Set([i])]));
  const out: number[][] = main.params.map(() => []);
  for (const s of plan.steps) {
    if (s.loop) continue;
    const op = main.body[s.op]!;
    if (op.name === "stablehlo.constant") continue;
    let ps: Set<number> | undefined;
    for (const v of readsOf(op)) {
      const f = from.get(pos.get(v.id) ?? -1);
      if (f) for (const q of f) (ps ??= new Set()).add(q);
    }
    if (!ps) continue;
    for (const r of op.results) {
      const at = pos.get(r.id)!;
      from.set(at, ps);
      for (const q of ps) out[q]!.push(at);
    }
  }
  return out;
}

/** An array a loop may compute into (a donated argument's, or a destination), with the values to look at first. */
export type Donated = { outPos: number; aliases: readonly number[]; data: HostArray };

/** How many arguments' memory is each storage (storageKey), counted once per call. */
export function argMemory(args: readonly CpuBuffer[]): Map<object, number> {
  const m = new Map<object, number>();
  for (let j = 0; j < args.length; j++) {
    const k = storageKey(args[j]!.s.data);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function add(out: Map<number, Donated[]>, step: number, d: Donated): void {
  const list = out.get(step);
  if (list) list.push(d);
  else out.set(step, [d]);
}

/**
 * The arrays this call donates, and the caller's destination arrays it fills, by the step that computes into them
 * (a grouped loop's step may take several; validated against the arguments). `argMem` counts the arguments'
 * memory (argMemory: made once for both).
 */
export function donatedArrays(
  slots: readonly InPlaceSlot[],
  args: readonly CpuBuffer[],
  donate: readonly boolean[] | undefined,
  argMem: () => Map<object, number>,
): Map<number, Donated[]> | null {
  if (!donate || slots.length === 0) return null;
  let out: Map<number, Donated[]> | null = null;
  for (const slot of slots) {
    if (!donate[slot.param]) continue;
    const a = args[slot.param]!;
    const s = a.s;
    if (s.offset !== 0 || s.data.length !== slot.numel || s.data.constructor !== slot.ctor || !isContiguous(a.shape, s.strides)) continue;
    // no other argument's memory in the same storage (the same tensor passed twice, a view of it)
    if (argMem().get(storageKey(s.data)) !== 1) continue;
    add((out ??= new Map()), slot.step, { outPos: slot.outPos, aliases: slot.aliases, data: s.data });
  }
  return out;
}

/**
 * A result computed by a fused elementwise loop (its step, after grouping), which a caller may give a
 * destination array: the loop writes the result there instead of into fresh memory (a compiled cpu step's
 * .grad, computed straight into the tensor's storage instead of copied into it afterwards).
 */
export interface OutputSlot {
  out: number;
  outId: number;
  /** The result's position in @main. */
  outPos: number;
  step: number;
  numel: number;
  ctor: unknown;
}

/** The results a destination array may be given for (planned once per build): computed by a loop, returned once, not a parameter. */
export function outputSlots(main: Func, plan: Plan, values: readonly Value[], runsAt?: ReadonlyMap<number, number>): OutputSlot[] {
  const stepOf = new Map<number, number>();
  plan.steps.forEach((s, i) => {
    for (const r of main.body[s.op]!.results) stepOf.set(r.id, i);
  });
  const params = new Set(main.params.map((p) => p.id));
  const slots: OutputSlot[] = [];
  main.returns.forEach((out, k) => {
    if (params.has(out.id) || main.returns.filter((v) => v.id === out.id).length !== 1) return;
    const own = stepOf.get(out.id);
    if (own === undefined || !plan.steps[own]!.loop) return;
    const d = dtypeOfElement(out.type.element);
    if (d.is_complex) return;
    slots.push({
      out: k,
      outId: out.id,
      outPos: positionOf(values, out),
      step: runsAt?.get(own) ?? own,
      numel: numelOf(out.type.shape),
      ctor: d.alloc(0).constructor,
    });
  });
  return slots;
}

/**
 * The destination arrays of this call by the step that fills them: `dest[k]` for result k when it has a slot, is a
 * whole array of the result's type and size, and its memory is no argument's and no other destination's (the
 * caller reads none of them during the execution). A result computed in a donated argument keeps that.
 */
export function destinationArrays(
  slots: readonly OutputSlot[],
  dest: readonly (HostArray | null | undefined)[],
  argMem: () => Map<object, number>,
  donated: Map<number, Donated[]> | null,
): Map<number, Donated[]> | null {
  let out: Map<number, Donated[]> | null = null;
  const seen = new Set<object>();
  for (const slot of slots) {
    const a = dest[slot.out];
    if (!a || !ArrayBuffer.isView(a) || a.length !== slot.numel || a.constructor !== slot.ctor) continue;
    const mem = storageKey(a);
    if (argMem().has(mem) || seen.has(mem)) continue;
    seen.add(mem);
    if (donated?.get(slot.step)?.some((d) => d.outPos === slot.outPos)) continue;
    // (no value of the execution can share the caller's array: none looked at)
    add((out ??= new Map()), slot.step, { outPos: slot.outPos, aliases: NONE, data: a });
  }
  return out;
}
const NONE: readonly number[] = [];

/** Whether a live value among `aliases` shares `data`'s memory (checked just before the loop). */
export function sharedLive(vals: Vals, aliases: readonly number[], data: HostArray): boolean {
  let mem: object | undefined;
  for (let k = 0; k < aliases.length; k++) {
    const b = vals[aliases[k]!];
    if (b !== undefined && storageKey(b.s.data) === (mem ??= storageKey(data))) return true;
  }
  return false;
}
