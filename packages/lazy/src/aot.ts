// torch.compile of a forward whose backward runs outside the compiled function
// (`loss = cfn(x).sum(); loss.backward()`), as AOTAutograd does it: the call
// is traced with its VJP into one joint trace (the forward, then autograd's
// backward from placeholder cotangents to every leaf the call read that needs
// grad), and the trace is partitioned:
//   - backward: every node that depends on a cotangent;
//   - forward: the rest. It returns the call's results, the tensors it wrote
//     (running statistics) and the residuals: forward values a backward node
//     reads, which the forward executable hands over instead of the backward
//     computing them again.
// Both graphs are compiled once (through the graph cache, so the persistent
// cache stores them too). A call returns fresh tensors whose grad_fn
// (CompiledFunctionBackward, core's recordCustom) runs the backward executable
// on the cotangents, that call's residuals and the inputs as they were when
// the forward ran; the engine accumulates the gradients into the leaves.
// Random draws and live scalars of the forward are drawn at each replay (as in
// capture.ts) and handed to the backward when it reads them.
// Not covered (the call then runs eagerly, as before): an output on another
// device, a non-leaf tensor from before the call that needs grad (its own
// history would be walked twice), a backward inside the call (capture.ts
// compiles the whole step then). create_graph through a compiled backward throws.
import {
  Tensor,
  TorchError,
  fromHost,
  getBackend,
  internals,
  is_grad_enabled,
  recordCustom,
  runBackward,
  type AVal,
  type Device,
  type DType,
  type HostArray,
} from "@xlatorch/core";
import type { DeviceBuffer, Executable } from "@xlatorch/stablehlo";
import { valueOf } from "./backend.js";
import type { AliasGuard } from "./alias_guard.js";
import {
  argTensors,
  reachedTensors,
  refuse,
  runHostItems,
  sameTensor,
  writtenTarget,
  type Written,
  type Captured,
  type HostItem,
  type Session,
  type Source,
  type TemplateOf,
} from "./capture.js";
import { compileModule } from "./compile_step.js";
import { cpuInput } from "./cpu_transfer.js";
import { dumpModule } from "./dump.js";
import { graphCache, leafBuffer, runGraph } from "./execute.js";
import { describeGraph, dfsGraph, lowerGraph, type GraphBuilder } from "./graph.js";
import { makeNode, payload, type LazyNode, type LazyValue, type XlaPayload } from "./ir.js";
import { metrics } from "./metrics.js";
import { getRuntime } from "./runtime_slot.js";
import { bufferOf, releaseTrace, takeOpenTrace } from "./trace.js";

/** A backward parameter: a forward parameter's source, a residual (forward result offset) or the k-th cotangent. */
type BSource = Source | { kind: "cotangent"; k: number };
/** Where a leaf's gradient comes from: the backward executable's result, or (an identity VJP) a parameter of it. */
type GradSource = BSource | { kind: "backward"; offset: number };

/** The returned structure; `diff` numbers the outputs the backward takes cotangents for (-1: none). */
type Template = TemplateOf<{ diff: number }>;

/** A forward traced with its backward, ready to replay. */
export interface AotCaptured {
  dev: "xla" | "cpu";
  forward: Executable | null;
  params: Source[];
  paramAvals: AVal[];
  paramGrads: boolean[];
  outAvals: AVal[];
  host: HostItem[];
  guards: Captured["guards"];
  grads: Captured["grads"];
  written: Written[];
  result: Template;
  backward: Executable | null;
  bParams: BSource[];
  bParamAvals: AVal[];
  bOutAvals: AVal[];
  /** The leaves the backward gives gradients to, and where each one's comes from (null: unused). */
  leaves: Source[];
  gradSources: (GradSource | null)[];
  /** Avals of the differentiable outputs, in `diff` order. */
  diffAvals: AVal[];
  /** Which of the tensors it reads and writes shared memory when traced (alias_guard.ts). */
  aliases?: AliasGuard;
}

const payloadOf = (t: Tensor) => internals(t)._payload as XlaPayload;
const isPlain = (x: unknown): boolean =>
  typeof x === "object" && x !== null && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

/**
 * capture.ts's `finishGrad`: called at the end of a traced call without breaks
 * and without a backward inside; when its result needs grad, traces the
 * backward, compiles both halves, runs the forward and returns the call's
 * result (its grad_fn the compiled backward) and the capture. Null: not this
 * case, nothing done.
 */
