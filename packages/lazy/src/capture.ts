// torch.compile on the xla device: one call of a function is recorded whole
// (the open trace, in lazy mode, with no cut) and run as one executable; later
// calls whose guards hold replay that executable without running the function,
// so a call costs the same whatever the number of its ops.
//
// What a replay must reproduce, and how the capture learns it:
//   - inputs: every value the graph reads. A value that existed before the call
//     is read again from the tensor it was read from (an argument, by position;
//     a parameter or optimizer state, by identity); data made inside the call is
//     a constant, except what the host side declared live (capture_hooks.ts in
//     core: lr and bias corrections, random draws), which is drawn again;
//   - outputs: the returned structure (fresh tensors each call), the new value
//     of every tensor written in place (parameters, optimizer state, buffers),
//     and each leaf's .grad as the call left it;
//   - host effects (the optimizer's step counter), run again in order;
//   - guards: host values that chose the traced path (hostGuard), and what
//     backward and zero_grad did to .grad (a replay simulates those events on
//     the current .grad and refuses when they would not go as traced).
// A host read or sync inside the call is a graph break (capture_state.ts): with
// fullgraph it throws (the call's writes undone), otherwise the call goes on in
// pieces (split): the trace is cut only where a break needs a value, so each
// stretch between breaks is one graph, compiled once and found again in the
// graph cache (execute.ts) when a later call (run by compile_fn.ts in pieces
// from then on, `split` below) traces the same stretch; a cpu call's tensors
// stay on the recorder until the call ends.
import {
  Tensor,
  TorchError,
  currentOp,
  fromHost,
  getBackend,
  internals,
  onHost,
  setCaptureHooks,
  setPayloadResolver,
  storageKey,
  type AVal,
  type CaptureHooks,
  type Device,
  type DeviceBackend,
  type DType,
  type GradEventKind,
  type HostArray,
  type Shape,
} from "@xlatorch/core";
import type { DeviceBuffer, Executable } from "@xlatorch/stablehlo";
import { valueOf, xlaBackend } from "./backend.js";
import { aliasChange, aliasGuard, captureRefs, type AliasGuard } from "./alias_guard.js";
import { setActiveCapture, type CaptureSink } from "./capture_state.js";
import { canStoreDense, cpuInput, storageOf, storeDense } from "./cpu_transfer.js";
import { donatable, donationConfig, donatedSlot, markDonors, memoryOf } from "./donation.js";
import { breakReason, userLocation } from "./explain.js";
import { leafBuffer, runGraph, scalarBuffer, uploadHost } from "./execute.js";
import { hold, makeNode, nodeIdMark, outputOf, payload, type LazyNode, type LazyValue, type XlaPayload } from "./ir.js";
import { metrics } from "./metrics.js";
import { guardChange, isModuleLike, moduleState } from "./module_guard.js";
import { currentMode, setModeRaw } from "./modes.js";
import { getRuntime } from "./runtime_slot.js";
import { bufferOf, cut, discardOpenTrace, materialize, openTraceSize, releaseTrace, takeOpenTrace } from "./trace.js";

/** Where an executable parameter, or a tensor's new value, comes from at a replay. */
export type Source =
  | { kind: "arg"; index: number } // the index-th tensor of the call's arguments
  | { kind: "tensor"; t: Tensor } // a tensor that existed before the traced call
  | { kind: "const"; v: LazyValue } // data made inside the call: the same every call
  | { kind: "live"; item: number } // drawn again by host item `item`
  | { kind: "out"; offset: number }; // the executable's offset-th result

export type HostItem =
  | { kind: "effect"; run: () => void }
  | { kind: "scalar"; read: () => number; dtype: DType }
  | { kind: "data"; draw: () => HostArray; shape: Shape; dtype: DType }
  // a cpu tensor copied onto the traced device (transferIn): the call's argument `arg`, else `t`, read again
  | { kind: "input"; arg: number | null; t: Tensor; shape: Shape; dtype: DType };

interface GradPlan {
  leaf: Tensor;
  /** The leaf's position among the call's argument tensors when it is one: a replay gives the grad to that call's argument. */
  arg?: number;
  events: { kind: GradEventKind; before: Tensor | null; after: Tensor | null }[];
  /**
   * The .grad the call ends with was made by its backward (an `assign`: the leaf had none, e.g. after
   * zero_grad(set_to_none)): a replay gives the leaf a new tensor, as eager does, so a .grad kept from an earlier
   * call keeps its values.
   */
  fresh: boolean;
  /** .grad when the traced call ended, and where its value comes from (null: unchanged). */
  end: Tensor | null;
  value: Source | null;
}

/** A returned structure, tensors replaced by their sources (with `Extra` on each tensor: aot.ts numbers the differentiable ones). */
export type TemplateOf<Extra extends object> =
  | ({ kind: "tensor"; src: Source; aval: AVal; device: Device } & Extra)
  | { kind: "array"; items: TemplateOf<Extra>[] }
  | { kind: "object"; entries: [string, TemplateOf<Extra>][] }
  | { kind: "value"; value: unknown }
  // a tensor from before the call returned as itself (an argument, a parameter, a buffer written in place): a replay
  // returns that same tensor, as the function does, so an in-place op on the result reaches it
  | { kind: "same"; src: Source };
type Template = TemplateOf<Record<never, never>>;

/** A tensor the traced call wrote in place: `t` itself, or (`arg`) the argument tensor at that position of each call. */
export interface Written {
  t: Tensor;
  src: Source;
  arg?: number;
}
/** The tensor a replay with argument tensors `args` writes for `w`. */
export const writtenTarget = (w: Written, args: readonly Tensor[]): Tensor => (w.arg !== undefined ? args[w.arg]! : w.t);
const leafOf = (g: GradPlan, args: readonly Tensor[]): Tensor => (g.arg !== undefined ? args[g.arg]! : g.leaf);

