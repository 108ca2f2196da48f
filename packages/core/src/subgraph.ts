// Sub-graphs: a function of tensors traced once into plain data (primitive
// applications over numbered values), which the control-flow primitives
// (prims_control.ts) carry as attributes. Plain data because every device must
// see the same thing: the xla device hashes it into the graph key like any
// other attribute, the lowering turns it into a StableHLO region, the CPU
// kernel interprets it.
//
// Tracing swaps the backend of the traced device (capture_hooks' backendFor,
// chained on whatever capture is already installed, so torch.compile and
// nested control flow keep working) for a recorder whose payloads are value
// numbers. A tensor from outside the function (a weight the body closes over, a
// constant it makes) becomes a captured input of the sub-graph: the op passes
// it as an operand, so autograd and the xla device see it as one.
import { captureHooks, setCaptureHooks, type CaptureHooks } from "./capture_hooks.js";
import { bind, fromHost } from "./dispatch.js";
import { getBackend, type Device, type DeviceBackend, type Payload } from "./device.js";
import { int64, type DType, type HostArray } from "./dtype.js";
import { TorchError } from "./errors.js";
import { no_grad } from "./grad_mode.js";
import { internals } from "./internal.js";
import { getPrimitive, type AVal, type Primitive } from "./primitive.js";
import { P } from "./prims.js";
import type { Eqn, SubGraph } from "./prims_control.js";
import { contiguousStrides, type Shape } from "./shape.js";
import { Tensor } from "./tensor.js";
import { writeThroughReinterpret } from "./view_reinterpret.js";

export interface Traced {
  graph: SubGraph;
  /** The captured tensors, inputs nOperands.. of the graph. */
  consts: Tensor[];
}

const plainAval = (a: AVal): AVal => ({ shape: a.shape.slice(), dtype: a.dtype });

/** A traced value: its number in the recorder (numbers are renumbered when the trace ends). */
class TracerPayload {
  constructor(
    readonly rec: Recorder,
    public v: number,
    /** For views: the version of the base this value was derived at. */
    public seen: number,
  ) {}
}

class Recorder implements DeviceBackend {
  readonly type: string;
  private next = 0;
  readonly eqns: (Eqn & { outVars: number[] })[] = [];
  /** Captured outer tensors and their value numbers. */
  readonly consts = new Map<Tensor, number>();
  open = true;

  constructor(
    readonly what: string,
    readonly device: Device,
    readonly outer: DeviceBackend,
  ) {
    this.type = device.type;
  }

  fresh(): number {
    return this.next++;
  }

  private mine(t: Tensor): TracerPayload | null {
    const p = internals(t)._payload;
    if (!(p instanceof TracerPayload)) return null;
    if (p.rec !== this || !this.open)
      throw new TorchError(
        `${this.what}: a tensor computed inside a traced function (a branch or loop body) is used outside it; return it from the function instead`,
      );
    return p;
  }

  /** The value number of a tensor: a traced one, or an outer tensor captured as an input. */
  varOf(t: Tensor): number {
    const p = this.mine(t);
    if (!p) {
      let v = this.consts.get(t);
      if (v === undefined) this.consts.set(t, (v = this.fresh()));
      return v;
    }
    const ti = internals(t);
    // a view of a value written in place since: re-derived from its base, as the xla device does
    if (ti._base && p.seen !== ti._vc.v) {
      const fresh = no_grad(() => ti._viewFn!(ti._base!));
      p.v = this.varOf(fresh);
      p.seen = ti._vc.v;
    }
    return p.v;
  }