export function finishGrad(
  s: Session,
  result: unknown,
): { result: unknown; entry: AotCaptured; settle: Tensor[]; reached: Tensor[] } | null {
  if (!is_grad_enabled()) return null;
  const outs = argTensors([result]);
  if (outs.some((t) => t.device.type !== s.dev)) return null;
  const diff = [...new Set(outs.filter((t) => t.requires_grad && t.grad_fn !== null))];
  if (diff.length === 0) return null;
  const read = new Set<Tensor>(s.argIndex.keys());
  for (const ts of s.reads.values()) for (const t of ts) if (t) read.add(t);
  for (const t of s.lifted.keys()) read.add(t);
  const needing = [...read].filter((t) => t.requires_grad && t.device.type === s.dev);
  if (needing.length === 0 || needing.some((t) => !t.is_leaf)) return null;

  // everything the forward must hand back, found before the trace is taken (re-deriving a view records)
  const resultValues = outs.map((t) => valueOf(t));
  const valueOfResult = new Map(outs.map((t, i) => [t, resultValues[i]!]));
  const written = [...s.writes]
    .filter(([, before]) => before.node.id < s.startId || s.liftedNodes.has(before.node))
    .map(([w]) => ({ t: w, v: valueOf(w) }));
  // the joint trace: the backward from placeholder cotangents
  const cts = diff.map((t) => fromHost(t.dtype.alloc(t.numel()), t.shape, t.dtype, t.device));
  const ctNodes = new Map<LazyNode, number>(cts.map((c, k) => [valueOf(c).node, k]));
  const grads = runBackward(diff, cts, { inputs: needing, allow_unused: true });
  const gradValues = grads.map((g) => (g ? valueOf(g) : null));
  s.recording = false;

  const t = takeOpenTrace();
  releaseTrace(t);
  const inTrace = new Set(t.nodes);
  const bwd = new Set<LazyNode>(ctNodes.keys());
  for (const n of t.nodes) if (n.inputs.some((v) => bwd.has(v.node))) bwd.add(n);
  const fwdWanted: LazyValue[] = [...resultValues, ...written.map((w) => w.v)];
  for (const n of t.nodes) if (bwd.has(n)) for (const v of n.inputs) if (inTrace.has(v.node) && !bwd.has(v.node)) fwdWanted.push(v);
  // a gradient that does not depend on the cotangents (none in practice) is a forward value too
  for (const v of gradValues) if (v && inTrace.has(v.node) && !bwd.has(v.node)) fwdWanted.push(v);

  // the forward runs now (this call's results), the backward is compiled for later
  const fv = fwdWanted.filter((v) => inTrace.has(v.node));
  const gf = dfsGraph(fv);
  const fOut = [...new Set(fv.map((v) => v.node))].sort((a, b) => gf.indexOf(a) - gf.indexOf(b));
  const run = fOut.length ? runGraph(gf, fOut, { reason: "compile", requested: fOut.length }) : null;
  const offsets = new Map<LazyNode, number>();
  const outAvals: AVal[] = [];
  const fwdBuffers: DeviceBuffer[] = [];
  if (run)
    for (const n of run.outputs) {
      offsets.set(n, outAvals.length);
      outAvals.push(...n.outs);
      if (n.error) throw n.error;
      fwdBuffers.push(...n.results!);
    }
  const bv = gradValues.filter((v): v is LazyValue => v !== null && inTrace.has(v.node) && bwd.has(v.node));
  const gb = dfsGraph(bv);
  const bOut = [...new Set(bv.map((v) => v.node))].sort((a, b) => gb.indexOf(a) - gb.indexOf(b));
  const bOffsets = new Map<LazyNode, number>();
  const bOutAvals: AVal[] = [];
  for (const n of bOut) {
    bOffsets.set(n, bOutAvals.length);
    bOutAvals.push(...n.outs);
  }
  const backward = bOut.length ? compileOnly(gb, bOut) : null;

  const source = (v: LazyValue): Source => s.source(v, offsets) ?? { kind: "const", v };
  const params = (run ? gf.params : []).map((p) => s.source(p, null) ?? { kind: "const" as const, v: p });
  const bParams: BSource[] = gb.params.map((p) => {
    const k = ctNodes.get(p.node);
    return k !== undefined ? { kind: "cotangent", k } : source(p);
  });
  const leafSource = (l: Tensor): Source => {
    const a = s.argIndex.get(l);
    return a !== undefined ? { kind: "arg", index: a } : { kind: "tensor", t: l };
  };
  const diffIndex = new Map(diff.map((d, k) => [d, k]));
  const template = (x: unknown, depth: number): Template => {
    const same = x instanceof Tensor && !diffIndex.has(x) ? s.sameAs(x) : null;
    if (same) return { kind: "same", src: same };
    if (x instanceof Tensor)
      return {
        kind: "tensor",
        src: source(valueOfResult.get(x)!),
        aval: { shape: x.shape.slice(), dtype: x.dtype },
        device: x.device,
        diff: diffIndex.get(x) ?? -1,
      };
    if (depth < 8 && Array.isArray(x)) return { kind: "array", items: x.map((e) => template(e, depth + 1)) };
    if (depth < 8 && isPlain(x))
      return { kind: "object", entries: Object.entries(x as object).map(([k, e]) => [k, template(e, depth + 1)]) };
    return { kind: "value", value: x };
  };
  const entry: AotCaptured = {
    dev: s.dev,
    forward: run?.exe ?? null,
    params,
    paramAvals: params.map((_, i) => gf.params[i]!.node.outs[gf.params[i]!.index]!),
    paramGrads: params.map((src) => (src.kind === "tensor" ? src.t.requires_grad : false)),
    outAvals,
    host: s.host,
    guards: s.guards,
    grads: [],
    written: written.flatMap((w) => {
      const src = source(w.v);
      return (src.kind === "tensor" && src.t === w.t) || (src.kind === "arg" && s.argIndex.get(w.t) === src.index)
        ? []
        : [{ t: w.t, src, arg: s.argIndex.get(w.t) }];
    }),
    result: template(result, 0),
    backward,
    bParams,
    bParamAvals: gb.params.map((p) => p.node.outs[p.index]!),
    bOutAvals,
    leaves: needing.map(leafSource),
    gradSources: gradValues.map((v): GradSource | null => {
      if (!v) return null;
      const off = bOffsets.get(v.node);
      if (off !== undefined) return { kind: "backward", offset: off + v.index };
      const k = ctNodes.get(v.node);
      return k !== undefined ? { kind: "cotangent", k } : source(v);
    }),
    diffAvals: diff.map((d) => ({ shape: d.shape.slice(), dtype: d.dtype })),
  };
  // this call's own host items ran when it was traced: their device values are the traced ones
  const live: DeviceBuffer[] = new Array(s.host.length);
  for (const [n, item] of s.liveNodes) live[item] = leafBuffer(n);
  const argTs = [...s.argIndex.keys()];
  const args: Tensor[] = [];
  for (const a of argTs) args[s.argIndex.get(a)!] = a;
  const cpu = s.dev === "cpu" ? getBackend("cpu") : null;
  const fresh = (src: Source, aval: AVal, device: Device): Tensor => {
    if (src.kind !== "out") throw new TorchError("torch.compile: internal error: a differentiable result is not computed by the forward");
    const buf = fwdBuffers[src.offset]!;
    return cpu ? fromHost(getRuntime().toHost(buf), aval.shape, aval.dtype, device) : resultTensor(buf, aval, device);
  };
  const built = buildResult(
    entry,
    (src, aval, device) => (src.kind === "out" ? fresh(src, aval, device) : valueTensor(src, aval, device, args, live, cpu)),
    args,
  );
  attachBackward(entry, built.diffOuts, fwdBuffers, live, args);
  return {
    result: built.result,
    entry,
    settle: [],
    reached: reachedTensors(entry, [...entry.leaves, ...entry.bParams, ...entry.gradSources]),
  };
}

