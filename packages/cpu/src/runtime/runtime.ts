// The in-process CPU runtime: "compiles" a StableHLO module into a list of
// steps that call the primitive CPU kernels, with elementwise chains fused into
// single generated loops. Buffer lifetimes are planned at compile time: after
// its last use an intermediate's memory goes to a pool that later fused loops
// of the same dtype and size write into, within and across executions.
// compile() plans the module (plan.ts: fusion, loops, lifetimes) and builds
// closures from the plan; the persistent compile cache stores the plan, and
// loadExecutable() builds from a stored one without planning again.
import { numelOf, viewStrides, type AVal, type DType, type HostArray } from "@xlatorch/core";
import type { DTypeName, DeviceBuffer, Executable, Func, Module, Op, Runtime, Value } from "@xlatorch/stablehlo";
import { elementwiseLoop } from "../codegen.js";
import { KERNELS, type Kernel } from "../kernels/index.js";
import { dense } from "../kernels/layout.js";
import { contiguous, type Elements, type Strided } from "../strided.js";
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
import { dtypeOfElement, translate } from "./translate.js";
import { encode } from "../kernels/values.js";

export interface CpuBuffer extends DeviceBuffer {
  readonly s: Strided;
}

type Env = Map<number, CpuBuffer>;

/**
 * Reusable host arrays by (dtype, length). Only memory that no live value
 * aliases (views share their source's array) and that the caller does not own
 * (parameters, constants, outputs) is returned to the pool.
 */
class BufferPool {
  private free = new Map<string, HostArray[]>();
  take(d: DType, n: number): HostArray {
    const list = this.free.get(`${d.name}:${n}`);
    return list?.pop() ?? d.alloc(n);
  }
  give(d: DType, a: HostArray): void {
    // keyed by element count, as take() asks (a complex array holds two values per element)
    const key = `${d.name}:${d.is_complex ? a.length / 2 : a.length}`;
    const list = this.free.get(key) ?? [];
    if (list.length < 8) list.push(a);
    this.free.set(key, list);
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
}

const aval = (v: Value): AVal => ({ shape: v.type.shape, dtype: dtypeOfElement(v.type.element) });
const buf = (v: Value, s: Strided): CpuBuffer => ({ dtype: dtypeOfElement(v.type.element).name, shape: v.type.shape, s });

export class CpuRuntime implements Runtime {
  readonly platform = "cpu-runtime";
  readonly devices = ["cpu:0"] as const;

  compile(module: Module): CpuExecutable {
    const main = mainOf(module);
    return this.build(main, planModule(main));
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
    return this.build(main, decodePlan(bytes, main));
  }

  /** The steps' closures, lifetimes and constants of `plan`. */
  private build(main: Func, plan: Plan): CpuExecutable {
    const { values } = valuePositions(main);
    const steps: Step[] = [];
    const constantSteps = new Set<number>();
    const defines: number[][] = [];
    for (const s of plan.steps) {
      const op = main.body[s.op]!;
      if (op.name === "stablehlo.constant") constantSteps.add(steps.length);
      defines.push(op.results.map((r) => r.id));
      steps.push(s.loop ? this.loopStep(s.loop, op.results[0]!, values) : this.step(op));
    }
    const release = plan.release.map((r) => r.map((p) => values[p]!.id));
    return { numOutputs: main.returns.length, params: main.params, steps, release, constantSteps, defines, returns: main.returns, plan };
  }

  /** A fused elementwise loop writing `out`. */
  private loopStep(l: LoopPlan, out: Value, values: readonly Value[]): Step {
    const fn = elementwiseLoop(l.leaves.length, l.reads, l.body);
    const leaves = l.leaves.map((p) => values[p]!);
    const shape = out.type.shape;
    const d = dtypeOfElement(out.type.element);
    return (env) => {
      const data = this.pool.take(d, numelOf(shape));
      fn(
        data,
        shape,
        leaves.map((v) => env.get(v.id)!.s),
      );
      env.set(out.id, buf(out, contiguous(data, shape)));
    };
  }

