// The open trace and the rules that cut it. Every op on the xla device appends
// a node here (graph.ts keeps the key as it goes); a cut executes the whole
// trace as one graph and starts a new one. Which values a cut returns is
// decided by the op stream alone, never by the garbage collector, so a
// periodic program yields periodic graph keys:
//   - every value nothing in the trace consumed (a sink: a loss, the newest
//     hidden state, a result the caller is about to read), except gradients
//     autograd computed for inputs that need none (DeviceBackend.discard),
//   - backward roots (the loss, DeviceBackend.retain), read or not,
//   - the current value of everything written in place during the trace
//     (parameters, optimizer state),
//   - what the cut was asked for, and what the graph learned to return
//     (execute.ts).
// When it is cut depends on the execution mode (modes.ts):
//   - host read (item, tolist, print, .cpu()) of a pending value, and sync():
//     every mode;
//   - state write: in fused mode, an in-place op on a tensor whose pending
//     value was written in this trace and read since. That is where a
//     training step's optimizer update starts again, so one step is one graph;
//   - size bound: in fused mode, once the trace holds SIZE_BOUND nodes, at the
//     next op whose last CONTEXT op signatures match those at the start of
//     this trace or of one of the last few (so loops without reads or writes,
//     and steps too long for one graph, still cut at the same phases);
//     unconditionally at HARD_BOUND;
//   - op: in debug and strict mode, after every op.
import { activeCapture } from "./capture_state.js";
import { leafBuffer, runGraph } from "./execute.js";
import { userLocation } from "./explain.js";
import { dfsGraph, GraphBuilder, lowerGraph, recycleTokens } from "./graph.js";
import { isLeaf, type LazyNode, type LazyValue, type XlaPayload } from "./ir.js";
import { metrics, type CutReason } from "./metrics.js";
import { currentMode } from "./modes.js";
import { sigBoundary } from "./sig.js";
import { getRuntime } from "./runtime_slot.js";
import type { Module } from "@xlatorch/stablehlo";

export const SIZE_BOUND = 2048;
/**
 * Past this many nodes a trace is cut wherever it is. A training step within it is one graph, cut where
 * the optimizer writes state; at 2 * SIZE_BOUND, an LSTM char-RNN over 35 time steps (~3,900 ops a step,
 * plus the optimizer's tail of the step before) was cut here, at a phase its steps do not repeat.
 */
export const HARD_BOUND = 4 * SIZE_BOUND;
const CONTEXT = 16;

export class OpenTrace extends GraphBuilder {
  /** Payloads written in place while this trace was open. */
  readonly written: XlaPayload[] = [];
  /** Values computed inside earlier graphs without being returned, read by this trace: recomputed together before it runs. */
  readonly foreign: LazyValue[] = [];
  constructor(readonly id: number) {
    super();
  }
  protected localOf(n: LazyNode): number {
    return n.trace === this.mark ? n.local : -1;
  }
  protected setLocal(n: LazyNode, l: number): void {
    n.trace = this.mark;
    n.local = l;
  }
  protected slotOf(v: LazyValue): number {
    return v.node.slotTrace === this.id ? (v.node.slots![v.index] ?? -1) : -1;
  }
  protected setSlot(v: LazyValue, s: number): void {
    const n = v.node;
    if (n.slotTrace !== this.id) {
      n.slotTrace = this.id;
      n.slots = [];
    }
    n.slots![v.index] = s;
  }
}

let traceIds = 1;
let open = new OpenTrace(traceIds++);

// Rolling hash of the last CONTEXT op signatures (Rabin-Karp over 32 bits).
const B = 0x01000193;
const BK = (() => {
  let p = 1;
  for (let i = 1; i < CONTEXT; i++) p = Math.imul(p, B);
  return p;
})();
const ring = new Int32Array(CONTEXT);
let ringPos = 0,
  context = 0;
function pushContext(h: number): void {
  const old = ring[ringPos]!;
  ring[ringPos] = h;
  ringPos = (ringPos + 1) % CONTEXT;
  context = (Math.imul(context - Math.imul(old, BK), B) + h) | 0;
}

/**
 * The contexts at which the last STARTS traces started: a size-bound cut waits for one of them. With only
 * the open trace's own, a trace that started where a HARD_BOUND cut landed (a phase its loop does not
 * repeat before the next such cut) was cut at HARD_BOUND again, a few ops further on each step: the
 * char-RNN above made 10, 9 and 1 compiles in its first three 6-step epochs and four graphs a step. Waiting
 * for an earlier trace's start instead brings the cuts back to phases already cut at: 2, 1 and 0 compiles,
 * one graph a step (tests/xla/programs_long.test.ts).
 */