/** Compiles graph `g` returning `outputs` (through the graph cache), without running it. */
function compileOnly(g: GraphBuilder, outputs: LazyNode[]): Executable {
  const rt = getRuntime();
  const space = `${rt.platform}/${rt.devices.join(",")}`;
  const entry = graphCache.find(space, g) ?? graphCache.add(space, g, describeGraph(g));
  const variant = outputs.map((n) => g.indexOf(n)).join(",");
  let exe = entry.variants.get(variant);
  if (exe) metrics.cachedCompiles++;
  else {
    const module = lowerGraph(g, outputs);
    if (process.env.XLATORCH_DUMP_DIR) dumpModule(module);
    exe = compileModule(rt, module);
    entry.variants.set(variant, exe);
  }
  return exe;
}

function resultTensor(buf: DeviceBuffer, aval: AVal, device: Device): Tensor {
  const n = makeNode("data", [], null, [aval]);
  n.results = [buf];
  return new Tensor(payload(n), aval.shape, aval.dtype, device);
}

/** A returned tensor that the forward does not compute (an argument returned as is, a constant). */
function valueTensor(src: Source, aval: AVal, device: Device, args: readonly Tensor[], live: DeviceBuffer[], cpu: unknown): Tensor {
  if (src.kind === "arg") return args[src.index]!;
  if (src.kind === "tensor") return src.t;
  const buf = src.kind === "live" ? live[src.item]! : src.kind === "const" ? leafBuffer(src.v) : null;
  if (!buf) throw new TorchError("torch.compile: internal error: unknown result source");
  return cpu ? fromHost(getRuntime().toHost(buf), aval.shape, aval.dtype, device) : resultTensor(buf, aval, device);
}