/** A traced call, ready to replay. */
export interface Captured {
  /** The device traced: "xla", or "cpu" (cpu tensors traced by the recorder, run on the CPU runtime). */
  dev: "xla" | "cpu";
  exe: Executable | null;
  params: Source[];
  paramAvals: AVal[];
  /** requires_grad of each tensor parameter when traced (freezing a layer changes the graph). */
  paramGrads: boolean[];
  outAvals: AVal[];
  host: HostItem[];
  guards: { read: () => unknown; value: unknown; what: string }[];
  grads: GradPlan[];
  /** Tensors written in place and where each one's new value comes from; `arg`: the tensor is that call's argument. */
  written: Written[];
  result: Template;
  nodes: number;
  /** Parameters whose buffer a replay may donate to the result `written[written]` stores (donation.ts). */
  donors: { param: number; written: number }[];
  /** Sources read after the execution that are tensors from before the call (a donated one must not be among them). */
  readsAfter: Source[];
  /** Results stored into one written tensor and nothing else: the next replay's donors. */
  soleOuts: number[];
  /** Which of the tensors it reads and writes shared memory when traced (alias_guard.ts); set once the call has settled. */
  aliases?: AliasGuard;
}

export interface GraphBreak {
  reason: string;
  where: string | null;
}

/** A capture that fullgraph refused: the message names the break. */
export class GraphBreakError extends TorchError {}

export interface CaptureResult {
  result: unknown;
  /** The replayable capture, or null with the reason the function runs eagerly instead. */
  entry: Captured | null;
  eagerReason: string | null;
  breaks: GraphBreak[];
  ops: number;
  /** What opts.finishGrad made (compile_fn.ts's compiled forward and backward). */
  custom?: unknown;
}

const payloadOf = (t: Tensor) => internals(t)._payload as XlaPayload;

export class Session implements CaptureSink, CaptureHooks {
  readonly startId = nodeIdMark();
  readonly reads = new Map<LazyNode, Tensor[]>();
  readonly writes = new Map<Tensor, LazyValue>();
  readonly host: HostItem[] = [];
  readonly liveNodes = new Map<LazyNode, number>();
  readonly guards: Captured["guards"] = [];
  /** Modules whose state is already among the guards (moduleCall). */
  readonly guardedModules = new Set<object>();
  readonly gradEvents = new Map<Tensor, GradPlan["events"]>();
  readonly breaks: GraphBreak[] = [];
  /** cpu capture: the tensors given the recorder's payload, with their own, and their data nodes. */
  readonly lifted = new Map<Tensor, unknown>();
  readonly liftedNodes = new Map<LazyNode, Tensor>();
  /** cpu capture: the recorder's payload given for each cpu payload object, and the tensors lifted as another's alias. */
  readonly liftedByOwn = new Map<unknown, XlaPayload>();
  readonly aliases = new Set<Tensor>();
  /** Capturing for a replay until the first break (or, for explain, to the end). */
  recording = true;
  /** After a break (or from the start of a split call): traced in pieces, cut only at breaks. */
  splitting = false;
  constructor(
    readonly dev: "xla" | "cpu",
    readonly argIndex: Map<Tensor, number>,
    readonly fullgraph: boolean,
    readonly explain: boolean,
    readonly detach: () => void,
    split = false,
  ) {
    if (split) {
      this.recording = false;
      this.splitting = true;
    }
  }

  // ---- CaptureSink (the recording path) ----
  noteRead(t: Tensor, v: LazyValue): void {
    const n = v.node;
    if (n.id >= this.startId) return;
    let ts = this.reads.get(n);
    if (!ts) this.reads.set(n, (ts = []));
    ts[v.index] ??= t;
  }
  lift(t: Tensor): XlaPayload {
    const ti = internals(t);
    // a detach() alias (or `.data =`) of a tensor already lifted shares its payload object: it shares the recorder's too,
    // so a write through either is seen by both, as on the xla device (the alias guard keeps replays to that sharing)
    const same = this.liftedByOwn.get(ti._payload);
    if (same) {
      this.lifted.set(t, ti._payload);
      this.aliases.add(t);
      ti._payload = same;
      return same;
    }
    const host = getBackend("cpu").toHost(t);
    const node = makeNode("data", [], null, [{ shape: t.shape.slice(), dtype: t.dtype }]);
    node.host = host;
    const xp = payload(node);
    // A view whose base this call has met is derived from it at once (the base
    // may have been written in this call); any other view is read as its own
    // data, so that a replay reads it (an argument, by position) and not its base
    // (a view argument's base is another tensor at every call). A later write
    // of the base bumps the version, and the view is derived again.
    xp.seen = ti._base && this.lifted.has(ti._base) ? -1 : ti._vc.v;
    this.lifted.set(t, ti._payload);
    this.liftedByOwn.set(ti._payload, xp);
    this.liftedNodes.set(node, t);
    ti._payload = xp;
    return xp;
  }
  noteWrite(base: Tensor, before: LazyValue): void {
    if (!this.writes.has(base)) this.writes.set(base, before);
  }
  noteBreak(reason: string, where: string | null): void {
    if (!this.recording && !this.splitting) return;
    // a cpu fallback's cut follows the op's own break (backend.ts), which names the op
    if (reason === "cpu fallback") return;
    reason = breakReason(reason, currentOp());
    const last = this.breaks[this.breaks.length - 1];
    if (!last || last.reason !== reason || last.where !== where) this.breaks.push({ reason, where });
    if (this.fullgraph)
      throw new GraphBreakError(
        `torch.compile(fullgraph=true): graph break: ${reason}${where ? ` at ${where}` : ""}. A compiled function must not read tensor values on the host (item, tolist, printing, .cpu(), data-dependent shapes) or call sync(); the call was undone.`,
      );
    if (!this.explain && this.recording) {
      // no replay of this call: the rest of it is traced in pieces (endSplit)
      this.recording = false;
      this.splitting = true;
    }
  }