  private step(op: Op): Step {
    const out = op.results;
    if (op.name === "stablehlo.constant") {
      const a = op.attrs.value;
      if (!a || a.kind !== "dense") throw new Error("cpu runtime: constant without a dense value");
      const d = dtypeOfElement(out[0]!.type.element);
      const n = numelOf(out[0]!.type.shape);
      const vals = a.values.length === 1 ? Array(n).fill(a.values[0]) : a.values;
      const host = encode(d.isBig ? BigInt64Array.from(vals.map((v) => BigInt(v as never))) : vals.map(Number), d);
      const b = buf(out[0]!, contiguous(host, out[0]!.type.shape));
      return (env) => {
        env.set(out[0]!.id, b);
      };
    }
    const call = translate(op);
    const kernel = call.kernel === "reshape_any" ? reshapeAny : (KERNELS as Record<string, Kernel | undefined>)[call.kernel];
    if (!kernel) throw new Error(`cpu runtime: no kernel ${call.kernel}`);
    const ins = op.operands.slice(0, call.operands);
    const inAvals = ins.map(aval),
      outAvals = out.map(aval);
    const padValue = op.name === "stablehlo.pad" ? op.operands[1]! : null;
    const extra = op.name === "stablehlo.sort" ? op.operands.slice(1) : [];
    return (env) => {
      let attrs = call.attrs as Record<string, unknown>;
      if (padValue) attrs = { ...attrs, value: scalarOf(env.get(padValue.id)!) };
      const res = kernel(
        ins.map((v) => env.get(v.id)!.s),
        inAvals,
        attrs,
        outAvals.slice(0, Math.max(1, call.kernel === "sort" ? 2 : 1)),
      );
      if (extra.length) return sortFollowers(env, op, res);
      out.forEach((r, i) => env.set(r.id, buf(r, res[i]!)));
    };
  }

  toDevice(data: HostArray, dtype: DTypeName, shape: readonly number[]): CpuBuffer {
    return { dtype, shape: [...shape], s: contiguous(data, shape) };
  }
  private readonly pool = new BufferPool();

  execute(exe: Executable, args: readonly DeviceBuffer[]): CpuBuffer[] {
    const e = exe as CpuExecutable;
    const env: Env = new Map();
    e.params.forEach((p, i) => env.set(p.id, args[i] as CpuBuffer));
    // Memory the caller owns, or that outlives this execution, never enters the pool.
    const pinned = new Set<HostArray>(args.map((a) => (a as CpuBuffer).s.data));
    const refs = new Map<HostArray, number>();
    e.steps.forEach((s, i) => {
      s(env);
      for (const id of e.defines[i]!) {
        const data = env.get(id)!.s.data;
        refs.set(data, (refs.get(data) ?? 0) + 1);
        if (e.constantSteps.has(i)) pinned.add(data);
      }
      for (const id of e.release[i]!) {
        const b = env.get(id)!;
        env.delete(id);
        const left = (refs.get(b.s.data) ?? 1) - 1;
        refs.set(b.s.data, left);
        if (left === 0 && !pinned.has(b.s.data)) this.pool.give(dtypeOf(b.dtype), b.s.data);
      }
    });
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

import { bf16ToF32, dtypeOf, f16ToF32 } from "@xlatorch/core";
const dtypeOfElementName = (d: DTypeName) => dtypeOf(d);

/** reshape of any strided layout: a view when possible, else a dense copy viewed. */
const reshapeAny: Kernel = (ins, avals, attrs, outs) => {
  const [x] = ins,
    [a] = avals;
  if (viewStrides(a!.shape, x!.strides, (attrs as { shape: number[] }).shape)) return KERNELS.reshape!(ins, avals, attrs, outs);
  return KERNELS.reshape!([contiguous(dense(x!, a!.shape, a!.dtype), a!.shape)], avals, attrs, outs);
};

function mainOf(module: Module): Func {
  const main = module.funcs.find((f) => f.name === "main");
  if (!main) throw new Error("cpu runtime: module has no @main function");
  return main;
}

function scalarOf(b: CpuBuffer): number {
  const v = dense(b.s, b.shape, dtypeOf(b.dtype))[0]!;
  if (typeof v === "bigint") return Number(v);
  return b.dtype === "float16" ? f16ToF32(v) : b.dtype === "bfloat16" ? bf16ToF32(v) : v;
}

/** stablehlo.sort with extra operands: they follow the permutation of the first. */
function sortFollowers(env: Env, op: Op, res: Strided[]): void {
  const [vals, perm] = res as [Strided, Strided];
  env.set(op.results[0]!.id, buf(op.results[0]!, vals));
  const dim = Number((op.attrs.dimension as { value: number }).value);
  const shape = op.results[0]!.type.shape;
  const p = dense(perm, shape, dtypeOf("int64")) as BigInt64Array;
  op.operands.slice(1).forEach((v, k) => {
    const src = env.get(v.id)!;
    const d = dtypeOf(src.dtype);
    const srcDense = dense(src.s, shape, d);
    const out = d.alloc(srcDense.length);
    const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1),
      len = shape[dim]!;
    for (let i = 0; i < out.length; i++) {
      const j = Math.floor(i / inner) % len;
      const base = i - j * inner;
      (out as Elements)[i] = (srcDense as Elements)[base + Number(p[i]!) * inner]!;
    }
    env.set(op.results[k + 1]!.id, buf(op.results[k + 1]!, contiguous(out, shape)));
  });
}