function buildResult(
  e: AotCaptured,
  make: (src: Source, aval: AVal, device: Device) => Tensor,
  args: readonly Tensor[],
): { result: unknown; diffOuts: Tensor[] } {
  const diffOuts: Tensor[] = new Array(e.diffAvals.length);
  const build = (t: Template): unknown => {
    switch (t.kind) {
      case "tensor": {
        const x = make(t.src, t.aval, t.device);
        if (t.diff >= 0) diffOuts[t.diff] ??= x;
        return t.diff >= 0 ? diffOuts[t.diff] : x;
      }
      case "array":
        return t.items.map(build);
      case "object":
        return Object.fromEntries(t.entries.map(([k, v]) => [k, build(v)]));
      case "value":
        return t.value;
      case "same":
        return sameTensor(t.src, args);
    }
  };
  return { result: build(e.result), diffOuts };
}

/** The device buffer of tensor `t` for an executable of device `dev`. */
function inputBuffer(t: Tensor, dev: "xla" | "cpu"): DeviceBuffer {
  // a cpu tensor on its own payload (a cpu tensor on the recorder's, while its call is traced, is read as the recorder holds it)
  if (dev === "cpu" && (internals(t)._payload as { value?: unknown }).value === undefined) return cpuInput(getRuntime(), t);
  return bufferOf(valueOf(t));
}

/**
 * Gives the differentiable outputs of one call a grad_fn running the compiled
 * backward: its parameters other than cotangents and residuals are fixed now
 * (the inputs as this forward saw them, its live draws).
 */
