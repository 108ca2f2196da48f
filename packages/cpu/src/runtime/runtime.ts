// The in-process CPU runtime: "compiles" a StableHLO module into a list of
// steps that call the primitive CPU kernels, with elementwise chains fused into
// single generated loops (WebAssembly SIMD for float32 chains whose ops all
// have WebAssembly emitters, JavaScript otherwise; a chain read only by a
// trailing-dims sum/max/min is computed into it, fused_reduce.ts). Buffer
// lifetimes are planned at compile time: after
// its last use an intermediate's memory goes to a pool that later fused loops
// of the same dtype and size write into, within and across executions.
// compile() plans the module (plan.ts: fusion, loops, lifetimes) and builds
// closures from the plan; the persistent compile cache stores the plan, and
// loadExecutable() builds from a stored one without planning again.
import { contiguousStrides, numelOf, type DType, type HostArray } from "@xlatorch/core";
import type { DTypeName, DeviceBuffer, Executable, Func, Module, Op, Runtime, Value } from "@xlatorch/stablehlo";
import { elementwiseLoopSite } from "../codegen.js";
import { fusedResultF32, fusedWasmFloor, wasmFusedF32 } from "../wasm/fused_module.js";
import { wasmMode } from "../wasm/wasm_env.js";
import { MultiLoop, multiFusedF32, multiTakes } from "../wasm/multi_fused_module.js";
import { fusedReductions, loopIntoReduce, reduceFromSlot, type ReduceSlot } from "./fused_reduce.js";
import { dense } from "../kernels/layout.js";
import { offerResultMemory, withdrawResultMemory } from "../kernels/result_memory.js";
import { contiguous, type Strided } from "../strided.js";
import type { CpuBuffer } from "./buffer.js";
import {
  argMemory,
  destinationArrays,
  donatedArrays,
  inPlaceSlots,
  outputSlots,
  sharedLive,
  type Donated,
  type InPlaceSlot,
  type OutputSlot,
} from "./donation.js";
import { ExecValues, leafInputs, type Step, type Vals } from "./exec_values.js";
import { groupLoops, type LoopGroup } from "./multi_output.js";
import { opRunner } from "./interpret/engine.js";
import {
  decodePlan,
  encodePlan,
  PLAN_CODE_FINGERPRINT,
  PLAN_VERSION,
  planModule,
  readsOf,
  valuePositions,
  type LoopPlan,
  type Plan,
} from "./plan.js";
import { kernelStep } from "./kernel_step.js";
import { SIMPLIFY_CODE, simplifyConfig, simplifyModule } from "./simplify.js";
import { dtypeOfElement } from "./translate.js";

export type { CpuBuffer };

/**
 * Reusable host arrays by (dtype, length). Only memory that no live value
 * aliases (views share their source's array) and that the caller does not own
 * (parameters, constants, outputs) is returned to the pool.
 */
class BufferPool {
  // by dtype, then element count (no key string built per step)
  private free = new Map<DType, Map<number, HostArray[]>>();
  /** The free arrays of (d, n): a step that always takes that size holds the list itself. */
  listOf(d: DType, n: number): HostArray[] {
    let byCount = this.free.get(d);
    if (!byCount) this.free.set(d, (byCount = new Map()));
    let list = byCount.get(n);
    if (!list) byCount.set(n, (list = []));
    return list;
  }
  /** An array of (d, n) from `list` (listOf(d, n)), else new memory. */
  take(list: HostArray[], d: DType, n: number): HostArray {
    // a large float32 value in the fused loops' memory: they write it and read it in place (storage_pool.ts)
    return list.pop() ?? (d.name === "float32" ? fusedResultF32(n) : null) ?? d.alloc(n);
  }
  give(d: DType, a: HostArray): void {
    // keyed by element count, as take() asks (a complex array holds two values per element)
    const list = this.listOf(d, d.is_complex ? a.length / 2 : a.length);
    if (list.length < keepAtMost(a.length)) list.push(a);
  }
  /** The free arrays held, per element count (all dtypes together). */
  held(): Map<number, number> {
    const out = new Map<number, number>();
    for (const byCount of this.free.values()) for (const [n, list] of byCount) out.set(n, (out.get(n) ?? 0) + list.length);
    return out;
  }
}