  run(prim: Primitive, inputs: readonly Tensor[], attrs: unknown, outs: readonly AVal[]): Payload[] {
    const ins = inputs.map((t) => this.varOf(t));
    const outVars = outs.map(() => this.fresh());
    this.eqns.push({ op: prim.name, ins, attrs, outs: outs.map(plainAval), outVars });
    const seen = prim.isView ? internals(inputs[0]!)._vc.v : 0;
    return outVars.map((v) => new TracerPayload(this, v, seen));
  }
  fromHost(data: HostArray, shape: Shape, dtype: DType): Payload {
    // data made inside the function (a constant, torch.ones(...)) is an outer tensor the graph captures
    const t = new Tensor(this.outer.fromHost(data, shape, dtype), shape, dtype, this.device);
    const v = this.fresh();
    this.consts.set(t, v);
    return new TracerPayload(this, v, 0);
  }
  toHost(t: Tensor): HostArray {
    if (this.mine(t))
      throw new TorchError(
        `${this.what}: a traced function read a tensor's value on the host (.item(), .tolist(), printing, or a Python condition on a tensor); its values are not known while it is traced: use torch.cond / torch.where for data-dependent choices`,
      );
    return this.outer.toHost(t);
  }
  write(target: Tensor, value: Tensor): void {
    const ti = internals(target);
    const base = ti._base ?? target;
    const bp = this.mine(base);
    if (!bp)
      throw new TorchError(
        `${this.what}: a traced function wrote in place to a tensor from outside it (shape [${target.shape.join(", ")}]); such functions must not mutate their inputs or captured tensors: return the new value instead`,
      );
    if (!ti._base) {
      bp.v = this.varOf(value);
      return;
    }
    // through a view: a scatter of the view's positions into the base (as the xla device)
    no_grad(() => {
      // through view_as_real, real/imag, view(dtype): scatter and bitcast back (view_reinterpret.ts)
      const nb = writeThroughReinterpret(base, target, value);
      if (nb) {
        bp.v = this.varOf(nb);
        return;
      }
      const iota = bind(P.iota!, [], { shape: [base.numel()], dim: 0, dtype: int64 }, base.device)[0]!;
      const positions = ti._viewFn!(iota.reshape(base.shape.slice()));
      const flat = bind(P.scatter!, [base.reshape(-1), positions.reshape(-1, 1), value.reshape(-1)], { reduce: "none" })[0]!;
      bp.v = this.varOf(flat.reshape(base.shape.slice()));
    });
  }
  strides(t: Tensor): number[] {
    return this.mine(t) ? contiguousStrides(t.shape) : (this.outer.strides?.(t) ?? contiguousStrides(t.shape));
  }
  storageOffset(t: Tensor): number {
    return this.mine(t) ? 0 : (this.outer.storageOffset?.(t) ?? 0);
  }
  peekHost(t: Tensor): HostArray | null {
    return this.mine(t) ? null : (this.outer.peekHost?.(t) ?? null);
  }
}

/** Whether `t` is a value of a function being traced (its data is not known yet). */
export const isTraced = (t: Tensor): boolean => internals(t)._payload instanceof TracerPayload;

/** Hooks that hand `device`'s ops to `rec` and everything else to the capture already installed (if any). */
function chainedHooks(prev: CaptureHooks | null, rec: Recorder): CaptureHooks {
  const none = (what: string) => (): never => {
    throw new Error(`internal error: capture hook ${what} called with no capture`);
  };
  const traced = (d: Device) => d.equals(rec.device);
  return {
    // the traced device counts as captured, so random draws come here (liveData) instead of becoming constants
    captures: (d) => traced(d) || (prev?.captures(d) ?? false),
    backendFor: (d) => (traced(d) ? rec : (prev?.backendFor(d) ?? null)),
    liveScalar: (r, dt, d) => {
      if (prev?.captures(d)) return prev.liveScalar(r, dt, d);
      if (!traced(d)) return none("liveScalar")();
      // a host number read while tracing: a constant of the sub-graph (liveScalar's dtypes are float32/float64)
      const a = dt.alloc(1) as Float64Array;
      a[0] = r();
      return fromHost(a, [], dt, d);
    },
    effect: (r) => prev?.effect(r),
    liveData: (dr, s, dt, d) => {
      // drawn once when traced, a loop body would reuse the same numbers every trip (and the cpu device's
      // traces would advance the generator before the eager run): refused
      if (traced(d))
        throw new TorchError(
          `${rec.what}: random numbers (torch.rand, dropout, ...) inside a traced function (a branch or loop body) are not supported; draw them outside and pass them in as operands`,
        );
      return prev ? prev.liveData(dr, s, dt, d) : none("liveData")();
    },
    guard: (r, v, w) => prev?.guard(r, v, w),
    unsupported: (r) => prev?.unsupported(r),
    gradEvent: (l, k, b) => prev?.gradEvent(l, k, b),
  };
}

/**
 * Traces `fn` on placeholders of `inAvals` on `device` (without autograd unless
 * `withGrad`): returns its graph, whose inputs are the placeholders and then
 * the tensors it captured. `what` names the op in errors.
 */
