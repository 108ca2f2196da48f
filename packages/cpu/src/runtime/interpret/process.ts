// Processes: replica_id / partition_id, and the StableHLO interpreter's
// `interpreter.run_parallel`, which runs programs as the processes of a
// (replicas x partitions) grid; their collectives meet in collectives.ts.
// The processes run one at a time and are re-run from the start after each
// collective is resolved (programs are deterministic), so no threads are needed.
import type { Attr } from "@xlatorch/stablehlo";
import { type Grid, type Proc, resolve, running, Suspend } from "./collectives.js";
import type { Interp } from "./engine.js";
import { instrumentation } from "./instrument.js";
import { alloc, type DenseValue, setInt, Unsupported } from "./values.js";

const symbols = (a: Attr): string[][] | undefined => {
  if (a.kind !== "array") return undefined;
  const rows = a.values.map((r) => (r.kind === "array" ? r.values.map((s) => (s.kind === "string" ? s.value.replace(/^@/, "") : "")) : []));
  return rows.every((r) => r.length && r.every((s) => s)) ? rows : undefined;
};

const idOp =
  (which: "replica" | "partition"): Interp =>
  (op) => {
    const out = alloc(op.results[0]!.type, op);
    // outside run_parallel the program is the one process (0, 0)
    setInt(out, 0, BigInt(running[running.length - 1]?.proc[which] ?? 0));
    return [out];
  };

/** More rounds than this means the processes never finish (a deadlock the groups did not reveal). */
const MAX_ROUNDS = 10_000;

export const processOps: Record<string, Interp> = {
  "stablehlo.replica_id": idOp("replica"),
  "stablehlo.partition_id": idOp("partition"),
  "interpreter.run_parallel": (op, ins, ctx) => {
    const a = op.attrs.programs;
    const progs = a ? symbols(a) : undefined;
    if (!progs) throw new Unsupported(op, "expects programs = [[@f, ...], ...]");
    const grid: Grid = { procs: [], replicas: progs.length, partitions: progs[0]!.length };
    const inf = op.attrs.infeed;
    if (inf) {
      const fs = symbols({ kind: "array", values: [inf] });
      if (!fs) throw new Unsupported(op, "expects infeed = [@f, ...]");
      grid.infeed = fs[0];
    }
    const jobs: { proc: Proc; name: string; args: DenseValue[] }[] = [];
    let k = 0;
    progs.forEach((row, replica) =>
      row.forEach((name, partition) => {
        const f = ctx.module.funcs.find((g) => g.name === name);
        if (!f) throw new Unsupported(op, `no function @${name}`);
        const proc: Proc = { replica, partition, counter: 0, results: new Map() };
        grid.procs.push(proc);
        jobs.push({ proc, name, args: ins.slice(k, k + f.params.length) });
        k += f.params.length;
      }),
    );
    const done: (DenseValue[] | undefined)[] = jobs.map(() => undefined);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      jobs.forEach((j, i) => {
        if (done[i]) return;
        j.proc.counter = 0;
        j.proc.pending = undefined;
        j.proc.host = undefined;
        running.push({ proc: j.proc, grid });
        // what a run that stops at a collective printed is printed again by its re-run: dropped
        const printedBefore = instrumentation.printed.length;
        try {
          done[i] = ctx.call(j.name, j.args);
        } catch (e) {
          if (!(e instanceof Suspend)) throw e;
          instrumentation.printed.length = printedBefore;
        } finally {
          running.pop();
        }
      });
      if (done.every((d) => d)) return done.flat() as DenseValue[];
      let progress = false;
      for (const j of jobs) if (j.proc.pending && resolve(grid, j.proc)) progress = true;
      if (!progress) {
        const w = jobs.find((j) => j.proc.pending)!.proc.pending!.op;
        throw new Unsupported(w, "the processes wait on collectives that never meet");
      }
    }
    throw new Unsupported(op, `the processes did not finish in ${MAX_ROUNDS} rounds`);
  },
};