/**
 * How many free arrays of one size the pool keeps: 8, or as many as fill
 * POOL_LIST_ELEMENTS when they are small. A small model's backward pass
 * releases dozens of one size at once and its next execution takes them back
 * one by one: with 8 kept, the LSTM char-RNN's replay took new memory at 2,894
 * of its 6,903 loop results; with this bound, 732 (its returned results).
 * The count is bounded too: kernels' results (memory the pool never handed
 * out) are given back here, so a small size receives more than it is asked
 * for, and a bound in elements alone let the lists of tiny sizes grow to
 * hundreds of thousands of arrays (nanoGPT on xla: the heap grew 45 -> 51 MiB
 * over 7,000 steps before it levelled off).
 */
const keepAtMost = (length: number) => Math.max(8, Math.min(POOL_LIST_ARRAYS, POOL_LIST_ELEMENTS / length));
/** Array elements (1 MiB of float32) one size's free list may hold beyond its first 8 arrays. */
const POOL_LIST_ELEMENTS = 262144;
/** And at most this many arrays of one size (a backward pass releases dozens of one size at once). */
const POOL_LIST_ARRAYS = 256;

interface CpuExecutable extends Executable {
  params: Value[];
  /** One per plan step (a grouped loop's earlier members do nothing); they read and write values by position. */
  steps: Step[];
  /**
   * The plan steps that do something, in order: a constant's step (computed at build) and a group's earlier
   * members are left out, so an execution pays nothing for them. defines, reads and release go by this
   * order. (The per-step facts an execution reads are packed in typed arrays, read in order: tens of
   * thousands of small arrays, one per step, cost a cache miss each at a small model's step, measured in
   * bench/results/issue11_runtime_steps_s24.md.)
   */
  order: Int32Array;
  /** 1 where the step's results' roots are set after it from defines and reads (a step that sets none itself). */
  rootsAfter: Uint8Array;
  /** The positions such a step defines (each may be a view of a value it reads); empty for the others. */
  defines: number[][];
  /** The positions such a step reads (a result with one's memory is a view of it). */
  reads: number[][];
  /** Positions to drop after each step (their last use): relPos[relStart[j] .. relStart[j + 1]) after step j. */
  relStart: Int32Array;
  relPos: Int32Array;
  /** By position: the pool's free list for the value's dtype and element count, where its memory goes when released. */
  freeAt: HostArray[][];
  /** By position: the length of such memory (complex: -1, given back through BufferPool.give). */
  lengthAt: Int32Array;
  /** By position: how many free arrays of that length the pool keeps (keepAtMost). */
  keepAt: Float64Array;
  /** By position: the dtype name of that list (a buffer of another goes back through BufferPool.give). */
  dtypeAt: (DTypeName | null)[];
  returns: Value[];
  /** The results' positions. */
  returnsAt: number[];
  /** The bookkeeping arrays, made once (exec_values.ts). */
  values: ExecValues;
  /**
   * The running execution's values, for the evaluator's ops whose regions read values of @main, and its
   * bookkeeping arrays, where kernel steps record their results' roots (kernel_step.ts Roots).
   */
  scope: Scope;
  /** What it was built from (stored by the persistent compile cache). */
  plan: Plan;
  /** Parameters a donating caller lets a loop compute over in place (donation.ts). */
  inPlace: InPlaceSlot[];
  /** Parameters read as a leaf by a WebAssembly loop: an owned upload among them moves into the loops' memory (adopt). */
  loopParams: number[];
  /** Results a caller's destination array may receive (donation.ts). */
  outSlots: OutputSlot[];
}

type Scope = { vals: Vals; ev: ExecValues | null };

const nothing: Step = () => {};
/** (a position with no free list of its own: its memory goes back through BufferPool.give) */
const NO_LIST: HostArray[] = [];

/** The dtype of a tensor value's memory, or null for one of another type (a token, a tuple). */
function poolDtype(v: Value): DType | null {
  try {
    return Array.isArray(v.type.shape) ? dtypeOfElement(v.type.element) : null;
  } catch {
    return null;
  }
}

