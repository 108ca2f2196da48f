// A fused loop's leaf read through view ops folded into the loop (fuse.ts):
// broadcast_in_dim, reshape, transpose and slice are views in the kernels
// (kernels/layout.ts: the result shares its operand's array, with other
// strides and offset), so an elementwise loop, which takes each leaf as
// {data, offset, strides over the loop's shape}, reads the same elements when
// it applies those ops' stride rules to the operand itself; the ops are then no
// steps of their own. A LeafView is the chain of such ops from the leaf's
// value (its operand) to the value the loop reads, as a flat list of numbers
// (stored in plans as JSON, compared as keys by multi_output.ts leafKey), one
// entry per op in the order they apply:
//   BROADCAST n  map[n] out[n]        result dim o takes operand dim map[o]'s stride, or 0 for -1
//   RESHAPE   n  in[n]  m  out[m]     row-major, as the kernel: a view where the strides allow, else a dense copy
//   TRANSPOSE n  perm[n]              result dim d takes operand dim perm[d]'s stride
//   SLICE     n  start[n] step[n] out[n]
// Shapes ride along so that a stored plan can be checked against the module
// (viewFits) and a reshape needs no shape from elsewhere at run time.
import { dtypeOf, numelOf, viewStrides } from "@xlatorch/core";
import type { DTypeName, Op } from "@xlatorch/stablehlo";
import { pickedStrides, reshapedView, slicedView } from "../kernels/layout.js";
import type { Strided } from "../strided.js";
import { translate } from "./translate.js";

export type LeafView = number[];

export const BROADCAST = 0,
  RESHAPE = 1,
  TRANSPOSE = 2,
  SLICE = 3;

/** The view ops a loop may read through. */
export const isViewOp = (op: Op): boolean =>
  op.name === "stablehlo.broadcast_in_dim" ||
  op.name === "stablehlo.reshape" ||
  op.name === "stablehlo.transpose" ||
  op.name === "stablehlo.slice";

/** One view op's entry of a LeafView. */
export function viewEntry(op: Op): number[] {
  const from = op.operands[0]!.type.shape,
    to = op.results[0]!.type.shape;
  const attrs = translate(op).attrs as { dims: number[]; perm: number[]; start: number[]; step: number[] };
  switch (op.name) {
    case "stablehlo.broadcast_in_dim": {
      // the broadcast kernel's rule: a dim keeps its stride where the sizes match (a size-1 dim spread takes 0)
      const map = new Array<number>(to.length).fill(-1);
      attrs.dims.forEach((o, i) => {
        if (from[i] === to[o]) map[o] = i;
      });
      return [BROADCAST, to.length, ...map, ...to];
    }
    case "stablehlo.reshape":
      return [RESHAPE, from.length, ...from, to.length, ...to];
    case "stablehlo.transpose":
      return [TRANSPOSE, to.length, ...attrs.perm];
    case "stablehlo.slice":
      return [SLICE, to.length, ...attrs.start, ...attrs.step, ...to];
  }
  throw new Error(`cpu runtime: ${op.name} is not a view op`);
}

/**
 * The strides of the op's result when its operand has `strides` (the kernel's
 * rule, offsets aside), or null for a reshape those strides cannot express (the
 * kernel copies). Used when planning, over each value's layout with every
 * leaf's value row-major, to fold a reshape only where that layout lets it be a
 * view; at run time applyView copies where an operand's layout does not.
 */
export function stridesAfter(op: Op, strides: readonly number[]): number[] | null {
  const e = viewEntry(op);
  if (e[0] === RESHAPE) return viewStrides(op.operands[0]!.type.shape, strides, op.results[0]!.type.shape);
  return applyView({ data: EMPTY, offset: 0, strides: [...strides] }, e, "float32").strides;
}
const EMPTY = new Float32Array(0);

/**
 * The leaf `s` (a value of dtype `dtype`) read through view `w`: the strided
 * view the kernels would have returned for the chain, made per execution since
 * the leaf's own strides may differ between calls (an argument's, a kernel's
 * view). A reshape the strides cannot express reads a dense copy, as the
 * reshape kernel does.
 */
export function applyView(s: Strided, w: readonly number[], dtype: DTypeName): Strided {
  for (let k = 0; k < w.length; ) {
    const code = w[k]!,
      n = w[k + 1]!,
      a = k + 2;
    if (code === BROADCAST) {
      s = { data: s.data, offset: s.offset, strides: pickedStrides(s.strides, w, a, n) };
      k = a + 2 * n;
    } else if (code === TRANSPOSE) {
      s = { data: s.data, offset: s.offset, strides: pickedStrides(s.strides, w, a, n) };
      k = a + n;
    } else if (code === SLICE) {
      s = slicedView(s, n, w, a, w, a + n);
      k = a + 3 * n;
    } else {
      const m = w[a + n]!,
        b = a + n + 1;
      s = reshapedView(s, dtypeOf(dtype), w, w, a, n, b, m);
      k = b + m;
    }
  }
  return s;
}

/**
 * Whether `w` is a well-formed view of a value of shape `from` whose result
 * has shape `to` (a stored plan checked against its module): every op's
 * operand has the shape the previous op made, every read stays inside it.
 */
export function viewFits(w: unknown, from: readonly number[], to: readonly number[]): boolean {
  if (!Array.isArray(w) || !w.every((x) => Number.isInteger(x))) return false;
  const v = w as number[];
  let shape = [...from];
  const nat = (x: number | undefined) => x !== undefined && x >= 0;
  for (let k = 0; k < v.length; ) {
    const code = v[k],
      n = v[k + 1]!,
      a = k + 2;
    if (!nat(n) || a > v.length) return false;
    if (code === BROADCAST) {
      const map = v.slice(a, a + n),
        out = v.slice(a + n, a + 2 * n);
      if (out.length !== n || !out.every(nat)) return false;
      if (!map.every((i, o) => i === -1 || (i >= 0 && i < shape.length && shape[i] === out[o]))) return false;
      shape = out;
      k = a + 2 * n;
    } else if (code === RESHAPE) {
      const m = v[a + n]!,
        inShape = v.slice(a, a + n),
        out = v.slice(a + n + 1, a + n + 1 + m);
      if (n !== shape.length || !inShape.every((x, d) => x === shape[d]) || !nat(m) || out.length !== m || !out.every(nat)) return false;
      if (numelOf(out) !== numelOf(shape)) return false;
      shape = out;
      k = a + n + 1 + m;
    } else if (code === TRANSPOSE) {
      const perm = v.slice(a, a + n);
      if (n !== shape.length || perm.length !== n || new Set(perm).size !== n || !perm.every((p) => p >= 0 && p < n)) return false;
      shape = perm.map((p) => shape[p]!);
      k = a + n;
    } else if (code === SLICE) {
      const start = v.slice(a, a + n),
        step = v.slice(a + n, a + 2 * n),
        out = v.slice(a + 2 * n, a + 3 * n);
      if (n !== shape.length || out.length !== n || !out.every(nat)) return false;
      for (let d = 0; d < n; d++)
        if (out[d]! > 0 && !(start[d]! >= 0 && step[d]! >= 1 && start[d]! + (out[d]! - 1) * step[d]! < shape[d]!)) return false;
      shape = out;
      k = a + 3 * n;
    } else return false;
  }
  return v.length > 0 && shape.length === to.length && shape.every((x, d) => x === to[d]);
}
