// Running a graph: look its structure up in the cache, lower + compile on a
// miss, upload pending host data, execute, and turn the returned nodes into
// device data. Nodes computed inside the graph but not returned keep their
// inputs and remember where they were computed (`origin`): if one is needed
// later it is computed again from those inputs, and the graph learns to return
// it from then on, so a periodic program settles on computing every value once.
import type { AVal, DType, HostArray, Shape } from "@xlatorch/core";
import type { DeviceBuffer, Executable } from "@xlatorch/stablehlo";
import { GraphCache, type CacheEntry } from "./cache.js";
import { compileModule } from "./compile_step.js";
import { aliasingOf, type AliasPair } from "./donation.js";
import { explainRecompile, userStack } from "./explain.js";
import { dumpModule } from "./dump.js";
import { describeGraph, lowerGraph, type GraphBuilder } from "./graph.js";
import type { LazyNode, LazyValue } from "./ir.js";
import { metrics, noteCut, type CutReason } from "./metrics.js";
import { getRuntime } from "./runtime_slot.js";

export const graphCache = new GraphCache();
const now = () => performance.now();

/**
 * Device buffers of 1-element host data by value, so lifted scalars (lr, step)
 * upload once: per runtime, dtype and shape, then by value; evicted by the
 * second-chance clock (a hit only sets a flag; eviction passes over flagged
 * entries once), so constants (lr, betas, eps) stay while per-step values
 * (bias corrections) pass through.
 */
let scalarRuntime: object | null = null;
interface ScalarEntry {
  buf: DeviceBuffer;
  used: boolean;
}
const scalarBuffers = new Map<DType, Map<unknown, ScalarEntry>[]>();
let scalarCount = 0;
const SCALAR_CACHE = 256;

function upload(node: LazyNode): DeviceBuffer {
  const buf = uploadHost(node.host!, node.outs[0]!);
  node.results = [buf];
  // the node's host array is dropped: the runtime may keep it or move it (Runtime.toDeviceOwned)
  node.host = undefined;
  return buf;
}

/** The upload cache's values of `dtype` and rank `rank` on the current runtime. */
function scalarsOf(rt: object, dtype: DType, rank: number): Map<unknown, ScalarEntry> {
  if (scalarRuntime !== rt) {
    scalarBuffers.clear();
    scalarCount = 0;
    scalarRuntime = rt;
  }
  let byRank = scalarBuffers.get(dtype);
  if (!byRank) scalarBuffers.set(dtype, (byRank = []));
  return (byRank[rank] ??= new Map());
}
// Map keys equate 0 and -0
const scalarKey = (v: unknown): unknown => (Object.is(v, -0) ? "-0" : v);

/**
 * A device buffer of host data `host` with aval `a` (one element: the upload cache's); `host` is the runtime's from
 * here on. `evict` false: a value not cached is kept only while the cache has room (nothing evicted for it).
 */
export function uploadHost(host: HostArray, a: AVal, evict = true): DeviceBuffer {
  const rt = getRuntime();
  const byValue = host.length === 1 ? scalarsOf(rt, a.dtype, a.shape.length) : undefined;
  const value = byValue ? scalarKey(host[0]) : undefined;
  const hit = byValue?.get(value);
  if (hit) {
    hit.used = true;
    return hit.buf;
  }
  const buf = rt.toDeviceOwned ? rt.toDeviceOwned(host, a.dtype.name, a.shape) : rt.toDevice(host, a.dtype.name, a.shape);
  metrics.transfersToDevice++;
  metrics.bytesToDevice += host.byteLength;
  if (byValue && (evict || scalarCount < SCALAR_CACHE)) {
    if (scalarCount >= SCALAR_CACHE) evictScalar();
    byValue.set(value, { buf, used: false });
    scalarCount++;
  }
  return buf;
}

/** One array per dtype, where scalarBuffer converts a value as a fresh array of that dtype would. */
const scratch = new Map<DType, HostArray>();
const SCALAR_SHAPE: Shape = [];

/**
 * The device buffer of 0-d `dtype` data holding `value` (a compiled replay's live scalars, capture.ts), as
 * uploadHost gives it for a fresh array, without allocating one when the cache holds that value. A value not
 * cached evicts nothing: the constants (lr, betas, eps) were cached when the call was traced, and a replay's
 * per-step values (bias corrections) would each evict one, a walk over the cache's cold memory at every call.
 */