  // ---- CaptureHooks (core's host side) ----
  captures(device: Device): boolean {
    return this.recording && device.type === this.dev;
  }
  backendFor(device: Device): DeviceBackend | null {
    return (this.recording || this.splitting || this.explain) && this.dev === "cpu" && device.type === "cpu" ? xlaBackend : null;
  }
  liveScalar(read: () => number, dtype: DType, device: Device): Tensor {
    const h = dtype.alloc(1);
    (h as Float64Array)[0] = read();
    const t = fromHost(h, [], dtype, device);
    this.liveNodes.set(payloadOf(t).value.node, this.host.length);
    this.host.push({ kind: "scalar", read, dtype });
    return t;
  }
  effect(run: () => void): void {
    if (this.recording) this.host.push({ kind: "effect", run });
  }
  liveData(draw: () => HostArray, shape: Shape, dtype: DType, device: Device): Tensor {
    const t = fromHost(onHost(draw), shape, dtype, device);
    this.liveNodes.set(payloadOf(t).value.node, this.host.length);
    this.host.push({ kind: "data", draw: () => onHost(draw), shape: [...shape], dtype });
    return t;
  }
  transferIn(x: Tensor, device: Device): Tensor {
    const t = fromHost(getBackend("cpu").toHost(x), x.shape, x.dtype, device);
    this.liveNodes.set(payloadOf(t).value.node, this.host.length);
    this.host.push({ kind: "input", arg: this.argIndex.get(x) ?? null, t: x, shape: x.shape.slice(), dtype: x.dtype });
    return t;
  }
  unsupported(reason: string): void {
    this.noteBreak(reason, userLocation());
  }
  guard(read: () => unknown, value: unknown, what: string): void {
    if (this.recording) this.guards.push({ read, value, what });
  }
  moduleCall(module: object): void {
    // a module the call reached (perhaps through a closure): its state, taken when it is first called, is guarded
    // like a compiled module's (module_guard.ts); its submodules are walked with it and not taken again
    if (!this.recording || this.guardedModules.has(module) || !isModuleLike(module)) return;
    const name = module.constructor?.name ?? "module";
    const st = moduleState([{ module, name }]);
    for (let i = 0; i < st.mods.length; i++) {
      const m = st.mods[i]!;
      const k = st.keys[i]!;
      this.guardedModules.add(m);
      this.guards.push({ read: () => m[k], value: st.vals[i], what: st.paths[i]! });
    }
    this.guardedModules.add(module);
  }
  gradEvent(leaf: Tensor, kind: GradEventKind, before: Tensor | null): void {
    if (!(this.recording || this.splitting) || leaf.device.type !== this.dev) return;
    let evs = this.gradEvents.get(leaf);
    if (!evs) this.gradEvents.set(leaf, (evs = []));
    evs.push({ kind, before, after: kind === "assign" ? leaf.grad : null });
  }

  // ---- the end of a traced call ----
  /** Tensor `x` as a source when it existed before the call (an argument, by position; another, by identity), else null. */
  sameAs(x: Tensor): Source | null {
    const a = this.argIndex.get(x);
    if (a !== undefined) return { kind: "arg", index: a };
    const before = this.writes.get(x);
    if (this.lifted.has(x) || (before && (before.node.id < this.startId || this.liftedNodes.has(before.node))))
      return { kind: "tensor", t: x };
    if (before) return null;
    const p = internals(x)._payload as Partial<XlaPayload> | null;
    const v = p && "value" in p ? p.value : undefined;
    // an xla tensor whose value is from before the call; a cpu tensor the recorder never met (its own payload)
    if (x.device.type === "xla" ? v !== undefined && v.node.id < this.startId : this.dev === "cpu" && v === undefined)
      return { kind: "tensor", t: x };
    return null;
  }

  /** Where value `v` comes from at a replay, given the executable's result offsets. */
  source(v: LazyValue, offsets: Map<LazyNode, number> | null): Source | null {
    const off = offsets?.get(v.node);
    if (off !== undefined) return { kind: "out", offset: off + v.index };
    const lt = this.liftedNodes.get(v.node);
    if (lt) {
      const a = this.argIndex.get(lt);
      return a !== undefined ? { kind: "arg", index: a } : { kind: "tensor", t: lt };
    }
    const item = this.liveNodes.get(v.node);
    if (item !== undefined) return { kind: "live", item };
    if (v.node.id >= this.startId) return { kind: "const", v };
    const t = this.reads.get(v.node)?.[v.index];
    if (!t) return null;
    const a = this.argIndex.get(t);
    return a !== undefined ? { kind: "arg", index: a } : { kind: "tensor", t };
  }

