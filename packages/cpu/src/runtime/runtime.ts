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
import { elementwiseLoop } from "../codegen.js";
import { fusedResultF32, wasmFusedF32 } from "../wasm/fused_module.js";
import { MultiLoop, multiFusedF32, multiTakes } from "../wasm/multi_fused_module.js";
import { fusedReductions, loopIntoReduce, reduceFromSlot, type ReduceSlot } from "./fused_reduce.js";
import { dense } from "../kernels/layout.js";
import { contiguous, type Strided } from "../strided.js";
import type { CpuBuffer } from "./buffer.js";
import {
  argMemory,
  destinationArrays,
  donatedArrays,
  inPlaceSlots,
  outputSlots,
  sharedInEnv,
  type InPlaceSlot,
  type OutputSlot,
} from "./donation.js";
import { groupLoops, type LoopGroup } from "./multi_output.js";
import { opRunner } from "./interpret/engine.js";
import {
  decodePlan,
  encodePlan,
  PLAN_CODE_FINGERPRINT,
  PLAN_VERSION,
  planModule,
  valuePositions,
  type LoopPlan,
  type Plan,
} from "./plan.js";
import { dtypeOfElement } from "./translate.js";

export type { CpuBuffer };

type Env = Map<number, CpuBuffer>;

/**
 * Reusable host arrays by (dtype, length). Only memory that no live value
 * aliases (views share their source's array) and that the caller does not own
 * (parameters, constants, outputs) is returned to the pool.
 */
class BufferPool {
  // by dtype, then element count (no key string built per step)
  private free = new Map<DType, Map<number, HostArray[]>>();
  take(d: DType, n: number): HostArray {
    const list = this.free.get(d)?.get(n);
    // a large float32 value in the fused loops' memory: they write it and read it in place (storage_pool.ts)
    return list?.pop() ?? (d.name === "float32" ? fusedResultF32(n) : null) ?? d.alloc(n);
  }
  give(d: DType, a: HostArray): void {
    // keyed by element count, as take() asks (a complex array holds two values per element)
    const n = d.is_complex ? a.length / 2 : a.length;
    let byCount = this.free.get(d);
    if (!byCount) this.free.set(d, (byCount = new Map()));
    let list = byCount.get(n);
    if (!list) byCount.set(n, (list = []));
    if (list.length < 8) list.push(a);
  }
}
type Step = (env: Env) => void;

interface CpuExecutable extends Executable {
  params: Value[];
  steps: Step[];
  /** Values to drop after each step (their last use). */
  release: number[][];
  /** Steps that produce constants (their memory is reused by every execution). */
  constantSteps: Set<number>;
  /** The value ids each step defines. */
  defines: number[][];
  returns: Value[];
  /** What it was built from (stored by the persistent compile cache). */
  plan: Plan;
  /** Parameters a donating caller lets a loop compute over in place (donation.ts). */
  inPlace: InPlaceSlot[];
  /** Parameters read as a leaf by a WebAssembly loop: an owned upload among them moves into the loops' memory (adopt). */
  loopParams: number[];
  /** Results a caller's destination array may receive (donation.ts). */
  outSlots: OutputSlot[];
}

export class CpuRuntime implements Runtime {
  readonly platform = "cpu-runtime";
  readonly devices = ["cpu:0"] as const;

  /** `entry` names the function to run (default @main); others are reachable by func.call. */
  compile(module: Module, entry = "main"): CpuExecutable {
    const main = mainOf(module, entry);
    return this.build(main, planModule(main), module);
  }

  /** Persistent compile cache: the plan's format and the code that generates what it stores. */
  cacheIdentity(): string {
    return `${this.platform} plan ${PLAN_VERSION} code ${PLAN_CODE_FINGERPRINT}`;
  }
  serializeExecutable(exe: Executable): Uint8Array {
    return encodePlan((exe as CpuExecutable).plan);
  }
  /** An executable of `module` from a plan serializeExecutable stored; throws when the plan does not fit the module. */
  loadExecutable(bytes: Uint8Array, module: Module): CpuExecutable {
    const main = mainOf(module);
    return this.build(main, decodePlan(bytes, main), module);
  }

