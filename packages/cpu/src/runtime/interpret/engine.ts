// Which path runs an op, and the op-at-a-time evaluation of regions and
// called functions. An op whose primitive computes it exactly runs its CPU
// kernel (kernel_step.ts, shared with the eager device); the others run the
// reference evaluator (this folder), op at a time with the spec's semantics;
// what neither computes is refused at compile time with the op and location.
import { dtypeOf as coreDtype } from "@xlatorch/core";
import { type Func, type Module, type Op, type Region, type TensorType, type Value } from "@xlatorch/stablehlo";
import { dense } from "../../kernels/layout.js";
import { contiguous } from "../../strided.js";
import type { CpuBuffer, Runner } from "../buffer.js";
import { kernelRunner } from "../kernel_step.js";
import { controlRunner } from "../translate_control.js";
import { chloMathOps } from "./chlo_math.js";
import { constantValue } from "./constant.js";
import { EXTENDED } from "./extended.js";
import { quantizedRunner, touchesQuantized } from "./quant.js";
import { FALLBACK_ON_KERNEL_ERROR, INTERPRETED, primitiveIsExact } from "./table.js";
import { type DenseValue, dtypeFor, Unsupported } from "./values.js";

/** Lookup of values visible to an op (its function's, and enclosing regions'). */
export type Lookup = (v: Value) => CpuBuffer;

export interface EvalCtx {
  /** Runs a region with `args` bound to its arguments; values from enclosing scopes are visible. */
  region(r: Region, args: DenseValue[]): DenseValue[];
  /** Runs the module's function `name`. */
  call(name: string, args: DenseValue[]): DenseValue[];
  /** The module being run. */
  module: Module;
}

export type Interp = (op: Op, ins: DenseValue[], ctx: EvalCtx) => DenseValue[];

/** A buffer of a tuple type carries its elements (the buffer itself is a placeholder). */
export type TupleBuffer = CpuBuffer & { parts?: CpuBuffer[] };

export const toDense = (b: CpuBuffer, v: Value | { type: TensorType }): DenseValue => {
  const d: DenseValue = { type: v.type, data: dense(b.s, b.shape, coreDtype(b.dtype)) };
  const parts = (b as TupleBuffer).parts;
  if (parts) d.parts = parts.map((p, i) => toDense(p, { type: v.type.parts![i]! }));
  return d;
};
export const fromDense = (d: DenseValue): CpuBuffer => {
  const b: TupleBuffer = {
    dtype: dtypeFor(d.type.element).name,
    shape: d.type.shape,
    s: contiguous(d.data, d.type.shape),
  };
  if (d.parts) b.parts = d.parts.map(fromDense);
  return b;
};

/** An op's runner, with its scope (for regions) given at run time. */
export type ScopedRunner = (ins: readonly CpuBuffer[], scope: Lookup) => CpuBuffer[];

export function opRunner(op: Op, module: Module): ScopedRunner {
  try {
    for (const v of [...op.operands, ...op.results]) dtypeFor(v.type.element, op);
    if (op.name === "stablehlo.constant") {
      const b = fromDense(constantValue(op, op.attrs.value));
      return () => [b];
    }
    // while and case: regions as steps, buffers carried without copies (translate_control.ts)
    // tuples, tokens, host transfers, the interpreter's instrumentation (always the evaluator's)
    const own = EXTENDED[op.name];
    if (own) return interpRunner(op, own, module);
    // an op on quantized tensors: dequantize, compute in the expressed type, quantize (quant.ts)
    if (touchesQuantized(op)) return quantizedRunner(op, module, { opRunner, toDense, fromDense });
    const control = controlRunner(op, module, evalRegion);
    if (control) return control;
    const interp = INTERPRETED[op.name] ?? chloMathOps[op.name];
    const exact = primitiveIsExact(op);
    if (interp && !exact) return interpRunner(op, interp, module);
    if (!exact)
      throw new Unsupported(op, `this form (${op.operands.map((v) => v.type.element).join(", ")}) is not computed by the cpu runtime`);
    let run: Runner;
    try {
      run = kernelRunner(op);
    } catch (e) {
      if (interp) return interpRunner(op, interp, module);
      throw e;
    }
    if (interp && FALLBACK_ON_KERNEL_ERROR.has(op.name)) {
      // indices out of range: the kernel throws where the spec clamps or skips
      const slow = interpRunner(op, interp, module);
      return (ins, scope) => {
        try {
          return run(ins);
        } catch {
          return slow(ins, scope);
        }
      };
    }
    // the kernel runner itself (it reads no scope): no extra call per step
    return run;
  } catch (e) {
    if (e instanceof Unsupported) throw e;
    throw new Unsupported(op, (e as Error).message.replace(/^cpu runtime: /, ""));
  }
}

function interpRunner(op: Op, interp: Interp, module: Module): ScopedRunner {
  return (ins, scope) => {
    const ctx: EvalCtx = {
      module,
      region: (r, args) => evalRegion(r, args.map(fromDense), scope, module).map((b, i) => toDense(b, r.returns[i]!)),
      call: (name, args) => callFunc(module, name, args.map(fromDense), op).map((b, i) => toDense(b, funcOf(module, name, op).returns[i]!)),
    };
    const outs = interp(
      op,
      ins.map((b, i) => toDense(b, op.operands[i]!)),
      ctx,
    );
    return outs.map(fromDense);
  };
}

const runners = new WeakMap<Op, ScopedRunner>();
const moduleOf = new WeakMap<Op, Module>();

/** Runs ops op at a time; values not defined here are looked up in `outer`. */
function evalOps(
  ops: readonly Op[],
  returns: readonly Value[],
  local: Map<number, CpuBuffer>,
  outer: Lookup | null,
  module: Module,
): CpuBuffer[] {
  const lookup: Lookup = (v) => {
    const b = local.get(v.id) ?? (outer ? outer(v) : undefined);
    if (!b) throw new Error(`cpu runtime: value %${v.name ?? v.id} is not defined here`);
    return b;
  };
  for (const op of ops) {
    let run = runners.get(op);
    if (!run || moduleOf.get(op) !== module) {
      run = opRunner(op, module);
      runners.set(op, run);
      moduleOf.set(op, module);
    }
    const outs = run(op.operands.map(lookup), lookup);
    op.results.forEach((r, i) => local.set(r.id, outs[i]!));
  }
  return returns.map(lookup);
}

export function evalRegion(r: Region, args: CpuBuffer[], outer: Lookup, module: Module): CpuBuffer[] {
  const local = new Map<number, CpuBuffer>();
  r.args.forEach((a, i) => local.set(a.id, args[i]!));
  return evalOps(r.ops, r.returns, local, outer, module);
}

function funcOf(module: Module, name: string, op: Op): Func {
  const f = module.funcs.find((g) => g.name === name);
  if (!f) throw new Unsupported(op, `no function @${name} in the module`);
  return f;
}

export function callFunc(module: Module, name: string, args: CpuBuffer[], op: Op): CpuBuffer[] {
  const f = funcOf(module, name, op);
  if (f.params.length !== args.length) throw new Unsupported(op, `@${name} takes ${f.params.length} arguments, ${args.length} given`);
  const local = new Map<number, CpuBuffer>();
  f.params.forEach((p, i) => local.set(p.id, args[i]!));
  return evalOps(f.body, f.returns, local, null, module);
}
