// Host transfers in the reference evaluator, as the reference interpreter runs
// them inside `interpreter.run_parallel`: `infeed` takes the next value of the
// run's infeed queue (run_parallel's `infeed = [@f, ...]`: each function is
// called to produce one value), `outfeed` accepts its operands (nothing reads
// them back: the reference interpreter only logs them), `send`
// posts its operands on its channel and `recv` takes them in order, waiting
// (the process stops and is re-run, as at a collective) until they are sent.
// Outside run_parallel there is no host to talk to: refused.
import type { Op } from "@xlatorch/stablehlo";
import { channelId, running, Suspend } from "./collectives.js";
import type { EvalCtx, Interp } from "./engine.js";
import { copyValue, tokenValue } from "./tuples.js";
import { type DenseValue, Unsupported } from "./values.js";

function current(op: Op) {
  const r = running[running.length - 1];
  if (!r) throw new Unsupported(op, "host transfers run only inside interpreter.run_parallel (there is no host here)");
  return r;
}

/** The n-th use of `key` in this run of the process (0, 1, ...). */
function nth(op: Op, key: string): number {
  const { proc } = current(op);
  proc.host ??= new Map();
  const n = proc.host.get(key) ?? 0;
  proc.host.set(key, n + 1);
  return n;
}

function infeed(op: Op, _ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const { grid } = current(op);
  if (grid.procs.length !== 1)
    throw new Unsupported(op, "infeed with more than one process (the queue's order between them is not defined)");
  const n = nth(op, "infeed");
  const f = grid.infeed?.[n];
  if (!f) throw new Unsupported(op, `the infeed queue has ${grid.infeed?.length ?? 0} values; this is infeed #${n + 1}`);
  const vals = ctx.call(f, []);
  const data = op.results.slice(0, -1);
  if (
    vals.length !== data.length ||
    vals.some((v, i) => v.type.element !== data[i]!.type.element || v.type.shape.join("x") !== data[i]!.type.shape.join("x"))
  )
    throw new Unsupported(op, `@${f} does not return the infeed's result types`);
  return [...vals, tokenValue()];
}

const sendRecv = (op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] => {
  const { grid } = current(op);
  const ch = channelId(op);
  const k = `${op.name}:${ch}`;
  const n = nth(op, k);
  grid.channels ??= new Map();
  const msgs = grid.channels.get(ch) ?? [];
  grid.channels.set(ch, msgs);
  if (op.name === "stablehlo.send") {
    // one message per send: its data operands (a re-run posts the same message at the same place)
    const tuple = ins.slice(0, -1).map(copyValue);
    const msg: DenseValue = { ...tokenValue(), parts: tuple };
    msgs[n] = msg;
    return [tokenValue()];
  }
  const msg = msgs[n];
  if (!msg) {
    const r = current(op);
    r.proc.pending = { index: -1, op, ins, ctx, ready: () => !!grid.channels?.get(ch)?.[n] };
    throw new Suspend();
  }
  const data = op.results.slice(0, -1);
  if (msg.parts!.length !== data.length)
    throw new Unsupported(op, `the message on channel ${ch} has ${msg.parts!.length} values, recv expects ${data.length}`);
  return [...msg.parts!.map(copyValue), tokenValue()];
};

export const hostOps: Record<string, Interp> = {
  "stablehlo.infeed": infeed,
  "stablehlo.outfeed": (op) => {
    current(op);
    return [tokenValue()];
  },
  "stablehlo.send": sendRecv,
  "stablehlo.recv": sendRecv,
};