export class CpuRuntime implements Runtime {
  readonly platform = "cpu-runtime";
  readonly devices = ["cpu:0"] as const;

  /** `entry` names the function to run (default @main); others are reachable by func.call. */
  compile(module: Module, entry = "main"): CpuExecutable {
    // (simplify.ts: the autograd graphs' zero-pad sums and layout chains as fewer steps, same bits)
    const m = simplifyModule(module, entry);
    const main = mainOf(m, entry);
    return this.build(main, planModule(main), m);
  }

  /** Persistent compile cache: the plan's format and the code that generates what it stores. */
  cacheIdentity(): string {
    return `${this.platform} plan ${PLAN_VERSION} code ${PLAN_CODE_FINGERPRINT} simplify ${simplifyConfig.on ? SIMPLIFY_CODE : "off"}`;
  }
  serializeExecutable(exe: Executable): Uint8Array {
    return encodePlan((exe as CpuExecutable).plan);
  }
  /** An executable of `module` from a plan serializeExecutable stored; throws when the plan does not fit the module. */
  loadExecutable(bytes: Uint8Array, module: Module): CpuExecutable {
    // (the plan is of the simplified module, as compile() made it)
    const m = simplifyModule(module);
    const main = mainOf(m);
    return this.build(main, decodePlan(bytes, main), m);
  }