  /** Runs the traced call's graph and describes how to replay it. */
  finish(result: unknown): { entry: Captured | null; eagerReason: string | null; ops: number; bornGrads: Tensor[] } {
    // every value the replay needs is found first: re-deriving a view records into this trace
    const wanted: LazyValue[] = [];
    const collect = (x: unknown, depth: number): void => {
      if (x instanceof Tensor) {
        if (x.device.type === this.dev) wanted.push(valueOf(x));
      } else if (depth < 8 && Array.isArray(x)) for (const e of x) collect(e, depth + 1);
      else if (depth < 8 && isPlain(x)) for (const e of Object.values(x as object)) collect(e, depth + 1);
    };
    collect(result, 0);
    // tensors made inside the call and written there are its temporaries (.grad is handled below)
    const written = [...this.writes]
      .filter(([, before]) => before.node.id < this.startId || this.liftedNodes.has(before.node))
      .map(([w]) => ({ t: w, v: valueOf(w) }));
    const grads = [...this.gradEvents].map(([leaf, events]) => ({ leaf, events, end: leaf.grad }));
    for (const w of written) wanted.push(w.v);
    for (const g of grads) if (g.end && g.end.device.type === this.dev) wanted.push(valueOf(g.end));
    const bornGrads = grads.flatMap((g) => (g.end && g.end.device.type === "cpu" && !this.lifted.has(g.end) ? [g.end] : []));
    this.recording = false;
    const t = takeOpenTrace();
    try {
      const ops = t.nodes.length;
      const inTrace = (v: LazyValue) => v.node.trace === t.mark;
      const outNodes = [...new Set(wanted.filter(inTrace).map((v) => v.node))].sort((a, b) => t.indexOf(a) - t.indexOf(b));
      // a written tensor's old value, when the graph reads it, may give its buffer to the new value (donation.ts)
      const aliases = written.map((w) => ({ before: this.writes.get(w.t)!, after: w.v }));
      const run = outNodes.length ? runGraph(t, outNodes, { reason: "compile", requested: outNodes.length, aliases }) : null;
      const offsets = new Map<LazyNode, number>();
      const outAvals: AVal[] = [];
      if (run)
        for (const n of run.outputs) {
          offsets.set(n, outAvals.length);
          outAvals.push(...n.outs);
        }
      let eagerReason: string | null = null;
      const params: Source[] = t.params.map((p) => this.source(p, null) ?? { kind: "const", v: p });
      const template = (x: unknown, depth: number): Template => {
        if (x instanceof Tensor) {
          if (x.device.type !== this.dev) {
            eagerReason ??= `the function returns a ${x.device.type} tensor from a call traced on ${this.dev}`;
            return { kind: "value", value: x };
          }
          // (after a backward inside the call the result is only read: a replay returns it without history)
          if (x.requires_grad && x.grad_fn && this.gradEvents.size === 0)
            eagerReason ??=
              "the function returns a tensor that requires grad: compiled calls have no backward yet, so it runs eagerly (call backward inside the compiled function to compile the whole step)";
          const same = this.sameAs(x);
          if (same) return { kind: "same", src: same };
          const src = this.source(valueOf(x), offsets) ?? { kind: "tensor" as const, t: x };
          return { kind: "tensor", src, aval: { shape: x.shape.slice(), dtype: x.dtype }, device: x.device };
        }
        if (depth < 8 && Array.isArray(x)) return { kind: "array", items: x.map((e) => template(e, depth + 1)) };
        if (depth < 8 && isPlain(x))
          return { kind: "object", entries: Object.entries(x as object).map(([k, e]) => [k, template(e, depth + 1)]) };
        return { kind: "value", value: x };
      };
      const resultTemplate = template(result, 0);
      const entry: Captured = {
        dev: this.dev,
        exe: run?.exe ?? null,
        params,
        paramAvals: t.params.map((p) => p.node.outs[p.index]!),
        paramGrads: params.map((src) => (src.kind === "tensor" ? src.t.requires_grad : false)),
        outAvals,
        host: this.host,
        guards: this.guards,
        grads: grads.map((g) => ({
          leaf: g.leaf,
          arg: this.argIndex.get(g.leaf),
          events: g.events,
          end: g.end,
          fresh: g.end !== null && g.events.some((ev) => ev.kind === "assign" && ev.after === g.end),
          value: g.end && g.end.device.type === this.dev ? this.changed(valueOf(g.end), g.end, offsets) : null,
        })),
        written: written.flatMap((w) => {
          const src = this.changed(w.v, w.t, offsets);
          return src ? [{ t: w.t, src, arg: this.argIndex.get(w.t) }] : [];
        }),
        result: resultTemplate,
        nodes: ops,
        donors: [],
        readsAfter: [],
        soleOuts: [],
      };
      planDonation(entry, run?.aliasing ?? null);
      if (entry.exe === null && ops > 0) eagerReason ??= "nothing the graph computes is returned or written";
      return { entry: eagerReason ? null : entry, eagerReason, ops, bornGrads };
    } finally {
      releaseTrace(t);
    }
  }

  /** The source of tensor `t`'s value `v` at the end of the call, or null when it is t's own value from before. */
  private changed(v: LazyValue, t: Tensor, offsets: Map<LazyNode, number>): Source | null {
    const src = this.source(v, offsets);
    if (!src) return null;
    if ((src.kind === "tensor" && src.t === t) || (src.kind === "arg" && this.argIndex.get(t) === src.index)) return null;
    return src;
  }

  /**
   * cpu capture, after the recorder is detached: every lifted tensor gets its
   * own payload back, a changed one with its new value copied into its storage
   * (views share it), and `results` become cpu tensors. Tensors made inside
   * the call and not among the results keep the recorder's payload until the
   * cpu device meets them (the resolver below computes them then).
   */
  settleCpu(results: readonly Tensor[]): void {
    const cpu = getBackend("cpu");
    const rt = getRuntime();
    const writes: [Tensor, HostArray][] = [];
    for (const [t] of this.lifted) {
      const v = payloadOf(t).value;
      // an alias's storage is written as the tensor it aliases
      if (internals(t)._base || this.aliases.has(t) || this.liftedNodes.get(v.node) === t) continue;
      writes.push([t, rt.toHost(bufferOf(v))]);
    }
    for (const r of results) {
      const p = payloadOf(r);
      if (p.value !== undefined && !this.lifted.has(r))
        internals(r)._payload = cpu.fromHost(rt.toHost(bufferOf(p.value)), r.shape, r.dtype);
    }
    for (const [t, own] of this.lifted) internals(t)._payload = own;
    for (const [t, h] of writes) cpu.write(t, fromHost(h, t.shape, t.dtype, t.device));
    this.clearLifted();
  }

  /**
   * The end of a call traced in pieces (or explained): its last piece runs now,
   * one graph computing the results, the written tensors and the .grad the
   * call left; returns the cpu tensors settleCpu must give cpu payloads.
   */
  endSplit(result: unknown): Tensor[] {
    const wanted: LazyValue[] = [];
    const results = argTensors([result]).filter((t) => t.device.type === this.dev);
    const grads = [...this.gradEvents.keys()].flatMap((l) => (l.grad && l.grad.device.type === this.dev ? [l.grad] : []));
    for (const t of [...results, ...grads]) wanted.push(valueOf(t));
    for (const [t] of this.lifted) {
      const v = payloadOf(t).value;
      if (!internals(t)._base && !this.aliases.has(t) && this.liftedNodes.get(v.node) !== t) wanted.push(v);
    }
    this.recording = false;
    this.splitting = false;
    materialize(wanted, "compile");
    return this.dev === "cpu" ? [...results, ...grads] : [];
  }

  private clearLifted(): void {
    this.lifted.clear();
    this.liftedByOwn.clear();
    this.aliases.clear();
  }

