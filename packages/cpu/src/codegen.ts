// Generates tight loops for elementwise work over strided inputs: one inner
// loop over the last dim with constant strides, odometer stepping outside it.
// Loops are compiled once per (expression, arity) with `new Function` and
// cached; no per-element calls through generic dispatch.
import { isContiguous, type HostArray, type Shape } from "@xlatorch/core";
import { $ } from "./helpers.js";
import type { Strided } from "./strided.js";

export type LoopFn = (out: HostArray, shape: Shape, ins: readonly Strided[]) => void;
const cache = new Map<string, LoopFn>();

/**
 * `body` computes the stored value from `x0..x{n-1}` (already decoded to their
 * compute domain by `reads[i]`, an expression over `A{i}[p{i}]`).
 */
export function elementwiseLoop(nIn: number, reads: string[], body: string): LoopFn {
  const key = `${nIn}|${reads.join(",")}|${body}`;
  let fn = cache.get(key);
  if (fn) return fn;
  // One compiled variant per pattern of broadcast-scalar inputs (all strides 0):
  // those are loaded once, outside the loop, and the rest may still be dense.
  const variants = new Map<string, (dense: boolean, out: HostArray, shape: Shape, ins: readonly Strided[]) => void>();
  fn = (out, shape, ins) => {
    const scalar = ins.map((s) => s.strides.every((st) => st === 0));
    // Typed-array kinds are part of the variant key so each compiled loop sees
    // one array type per operand (monomorphic element access stays fast).
    const key = scalar.map((b) => (b ? "1" : "0")).join("") + out.constructor.name + ins.map((s) => s.data.constructor.name).join(",");
    let v = variants.get(key);
    if (!v) {
      v = compile(nIn, reads, body, scalar);
      variants.set(key, v);
    }
    v(
      ins.every((s, i) => scalar[i] || isContiguous(shape, s.strides)),
      out,
      shape,
      ins,
    );
  };
  cache.set(key, fn);
  return fn;
}

function compile(nIn: number, reads: string[], body: string, scalar: readonly boolean[]) {
  const r = [...Array(nIn).keys()];
  const isScalar = (i: number) => scalar[i] === true;
  const decl = r.map((i) => `const A${i}=ins[${i}].data, S${i}=ins[${i}].strides; let p${i}=ins[${i}].offset;`).join("\n");
  const load = (i: number, idx: string) => `${reads[i]!.replace("@", `A${i}[${idx}]`)}`;
  const hoisted = r
    .filter(isScalar)
    .map((i) => `const x${i}=${load(i, `p${i}`)};`)
    .join("");
  const loadsAt = (idx: (i: number) => string) =>
    r
      .filter((i) => !isScalar(i))
      .map((i) => `const x${i}=${load(i, idx(i))};`)
      .join("");
  const moving = r.filter((i) => !isScalar(i));
  const src = `
${decl}
const nd = shape.length;
let n = 1; for (let d = 0; d < nd; d++) n *= shape[d];
if (n === 0) return;
${hoisted}
if (dense) {
  ${moving.map((i) => `const q${i}=p${i};`).join("")}
  for (let i = 0; i < n; i++) { ${loadsAt((i) => `q${i}+i`)} out[i] = ${body}; }
  return;
}
if (nd === 0) { ${loadsAt((i) => `p${i}`)} out[0] = ${body}; return; }
const last = nd - 1, inner = shape[last];
${moving.map((i) => `const t${i}=S${i}[last];`).join("")}
const idx = new Int32Array(nd);
let o = 0;
for (let k = n / inner; k > 0; k--) {
  for (let j = 0; j < inner; j++) { ${loadsAt((i) => `p${i}`)} out[o++] = ${body}; ${moving.map((i) => `p${i}+=t${i};`).join("")} }
  ${moving.map((i) => `p${i}-=t${i}*inner;`).join("")}
  for (let d = last - 1; d >= 0; d--) {
    idx[d]++; ${moving.map((i) => `p${i}+=S${i}[d];`).join("")}
    if (idx[d] < shape[d]) break;
    ${moving.map((i) => `p${i}-=S${i}[d]*shape[d];`).join("")} idx[d] = 0;
  }
}`;
  const make = new Function("$", "dense", "out", "shape", "ins", src);
  return (dense: boolean, out: HostArray, shape: Shape, ins: readonly Strided[]) => make($, dense, out, shape, ins);
}