function attachBackward(e: AotCaptured, diffOuts: Tensor[], fwd: DeviceBuffer[], live: DeviceBuffer[], args: readonly Tensor[]): void {
  const leafOf = (src: Source): Tensor => (src.kind === "arg" ? args[src.index]! : (src as { t: Tensor }).t);
  const leaves = e.leaves.map(leafOf);
  const fixed: (DeviceBuffer | null)[] = e.bParams.map((src) => {
    switch (src.kind) {
      case "cotangent":
        return null;
      case "out":
        return fwd[src.offset]!;
      case "arg":
      case "tensor":
        return inputBuffer(leafOf(src), e.dev);
      case "const":
        return leafBuffer(src.v);
      case "live":
        return live[src.item]!;
    }
  });
  recordCustom("CompiledFunctionBackward", leaves, diffOuts, (cts) => {
    if (is_grad_enabled())
      throw new TorchError(
        "torch.compile: the compiled backward of a compiled forward does not support create_graph=True (double backward); call the function uncompiled for higher-order gradients",
      );
    const rt = getRuntime();
    const ins = e.bParams.map((src, i) => {
      if (src.kind !== "cotangent") return fixed[i]!;
      const a = e.bParamAvals[i]!;
      const ct = cts[src.k];
      if (!ct) return rt.toDevice(a.dtype.alloc(a.shape.reduce((x, y) => x * y, 1)) as HostArray, a.dtype.name, a.shape);
      if (ct.dtype !== a.dtype || ct.shape.length !== a.shape.length || ct.shape.some((d, j) => d !== a.shape[j]))
        throw new TorchError(
          `torch.compile: compiled backward: the gradient of output ${src.k} is ${ct.dtype.name}[${ct.shape.join(", ")}], expected ${a.dtype.name}[${a.shape.join(", ")}]`,
        );
      return inputBuffer(ct, e.dev);
    });
    let outs: DeviceBuffer[] = [];
    if (e.backward) {
      const t0 = performance.now();
      outs = rt.execute(e.backward, ins);
      metrics.executeMs += performance.now() - t0;
      metrics.executions++;
    }
    metrics.compiledBackwards++;
    const tensorOf = (buf: DeviceBuffer, a: AVal, dev: Device) =>
      e.dev === "cpu" ? fromHost(rt.toHost(buf), a.shape, a.dtype, dev) : resultTensor(buf, a, dev);
    return e.gradSources.map((src, i) => {
      if (src === null) return null;
      const leaf = leaves[i]!;
      const a = { shape: leaf.shape.slice(), dtype: leaf.dtype };
      switch (src.kind) {
        case "backward":
          return tensorOf(outs[src.offset]!, e.bOutAvals[src.offset]!, leaf.device);
        case "cotangent": // an identity VJP: the output's cotangent is the gradient (a copy: the engine may accumulate into it)
          return cts[src.k] ? cts[src.k]!.clone() : null;
        case "out":
          return tensorOf(fwd[src.offset]!, a, leaf.device);
        case "live":
          return tensorOf(live[src.item]!, a, leaf.device);
        case "const":
          return tensorOf(leafBuffer(src.v), a, leaf.device);
        case "arg":
        case "tensor":
          return leafOf(src).detach().clone();
      }
    });
  });
}

function upload(h: HostArray, shape: readonly number[], dtype: DType): DeviceBuffer {
  return getRuntime().toDevice(h, dtype.name, shape);
}

/** Replays a forward-with-backward capture (see capture.ts's replay for the forward-only one). */
export function replayAot(e: AotCaptured, args: readonly Tensor[]): { ok: true; result: unknown } | { ok: false; reason: string } {
  const why = refuse(e, args);
  if (why) return { ok: false, reason: why };
  for (const src of e.leaves) {
    const t = src.kind === "arg" ? args[src.index] : src.kind === "tensor" ? src.t : undefined;
    if (t && (!t.requires_grad || !t.is_leaf))
      return { ok: false, reason: "guard failed: a tensor the traced call differentiated no longer requires grad" };
  }
  const live = runHostItems(e.host, upload, args);
  const rt = getRuntime();
  const cpu = e.dev === "cpu" ? getBackend("cpu") : null;
  const input = (src: Source): DeviceBuffer => {
    switch (src.kind) {
      case "arg":
        return inputBuffer(args[src.index]!, e.dev);
      case "tensor":
        return inputBuffer(src.t, e.dev);
      case "const":
        return leafBuffer(src.v);
      case "live":
        return live[src.item]!;
      case "out":
        throw new Error("xla device: internal error: an executable parameter cannot be its own result");
    }
  };
  let fwd: DeviceBuffer[] = [];
  if (e.forward) {
    const ins = e.params.map(input);
    const t0 = performance.now();
    fwd = rt.execute(e.forward, ins);
    metrics.executeMs += performance.now() - t0;
    metrics.executions++;
  }
  const make = (src: Source, aval: AVal, device: Device): Tensor =>
    src.kind === "out"
      ? cpu
        ? fromHost(rt.toHost(fwd[src.offset]!), aval.shape, aval.dtype, device)
        : resultTensor(fwd[src.offset]!, aval, device)
      : valueTensor(src, aval, device, args, live, cpu);
  // written tensors (running statistics) take the forward's values
  for (const w of e.written) {
    const t = writtenTarget(w, args);
    const v = make(w.src, { shape: t.shape.slice(), dtype: t.dtype }, t.device);
    if (cpu) cpu.write(t, v);
    else payloadOf(t).value = payloadOf(v).value;
    internals(t)._vc.v++;
  }
  const built = buildResult(e, make, args);
  attachBackward(e, built.diffOuts, fwd, live, args);
  metrics.compiledReplays++;
  return { ok: true, result: built.result };
}