export function scalarBuffer(value: number, dtype: DType): DeviceBuffer {
  let s = scratch.get(dtype);
  if (!s) scratch.set(dtype, (s = dtype.alloc(1)));
  (s as Float64Array)[0] = value;
  const hit = scalarsOf(getRuntime(), dtype, 0).get(scalarKey(s[0]));
  if (hit) {
    hit.used = true;
    return hit.buf;
  }
  const h = dtype.alloc(1);
  (h as Float64Array)[0] = value;
  return uploadHost(h, { shape: SCALAR_SHAPE, dtype }, false);
}
function evictScalar(): void {
  // the largest group gives up its oldest value not used since the clock last passed it
  let worst: Map<unknown, ScalarEntry> | null = null;
  for (const byRank of scalarBuffers.values()) for (const m of byRank) if (m && (!worst || m.size > worst.size)) worst = m;
  for (const [k, e] of worst!) {
    worst!.delete(k);
    if (!e.used) break;
    e.used = false;
    worst!.set(k, e);
  }
  scalarCount--;
}

/** The buffer of a leaf (device data, pending host data); throws a failed execution's error. */
export function leafBuffer(v: LazyValue): DeviceBuffer {
  if (v.node.error) throw v.node.error;
  if (v.node.results) return v.node.results[v.index]!;
  if (v.node.op === "data") return upload(v.node);
  throw new Error(`xla device: internal error: ${v.node.op} value is not computed`);
}

export interface RunOptions {
  reason: CutReason;
  where?: string | null;
  /** How many of `outputs` something asked for (the rest are materialised early). */
  requested: number;
  /** Throw execution errors now instead of recording them on the outputs (debug mode). */
  rethrow?: boolean;
  /**
   * On an execution error, throw it and leave every output not computed (each can still be computed on its
   * own later) instead of recording it on all of them: the caller retries with the outputs it must have.
   */
  leaveOnFailure?: boolean;
  /** torch.compile's capture: parameters whose old value a result replaces, marked donatable in the module (donation.ts). */
  aliases?: readonly AliasPair[];
}

/** What runGraph ran: the executable, and the nodes whose outputs it returns, in order (`outputs` plus learned ones). */
export interface GraphRun {
  exe: Executable;
  outputs: LazyNode[];
  /** Per parameter, the result it is marked donatable to (tf.aliasing_output), when `aliases` gave any. */
  aliasing: (number | null)[] | null;
}