  /** The steps' closures, lifetimes and ownership of `plan`. */
  private build(main: Func, plan: Plan, module: Module): CpuExecutable {
    const { pos, values } = valuePositions(main);
    const at = (v: Value) => pos.get(v.id)!;
    const scope: Scope = { vals: [], ev: null };
    // (v: a value of @main a region reads; undefined for any other, as the evaluator's scopes answer)
    const lookup = (v: Value) => scope.vals[pos.get(v.id) ?? -1]!;
    const steps: Step[] = [];
    const defines: number[][] = [];
    // the memory of a fused loop's result, or a kernel's that is no view, is the execution's (exec_values.ts)
    const mine = new Uint8Array(values.length);
    const reads: number[][] = [];
    // a float32 loop whose only reader is a reduction: one step computes both where it can (fused_reduce.ts)
    const into = fusedReductions(main, plan);
    // float32 loops over one shape that share operands or read one another: one loop for them all (multi_output.ts)
    const ownSlots = inPlaceSlots(main, plan, values);
    const grouping = groupLoops(main, plan, new Set(into.keys()), ownSlots);
    const groupAt = new Map<number, LoopGroup>(grouping?.groups.map((g) => [g.members[g.members.length - 1]!, g]));
    const slots = new Map<number, ReduceSlot>();
    /** The constants' values by position: in place before every execution, never released. */
    const consts: [number, CpuBuffer][] = [];
    for (let i = 0; i < plan.steps.length; i++) {
      const s = plan.steps[i]!;
      const op = main.body[s.op]!;
      const red = into.get(s.op);
      const slot = slots.get(s.op);
      const group = groupAt.get(i);
      if (group) {
        const outs = group.members.map((m) => main.body[plan.steps[m]!.op]!.results[0]!);
        for (const o of outs) mine[at(o)] = 1;
        defines.push([]);
        const members = group.members.map((m, k) => this.loopStep(plan.steps[m]!.loop!, outs[k]!, at));
        steps.push(this.groupStep(group, outs, members, at));
        reads.push([]);
        continue;
      }
      if (grouping?.runsAt.has(i)) {
        // an earlier member: its group's step computes it
        defines.push([]);
        steps.push(nothing);
        reads.push([]);
        continue;
      }
      if (op.name === "stablehlo.constant") {
        // computed here, once: its buffer is the same at every execution (interpret/engine.ts), kept in its place
        const b = opRunner(op, module)([], lookup);
        op.results.forEach((r, k) => consts.push([at(r), b[k]!]));
        defines.push([]);
        steps.push(nothing);
        reads.push([]);
        continue;
      }
      // a kernel step of its own (not wrapped) records its result's root itself (kernel_step.ts Roots)
      const own = s.loop ? null : this.step(op, module, at, lookup, slot ? null : scope);
      const rooted = own !== null && own.rooted;
      // (an op with regions the evaluator runs may return memory its region keeps: never the execution's; a
      // reduce's own kernel step returns the kernel's new memory, or a view it records, as other kernels)
      if (!op.regions?.length || rooted) for (const r of op.results) mine[at(r)] = 1;
      defines.push(s.loop || rooted ? [] : op.results.map(at));
      reads.push(s.loop || rooted ? [] : readsOf(op).map((v) => pos.get(v.id) ?? -1));
      if (s.loop && red) {
        const sl: ReduceSlot = { result: null };
        slots.set(red.op, sl);
        steps.push(loopIntoReduce(s.loop, red, sl, this.loopStep(s.loop, op.results[0]!, at)));
      } else if (slot) steps.push(reduceFromSlot(op, slot, own!.step, at));
      else steps.push(own !== null ? own.step : this.loopStep(s.loop!, op.results[0]!, at));
    }
    const kept = new Set(consts.map(([p]) => p));
    const released = (grouping?.release ?? plan.release).map((r) => r.filter((p) => !kept.has(p)));
    // a step that does nothing reads nothing: what the plan drops after it is dropped after the step before (or
    // before the first that runs, after the parameters' step), which is the same point of the execution
    const order: number[] = [];
    const release: number[][] = [];
    const early: number[] = [];
    for (let i = 0; i < steps.length; i++) {
      if (steps[i] === nothing) (release.length ? release[release.length - 1]! : early).push(...released[i]!);
      else {
        order.push(i);
        release.push(order.length === 1 ? [...early, ...released[i]!] : [...released[i]!]);
      }
    }
    const runDefines = order.map((i) => defines[i]!),
      runReads = order.map((i) => reads[i]!);
    const relStart = new Int32Array(order.length + 1);
    for (let j = 0; j < order.length; j++) relStart[j + 1] = relStart[j]! + release[j]!.length;
    // each position's free list, looked up once here instead of at every release
    const dtypes = values.map((v) => poolDtype(v));
    const freeAt = values.map((v, p) => (dtypes[p] ? this.pool.listOf(dtypes[p], numelOf(v.type.shape)) : NO_LIST));
    const lengthAt = Int32Array.from(values, (v, p) => (dtypes[p] && !dtypes[p].is_complex ? numelOf(v.type.shape) : -1));
    const keepAt = Float64Array.from(lengthAt, (n) => (n > 0 ? keepAtMost(n) : 0));
    const inPlace = grouping ? inPlaceSlots(main, plan, values, grouping.runsAt) : ownSlots;
    const outSlots = outputSlots(main, plan, values, grouping?.runsAt);
    const leafPos = new Set(plan.steps.flatMap((s) => (s.loop?.wasm !== undefined ? s.loop.leaves : [])));
    const loopParams = main.params.flatMap((_, i) => (leafPos.has(i) ? [i] : []));
    return {
      numOutputs: main.returns.length,
      params: main.params,
      order: Int32Array.from(order),
      steps,
      rootsAfter: Uint8Array.from(runDefines, (d) => (d.length !== 0 ? 1 : 0)),
      defines: runDefines,
      reads: runReads,
      relStart,
      relPos: Int32Array.from(release.flat()),
      freeAt,
      lengthAt,
      keepAt,
      dtypeAt: dtypes.map((d) => (d ? d.name : null)),
      returns: main.returns,
      returnsAt: main.returns.map(at),
      values: new ExecValues(mine, consts),
      scope,
      plan,
      inPlace,
      loopParams,
      outSlots,
    };
  }