const STARTS = 4;
const starts = new Int32Array(STARTS).fill(0x7fffffff);
let startPos = 0;
const isStart = (c: number): boolean => starts[0] === c || starts[1] === c || starts[2] === c || starts[3] === c;

/** Appends a freshly made node to the open trace, cutting before or after it as the mode says. */
export function record(node: LazyNode): void {
  const mode = currentMode();
  pushContext(node.sig.hash);
  if (mode === "fused") {
    const n = open.nodes.length;
    if (n >= SIZE_BOUND && (isStart(context) || n >= HARD_BOUND)) cut("size bound", node.inputs);
  }
  const ins = node.inputs;
  for (let i = 0; i < ins.length; i++) {
    const v = ins[i]!;
    if (v.node.trace === open.mark) v.node.uses++;
    else if (!isLeaf(v)) noteForeign(v);
  }
  if (open.nodes.length === 0) {
    if (!isStart(context)) {
      starts[startPos] = context;
      startPos = (startPos + 1) % STARTS;
    }
  }
  open.append(node);
  if (mode === "strict" || mode === "debug") cut("op", [node], mode === "debug");
}

/**
 * A value of an earlier graph's insides read by the open trace. (Its own function: a closure over the
 * loop's `v` in record would make every iteration allocate a context, for every input of every op.)
 */
function noteForeign(v: LazyValue): void {
  const f = open.foreign;
  for (let i = 0; i < f.length; i++) if (f[i]!.node === v.node) return;
  noteRecompute(v);
  f.push(v);
}

/** Executes the open trace; `requested` values of it are returned whatever else is. */
export function cut(reason: CutReason, requested: readonly LazyValue[], rethrow = false, where: string | null = null): void {
  if (open.nodes.length === 0) return;
  // inside a compiled call every cut is a graph break (a host read tells the capture itself, in readHost)
  if (reason !== "host read") activeCapture()?.noteBreak(reason, where ?? userLocation());
  const t = takeOpenTrace(rethrow);
  const nodes = t.nodes;
  const out = new Uint8Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if ((n.uses === 0 && n.hint >= 0) || n.hint > 0) out[i] = 1;
  }
  for (const p of t.written) {
    const n = p.value.node;
    if (n.trace === t.mark) out[n.local] = 1;
  }
  let asked = 0;
  for (const v of requested)
    if (v.node.trace === t.mark) {
      asked++;
      out[v.node.local] = 1;
    }
  const outputs: LazyNode[] = [];
  for (let i = 0; i < nodes.length; i++) if (out[i]) outputs.push(nodes[i]!);
  try {
    // the graph also returns values nobody asked for yet (live tensors): when it fails, the failure may be
    // theirs (an op that cannot run, recorded by a call that threw), so the values asked for and the state
    // writes are computed again on their own, and the others stay pending, each failing only when read
    const isolate = !rethrow && outputs.length > asked + t.written.length;
    try {
      runGraph(t, outputs, { reason, where, requested: asked, rethrow, leaveOnFailure: isolate });
    } catch (e) {
      const needed = isolate ? mustHave(t, requested) : null;
      if (needed === null || needed.length === outputs.length) throw e;
      if (needed.length) runGraph(t, needed, { reason, where, requested: asked });
    }
  } finally {
    releaseTrace(t);
  }
}

/** The nodes of trace `t` a cut must compute: the values asked for and the written state, in trace order. */
function mustHave(t: OpenTrace, requested: readonly LazyValue[]): LazyNode[] {
  const keep = new Set<LazyNode>();
  for (const v of requested) if (v.node.trace === t.mark) keep.add(v.node);
  for (const p of t.written) if (p.value.node.trace === t.mark) keep.add(p.value.node);
  return t.nodes.filter((n) => keep.has(n));
}

/**
 * Closes the open trace (a new one opens) and returns it, after computing
 * again, in one graph, the values it reads from earlier graphs' insides. The
 * caller runs it and then calls releaseTrace.
 */
export function takeOpenTrace(rethrow = false): OpenTrace {
  const t = open;
  open = new OpenTrace(traceIds++);
  sigBoundary();
  const again = t.foreign.filter((v) => !isLeaf(v));
  if (again.length) {
    try {
      const g = dfsGraph(again);
      runGraph(
        g,
        [...new Set(again.map((v) => v.node))].sort((a, b) => g.indexOf(a) - g.indexOf(b)),
        { reason: "recompute", requested: again.length, rethrow },
      );
    } catch (e) {
      releaseTrace(t);
      throw e;
    }
  }
  return t;
}