/** Executes graph `g`, returning every output of `outputs` (nodes of g in ascending position). */
export function runGraph(g: GraphBuilder, outputs: LazyNode[], o: RunOptions): GraphRun | null {
  if (g.nodes.length === 0) return null;
  const t0 = now();
  const rt = getRuntime();
  const space = spaceOf(rt);
  let entry = graphCache.find(space, g);
  if (!entry) {
    const described = describeGraph(g);
    if (graphCache.size > 0) {
      const reason = explainRecompile(described, graphCache.entries());
      metrics.lastRecompileReason = reason;
      if (process.env.XLATORCH_DEBUG_RECOMPILE) {
        console.warn(
          `[xlatorch] recompiling (${graphCache.size} graphs cached): ${reason}\n  at ${o.reason}${o.where ? ` (${o.where})` : ""}; at sync:\n${userStack()}`,
        );
      }
    }
    entry = graphCache.add(space, g, described);
  }
  if (entry.learned.size) outputs = withLearned(g, outputs, entry.learned);
  const positions = new Int32Array(outputs.length);
  for (let i = 0; i < outputs.length; i++) positions[i] = g.indexOf(outputs[i]!);
  // the donation marks are part of the module text, so of the variant (and of the persistent cache's key)
  const aliasing = o.aliases ? aliasingOf(g, outputs, o.aliases) : null;
  let variant = "";
  let exe = !aliasing && entry.lastPositions !== null && sameInts(entry.lastPositions, positions) ? entry.lastExe! : undefined;
  if (!exe) {
    variant = aliasing ? `${positions.join(",")}|${aliasing.join(",")}` : positions.join(",");
    exe = entry.variants.get(variant);
  }
  metrics.traceMs += now() - t0;
  if (exe) metrics.cachedCompiles++;
  else {
    const t1 = now();
    const module = lowerGraph(g, outputs);
    if (aliasing) module.funcs.find((f) => f.name === "main")!.aliasingOutput = aliasing;
    metrics.lowerMs += now() - t1;
    if (process.env.XLATORCH_DUMP_DIR) dumpModule(module);
    exe = compileModule(rt, module); // counts compiles; the persistent cache may load it instead
    entry.variants.set(variant, exe);
  }
  if (!aliasing) {
    entry.lastPositions = positions;
    entry.lastExe = exe;
  }
  let outs: DeviceBuffer[] | null = null;
  let failure: Error | null = null;
  const params = g.params,
    np = params.length;
  const bufs = new Array<DeviceBuffer>(np);
  const t3 = now();
  let attempted = false;
  try {
    // one pass over the parameters: a failed execution's error is passed on (nothing runs), else each one's buffer
    for (let i = 0; i < np; i++) {
      const p = params[i]!;
      if (p.node.error !== null) {
        failure = p.node.error;
        break;
      }
      bufs[i] = leafBuffer(p);
    }
    if (!failure) {
      attempted = true;
      outs = rt.execute(exe, bufs);
    }
  } catch (e) {
    failure = new Error(`xla device: executing a graph of ${g.nodes.length} ops (${summary(g)}) failed: ${(e as Error).message}`, {
      cause: e,
    });
    if (o.rethrow) throw failure;
  }
  if (failure && o.leaveOnFailure) throw failure;
  if (attempted) {
    metrics.executeMs += now() - t3;
    metrics.executions++;
  }
  let k = 0;
  for (const n of outputs) {
    if (outs) n.results = n.outs.length === 1 ? [outs[k++]!] : outs.slice(k, (k += n.outs.length));
    else n.error = failure;
    n.inputs = NO_INPUTS;
  }
  // values not returned can be computed again from their inputs, and are then learned by the graph they were
  // recorded in (through its trace's mark, ir.ts): a recompute's graph (trace.ts) computes values of that graph
  // again on the way, and were they to learn the recompute's graph instead, which the next run no longer runs,
  // each run of a program would settle one level of such a chain (tests/xla/recompute_chain.test.ts)
  g.mark.learned = entry.learned;
  metrics.valuesMaterializedEarly += Math.max(0, outputs.length - o.requested);
  noteCut({
    reason: o.reason,
    where: o.where ?? null,
    nodes: g.nodes.length,
    outputs: outputs.length,
    key: `${(g.hash >>> 0).toString(16).padStart(8, "0")}/${outputs.length}`,
  });
  return { exe, outputs, aliasing };
}

/** A computed node's inputs: none (one array for all, not a new one per returned value at every cut; never written: inputs are readonly). */
const NO_INPUTS: readonly LazyValue[] = [];

const sameInts = (a: Int32Array, b: Int32Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};
/** A runtime's cache space ("platform/devices"), made once per runtime rather than at every cut. */
let spaceRuntime: object | null = null;
let spaceText = "";
function spaceOf(rt: { platform: string; devices: readonly unknown[] }): string {
  if (rt !== spaceRuntime) {
    spaceText = `${rt.platform}/${rt.devices.join(",")}`;
    spaceRuntime = rt;
  }
  return spaceText;
}

function withLearned(g: GraphBuilder, outputs: LazyNode[], learned: Set<number>): LazyNode[] {
  // runs at every cut of a graph that learned outputs: marks, not a sorted set
  const n = g.nodes.length;
  const mark = new Uint8Array(n);
  for (let i = 0; i < outputs.length; i++) mark[g.indexOf(outputs[i]!)] = 1;
  let added = false;
  for (const l of learned)
    if (l < n && !mark[l]) {
      mark[l] = 1;
      added = true;
    }
  if (!added) return outputs;
  const merged: LazyNode[] = [];
  for (let i = 0; i < n; i++) if (mark[i]) merged.push(g.nodes[i]!);
  return merged;
}

const summary = (g: GraphBuilder) => {
  const ops = [...new Set(g.nodes.map((n) => n.op))];
  return ops.slice(0, 8).join(", ") + (ops.length > 8 ? ", ..." : "");
};