  /** Undoes the call's writes to tensors and .grad (fullgraph refused it). */
  undo(): void {
    for (const [t, own] of this.lifted) internals(t)._payload = own;
    this.clearLifted();
    for (const [t, before] of this.writes) {
      hold(before);
      payloadOf(t).value = before;
      internals(t)._vc.v++;
    }
    for (const [leaf, events] of this.gradEvents) {
      const first = events[0]!;
      leaf.grad = first.kind === "assign" ? null : first.before;
    }
    discardOpenTrace();
  }
}

const isPlain = (x: unknown): boolean =>
  typeof x === "object" && x !== null && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

/** The tensors of a call's arguments, in walk order (arrays and plain objects, 8 deep). */
export function argTensors(args: readonly unknown[]): Tensor[] {
  const out: Tensor[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (x instanceof Tensor) out.push(x);
    else if (depth < 8 && Array.isArray(x)) for (const e of x) walk(e, depth + 1);
    else if (depth < 8 && isPlain(x)) for (const e of Object.values(x as object)) walk(e, depth + 1);
  };
  walk(args, 0);
  return out;
}

/**
 * Runs `fn(...args)` once, recording it whole; returns its result and, unless
 * something broke the graph, how to replay it.
 */
export function captureCall(
  fn: (...a: unknown[]) => unknown,
  args: readonly unknown[],
  opts: {
    fullgraph: boolean;
    explain?: boolean;
    /** Trace the call in pieces from the start (a function known to break). */
    split?: boolean;
    /** Where a call with no tensor argument is traced (compile_fn.ts: the device of its first, eager, call's results); default xla. */
    device?: "xla" | "cpu" | null;
    /**
     * A call without breaks whose result needs grad (compile_fn.ts: the
     * forward and its backward compiled apart); null: finish as usual.
     */
    finishGrad?: (
      s: Session,
      result: unknown,
    ) => { result: unknown; entry: { aliases?: AliasGuard }; settle: Tensor[]; reached: Tensor[] } | null;
  },
): CaptureResult {
  // start on an empty trace: everything the call reads from before is device data
  if (openTraceSize() > 0) cut("compile", []);
  const tensors = argTensors(args);
  const argIndex = new Map<Tensor, number>();
  tensors.forEach((t, i) => {
    if (!argIndex.has(t)) argIndex.set(t, i);
  });
  const prevMode = currentMode();
  let detached = false;
  let prevHooks: ReturnType<typeof setCaptureHooks> = null;
  const detach = () => {
    if (detached) return;
    detached = true;
    setActiveCapture(null);
    setCaptureHooks(prevHooks);
    setModeRaw(prevMode);
  };
  const dev = chooseDevice(tensors, opts.device ?? null);
  const s = new Session(dev, argIndex, opts.fullgraph, !!opts.explain, detach, !!opts.split);
  setModeRaw("lazy");
  setActiveCapture(s);
  prevHooks = setCaptureHooks(s);
  let result: unknown;
  try {
    result = fn(...args);
  } catch (e) {
    const broke = e instanceof GraphBreakError;
    detach();
    if (broke) s.undo();
    else if (dev === "cpu") s.settleCpu([]);
    throw e;
  }
  const broken = s.breaks.length > 0;
  if (broken || opts.explain || opts.split) {
    const ops = openTraceSize();
    let settle: Tensor[];
    try {
      settle = s.endSplit(result);
    } finally {
      detach();
    }
    if (dev === "cpu") s.settleCpu(settle);
    const eagerReason = broken ? `graph break: ${s.breaks[0]!.reason}${s.breaks[0]!.where ? ` at ${s.breaks[0]!.where}` : ""}` : "explain";
    return { result, entry: null, eagerReason, breaks: s.breaks, ops };
  }
  if (opts.finishGrad && s.gradEvents.size === 0) {
    let g: ReturnType<NonNullable<typeof opts.finishGrad>>;
    try {
      g = opts.finishGrad(s, result);
    } catch (e) {
      detach();
      if (dev === "cpu") s.settleCpu([]);
      throw e;
    }
    if (g) {
      detach();
      if (dev === "cpu") s.settleCpu(g.settle);
      g.entry.aliases = aliasGuard(captureRefs(tensors.length, g.reached), tensors);
      return { result: g.result, entry: null, custom: g.entry, eagerReason: null, breaks: [], ops: 0 };
    }
  }
  let f: ReturnType<Session["finish"]>;
  try {
    f = s.finish(result);
  } finally {
    detach();
  }
  if (dev === "cpu") s.settleCpu([...argTensors([result]), ...f.bornGrads]);
  // with every payload its own again (cpu), the memory its tensors share
  if (f.entry)
    f.entry.aliases = aliasGuard(
      captureRefs(
        tensors.length,
        reachedTensors(
          f.entry,
          f.entry.grads.map((g) => g.value),
        ),
      ),
      tensors,
    );
  return { result, entry: f.entry, eagerReason: f.eagerReason, breaks: [], ops: f.ops };
}

/**
 * The device a call is traced on: xla when an argument is there, cpu when its
 * tensors are cpu ones and the xla device runs on the in-process CPU runtime,
 * which then runs the graph. A call with no tensor argument (a step reading
 * its model and batch from a closure) is traced where `hint` says its tensors
 * are (cpu only on the CPU runtime), else on xla.
 */
function chooseDevice(tensors: readonly Tensor[], hint: "xla" | "cpu" | null): "xla" | "cpu" {
  const cpuRuntime = getRuntime().platform === "cpu-runtime";
  if (tensors.length === 0) return hint === "cpu" && cpuRuntime ? "cpu" : "xla";
  if (tensors.some((t) => t.device.type === "xla")) return "xla";
  return tensors.some((t) => t.device.type === "cpu") && cpuRuntime ? "cpu" : "xla";
}