/**
 * A taken trace's token array goes to the next trace. (Its nodes keep pointing at its mark, which no open
 * trace has: they are no longer the open trace's, and the mark is where a value not returned is learned.)
 */
export function releaseTrace(t: GraphBuilder): void {
  recycleTokens(t);
}

/** Drops the open trace unexecuted (a failed capture whose writes were undone). */
export function discardOpenTrace(): void {
  const t = open;
  open = new OpenTrace(traceIds++);
  sigBoundary();
  releaseTrace(t);
}

/** Nodes in the open trace (a capture starts on an empty one). */
export const openTraceSize = (): number => open.nodes.length;

let warnedRecompute = false;
/**
 * A value computed inside an executed graph without being returned is needed
 * again. It is computed once more from the history it kept for this (in a
 * small graph of its own, so the open trace stays bounded: for the trace's
 * reads all together just before the trace runs, for a host read at once),
 * and the graph it came from returns it from its next run on, so a periodic
 * program settles after one period.
 */
function noteRecompute(v: LazyValue): void {
  metrics.recomputes++;
  if (!warnedRecompute && !process.env.XLATORCH_QUIET) {
    warnedRecompute = true;
    console.warn(
      "[xlatorch] a value computed inside an earlier graph without being returned is needed again: it is computed once more, and that graph returns it from its next run on (torch.xla.metrics().recomputes counts these)",
    );
  }
  const n = v.node;
  // the graph it was recorded in, if that ran (a recompute's graph never takes a node over: it is recorded once)
  const learned = n.trace === null ? null : n.trace.learned;
  if (learned !== null) learned.add(n.local);
}
function recompute(v: LazyValue): void {
  noteRecompute(v);
  runGraph(dfsGraph([v]), [v.node], { reason: "recompute", requested: 1 });
}

/** Device buffer of a value, computing what it needs. */
export function bufferOf(v: LazyValue, reason: CutReason = "sync", where: string | null = null): ReturnType<typeof leafBuffer> {
  if (v.node.trace === open.mark) cut(reason, [v], false, where);
  else if (!isLeaf(v)) recompute(v);
  return leafBuffer(v);
}

/** Host copy of a value: a host read. */
export function readHost(v: LazyValue) {
  const cap = activeCapture();
  if (cap) cap.noteBreak("host read", userLocation());
  const where = isLeaf(v) ? null : userLocation();
  const h = getRuntime().toHost(bufferOf(v, "host read", where));
  metrics.transfersFromDevice++;
  metrics.bytesFromDevice += h.byteLength;
  return h;
}

/** sync(): execute the open trace (returning `values` too) and anything else they need. */
export function materialize(values: readonly LazyValue[], reason: CutReason = "sync"): void {
  cut(reason, values);
  for (const v of values) if (!isLeaf(v)) recompute(v);
}

/** An in-place op is about to update `p` (see DeviceBackend.willWrite). */
export function willWrite(p: XlaPayload): void {
  if (currentMode() !== "fused" || p.writeTrace !== open.id) return;
  const n = p.value.node;
  if (n.trace === open.mark && n.uses > p.usesAtWrite) cut("state write", []);
}

/** Autograd's hints (DeviceBackend.retain/discard) for a pending value. */
export function hint(v: LazyValue, h: 1 | -1): void {
  const n = v.node;
  if (n.trace !== open.mark) return;
  if (h > 0) n.hint = 1;
  else if (n.uses === 0 && n.hint === 0) n.hint = -1;
}

/** The in-place op that wrote `p` is done: reads it recorded of the new value belong to the write (see DeviceBackend.didWrite). */
export function didWrite(p: XlaPayload): void {
  if (p.writeTrace === open.id && p.value.node.trace === open.mark) p.usesAtWrite = p.value.node.uses;
}

/** `p` was just written in place with its current value. */
export function noteWrite(p: XlaPayload): void {
  const n = p.value.node;
  if (n.trace !== open.mark) return;
  if (p.writeTrace !== open.id) {
    p.writeTrace = open.id;
    open.written.push(p);
  }
  p.usesAtWrite = n.uses;
}

/** The StableHLO module computing `values` from device data (without running anything). */
export function pendingModule(values: readonly LazyValue[]): Module {
  const g = dfsGraph(values);
  const outs = [...new Set(values.filter((v) => !isLeaf(v)).map((v) => v.node))].sort((a, b) => g.indexOf(a) - g.indexOf(b));
  return lowerGraph(g, outs);
}
