// One op run by its primitive's CPU kernel (translate.ts names the kernel and
// its attributes): the path shared with the eager cpu device.
import { bf16ToF32, dtypeOf, f16ToF32, numelOf, type AVal, type HostArray } from "@xlatorch/core";
import type { Op, Value } from "@xlatorch/stablehlo";
import { KERNELS, realKernel, type Kernel } from "../kernels/index.js";
import { dense } from "../kernels/layout.js";
import { bitcastCopy } from "../kernels/reinterpret.js";
import { offerResultMemory, withdrawResultMemory } from "../kernels/result_memory.js";
import { contiguous, type Elements, type Strided } from "../strided.js";
import type { CpuBuffer, Runner } from "./buffer.js";
import type { ExecValues, Step } from "./exec_values.js";
import { dtypeOfElement, translate } from "./translate.js";

const aval = (v: Value): AVal => ({ shape: v.type.shape, dtype: dtypeOfElement(v.type.element) });
export const bufOf = (v: Value, s: Strided): CpuBuffer => ({ dtype: dtypeOfElement(v.type.element).name, shape: v.type.shape, s });

/** The kernel runner of `op`; throws (at compile time) when no primitive computes it. */
export function kernelRunner(op: Op): Runner {
  const out = op.results;
  const call = translate(op);
  const n = call.operands;
  const inAvals = op.operands.slice(0, n).map(aval),
    outAvals = out.map(aval);
  // what the kernel is told of its results: sort's values and permutation, one result for the others
  const kernelOuts = outAvals.slice(0, call.kernel === "sort" ? 2 : 1);
  // all real: the kernel itself, not the complex-aware wrapper that would scan the dtypes at every call
  const real = !inAvals.some((a) => a.dtype.is_complex) && !kernelOuts.some((a) => a.dtype.is_complex);
  // bitcast_convert: a copy here (the eager kernel aliases its operand: a view)
  const kernel =
    call.kernel === "bitcast_convert"
      ? bitcastCopy
      : real
        ? realKernel(call.kernel)
        : (KERNELS as Record<string, Kernel | undefined>)[call.kernel];
  if (!kernel) throw new Error(`cpu runtime: no kernel ${call.kernel}`);
  const isPad = op.name === "stablehlo.pad";
  // the kernel reduces from the body's identity: the init value is combined after (body(init, r))
  const initCombine = op.name === "stablehlo.reduce" ? reduceInit(op) : null;
  const followers = op.name === "stablehlo.sort" ? op.operands.length - 1 : 0;
  // the results' buffers are built from these (no dtype lookup per call)
  const outNames = out.map((r) => dtypeOfElement(r.type.element).name),
    outShapes = out.map((r) => r.type.shape);
  const m = out.length;
  // pad's value operand joins its attributes: a literal of known fields (spreading the attributes cost ~5 us a call)
  const padAttrs = isPad ? (call.attrs as { low: number[]; high: number[]; interior: number[] }) : null;
  const runner: Runner = (ins) => {
    const attrs = padAttrs
      ? { low: padAttrs.low, high: padAttrs.high, interior: padAttrs.interior, value: scalarOf(ins[1]!) }
      : (call.attrs as Record<string, unknown>);
    // a packed array of its exact length (the kernels destructure it; a push would reserve 16 slots)
    const xs: Strided[] = n === 1 ? [ins[0]!.s] : n === 2 ? [ins[0]!.s, ins[1]!.s] : operandsOf(ins, n);
    const res = kernel(xs, inAvals, attrs, kernelOuts);
    if (followers) return sortFollowers(op, ins, res);
    if (initCombine) return [initCombine(ins[1]!, { dtype: outNames[0]!, shape: outShapes[0]!, s: res[0]! })];
    if (m === 1) return [{ dtype: outNames[0]!, shape: outShapes[0]!, s: res[0]! }];
    const bufs: CpuBuffer[] = [];
    for (let i = 0; i < m; i++) bufs.push({ dtype: outNames[i]!, shape: outShapes[i]!, s: res[i]! });
    return bufs;
  };
  // one result: the step reads its operands and writes its result by position, with no arrays between
  if (m === 1 && !followers) {
    const dtype = outNames[0]!,
      shape = outShapes[0]!;
    const attrs = call.attrs as Record<string, unknown>;
    const padValue = isPad ? scalarReader(op.operands[1]!) : null;
    // (a real result's element count: the length of the free arrays offered for it)
    const length = dtypeOf(dtype).is_complex ? -1 : numelOf(shape);
    STEPS.set(runner, (at, outAt, roots, free) => {
      const a0 = at[0]!,
        a1 = at[1]!;
      const nAt = at.length;
      const offer = free !== null && length >= 0 ? free : null;
      return (vals) => {
        const x0 = vals[a0]!;
        const x1 = n > 1 || padValue !== null || initCombine !== null ? vals[a1]! : x0;
        const xs: Strided[] = n === 1 ? [x0.s] : n === 2 ? [x0.s, x1.s] : operandsAt(vals, at, n);
        if (offer !== null) offerResultMemory(offer, dtype, length);
        const res = kernel(
          xs,
          inAvals,
          padValue === null ? attrs : { low: padAttrs!.low, high: padAttrs!.high, interior: padAttrs!.interior, value: padValue(x1) },
          kernelOuts,
        );
        if (offer !== null) withdrawResultMemory();
        const b: CpuBuffer = { dtype, shape, s: res[0]! };
        const r = initCombine === null ? b : initCombine(x1, b);
        vals[outAt] = r;
        // the result's root (exec_values.ts): itself, or the root of the first operand whose memory it views;
        // the operands are at hand here, so execute() need not look them up again
        const ev = roots === null ? null : roots.ev;
        if (ev === null) return;
        const data = r.s.data;
        const root = ev.root;
        let k = -1;
        // (an op of no operands, iota: new memory)
        if (nAt === 0) k = -1;
        else if (x0.s.data === data) k = a0;
        else if (nAt > 1) {
          if (vals[a1]!.s.data === data) k = a1;
          else for (let i = 2; i < nAt && k < 0; i++) if (vals[at[i]!]!.s.data === data) k = at[i]!;
        }
        if (k < 0) root[outAt] = outAt;
        else {
          const rk = root[k]!;
          root[outAt] = rk;
          if (rk !== outAt) ev.views[rk]!++;
        }
      };
    });
  }
  return runner;
}

