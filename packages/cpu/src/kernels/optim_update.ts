// The CPU kernel of the fused optimizer updates (core's prims_optim.ts):
// every output is the primitive's expression (adamUpdateExprs) evaluated per
// element, each op rounded to the element type as the eager kernels round it
// (float32: an IEEE float32 op, i.e. the float64 result of float32 operands
// rounded once, which is exact for + - * / sqrt; maximum as Math.max), so the
// results are the composed update's bits. float32 tensors of 256+ elements
// run in one generated WebAssembly SIMD loop (wasm/optim_module.ts, the eager
// kernels' lane emitters); the rest in one generated JavaScript loop. Either
// reads each operand once and writes every output.
import {
  adamUpdateExprs,
  isContiguous,
  numelOf,
  sgdUpdateExprs,
  type AdamUpdateAttrs,
  type HostArray,
  type SgdUpdateAttrs,
  type Shape,
  type UpdateExpr,
  type UpdateForm,
} from "@xlatorch/core";
import { contiguous } from "../strided.js";
import { wasmUpdateF32 } from "../wasm/optim_module.js";
import { dense } from "./layout.js";
import type { Kernel } from "./types.js";

const JS_OPS: Record<string, (...a: string[]) => string> = {
  neg: (a) => `-${a}`,
  add: (a, b) => `${a}+${b}`,
  multiply: (a, b) => `${a}*${b}`,
  divide: (a, b) => `${a}/${b}`,
  sqrt: (a) => `Math.sqrt(${a})`,
  maximum: (a, b) => `Math.max(${a},${b})`,
};

type Loop = (outs: HostArray[], ins: HostArray[], offsets: number[], scalars: number[], n: number) => void;

/**
 * One loop computing every expression per element: operands below `nT` are
 * arrays read at [offset + i], the `nS` after them scalars; each distinct
 * subexpression is computed once, rounded with Math.fround for float32.
 */
function compileLoop(exprs: UpdateExpr[], nT: number, nS: number, f32: boolean): Loop {
  const R = f32 ? "Math.fround" : "";
  const lines: string[] = [];
  const names = new Map<string, string>();
  const used = new Set<number>();
  const visit = (e: UpdateExpr): string => {
    if (typeof e === "number") {
      if (e >= nT) return `s${e - nT}`;
      used.add(e);
      return `l${e}`;
    }
    const key = JSON.stringify(e);
    const known = names.get(key);
    if (known) return known;
    const [op, ...args] = e;
    const f = JS_OPS[op];
    if (!f) throw new Error(`optim_update: no JavaScript form of ${op}`);
    const code = f(...args.map(visit));
    const name = `t${names.size}`;
    lines.push(`const ${name}=${R}(${code});`);
    names.set(key, name);
    return name;
  };
  const results = exprs.map(visit);
  const loads = [...used].map((k) => `const l${k}=x${k}[b${k}+i];`);
  const stores = results.map((r, k) => `o${k}[i]=${r};`);
  const head = [
    ...Array.from({ length: nT }, (_, k) => `const x${k}=ins[${k}],b${k}=offsets[${k}];`),
    ...exprs.map((_, k) => `const o${k}=outs[${k}];`),
  ];
  for (let k = 0; k < nS; k++) head.push(`const s${k}=scalars[${k}];`);
  const body = `${head.join("\n")}\nfor(let i=0;i<n;i++){${loads.join("")}${lines.join("")}${stores.join("")}}`;
  return new Function("outs", "ins", "offsets", "scalars", "n", body) as Loop;
}

interface Compiled {
  key: string;
  exprs: UpdateExpr[];
  loop32: Loop | null;
  loop64: Loop | null;
}
const compiled = new Map<string, Compiled>();

/** The compiled forms of one primitive's expressions for these attributes (made once). */
function compiledFor(prim: string, attrs: object, formOf: (a: never) => UpdateForm): Compiled {
  const key = `${prim}|${Object.values(attrs).join("|")}`;
  let c = compiled.get(key);
  if (!c) compiled.set(key, (c = { key, exprs: formOf(attrs as never).exprs, loop32: null, loop64: null }));
  return c;
}

/**
 * The kernel of an update primitive whose first `tensorCount` operands are
 * tensors of one shape (read in place when row-major, else copied row-major)
 * and the rest 0-d: every output of `formOf(attrs)` in one pass.
 */
function updateKernel<A extends object>(prim: string, formOf: (a: A) => UpdateForm, tensorCount: (a: A) => number): Kernel {
  return (ins, avals, attrs, outs) => {
    const nT = tensorCount(attrs as A);
    const shape: Shape = outs[0]!.shape;
    const n = numelOf(shape);
    const f32 = outs[0]!.dtype.name === "float32";
    const c = compiledFor(prim, attrs as A, formOf as (a: never) => UpdateForm);
    const results = outs.map((o) => o.dtype.alloc(n));
    const arrays: HostArray[] = [],
      offsets: number[] = [];
    for (let k = 0; k < nT; k++) {
      const s = ins[k]!;
      const inPlace = isContiguous(shape, s.strides) && s.offset + n <= s.data.length;
      arrays.push(inPlace ? s.data : dense(s, shape, avals[k]!.dtype));
      offsets.push(inPlace ? s.offset : 0);
    }
    const scalars = ins.slice(nT).map((s) => s.data[s.offset] as number);
    const wasm = f32 && wasmUpdateF32(c.key, c.exprs, arrays as Float32Array[], offsets, scalars, results as Float32Array[], n);
    if (!wasm) {
      const loop = f32
        ? (c.loop32 ??= compileLoop(c.exprs, nT, scalars.length, true))
        : (c.loop64 ??= compileLoop(c.exprs, nT, scalars.length, false));
      loop(results, arrays, offsets, scalars, n);
    }
    return results.map((r) => contiguous(r, shape));
  };
}

export const optimKernels: Record<string, Kernel> = {
  adam_update: updateKernel<AdamUpdateAttrs>("adam_update", adamUpdateExprs, (a) => (a.amsgrad ? 5 : 4)),
  sgd_update: updateKernel<SgdUpdateAttrs>("sgd_update", sgdUpdateExprs, (a) => (a.momentum === "buffer" ? 3 : 2)),
};