export function traceSubGraph(
  what: string,
  device: Device,
  inAvals: readonly AVal[],
  fn: (args: Tensor[]) => Tensor[],
  withGrad = false,
): Traced {
  const prev = captureHooks();
  const outer = prev?.backendFor(device) ?? getBackend(device.type);
  const rec = new Recorder(what, device, outer);
  const args = inAvals.map((a) => new Tensor(new TracerPayload(rec, rec.fresh(), 0), a.shape, a.dtype, device));
  setCaptureHooks(chainedHooks(prev, rec));
  let results: Tensor[];
  let outVars: number[];
  try {
    results = withGrad ? fn(args) : no_grad(() => fn(args));
    outVars = results.map((t) => rec.varOf(t));
  } finally {
    setCaptureHooks(prev);
    rec.open = false;
  }
  return finish(rec, inAvals, outVars);
}

/** Renumbers the recording (inputs, captured tensors, then results) keeping only what the outputs need. */
function finish(rec: Recorder, argAvals: readonly AVal[], outVars: number[]): Traced {
  const nArgs = argAvals.length;
  const live = new Set<number>(outVars);
  const keep: boolean[] = new Array(rec.eqns.length).fill(false);
  for (let i = rec.eqns.length - 1; i >= 0; i--) {
    const e = rec.eqns[i]!;
    if (e.outVars.some((v) => live.has(v))) {
      keep[i] = true;
      for (const v of e.ins) live.add(v);
    }
  }
  const num = new Map<number, number>();
  for (let i = 0; i < nArgs; i++) num.set(i, i);
  const consts: Tensor[] = [];
  const inputs: AVal[] = argAvals.map(plainAval);
  for (const [t, v] of rec.consts) {
    if (!live.has(v)) continue;
    num.set(v, nArgs + consts.length);
    consts.push(t);
    inputs.push(plainAval(t));
  }
  let n = nArgs + consts.length;
  const eqns: Eqn[] = [];
  rec.eqns.forEach((e, i) => {
    if (!keep[i]) return;
    eqns.push({ op: e.op, ins: e.ins.map((v) => num.get(v)!), attrs: e.attrs, outs: e.outs });
    for (const v of e.outVars) num.set(v, n++);
  });
  return { graph: { inputs, eqns, outputs: outVars.map((v) => num.get(v)!) }, consts };
}

/**
 * The graphs of several traces over one input list: the shared explicit
 * operands, then every trace's captured tensors (each once). Each graph is
 * rewritten to take that whole list, ignoring what it does not read.
 */
export function unifyInputs(traced: readonly Traced[], nArgs: number): { graphs: SubGraph[]; consts: Tensor[] } {
  const consts: Tensor[] = [];
  const index = new Map<Tensor, number>();
  for (const t of traced)
    for (const c of t.consts)
      if (!index.has(c)) {
        index.set(c, nArgs + consts.length);
        consts.push(c);
      }
  const graphs = traced.map((t) => {
    const avals = [...t.graph.inputs.slice(0, nArgs), ...consts.map(plainAval)];
    const map = [...Array(nArgs).keys(), ...t.consts.map((c) => index.get(c)!)];
    return remapInputs(t.graph, avals, map);
  });
  return { graphs, consts };
}

/** `g` over new inputs `avals`: its input i is new input map[i]. */
export function remapInputs(g: SubGraph, avals: readonly AVal[], map: readonly number[]): SubGraph {
  const nOld = g.inputs.length,
    nNew = avals.length;
  const f = (v: number) => (v < nOld ? map[v]! : v - nOld + nNew);
  return {
    inputs: avals.map(plainAval),
    eqns: g.eqns.map((e) => ({ ...e, ins: e.ins.map(f) })),
    outputs: g.outputs.map(f),
  };
}

/** Runs a sub-graph by binding its primitives on `inputs` (any device; recorded by autograd when it is on). */
export function evalSubGraph(g: SubGraph, inputs: readonly Tensor[]): Tensor[] {
  const vals: Tensor[] = [...inputs];
  for (const e of g.eqns) {
    const outs = bind(
      getPrimitive(e.op),
      e.ins.map((v) => vals[v]!),
      e.attrs,
    );
    vals.push(...outs);
  }
  return g.outputs.map((v) => vals[v]!);
}

export const avalKey = (a: AVal): string => `${a.dtype.name}[${a.shape.slice().join(", ")}]`;