/**
 * A step that makes a runner from `op` (kernelRunner) for the values at `at`, writing its one result at `outAt`;
 * with `roots`, it also records whether that result is a view of an operand (Roots); with `free`, it offers
 * the kernel those free arrays for its result (result_memory.ts).
 */
type StepMaker = (at: readonly number[], outAt: number, roots: Roots | null, free: HostArray[] | null) => Step;
/**
 * Where a kernel step finds the running execution's bookkeeping arrays (exec_values.ts; null outside an
 * execution): a step made with it sets its result's root and view count itself, which execute() otherwise
 * does after the step from the operands' positions, looking them up again.
 */
export interface Roots {
  ev: ExecValues | null;
}
const STEPS = new WeakMap<Runner, StepMaker>();

/**
 * The step of `run` (an op's runner, interpret/engine.ts opRunner) reading its
 * operands at positions `at` and writing its result at `outs`: the runner's
 * own work without the operand and result arrays a Runner passes, where `run`
 * is kernelRunner's for an op of one result; otherwise null. `free`: the pool's free arrays of the result's
 * dtype and length, offered to the kernel (only for a result whose memory the execution owns and releases).
 */
export function kernelStep(
  run: unknown,
  at: readonly number[],
  outs: readonly number[],
  roots: Roots | null = null,
  free: HostArray[] | null = null,
): Step | null {
  const make = typeof run === "function" && outs.length === 1 ? STEPS.get(run as Runner) : undefined;
  return make ? make(at, outs[0]!, roots, free) : null;
}

/** The payloads of the values at the first n of `at`. */
function operandsAt(vals: readonly (CpuBuffer | undefined)[], at: readonly number[], n: number): Strided[] {
  const xs: Strided[] = [];
  for (let i = 0; i < n; i++) xs.push(vals[at[i]!]!.s);
  return xs;
}

/** The payloads of the first n buffers. */
function operandsOf(ins: readonly CpuBuffer[], n: number): Strided[] {
  const xs: Strided[] = [];
  for (let i = 0; i < n; i++) xs.push(ins[i]!.s);
  return xs;
}