  /** A fused elementwise loop writing `out`. */
  private loopStep(l: LoopPlan, out: Value, at: (v: Value) => number): Step {
    const fn = elementwiseLoopSite(l.leaves.length, l.reads, l.body);
    const leaves = l.leaves;
    const views = l.views;
    const outAt = at(out);
    const shape = out.type.shape;
    const n = numelOf(shape);
    const strides = contiguousStrides(shape);
    const d = dtypeOfElement(out.type.element);
    const tree = l.wasm;
    // below WebAssembly's size for this tree the call would decline: it is not made (but under XLATORCH_WASM=always)
    const small = tree !== undefined && n < fusedWasmFloor(tree);
    const pool = this.pool;
    const free = pool.listOf(d, n);
    // a loop with no leaf read through a view reads its leaves' own payloads: one array per step holds them
    // (nothing keeps it past the call: the loops and wasmFusedF32 read it while they run)
    const own = views === undefined ? new Array<Strided>(leaves.length) : null;
    const nLeaves = leaves.length;
    return (vals) => {
      const data = (this.into !== null ? this.into.get(outAt) : undefined) ?? pool.take(free, d, n);
      let ins: Strided[];
      if (own !== null) {
        for (let i = 0; i < nLeaves; i++) own[i] = vals[leaves[i]!]!.s;
        ins = own;
      } else ins = leafInputs(vals, leaves, views);
      // float32 chains as a WebAssembly SIMD loop where it takes them (wasm/fused_module.ts), else the JavaScript loop
      if (
        tree === undefined ||
        (small && wasmMode() !== "always") ||
        !(data instanceof Float32Array) ||
        !wasmFusedF32(tree, ins, shape, data)
      )
        fn(data, shape, ins);
      // (strides are never written in place: one array serves every execution)
      vals[outAt] = { dtype: d.name, shape, s: { data, offset: 0, strides } };
    };
  }

  /**
   * A group of float32 loops over one shape (multi_output.ts) as one
   * WebAssembly loop writing every member's result; where that path declines,
   * the members' own steps in their order.
   */
  private groupStep(g: LoopGroup, outs: readonly Value[], members: readonly Step[], at: (v: Value) => number): Step {
    const loop = new MultiLoop(g.roots, g.leaves.length);
    const leaves = g.leaves;
    const views = g.views;
    const outAt = outs.map(at);
    const shape = outs[0]!.type.shape;
    const n = numelOf(shape);
    const strides = contiguousStrides(shape);
    const f32 = dtypeOfElement(outs[0]!.type.element);
    const pool = this.pool;
    const free = pool.listOf(f32, n);
    return (vals) => {
      const ins = leafInputs(vals, leaves, views);
      if (!multiTakes(loop, ins, shape, n)) {
        for (const m of members) m(vals);
        return;
      }
      const arrays = new Array<Float32Array>(outAt.length);
      for (let k = 0; k < outAt.length; k++)
        arrays[k] = ((this.into !== null ? this.into.get(outAt[k]!) : undefined) ?? pool.take(free, f32, n)) as Float32Array;
      multiFusedF32(loop, ins, shape, n, arrays);
      for (let k = 0; k < outAt.length; k++) vals[outAt[k]!] = { dtype: f32.name, shape, s: { data: arrays[k]!, offset: 0, strides } };
    };
  }

  /**
   * A kernel step, or the reference evaluator's (interpret/engine.ts picks; it refuses what neither computes).
   * With `roots`, a kernel step records its result's root itself (`rooted`: it does; kernel_step.ts Roots).
   */
  private step(
    op: Op,
    module: Module,
    at: (v: Value) => number,
    lookup: (v: Value) => CpuBuffer,
    roots: Scope | null,
  ): { step: Step; rooted: boolean } {
    const run = opRunner(op, module);
    const operands = op.operands.map(at);
    const outs = op.results.map(at);
    // the pool's free arrays of the result's dtype and size, offered to its kernel (result_memory.ts) where the
    // result is the execution's memory, so that it comes back to the pool after its last use: a kernel step
    // that records its result's root, or an op without regions that the evaluator runs (a gather, a
    // dynamic_slice: execute() finds its root)
    const d = op.results.length === 1 ? poolDtype(op.results[0]!) : null;
    const length = d !== null && !d.is_complex ? numelOf(op.results[0]!.type.shape) : -1;
    const free = length >= 0 ? this.pool.listOf(d!, length) : null;
    const direct = kernelStep(run, operands, outs, roots, roots !== null ? free : null);
    if (direct) return { step: direct, rooted: roots !== null };
    const offer = op.regions?.length ? null : free;
    const name = d !== null ? d.name : "";
    const step: Step = (vals) => {
      const ins = new Array<CpuBuffer>(operands.length);
      for (let i = 0; i < operands.length; i++) ins[i] = vals[operands[i]!]!;
      if (offer !== null) offerResultMemory(offer, name, length);
      const res = run(ins, lookup);
      if (offer !== null) withdrawResultMemory();
      for (let i = 0; i < outs.length; i++) vals[outs[i]!] = res[i]!;
    };
    return { step, rooted: false };
  }

