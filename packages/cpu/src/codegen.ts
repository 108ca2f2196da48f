// Generates tight loops for elementwise work over strided inputs: one inner
// loop over the last dim with constant strides, odometer stepping outside it.
// Loops are compiled once per (expression, arity) with `new Function` and
// cached; no per-element calls through generic dispatch.
import type { HostArray, Shape } from "@xlatorch/core";
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
  const r = [...Array(nIn).keys()];
  const decl = r.map((i) => `const A${i}=ins[${i}].data, S${i}=ins[${i}].strides; let p${i}=ins[${i}].offset;`).join("\n");
  const loadsAt = (idx: (i: number) => string) => r.map((i) => `const x${i}=${reads[i]!.replace("@", `A${i}[${idx(i)}]`)};`).join("");
  const src = `
${decl}
const nd = shape.length;
let n = 1; for (let d = 0; d < nd; d++) n *= shape[d];
if (n === 0) return;
if (dense) {
  ${r.map((i) => `const q${i}=p${i};`).join("")}
  for (let i = 0; i < n; i++) { ${loadsAt((i) => `q${i}+i`)} out[i] = ${body}; }
  return;
}
if (nd === 0) { ${loadsAt((i) => `p${i}`)} out[0] = ${body}; return; }
const last = nd - 1, inner = shape[last];
${r.map((i) => `const t${i}=S${i}[last];`).join("")}
const idx = new Int32Array(nd);
let o = 0;
for (let k = n / inner; k > 0; k--) {
  for (let j = 0; j < inner; j++) { ${loadsAt((i) => `p${i}`)} out[o++] = ${body}; ${r.map((i) => `p${i}+=t${i};`).join("")} }
  ${r.map((i) => `p${i}-=t${i}*inner;`).join("")}
  for (let d = last - 1; d >= 0; d--) {
    idx[d]++; ${r.map((i) => `p${i}+=S${i}[d];`).join("")}
    if (idx[d] < shape[d]) break;
    ${r.map((i) => `p${i}-=S${i}[d]*shape[d];`).join("")} idx[d] = 0;
  }
}`;
  const make = new Function("$", "dense", "out", "shape", "ins", src);
  fn = (out, shape, ins) => make($, ins.every((s) => isDenseStrides(shape, s.strides)), out, shape, ins);
  cache.set(key, fn);
  return fn;
}

function isDenseStrides(shape: Shape, strides: readonly number[]): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== acc) return false;
    acc *= shape[i]!;
  }
  return true;
}
