// The lazy IR: nodes are primitive applications or device data; a tensor's
// payload points at one output of a node and is replaced by in-place writes.
import type { AVal, HostArray, Tensor } from "@xlatorch/core";
import type { DeviceBuffer } from "@xlatorch/stablehlo";
import { intern, nodeEntry, type Sig } from "./sig.js";
import type { Layout } from "./view_layout.js";

export interface LazyNode extends LazyValue {
  /** A node is its own first output's value (no value object per op); other outputs get one each. */
  readonly node: LazyNode;
  readonly index: 0;
  readonly id: number;
  /** Primitive name, or "data" for host data awaiting upload. */
  readonly op: string;
  /** Cleared once every output is materialised, so old graphs can be collected. */
  inputs: readonly LazyValue[];
  readonly attrs: unknown;
  readonly outs: readonly AVal[];
  /** Op, attributes and output avals, interned when the node is made. */
  readonly sig: Sig;
  /** Device buffers of the outputs once computed: the node is then device data. */
  results?: DeviceBuffer[];
  /** For "data": host values awaiting upload. */
  host?: HostArray;
  /**
   * The mark of the trace this node was recorded in (null: none), its position there and its consumers there
   * while that trace is open. Once the trace ran, a value it computed without returning it is learned through
   * the mark: `trace.learned.add(local)` (trace.ts noteRecompute, execute.ts).
   */
  trace: TraceMark | null;
  local: number;
  uses: number;
  /** Parameter slots of this leaf's outputs in the open trace whose id is `slotTrace`. */
  slotTrace: number;
  slots: number[] | null;
  /** Autograd's hint while pending (see DeviceBackend.retain/discard): 1 return it, -1 nothing reads it. */
  hint: number;
  /** The execution that should have produced this value failed: reading it throws this. */
  error: Error | null;
  /**
   * A compiled replay's result node: per output, 1 while one tensor alone holds
   * it, so the next replay may donate its buffer (donation.ts); null otherwise.
   */
  donor: Uint8Array | null;
}

/**
 * One per trace (graph.ts GraphBuilder.mark), held by its nodes instead of the trace itself (which holds all
 * of them, their inputs and parameters): once the trace ran, the positions its graph learns to return.
 */
export interface TraceMark {
  learned: Set<number> | null;
}

export interface LazyValue {
  readonly node: LazyNode;
  readonly index: number;
}

/** The xla device's tensor payload. */
export interface XlaPayload {
  value: LazyValue;
  /** For views: the version of the base this value was derived at. */
  seen: number;
  /** The open trace in which `value` was written in place (0: none), and its consumers then. */
  writeTrace: number;
  usesAtWrite: number;
  /** For views: the strides and offset a strided device would give them (view_layout.ts); absent: dense. */
  layout?: Layout;
  /** For views whose layout is not computed yet: the view op and the tensor it viewed (see backend.ts layoutOf). */
  viewOf?: { op: string; parent: Tensor; attrs: unknown };
}

let nextId = 0;
/** The id the next node gets: nodes made from here on have ids at least this (capture.ts). */
export const nodeIdMark = (): number => nextId;
/** Data nodes are always parameters, keyed by their aval (sig.ts paramSig), so they share one signature. */
const DATA_SIG = intern("data");
// Every node and payload is created with all of its fields (results, host,
// layout, viewOf included, though unset), so V8 gives them one hidden class:
// the per-op paths that read them stay monomorphic. A node is a class instance,
// not an object literal: V8 tracks an allocation site per literal and, once
// most objects from it survive a scavenge, allocates them in old space
// ("pretenuring"). A node in old space outlives its step until the next full
// collection and meanwhile keeps what it points at (its inputs, its results'
// buffers) alive through every scavenge, which promotes those and so keeps the
// site pretenured: 99% of the LSTM char-RNN's nodes were born old, and each
// scavenge promoted a step's worth of garbage
// (bench/results/issue11_gc_chain_s23.md). Objects made with `new` are not
// pretenured this way (none is born old since).
class IrNode implements LazyNode {
  readonly node: LazyNode;
  readonly index = 0 as const;
  readonly id: number;
  readonly attrs: unknown;
  readonly outs: readonly AVal[];
  readonly sig: Sig;
  results: DeviceBuffer[] | undefined = undefined;
  host: HostArray | undefined = undefined;
  trace: TraceMark | null = null;
  local = -1;
  uses = 0;
  hint = 0;
  slotTrace = 0;
  slots: number[] | null = null;
  error: Error | null = null;
  donor: Uint8Array | null = null;
  constructor(
    readonly op: string,
    public inputs: readonly LazyValue[],
    attrs: unknown,
    outs: readonly AVal[],
    e: ReturnType<typeof nodeEntry> | null,
  ) {
    this.node = this;
    this.id = nextId++;
    this.attrs = e !== null && e.plain ? e.attrs : attrs;
    this.outs = e !== null ? e.outs : outs;
    this.sig = e !== null ? e.sig : DATA_SIG;
  }
}
export function makeNode(op: string, inputs: readonly LazyValue[], attrs: unknown, outs: readonly AVal[]): LazyNode {
  // a value something reads is no donor any more (donation.ts)
  for (let i = 0; i < inputs.length; i++) {
    const d = inputs[i]!.node.donor;
    if (d !== null) d[inputs[i]!.index] = 0;
  }
  // the signature's shared avals and attributes stand for the op's own (sig.ts StructEntry)
  return new IrNode(op, inputs, attrs, outs, op === "data" ? null : nodeEntry(op, attrs, outs));
}
/** Output `i` of node `n` as a value. */
export const outputOf = (n: LazyNode, i: number): LazyValue => (i === 0 ? n : new Output(n, i));
/** A later output of a node: a class instance, not a literal, for the reason IrNode is one (nanoGPT's were all born old). */
class Output implements LazyValue {
  constructor(
    readonly node: LazyNode,
    readonly index: number,
  ) {}
}
/**
 * A value that is a parameter of any computation using it: device data, pending
 * host data, or the output of a failed execution (whose error the using
 * computation passes on to its own outputs).
 */
export const isLeaf = (v: LazyValue): boolean => v.node.results !== undefined || v.node.op === "data" || v.node.error !== null;
export const avalOf = (v: LazyValue): AVal => v.node.outs[v.index]!;
/** Clears the donor flag of a value another payload or structure now holds too (donation.ts). */
export function hold(v: LazyValue): void {
  const d = v.node.donor;
  if (d !== null) d[v.index] = 0;
}
export function payload(value: LazyValue): XlaPayload {
  hold(value);
  return {
    value,
    seen: 0,
    writeTrace: 0,
    usesAtWrite: 0,
    layout: undefined,
    viewOf: undefined,
  };
}