  toDevice(data: HostArray, dtype: DTypeName, shape: readonly number[]): CpuBuffer {
    return { dtype, shape: [...shape], s: contiguous(data, shape) };
  }
  /**
   * An array handed over (the lazy device's uploads) is kept as toDevice
   * keeps it, marked as the runtime's own: the first execution whose
   * WebAssembly loop reads it copies a large float32 one into the loops'
   * memory (adopt), where every later loop reads it in place (and splits
   * across the threads from THREAD_MIN.inPlace values) instead of copying it
   * in at each execution. One only a kernel reads (a matmul's input) is never
   * copied.
   */
  toDeviceOwned(data: HostArray, dtype: DTypeName, shape: readonly number[]): CpuBuffer {
    const b: OwnedBuffer = this.toDevice(data, dtype, shape);
    if (data instanceof Float32Array) b.owned = true;
    return b;
  }
  private readonly pool = new BufferPool();
  /** How many free arrays the buffer pool holds, by element count (for memory checks: the pool is bounded per size). */
  pooledArrays(): Map<number, number> {
    return this.pool.held();
  }
  /** The donated arrays the loops of the running step write into, by the position of the value each computes (during that step only). */
  private into: Map<number, HostArray> | null = null;

  /**
   * `donate[i]`: argument i's memory may be reused for the result its
   * parameter is aliased to (tf.aliasing_output); the caller reads its old
   * value no more. Where donation.ts finds it safe, that result is returned in
   * the argument's own array. `dest[k]`: an array the caller owns and does not
   * read during the execution, where result k may be computed (a cpu
   * tensor's storage it is stored into afterwards); where donation.ts finds it
   * safe, result k is returned in that array.
   */
  execute(
    exe: Executable,
    args: readonly DeviceBuffer[],
    donate?: readonly boolean[],
    dest?: readonly (HostArray | null | undefined)[],
  ): CpuBuffer[] {
    const e = exe as CpuExecutable;
    for (const i of e.loopParams) if ((args[i] as OwnedBuffer).owned) adopt(args[i] as OwnedBuffer);
    const bufs = args as readonly CpuBuffer[];
    const donated = (donate && e.inPlace.length) || (dest && e.outSlots.length) ? this.intoArrays(e, bufs, donate, dest) : null;
    // the steps that may compute into those arrays, in order
    const donatedSteps = donated ? [...donated.keys()].sort((a, b) => a - b) : null;
    let nextDonated = donatedSteps ? donatedSteps[0]! : -1,
      di = 0;
    // (an execution inside one of this executable's steps: its own arrays)
    const x = e.values.busy ? new ExecValues(e.values.mine, e.values.consts) : e.values;
    x.busy = true;
    const { mine, root, views } = x;
    const vals = x.values();
    const outer = e.scope.vals,
      outerEv = e.scope.ev;
    e.scope.vals = vals;
    e.scope.ev = x;
    try {
      // parameters are the first positions; their memory is the caller's (not mine)
      for (let i = 0; i < bufs.length; i++) vals[i] = bufs[i];
      const { steps, order, rootsAfter, defines, reads, relStart, relPos, freeAt, lengthAt, keepAt, dtypeAt } = e;
      for (let j = 0; j < order.length; j++) {
        const i = order[j]!;
        let into: Map<number, HostArray> | null = null;
        if (i === nextDonated) {
          for (const d of donated!.get(i)!) if (!sharedLive(vals, d.aliases, d.data)) (into ??= new Map()).set(d.outPos, d.data);
          nextDonated = ++di < donatedSteps!.length ? donatedSteps![di]! : -1;
        }
        if (into) {
          this.into = into;
          try {
            steps[i]!(vals);
          } finally {
            this.into = null;
          }
        } else steps[i]!(vals);
        // a kernel's result is new memory, or a view of a value it reads (or of an earlier result of it)
        if (rootsAfter[j] === 1) {
          const df = defines[j]!;
          const rs = reads[j]!;
          for (let k = 0; k < df.length; k++) {
            const p = df[k]!;
            const b = vals[p];
            if (b === undefined) continue;
            const data = b.s.data;
            let r = p;
            for (let j = 0; j < rs.length; j++) {
              const v = vals[rs[j]!];
              if (v !== undefined && v.s.data === data) {
                r = root[rs[j]!]!;
                break;
              }
            }
            for (let j = 0; r === p && j < k; j++) if (vals[df[j]!]?.s.data === data) r = root[df[j]!]!;
            root[p] = r;
            if (r !== p) views[r]!++;
          }
        }
        for (let k = relStart[j]!, end = relStart[j + 1]!; k < end; k++) {
          const p = relPos[k]!;
          const b = vals[p];
          // (a loop computed into its reduction defines no value: fused_reduce.ts)
          if (b === undefined) continue;
          vals[p] = undefined;
          const r = root[p]!;
          // another live value holds the memory still, or it is not the execution's
          if (views[r] !== 0) views[r]!--;
          else if (mine[r] === 1) {
            const a = b.s.data;
            // its own memory of its own size: the list found at build (a view's memory, of its root's size: by size now)
            if (r === p && a.length === lengthAt[p] && b.dtype === dtypeAt[p]) {
              const list = freeAt[p]!;
              if (list.length < keepAt[p]!) list.push(a);
            } else this.pool.give(dtypeOf(b.dtype), a);
          }
        }
      }
      const ret = e.returnsAt;
      const out = new Array<CpuBuffer>(ret.length);
      for (let k = 0; k < ret.length; k++) out[k] = vals[ret[k]!]!;
      return out;
    } finally {
      e.scope.vals = outer;
      e.scope.ev = outerEv;
      x.reset();
    }
  }
  /** The donated and destination arrays of this call by the step that may compute into them (donation.ts), or null. */
  private intoArrays(
    e: CpuExecutable,
    bufs: readonly CpuBuffer[],
    donate?: readonly boolean[],
    dest?: readonly (HostArray | null | undefined)[],
  ): Map<number, Donated[]> | null {
    let mem: Map<object, number> | null = null;
    const argMem = () => (mem ??= argMemory(bufs));
    let donated = donatedArrays(e.inPlace, bufs, donate, argMem);
    const dests = dest && e.outSlots.length ? destinationArrays(e.outSlots, dest, argMem, donated) : null;
    if (dests) {
      donated ??= new Map();
      for (const [step, list] of dests) donated.set(step, [...(donated.get(step) ?? []), ...list]);
    }
    return donated;
  }
  toHost(b: DeviceBuffer): HostArray {
    const c = b as CpuBuffer;
    return dense(c.s, c.shape, dtypeOfElementName(c.dtype));
  }
  dispose(_x: Executable | DeviceBuffer): void {
    /* garbage collected */
  }
  /** Nothing to wait for: execute() has finished its work when it returns. */
  synchronize(): void {}
}

import { dtypeOf } from "@xlatorch/core";
const dtypeOfElementName = (d: DTypeName) => dtypeOf(d);

/** A buffer toDeviceOwned made: `owned` until adopt() has looked at it. */
type OwnedBuffer = CpuBuffer & { owned?: boolean; s: Strided };

/**
 * Moves an owned upload's values into the fused loops' memory (storage_pool.ts), where loops read them in
 * place: the buffer object the caller holds gets the new storage (equal values; nothing else reads the
 * handed-over array). Below the pool's size, or with no room, it stays where it is.
 */
function adopt(b: OwnedBuffer): void {
  b.owned = false;
  const src = b.s.data as Float32Array;
  const a = fusedResultF32(src.length);
  if (!a) return;
  a.set(src);
  b.s = { data: a, offset: b.s.offset, strides: b.s.strides };
}

function mainOf(module: Module, entry = "main"): Func {
  const main = module.funcs.find((f) => f.name === entry);
  if (!main) throw new Error(`cpu runtime: module has no @${entry} function`);
  return main;
}
