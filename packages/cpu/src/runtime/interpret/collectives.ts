// Collective ops across the processes of `interpreter.run_parallel`: all_reduce,
// all_gather, reduce_scatter, all_to_all, collective_permute,
// collective_broadcast and collective_reduce, with the spec's process groups
// (cross_replica, cross_partition, cross_replica_and_partition, flattened_ids).
// The processes run one at a time: a process that reaches a collective whose
// result is not known yet records its operands and stops (Suspend); when every
// member of its group has arrived, the results are computed and each process
// is run again from its start, taking the known results, until all finish.
import { numelOf } from "@xlatorch/core";
import { tensorType, type Attr, type Op } from "@xlatorch/stablehlo";
import type { EvalCtx, Interp } from "./engine.js";
import { alloc, copyElement, type DenseValue, forEachIndex, getInt, stridesOf, Unsupported } from "./values.js";

export class Suspend extends Error {
  constructor() {
    super("suspended at a collective");
    this.name = "Suspend";
  }
}

export interface Proc {
  replica: number;
  partition: number;
  /** Collectives this run has passed. */
  counter: number;
  /** Results of this process's collectives, by their order in the run. */
  results: Map<number, DenseValue[]>;
  pending?: { index: number; op: Op; ins: DenseValue[]; ctx: EvalCtx; ready?: () => boolean };
  /** Per-run state of host.ts's ops (infeed/send/recv counts), reset when the process is re-run. */
  host?: Map<string, number>;
}

export interface Grid {
  procs: Proc[];
  replicas: number;
  partitions: number;
  /** run_parallel's `infeed = [@f, ...]`: the functions whose results the infeed ops take, in order. */
  infeed?: string[];
  /** Messages sent on each channel (by handle), in order (host.ts). */
  channels?: Map<number, DenseValue[]>;
}

/** The running process and its grid (set by run_parallel). */
export const running: { proc: Proc; grid: Grid }[] = [];

const intAttr = (a: Attr | undefined, d: number) => (a && a.kind === "int" ? Number(a.value) : d);
function groupsAttr(op: Op, k: string): number[][] {
  const a = op.attrs[k];
  if (!a || a.kind !== "dense") return [];
  const [rows, cols] = a.type.shape.length === 2 ? [a.type.shape[0]!, a.type.shape[1]!] : [1, a.values.length];
  return Array.from({ length: rows }, (_, r) =>
    a.values
      .slice(r * cols, (r + 1) * cols)
      .map(Number)
      .filter((v) => v >= 0),
  );
}
export function channelId(op: Op): number {
  const a = op.attrs.channel_handle;
  if (a && a.kind === "string") {
    const m = /handle\s*=\s*(-?[0-9]+)/.exec(a.value);
    if (m) return Number(m[1]);
  }
  return intAttr(op.attrs.channel_id, 0);
}

type Pid = [number, number];
function processGroups(op: Op, g: Grid, groups: number[][], style: "reduce" | "permute"): Pid[][] {
  const ch = channelId(op);
  const global = !!op.attrs.use_global_device_ids;
  const reps = [...Array(g.replicas).keys()],
    parts = [...Array(g.partitions).keys()];
  if (style === "permute" || op.name === "stablehlo.all_to_all") {
    // cross_replica or cross_partition
    return ch <= 0
      ? groups.flatMap((grp) => parts.map((p) => grp.map((r): Pid => [r, p])))
      : groups.flatMap((grp) => reps.map((r) => grp.map((p): Pid => [r, p])));
  }
  if (ch <= 0 && !global) return groups.flatMap((grp) => parts.map((p) => grp.map((r): Pid => [r, p])));
  if (ch > 0 && !global) return groups.map((grp) => parts.flatMap((p) => grp.map((r): Pid => [r, p])));
  return groups.map((grp) => grp.map((id): Pid => [Math.floor(id / g.partitions), id % g.partitions]));
}

/** Reaches a collective: its result if known, else records the operands and suspends. */
function arrive(op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const r = running[running.length - 1];
  if (!r) throw new Unsupported(op, "a collective outside interpreter.run_parallel");
  const index = r.proc.counter++;
  const known = r.proc.results.get(index);
  if (known) return known;
  r.proc.pending = { index, op, ins, ctx };
  throw new Suspend();
}

const procAt = (g: Grid, [r, p]: Pid) => g.procs.find((x) => x.replica === r && x.partition === p);
const zerosLike = (op: Op, i: number): DenseValue => alloc(op.results[i]!.type, op);

function concatAlong(op: Op, parts: DenseValue[], dim: number, resultIndex: number): DenseValue {
  const out = alloc(op.results[resultIndex]!.type, op);
  const os = stridesOf(out.type.shape);
  let off = 0;
  for (const x of parts) {
    forEachIndex(x.type.shape, (idx, k) => {
      let j = 0;
      for (let d = 0; d < idx.length; d++) j += (d === dim ? idx[d]! + off : idx[d]!) * os[d]!;
      copyElement(out, j, x, k);
    });
    off += x.type.shape[dim]!;
  }
  return out;
}

function splitAlong(op: Op, x: DenseValue, count: number, dim: number, part: number): DenseValue {
  const shape = x.type.shape.slice();
  const size = shape[dim]! / count;
  shape[dim] = size;
  const out = alloc(tensorType(shape, x.type.element), op);
  const xs = stridesOf(x.type.shape);
  forEachIndex(shape, (idx, k) => {
    let j = 0;
    for (let d = 0; d < idx.length; d++) j += (d === dim ? idx[d]! + part * size : idx[d]!) * xs[d]!;
    copyElement(out, k, x, j);
  });
  return out;
}

