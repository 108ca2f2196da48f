// The CPU kernels of core's gelu and gelu_backward (prims_gelu.ts): the
// primitive's expression (GELU_EXPR, GELU_BACKWARD_EXPR) in one pass, each
// intermediate rounded to the element type as the composed ops' kernels
// stored it, so the values are the composition's bits. float32 runs as one
// fused WebAssembly SIMD loop (wasm/fused_module.ts: the eager kernels' lane
// emitters, taken from the same sizes on, so erf and exp are the lane code
// where the separate kernels used it and the JavaScript functions where they
// did not); the rest, and float32 where that path declines, as one generated
// JavaScript loop built from the elementwise templates (exprs.ts).
import { GELU_BACKWARD_EXPR, GELU_EXPR, numelOf, type DType, type GeluExpr, type Shape } from "@xlatorch/core";
import { elementwiseLoop } from "../codegen.js";
import { binaryExpr, readExpr, storeExpr, unaryExpr, wrapExpr } from "../exprs.js";
import { $ } from "../helpers.js";
import { contiguous, type Strided } from "../strided.js";
import { type FusedTree, wasmFusedF32 } from "../wasm/fused_module.js";
import { resultF32 } from "../wasm/simd_f32.js";
import type { Kernel } from "./types.js";

/** An expression with its constants numbered as leaves after the `nIn` operands. */
interface Form {
  tree: FusedTree;
  consts: number[];
}
function formOf(e: GeluExpr, nIn: number): Form {
  const consts: number[] = [];
  const walk = (t: GeluExpr): FusedTree => {
    if (typeof t === "number") return t;
    if (t[0] === "const") {
      const v = t[1] as number;
      let i = consts.indexOf(v);
      if (i < 0) i = consts.push(v) - 1;
      return nIn + i;
    }
    const [p, ...args] = t as [string, ...GeluExpr[]];
    return [p, ...args.map(walk)];
  };
  return { tree: walk(e), consts };
}

/** The JavaScript loop body: every node but the root rounded to `d` (exprs.ts wrapExpr), as a stored intermediate. */
function jsBody(t: FusedTree, d: DType, root = true): string {
  if (typeof t === "number") return `x${t}`;
  const [p, ...args] = t;
  const a = args.map((x) => jsBody(x, d, false));
  const e = a.length === 1 ? unaryExpr(p, d, a[0]!) : binaryExpr(p, d, a[0]!, a[1]!);
  return root ? storeExpr(d, e) : wrapExpr(d, e);
}

/** A constant as the composition's 0-d scalar operand of dtype `d` held it (rounded to d), for the JavaScript loop. */
const rounded = (v: number, d: DType): number => new Function("$", `return ${wrapExpr(d, String(v))};`)($) as number;

function exprKernel(expr: GeluExpr, nIn: number): Kernel {
  const form = formOf(expr, nIn);
  const f32Consts = form.consts.map((v): Strided => ({ data: Float32Array.of(v), offset: 0, strides: [] }));
  const jsConsts = new Map<DType, Strided[]>();
  return (ins, avals, _attrs, outs) => {
    const o = outs[0]!;
    const d = o.dtype;
    const n = numelOf(o.shape);
    if (d.name === "float32") {
      const data = resultF32(n) ?? new Float32Array(n);
      if (wasmFusedF32(form.tree, [...ins, ...f32Consts], o.shape, data)) return [contiguous(data, o.shape)];
      return [runJs(ins, avals, o.shape, d, data)];
    }
    return [runJs(ins, avals, o.shape, d, d.alloc(n))];
  };
  function runJs(ins: readonly Strided[], avals: readonly { dtype: DType }[], shape: Shape, d: DType, data: ReturnType<DType["alloc"]>) {
    let consts = jsConsts.get(d);
    if (!consts) jsConsts.set(d, (consts = form.consts.map((v) => ({ data: Float64Array.of(rounded(v, d)), offset: 0, strides: [] }))));
    const reads = [...avals.slice(0, nIn).map((a) => readExpr(a.dtype, "@")), ...form.consts.map(() => "@")];
    elementwiseLoop(nIn + form.consts.length, reads, jsBody(form.tree, d))(data, shape, [...ins, ...consts]);
    return contiguous(data, shape);
  }
}

export const geluKernels: Record<string, Kernel> = {
  gelu: exprKernel(GELU_EXPR, 1),
  gelu_backward: exprKernel(GELU_BACKWARD_EXPR, 2),
};