  /** The steps' closures, lifetimes and constants of `plan`. */
  private build(main: Func, plan: Plan, module: Module): CpuExecutable {
    const { values } = valuePositions(main);
    const steps: Step[] = [];
    const constantSteps = new Set<number>();
    const defines: number[][] = [];
    // a float32 loop whose only reader is a reduction: one step computes both where it can (fused_reduce.ts)
    const into = fusedReductions(main, plan);
    // float32 loops over one shape that share operands or read one another: one loop for them all (multi_output.ts)
    const ownSlots = inPlaceSlots(main, plan, values);
    const grouping = groupLoops(main, plan, new Set(into.keys()), ownSlots);
    const groupAt = new Map<number, LoopGroup>(grouping?.groups.map((g) => [g.members[g.members.length - 1]!, g]));
    const slots = new Map<number, ReduceSlot>();
    for (let i = 0; i < plan.steps.length; i++) {
      const s = plan.steps[i]!;
      const op = main.body[s.op]!;
      if (op.name === "stablehlo.constant") constantSteps.add(steps.length);
      const red = into.get(s.op);
      const slot = slots.get(s.op);
      const group = groupAt.get(i);
      if (group) {
        const outs = group.members.map((m) => main.body[plan.steps[m]!.op]!.results[0]!);
        defines.push(outs.map((v) => v.id));
        const members = group.members.map((m, k) => this.loopStep(plan.steps[m]!.loop!, outs[k]!, values));
        steps.push(this.groupStep(group, outs, members, values));
        continue;
      }
      if (grouping?.runsAt.has(i)) {
        // an earlier member: its group's step computes it
        defines.push([]);
        steps.push(() => {});
        continue;
      }
      defines.push(op.results.map((r) => r.id));
      if (s.loop && red) {
        const sl: ReduceSlot = { result: null };
        slots.set(red.op, sl);
        steps.push(loopIntoReduce(s.loop, red, values, sl, this.loopStep(s.loop, op.results[0]!, values)));
      } else if (slot) steps.push(reduceFromSlot(op, slot, this.step(op, module)));
      else steps.push(s.loop ? this.loopStep(s.loop, op.results[0]!, values) : this.step(op, module));
    }
    const release = (grouping?.release ?? plan.release).map((r) => r.map((p) => values[p]!.id));
    const inPlace = grouping ? inPlaceSlots(main, plan, values, grouping.runsAt) : ownSlots;
    const outSlots = outputSlots(main, plan, grouping?.runsAt);
    const leafIds = new Set(plan.steps.flatMap((s) => (s.loop?.wasm !== undefined ? s.loop.leaves.map((p) => values[p]!.id) : [])));
    const loopParams = main.params.flatMap((p, i) => (leafIds.has(p.id) ? [i] : []));
    return {
      numOutputs: main.returns.length,
      params: main.params,
      steps,
      release,
      constantSteps,
      defines,
      returns: main.returns,
      plan,
      inPlace,
      loopParams,
      outSlots,
    };
  }

  /** A fused elementwise loop writing `out`. */
  private loopStep(l: LoopPlan, out: Value, values: readonly Value[]): Step {
    const fn = elementwiseLoop(l.leaves.length, l.reads, l.body);
    const leafIds = l.leaves.map((p) => values[p]!.id);
    const shape = out.type.shape;
    const n = numelOf(shape);
    const strides = contiguousStrides(shape);
    const d = dtypeOfElement(out.type.element);
    const tree = l.wasm;
    return (env) => {
      const data = this.into?.get(out.id) ?? this.pool.take(d, n);
      const ins = new Array<Strided>(leafIds.length);
      for (let i = 0; i < leafIds.length; i++) ins[i] = env.get(leafIds[i]!)!.s;
      // float32 chains as a WebAssembly SIMD loop where it takes them (wasm/fused_module.ts), else the JavaScript loop
      if (tree === undefined || !(data instanceof Float32Array) || !wasmFusedF32(tree, ins, shape, data)) fn(data, shape, ins);
      // (strides are never written in place: one array serves every execution)
      env.set(out.id, { dtype: d.name, shape, s: { data, offset: 0, strides } });
    };
  }