/** Elementwise reduction of the members' operands with the op's computation, in group order. */
function reduceAcross(op: Op, members: Proc[]): DenseValue[] {
  const body = op.regions?.[0];
  if (!body) throw new Unsupported(op, "expects a computation region");
  const ctx = members[0]!.pending!.ctx;
  const n = members[0]!.pending!.ins.length;
  return Array.from({ length: n }, (_, v) => {
    const first = members[0]!.pending!.ins[v]!;
    const out = alloc(first.type, op);
    const count = numelOf(first.type.shape);
    for (let i = 0; i < count; i++) {
      const scalar = (x: DenseValue) => {
        const s = alloc(tensorType([], x.type.element), op);
        copyElement(s, 0, x, i);
        return s;
      };
      let acc = scalar(first);
      for (const m of members.slice(1)) [acc] = ctx.region(body, [acc, scalar(m.pending!.ins[v]!)]) as [DenseValue];
      copyElement(out, i, acc, 0);
    }
    return out;
  });
}

/** Computes the results of the collective `op` that the suspended processes wait on; false when some have not arrived. */
export function resolve(g: Grid, p: Proc): boolean {
  const { op, ready } = p.pending!;
  // a point-to-point wait (recv): ready once its message was sent; the process is re-run to take it
  if (ready) {
    if (!ready()) return false;
    p.pending = undefined;
    return true;
  }
  const waiting = (q: Proc | undefined) => !!q?.pending && q.pending.op.name === op.name;
  const give = (q: Proc, res: DenseValue[]) => {
    q.results.set(q.pending!.index, res);
    q.pending = undefined;
  };
  if (op.name === "stablehlo.collective_permute") {
    // every process takes part: the targets receive, the others get zeros
    if (!g.procs.every(waiting)) return false;
    const pairs = processGroups(op, g, groupsAttr(op, "source_target_pairs"), "permute");
    const got = new Map<Proc, DenseValue>();
    for (const [s, t] of pairs) {
      const src = procAt(g, s!),
        dst = procAt(g, t!);
      if (src && dst) got.set(dst, src.pending!.ins[0]!);
    }
    for (const q of g.procs) give(q, [got.get(q) ?? zerosLike(op, 0)]);
    return true;
  }
  const style = op.name === "stablehlo.collective_broadcast" ? "permute" : "reduce";
  const groups = processGroups(op, g, groupsAttr(op, "replica_groups"), style);
  const group = groups.find((grp) => grp.some(([r, q]) => r === p.replica && q === p.partition));
  if (!group) {
    // not in any group: broadcast gives zeros, the others have nothing to exchange
    if (op.name === "stablehlo.collective_broadcast") {
      give(
        p,
        op.results.map((_, i) => zerosLike(op, i)),
      );
      return true;
    }
    throw new Unsupported(op, `process (${p.replica}, ${p.partition}) is in no process group`);
  }
  const members = group.map((pid) => procAt(g, pid));
  if (!members.every(waiting)) return false;
  const ms = members as Proc[];
  switch (op.name) {
    case "stablehlo.all_reduce": {
      const res = reduceAcross(op, ms);
      for (const q of ms) give(q, res);
      return true;
    }
    case "stablehlo.collective_reduce": {
      const res = reduceAcross(op, ms);
      ms.forEach((q, i) => give(q, i === 0 ? res : op.results.map((_, k) => zerosLike(op, k))));
      return true;
    }
    case "stablehlo.all_gather": {
      const dim = intAttr(op.attrs.all_gather_dim, 0);
      const res = ms[0]!.pending!.ins.map((_, v) =>
        concatAlong(
          op,
          ms.map((q) => q.pending!.ins[v]!),
          dim,
          v,
        ),
      );
      for (const q of ms) give(q, res);
      return true;
    }
    case "stablehlo.reduce_scatter": {
      const dim = intAttr(op.attrs.scatter_dimension, 0);
      const [red] = reduceAcross(op, ms);
      ms.forEach((q, i) => give(q, [splitAlong(op, red!, ms.length, dim, i)]));
      return true;
    }
    case "stablehlo.all_to_all": {
      const sd = intAttr(op.attrs.split_dimension, 0),
        cd = intAttr(op.attrs.concat_dimension, 0),
        count = intAttr(op.attrs.split_count, ms.length);
      // every result first: giving one clears that process's operands
      const res = ms.map((q, j) =>
        q.pending!.ins.map((_, v) =>
          concatAlong(
            op,
            ms.map((s) => splitAlong(op, s.pending!.ins[v]!, count, sd, j)),
            cd,
            v,
          ),
        ),
      );
      ms.forEach((q, j) => give(q, res[j]!));
      return true;
    }
    case "stablehlo.collective_broadcast": {
      // result j comes from the group's first process, or with has_dynamic_root from the process
      // the last operand names (root[j], an index in the group)
      const n = op.results.length;
      const dynamic = !!op.attrs.has_dynamic_root;
      const roots = dynamic ? ms[0]!.pending!.ins[n]! : undefined;
      const res = Array.from({ length: n }, (_, j) => {
        const r = roots ? Number(getInt(roots, j)) : 0;
        const src = ms[r];
        if (!src) throw new Unsupported(op, `root ${r} is not in the process group of ${ms.length}`);
        return src.pending!.ins[j]!;
      });
      for (const q of ms) give(q, res);
      return true;
    }
  }
  throw new Unsupported(op, "not a collective");
}

export const collectiveOps: Record<string, Interp> = Object.fromEntries(
  ["all_reduce", "all_gather", "reduce_scatter", "all_to_all", "collective_permute", "collective_broadcast", "collective_reduce"].map(
    (n) => [`stablehlo.${n}`, arrive],
  ),
);