/** Why a replay was refused, or null when it may go ahead (nothing has run yet). */
export function refuse(
  e: Pick<Captured, "guards" | "grads" | "params" | "paramAvals" | "paramGrads" | "dev" | "host" | "aliases">,
  args: readonly Tensor[],
): string | null {
  for (const g of e.guards) {
    const now = g.read();
    if (!Object.is(now, g.value)) return `guard failed: ${guardChange(g.what, g.value, now)}`;
  }
  for (const it of e.host)
    if (it.kind === "input" && it.arg === null && (it.t.dtype !== it.dtype || !sameShape(it.t.shape, it.shape)))
      return `guard failed: a cpu tensor the traced call copied to the device is now ${it.t.dtype.name}[${it.t.shape.join(", ")}] (was ${it.dtype.name}[${it.shape.join(", ")}])`;
  for (const g of e.grads) {
    let s = leafOf(g, args).grad;
    for (const ev of g.events) {
      if (ev.kind === "reset") s = null;
      else if (ev.kind === "assign") {
        if (s !== null) return "guard failed: a parameter's .grad was set when the traced call found it None";
        s = ev.after;
      } else if (s !== ev.before) return "guard failed: a parameter's .grad is not the tensor the traced call used";
    }
  }
  for (let i = 0; i < e.params.length; i++) {
    const src = e.params[i]!;
    const t = src.kind === "arg" ? args[src.index] : src.kind === "tensor" ? src.t : undefined;
    if (!t) continue;
    const a = e.paramAvals[i]!;
    if (t.dtype !== a.dtype || !sameShape(t.shape, a.shape) || t.device.type !== e.dev)
      return `guard failed: a tensor the traced call read is now ${t.dtype.name}[${t.shape.join(", ")}] on ${t.device} (was ${a.dtype.name}[${a.shape.join(", ")}])`;
    if (src.kind === "tensor" && t.requires_grad !== e.paramGrads[i])
      return `guard failed: a tensor the traced call read has requires_grad=${t.requires_grad} now`;
  }
  return e.aliases ? aliasChange(e.aliases, args) : null;
}

/**
 * The tensors a capture reaches by identity (alias_guard.ts): those its
 * parameters, stores, results and `more` sources name, the tensors it writes
 * that are not arguments, and cpu tensors it copies in that are not arguments.
 */