  /**
   * A group of float32 loops over one shape (multi_output.ts) as one
   * WebAssembly loop writing every member's result; where that path declines,
   * the members' own steps in their order.
   */
  private groupStep(g: LoopGroup, outs: readonly Value[], members: readonly Step[], values: readonly Value[]): Step {
    const loop = new MultiLoop(g.roots, g.leaves.length);
    const leafIds = g.leaves.map((p) => values[p]!.id);
    const shape = outs[0]!.type.shape;
    const n = numelOf(shape);
    const strides = contiguousStrides(shape);
    const f32 = dtypeOfElement(outs[0]!.type.element);
    return (env) => {
      const ins = new Array<Strided>(leafIds.length);
      for (let i = 0; i < leafIds.length; i++) ins[i] = env.get(leafIds[i]!)!.s;
      if (!multiTakes(loop, ins, shape, n)) {
        for (const m of members) m(env);
        return;
      }
      const arrays = outs.map((o) => (this.into?.get(o.id) ?? this.pool.take(f32, n)) as Float32Array);
      multiFusedF32(loop, ins, shape, n, arrays);
      for (let k = 0; k < outs.length; k++) env.set(outs[k]!.id, { dtype: f32.name, shape, s: { data: arrays[k]!, offset: 0, strides } });
    };
  }

  /** A kernel step, or the reference evaluator's (interpret/engine.ts picks; it refuses what neither computes). */
  private step(op: Op, module: Module): Step {
    const out = op.results;
    const run = opRunner(op, module);
    const operandIds = op.operands.map((v) => v.id);
    return (env) => {
      const ins = new Array<CpuBuffer>(operandIds.length);
      for (let i = 0; i < operandIds.length; i++) ins[i] = env.get(operandIds[i]!)!;
      const res = run(ins, (v: Value) => env.get(v.id)!);
      for (let i = 0; i < out.length; i++) env.set(out[i]!.id, res[i]!);
    };
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
  /** The donated arrays the loops of the running step write into, by the value each computes (during that step only). */
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
    let mem: Map<object, number> | null = null;
    const argMem = () => (mem ??= argMemory(bufs));
    let donated = donatedArrays(e.inPlace, bufs, donate, argMem);
    const dests = dest && e.outSlots.length ? destinationArrays(e.outSlots, dest, argMem, donated) : null;
    if (dests) {
      donated ??= new Map();
      for (const [step, list] of dests) donated.set(step, [...(donated.get(step) ?? []), ...list]);
    }
    const env: Env = new Map();
    e.params.forEach((p, i) => env.set(p.id, args[i] as CpuBuffer));
    // Memory the caller owns, or that outlives this execution, never enters the pool.
    const pinned = new Set<HostArray>(args.map((a) => (a as CpuBuffer).s.data));
    if (dests) for (const list of dests.values()) for (const d of list) pinned.add(d.data);
    const refs = new Map<HostArray, number>();
    const steps = e.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      const d = donated?.get(i);
      let into: Map<number, HostArray> | null = null;
      if (d) for (const x of d) if (!sharedInEnv(env, x.slot.paramId, x.data)) (into ??= new Map()).set(x.slot.outId, x.data);
      if (into) {
        this.into = into;
        try {
          s(env);
        } finally {
          this.into = null;
        }
      } else s(env);
      const defines = e.defines[i]!;
      for (let k = 0; k < defines.length; k++) {
        // a loop computed into its reduction defines no value (fused_reduce.ts)
        const data = env.get(defines[k]!)?.s.data;
        if (!data) continue;
        refs.set(data, (refs.get(data) ?? 0) + 1);
        if (e.constantSteps.has(i)) pinned.add(data);
      }
      const release = e.release[i]!;
      for (let k = 0; k < release.length; k++) {
        const id = release[k]!;
        const b = env.get(id);
        if (!b) continue;
        env.delete(id);
        const left = (refs.get(b.s.data) ?? 1) - 1;
        refs.set(b.s.data, left);
        if (left === 0 && !pinned.has(b.s.data)) this.pool.give(dtypeOf(b.dtype), b.s.data);
      }
    }
    return e.returns.map((v) => env.get(v.id)!);
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