/** body(init, r) for a single-op reduce body, elementwise with the init scalar broadcast. */
export function reduceInit(op: Op): (init: CpuBuffer, r: CpuBuffer) => CpuBuffer {
  const body = op.regions![0]!.ops[0]!;
  const res = op.results[0]!;
  const combine = kernelRunner({ name: body.name, operands: [res, res], results: [res], attrs: {} });
  const bcast: Op = {
    name: "stablehlo.broadcast_in_dim",
    operands: [op.operands[1]!],
    results: [res],
    attrs: { broadcast_dimensions: { kind: "ints", values: [] } },
  };
  const broadcast = kernelRunner(bcast);
  const identity = IDENTITY[body.name];
  return (init, r) => (identity !== undefined && unchangedBy(identity, init, r) ? r : combine([broadcast([init])[0]!, r])[0]!);
}

/** The body's identity (PyTorch's and the kernels' start value): body(identity, x) is x for every x but NaN (and -0 under +0). */
const IDENTITY: Record<string, number> = {
  "stablehlo.add": 0,
  "stablehlo.maximum": Number.NEGATIVE_INFINITY,
  "stablehlo.minimum": Number.POSITIVE_INFINITY,
  "stablehlo.multiply": 1,
};

/**
 * Whether body(init, r) equals r bit for bit, so the two kernel calls of the
 * combine (a broadcast and the body) can be skipped: init is the body's
 * identity and r, a float result, holds no NaN (whose bits the body's kernel
 * need not keep) and, for a sum from +0, no -0 (+0 + -0 is +0). IEEE 754
 * makes x + 0, max(-inf, x), min(inf, x) and 1 * x exact for every other x.
 */
function unchangedBy(identity: number, init: CpuBuffer, r: CpuBuffer): boolean {
  const a = r.s.data,
    i = init.s.data;
  if (!(a instanceof Float32Array || a instanceof Float64Array) || !(i instanceof Float32Array || i instanceof Float64Array)) return false;
  const v = i[init.s.offset]!;
  // r is the kernel's fresh dense result (anything else is combined as before)
  if (v !== identity || r.s.offset !== 0 || a.length !== numelOf(r.shape)) return false;
  const plusZero = identity === 0 && !Object.is(v, -0);
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    if (x !== x || (plusZero && x === 0 && Object.is(x, -0))) return false;
  }
  return true;
}

/** The first element of `b` (pad's 0-d value), read in place: it sits at the view's offset (a complex one's real part at twice it). */
function scalarOf(b: CpuBuffer): number {
  const v = (b.s.data as Elements)[(dtypeOf(b.dtype).is_complex ? 2 : 1) * b.s.offset]!;
  if (typeof v === "bigint") return Number(v);
  return b.dtype === "float16" ? f16ToF32(v) : b.dtype === "bfloat16" ? bf16ToF32(v) : v;
}

/** scalarOf for a buffer of `v`'s type, its dtype looked at once (a float32's: one read). */
function scalarReader(v: Value): (b: CpuBuffer) => number {
  const name = dtypeOfElement(v.type.element).name;
  return name === "float32" || name === "float64"
    ? (b) => (b.dtype === name ? (b.s.data as Float32Array)[b.s.offset]! : scalarOf(b))
    : scalarOf;
}

/** stablehlo.sort with extra operands: they follow the permutation of the first. */
function sortFollowers(op: Op, ins: readonly CpuBuffer[], res: Strided[]): CpuBuffer[] {
  const [vals, perm] = res as [Strided, Strided];
  const outs = [bufOf(op.results[0]!, vals)];
  const dim = Number((op.attrs.dimension as { value: number }).value);
  const shape = op.results[0]!.type.shape;
  const p = dense(perm, shape, dtypeOf("int64")) as BigInt64Array;
  ins.slice(1).forEach((src, k) => {
    const d = dtypeOf(src.dtype);
    const srcDense = dense(src.s, shape, d);
    const o = d.alloc(srcDense.length);
    const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1),
      len = shape[dim]!;
    const slots = d.is_complex ? 2 : 1;
    for (let i = 0; i < o.length / slots; i++) {
      const j = Math.floor(i / inner) % len;
      const base = i - j * inner;
      for (let s = 0; s < slots; s++) (o as Elements)[i * slots + s] = (srcDense as Elements)[(base + Number(p[i]!) * inner) * slots + s]!;
    }
    outs.push(bufOf(op.results[k + 1]!, contiguous(o, shape)));
  });
  return outs;
}