export function reachedTensors(
  e: { params: readonly Source[]; written: readonly Written[]; host: readonly HostItem[]; result: TemplateOf<object> },
  more: readonly ({ kind: string; t?: Tensor } | null)[],
): Tensor[] {
  const out: Tensor[] = [];
  const note = (src: { kind: string; t?: Tensor } | null) => {
    if (src?.kind === "tensor" && src.t) out.push(src.t);
  };
  e.params.forEach(note);
  more.forEach(note);
  for (const w of e.written) {
    note(w.src);
    if (w.arg === undefined) out.push(w.t);
  }
  for (const it of e.host) if (it.kind === "input" && it.arg === null) out.push(it.t);
  const walk = (t: TemplateOf<object>): void => {
    if (t.kind === "tensor" || t.kind === "same") note(t.src);
    else if (t.kind === "array") t.items.forEach(walk);
    else if (t.kind === "object") for (const [, v] of t.entries) walk(v);
  };
  walk(e.result);
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Runs a capture's host items in order (effects, live scalars, random draws, cpu tensors copied in: an argument's
 * from the call's `args`); the values' buffers by position, each put on the device by `put`.
 */
export function runHostItems(
  host: readonly HostItem[],
  put: (h: HostArray, shape: Shape, dtype: DType) => DeviceBuffer,
  args: readonly Tensor[],
  scalar?: (value: number, dtype: DType) => DeviceBuffer,
): DeviceBuffer[] {
  const live: DeviceBuffer[] = new Array(host.length);
  for (let i = 0; i < host.length; i++) {
    const it = host[i]!;
    if (it.kind === "effect") it.run();
    else if (it.kind === "scalar") {
      if (scalar) {
        live[i] = scalar(it.read(), it.dtype);
        continue;
      }
      const h = it.dtype.alloc(1);
      (h as Float64Array)[0] = it.read();
      live[i] = put(h, [], it.dtype);
    } else if (it.kind === "input") live[i] = put(getBackend("cpu").toHost(it.arg !== null ? args[it.arg]! : it.t), it.shape, it.dtype);
    else live[i] = put(it.draw(), it.shape, it.dtype);
  }
  return live;
}

const upload = (h: HostArray, shape: Shape, dtype: DType): DeviceBuffer => uploadHost(h, { shape: [...shape], dtype });

/**
 * Replays a capture for a call with argument tensors `args`: checks its guards
 * (returning the failed one without running anything), runs the host items,
 * executes, and writes the results where the traced call wrote them.
 */
export function replay(e: Captured, args: readonly Tensor[]): { ok: true; result: unknown } | { ok: false; reason: string } {
  const why = refuse(e, args);
  if (why) return { ok: false, reason: why };
  // (live scalars: the upload cache's buffer of the value, no node, no array when it holds it)
  const live = runHostItems(e.host, upload, args, scalarBuffer);
  const rt = getRuntime();
  const cpu = e.dev === "cpu" ? getBackend("cpu") : null;
  const borrowed = new Set<unknown>();
  const input = (src: Source): DeviceBuffer => {
    switch (src.kind) {
      case "arg":
      case "tensor": {
        const t = src.kind === "arg" ? args[src.index]! : src.t;
        return cpu ? cpuInput(rt, t, borrowed) : bufferOf(valueOf(t));
      }
      case "const":
        return leafBuffer(src.v);
      case "live":
        return live[src.item]!;
      case "out":
        throw new Error("xla device: internal error: an executable parameter cannot be its own result");
    }
  };
  let results: LazyNode | null = null;
  let dest: (HostArray | null)[] | null = null;
  if (e.exe) {
    const ins = e.params.map(input);
    const donate = e.donors.length && donationConfig.enabled ? donationMask(e, args, ins, cpu !== null) : null;
    dest = cpu && donationConfig.enabled ? cpuDestinations(e, args, donate?.mask ?? null) : null;
    const t0 = performance.now();
    const outs = dest ? rt.execute(e.exe, ins, donate?.mask, dest) : donate ? rt.execute(e.exe, ins, donate.mask) : rt.execute(e.exe, ins);
    metrics.executeMs += performance.now() - t0;
    metrics.executions++;
    if (donate) {
      for (const g of donate.mask) if (g) metrics.donatedBuffers++;
      // the old values are gone: their slots refuse any use (the tensors hold the new ones below)
      for (const v of donate.given) {
        v.node.donor![v.index] = 0;
        v.node.results![v.index] = donatedSlot(v.node.results![v.index]!);
      }
    }
    results = makeNode("data", [], null, e.outAvals);
    results.results = outs;
    if (!cpu && donationConfig.enabled) markDonors(results, outs, ins, e.soleOuts, donate?.mask ?? null);
  }
  const valueFrom = (src: Source): LazyValue => {
    switch (src.kind) {
      case "out":
        return outputOf(results!, src.offset);
      case "const":
        return src.v;
      case "arg":
      case "tensor": {
        const t = src.kind === "arg" ? args[src.index]! : src.t;
        bufferOf(valueOf(t));
        return valueOf(t);
      }
      case "live": {
        const it = e.host[src.item] as Exclude<HostItem, { kind: "effect" }>;
        const n = makeNode("data", [], null, [{ shape: it.kind === "scalar" ? [] : it.shape, dtype: it.dtype }]);
        n.results = [live[src.item]!];
        return n;
      }
    }
  };
  if (cpu) return { ok: true, result: storeCpu(e, args, cpu, results, live, borrowed, dest) };
  // every new value is found before any is stored (one may be read from a tensor another replaces)
  const written = e.written.map((w) => valueFrom(w.src));
  const grads = e.grads.map((g) => (g.end && g.value ? valueFrom(g.value) : null));
  // the result too: one taken from a tensor from before the call is its value before the stores below
  const result = build(e.result, (src, aval, device) => new Tensor(payload(valueFrom(src)), aval.shape, aval.dtype, device), args);
  e.written.forEach((w, i) => {
    const t = writtenTarget(w, args);
    payloadOf(t).value = written[i]!;
    internals(t)._vc.v++;
  });
  e.grads.forEach((g, i) => {
    const v = grads[i];
    if (g.fresh && g.end && v) leafOf(g, args).grad = new Tensor(payload(v), g.end.shape, g.end.dtype, g.end.device);
    else {
      leafOf(g, args).grad = g.end;
      if (g.end && v) payloadOf(g.end).value = v;
    }
  });
  metrics.compiledReplays++;
  return { ok: true, result };
}

/** A cpu replay's stores: new values copied into the tensors' storage, .grad and the results as cpu tensors. */
function storeCpu(
  e: Captured,
  args: readonly Tensor[],
  cpu: DeviceBackend,
  results: LazyNode | null,
  live: DeviceBuffer[],
  borrowed: Set<unknown>,
  dest: readonly (HostArray | null)[] | null,
): unknown {
  const rt = getRuntime();
  const hostOf = (src: Source): HostArray => {
    switch (src.kind) {
      case "out":
        return rt.toHost(results!.results![src.offset]!);
      case "const":
        return rt.toHost(leafBuffer(src.v));
      case "arg":
        return cpu.toHost(args[src.index]!);
      case "tensor":
        return cpu.toHost(src.t);
      case "live":
        return rt.toHost(live[src.item]!);
    }
  };
  // a result computed in the tensor's own storage (a donated input, donation.ts) is there already
  const targets = e.written.map((w) => writtenTarget(w, args));
  const there = e.written.map(
    (w, i) => w.src.kind === "out" && storageOf(targets[i]!) === (results!.results![w.src.offset] as { s?: { data?: unknown } }).s?.data,
  );
  // a result of the executable goes straight into a dense tensor's storage (cpu_transfer.ts); the rest are copied out first
  const direct = e.written.map((w, i) =>
    !there[i] && w.src.kind === "out" && canStoreDense(targets[i]!, results!.results![w.src.offset]!, borrowed)
      ? results!.results![w.src.offset]!
      : null,
  );
  const written = e.written.map((w, i) => (direct[i] || there[i] ? null : hostOf(w.src)));
  // a .grad that is also a written tensor (zero_grad keeping it, then accumulated) gets its value as one: not copied twice
  const grads = e.grads.map((g) => (g.end && g.value && !e.written.some((w) => w.t === g.end) ? hostOf(g.value) : null));
  const result = build(e.result, (src, aval, device) => fromHost(hostOf(src), aval.shape, aval.dtype, device), args);
  e.written.forEach((_w, i) => {
    const t = targets[i]!;
    const d = direct[i];
    if (there[i]) {
      const w = e.written[i]!;
      if (w.src.kind === "out" && dest?.[w.src.offset] === storageOf(t)) metrics.storedInPlace++;
      else metrics.donatedInPlace++;
    } else if (d) storeDense(t, d);
    else cpu.write(t, fromHost(written[i]!, t.shape, t.dtype, t.device));
    internals(t)._vc.v++;
  });
  e.grads.forEach((g, i) => {
    const h = grads[i];
    if (g.fresh && g.end && h) leafOf(g, args).grad = fromHost(h, g.end.shape, g.end.dtype, g.end.device);
    else {
      leafOf(g, args).grad = g.end;
      if (g.end && h) internals(g.end)._payload = cpu.fromHost(h, g.end.shape, g.end.dtype);
    }
  });
  metrics.compiledReplays++;
  return result;
}

function build(t: Template, make: (src: Source, aval: AVal, device: Device) => Tensor, args: readonly Tensor[]): unknown {
  switch (t.kind) {
    case "tensor":
      return make(t.src, t.aval, t.device);
    case "array":
      return t.items.map((i) => build(i, make, args));
    case "object":
      return Object.fromEntries(t.entries.map(([k, v]) => [k, build(v, make, args)]));
    case "value":
      return t.value;
    case "same":
      return sameTensor(t.src, args);
  }
}

/** The tensor a "same" template stands for at a call with argument tensors `args`. */
export const sameTensor = (src: Source, args: readonly Tensor[]): Tensor =>
  src.kind === "arg" ? args[src.index]! : (src as { t: Tensor }).t;

// A cpu tensor made inside a compiled cpu call and not among its results is computed when the cpu device first meets it.
setPayloadResolver((t) => {
  const v = payloadOf(t).value;
  internals(t)._payload = getBackend("cpu").fromHost(getRuntime().toHost(bufferOf(v)), t.shape, t.dtype);
});

/** The donors, late reads and sole results of a finished capture (donation.ts); `aliasing` from the lowered module. */
function planDonation(e: Captured, aliasing: (number | null)[] | null): void {
  const uses = new Map<number, number>();
  const readsAfter: Source[] = [];
  const note = (src: Source | null) => {
    if (!src) return;
    if (src.kind === "out") uses.set(src.offset, (uses.get(src.offset) ?? 0) + 1);
    else if (src.kind === "arg" || src.kind === "tensor") readsAfter.push(src);
  };
  for (const w of e.written) note(w.src);
  for (const g of e.grads) note(g.value);
  const walk = (t: Template): void => {
    if (t.kind === "tensor") note(t.src);
    else if (t.kind === "array") t.items.forEach(walk);
    else if (t.kind === "object") for (const [, v] of t.entries) walk(v);
  };
  walk(e.result);
  e.readsAfter = readsAfter;
  e.soleOuts = e.written.flatMap((w) => (w.src.kind === "out" && uses.get(w.src.offset) === 1 ? [w.src.offset] : []));
  if (!aliasing) return;
  aliasing.forEach((k, param) => {
    if (k === null) return;
    const src = e.params[param]!;
    if (src.kind !== "arg" && src.kind !== "tensor") return;
    const written = e.written.findIndex((w) => w.src.kind === "out" && w.src.offset === k);
    if (written >= 0 && uses.get(k) === 1) e.donors.push({ param, written });
  });
}

/**
 * A cpu replay's destination arrays (Runtime.execute's `dest`): for each result
 * stored into a written tensor that is not donated (a .grad zeroed and then
 * accumulated: its old value is no input), that tensor's dense storage, so the
 * CPU runtime computes the result there and the store after it copies nothing.
 * Left out: a tensor whose old value something reads after the execution, and
 * one whose storage another written tensor shares (the stores' order decides
 * what that memory holds). The runtime takes an array only where it is no
 * argument's memory and no live value of the execution shares it.
 */
function cpuDestinations(e: Captured, args: readonly Tensor[], donated: readonly boolean[] | null): (HostArray | null)[] | null {
  const tensorOf = (src: Source): Tensor | undefined => (src.kind === "arg" ? args[src.index] : src.kind === "tensor" ? src.t : undefined);
  let dest: (HostArray | null)[] | null = null;
  let keys: Map<unknown, number> | null = null;
  for (let i = 0; i < e.written.length; i++) {
    const w = e.written[i]!;
    if (w.src.kind !== "out") continue;
    let given = false;
    for (const d of e.donors) if (d.written === i && donated?.[d.param]) given = true;
    if (given) continue;
    const t = writtenTarget(w, args);
    const st = storageOf(t);
    if (!st || !ArrayBuffer.isView(st)) continue;
    const mem = storageKey(st);
    if (!keys) {
      // how many written tensors' storage is each memory, counted once per call
      keys = new Map();
      for (const o of e.written) {
        const s = storageOf(writtenTarget(o, args));
        if (s && ArrayBuffer.isView(s)) {
          const k = storageKey(s);
          keys.set(k, (keys.get(k) ?? 0) + 1);
        }
      }
    }
    if (keys.get(mem) !== 1) continue;
    let read = false;
    for (const src of e.readsAfter) {
      const r = tensorOf(src);
      const rs = r ? storageOf(r) : null;
      if (r === t || (rs && ArrayBuffer.isView(rs) && storageKey(rs) === mem)) read = true;
    }
    if (read) continue;
    (dest ??= new Array<HostArray | null>(e.outAvals.length).fill(null))[w.src.offset] = st as HostArray;
  }
  return dest;
}

/**
 * Which parameters this replay donates (donation.ts): the tensor a donor
 * parameter reads is the one its result is stored into, its value may be given
 * up (xla: a donor output held by it alone; cpu: its own dense storage), its
 * buffer is passed once, and nothing read after the execution is that tensor.
 */
function donationMask(
  e: Captured,
  args: readonly Tensor[],
  ins: readonly DeviceBuffer[],
  cpu: boolean,
): { mask: boolean[]; given: LazyValue[] } | null {
  const tensorOf = (src: Source): Tensor | undefined => (src.kind === "arg" ? args[src.index] : src.kind === "tensor" ? src.t : undefined);
  let mask: boolean[] | null = null;
  const given: LazyValue[] = [];
  let uses: Map<unknown, number> | null = null;
  for (const d of e.donors) {
    const t = writtenTarget(e.written[d.written]!, args);
    if (tensorOf(e.params[d.param]!) !== t) continue;
    let v: LazyValue | null = null;
    if (cpu) {
      if (storageOf(t) === null) continue;
    } else {
      v = valueOf(t);
      if (!donatable(t, v)) continue;
    }
    const mem = memoryOf(ins[d.param]!);
    if (!uses) {
      // how many arguments share each memory, counted once per call
      // (live items are host values uploaded for this call, or the upload cache's scalars: never a tensor's memory or a result's, so
      // never a donor's; not asking spares V8 materialising the buffers of their small arrays)
      uses = new Map();
      for (let i = 0; i < ins.length; i++) {
        if (e.params[i]!.kind === "live") continue;
        const m = memoryOf(ins[i]!);
        uses.set(m, (uses.get(m) ?? 0) + 1);
      }
    }
    let shared = uses.get(mem) !== 1;
    for (const src of e.readsAfter) {
      const r = tensorOf(src);
      const rs = r && cpu ? storageOf(r) : null;
      if (r === t || (rs && ArrayBuffer.isView(rs) && storageKey(rs) === mem)) shared = true;
    }
    if (shared) continue;
    mask ??= new Array<boolean>(ins.length).fill(false);
    mask[d.param] = true;
    if (v) given.push(v);
  }
  return mask ? { mask, given } : null;
}
