// The CPU kernel of the fused optimizer updates (core's prims_optim.ts):
// every output is the primitive's expression (adamUpdateExprs) evaluated per
// element, each op rounded to the element type as the eager kernels round it
// (float32: an IEEE float32 op, i.e. the float64 result of float32 operands
// rounded once, which is exact for + - * / sqrt; maximum as Math.max), so the
// results are the composed update's bits. float32 tensors of 256+ elements
// run in one generated WebAssembly SIMD loop (wasm/optim_module.ts, the eager
// kernels' lane emitters); the rest in one generated JavaScript loop. Either
// reads each operand once and writes every output. The eager optimizers' in-place
// form (optim_in_place.ts) runs the same loops with the outputs written into the
// tensors they update (updateInto) instead of new arrays.
import {
  adamUpdateExprs,
  isContiguous,
  numelOf,
  sgdUpdateExprs,
  type AdamUpdateAttrs,
  type AVal,
  type HostArray,
  type SgdUpdateAttrs,
  type Shape,
  type UpdateExpr,
  type UpdateForm,
} from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
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

type Loop = (outs: HostArray[], outOffsets: number[], ins: HostArray[], offsets: number[], scalars: number[], n: number) => void;

/**
 * One loop computing every expression per element: operands below `nT` are
 * arrays read at [offset + i], the `nS` after them scalars; each distinct
 * subexpression is computed once, rounded with Math.fround for float32;
 * output k is stored at [outOffsets[k] + i]. Element i's operands are all
 * loaded before any of its outputs is stored, so an output may be the array
 * of an operand read at the same position (the in-place form).
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
  const stores = results.map((r, k) => `o${k}[c${k}+i]=${r};`);
  const head = [
    ...Array.from({ length: nT }, (_, k) => `const x${k}=ins[${k}],b${k}=offsets[${k}];`),
    ...exprs.map((_, k) => `const o${k}=outs[${k}],c${k}=outOffsets[${k}];`),
  ];
  for (let k = 0; k < nS; k++) head.push(`const s${k}=scalars[${k}];`);
  const body = `${head.join("\n")}\nfor(let i=0;i<n;i++){${loads.join("")}${lines.join("")}${stores.join("")}}`;
  return new Function("outs", "outOffsets", "ins", "offsets", "scalars", "n", body) as Loop;
}

interface Compiled {
  key: string;
  exprs: UpdateExpr[];
  loop32: Loop | null;
  loop64: Loop | null;
}
// by core's form object (one per primitive and attributes, made once): no key string per call
const compiled = new WeakMap<UpdateForm, Compiled>();

/** The compiled forms of one primitive's expressions for these attributes (made once). */
function compiledFor(prim: string, attrs: object, formOf: (a: object) => UpdateForm): Compiled {
  const form = formOf(attrs);
  let c = compiled.get(form);
  if (!c) compiled.set(form, (c = { key: `${prim}|${Object.values(attrs).join("|")}`, exprs: form.exprs, loop32: null, loop64: null }));
  return c;
}

/** Each primitive's expressions and its count of tensor operands (the rest are 0-d). */
interface UpdatePrim {
  formOf: (a: object) => UpdateForm;
  tensorCount: (a: object) => number;
}
const PRIMS: Record<string, UpdatePrim> = {
  adam_update: { formOf: (a) => adamUpdateExprs(a as AdamUpdateAttrs), tensorCount: (a) => ((a as AdamUpdateAttrs).amsgrad ? 5 : 4) },
  sgd_update: {
    formOf: (a) => sgdUpdateExprs(a as SgdUpdateAttrs),
    tensorCount: (a) => ((a as SgdUpdateAttrs).momentum === "buffer" ? 3 : 2),
  },
};

/**
 * Every output of `prim` over operands `ins` (the first tensorCount of `shape`,
 * read in place when row-major, else copied row-major; the rest 0-d, read
 * before anything is written), output k stored row-major at
 * results[k][resultOffsets[k] + i]; false, writing nothing, unless there is one
 * result per output.
 */
function runUpdate(
  prim: string,
  ins: readonly Strided[],
  avals: readonly AVal[],
  attrs: object,
  shape: Shape,
  results: HostArray[],
  resultOffsets: number[],
): boolean {
  const u = PRIMS[prim]!;
  const nT = u.tensorCount(attrs);
  const n = numelOf(shape);
  const f32 = avals[0]!.dtype.name === "float32";
  const c = compiledFor(prim, attrs, u.formOf);
  if (c.exprs.length !== results.length) return false;
  const arrays: HostArray[] = [],
    offsets: number[] = [];
  for (let k = 0; k < nT; k++) {
    const s = ins[k]!;
    const inPlace = isContiguous(shape, s.strides) && s.offset + n <= s.data.length;
    arrays.push(inPlace ? s.data : dense(s, shape, avals[k]!.dtype));
    offsets.push(inPlace ? s.offset : 0);
  }
  const scalars = ins.slice(nT).map((s) => s.data[s.offset] as number);
  const wasm =
    f32 && wasmUpdateF32(c.key, c.exprs, arrays as Float32Array[], offsets, scalars, results as Float32Array[], resultOffsets, n);
  if (!wasm) {
    const loop = f32
      ? (c.loop32 ??= compileLoop(c.exprs, nT, scalars.length, true))
      : (c.loop64 ??= compileLoop(c.exprs, nT, scalars.length, false));
    loop(results, resultOffsets, arrays, offsets, scalars, n);
  }
  return true;
}

/** The kernel of an update primitive: every output in a new row-major array. */
function updateKernel(prim: string): Kernel {
  return (ins, avals, attrs, outs) => {
    const shape: Shape = outs[0]!.shape;
    const n = numelOf(shape);
    const results = outs.map((o) => o.dtype.alloc(n));
    runUpdate(
      prim,
      ins,
      avals,
      attrs as object,
      shape,
      results,
      results.map(() => 0),
    );
    return results.map((r) => contiguous(r, shape));
  };
}

/**
 * The update's outputs written into `targets` (output k into targets[k]: row-major,
 * of the operands' shape and dtype, each at its own offset) instead of new arrays:
 * false, writing nothing, when there are not exactly as many targets as outputs.
 * The caller (optim_in_place.ts) checked that no target overlaps an operand other
 * than at the same positions of the same array (so each element is read before it
 * is written) nor another target.
 */
export function updateInto(
  prim: string,
  ins: readonly Strided[],
  avals: readonly AVal[],
  attrs: object,
  targets: readonly Strided[],
): boolean {
  if (PRIMS[prim] === undefined) return false;
  return runUpdate(
    prim,
    ins,
    avals,
    attrs,
    avals[0]!.shape,
    targets.map((t) => t.data),
    targets.map((t) => t.offset),
  );
}

export const optimKernels: Record<string, Kernel> = {
  adam_update: updateKernel("adam_update"),
  sgd_update: updateKernel("sgd_update"),
};
