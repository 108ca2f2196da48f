// Ops with a computation region, evaluated by running the region on scalars:
// reduce (several operands, any body, the init value used as the spec says),
// reduce_window (any window, strides, dilations, padding), scatter (full
// dimension numbers; updates whose window leaves the operand are skipped),
// sort (several operands, any comparator) and select_and_scatter.
import { numelOf } from "@xlatorch/core";
import { tensorType, type Op, type Region } from "@xlatorch/stablehlo";
import type { EvalCtx, Interp } from "./engine.js";
import { indexVector, int, ints } from "./layout.js";
import { alloc, copyElement, type DenseValue, forEachIndex, getInt, stridesOf, Unsupported } from "./values.js";

/** Element i of v as a 0-d value. */
function scalar(op: Op, v: DenseValue, i: number): DenseValue {
  const s = alloc(tensorType([], v.type.element), op);
  copyElement(s, 0, v, i);
  return s;
}

const linear = (idx: readonly number[], st: readonly number[]) => idx.reduce((k, x, d) => k + x * st[d]!, 0);

/** Applies a reduction body: (accumulators..., values...) -> accumulators. */
const apply = (ctx: EvalCtx, body: Region, acc: DenseValue[], vals: DenseValue[]): DenseValue[] => ctx.region(body, [...acc, ...vals]);

function reduce(op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const n = ins.length / 2;
  const inputs = ins.slice(0, n),
    inits = ins.slice(n);
  const body = op.regions?.[0];
  if (!body) throw new Unsupported(op, "expects a body region");
  const dims = ints(op, "dimensions");
  const shape = inputs[0]!.type.shape;
  const st = stridesOf(shape);
  const keep = [...shape.keys()].filter((d) => !dims.includes(d));
  const outs = op.results.map((r) => alloc(r.type, op));
  const rshape = dims.map((d) => shape[d]!);
  forEachIndex(
    keep.map((d) => shape[d]!),
    (oidx, k) => {
      let acc = inits;
      const full = shape.map(() => 0);
      keep.forEach((d, i) => (full[d] = oidx[i]!));
      forEachIndex(rshape, (ridx) => {
        dims.forEach((d, i) => (full[d] = ridx[i]!));
        const j = linear(full, st);
        acc = apply(
          ctx,
          body,
          acc,
          inputs.map((x) => scalar(op, x, j)),
        );
      });
      acc.forEach((a, r) => copyElement(outs[r]!, k, a, 0));
    },
  );
  return outs;
}

function reduceWindow(op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const n = ins.length / 2;
  const inputs = ins.slice(0, n),
    inits = ins.slice(n);
  const body = op.regions?.[0];
  if (!body) throw new Unsupported(op, "expects a body region");
  const shape = inputs[0]!.type.shape;
  const r = shape.length;
  const win = ints(op, "window_dimensions");
  const ones = shape.map(() => 1);
  const strides = op.attrs.window_strides ? ints(op, "window_strides") : ones;
  const baseDil = op.attrs.base_dilations ? ints(op, "base_dilations") : ones;
  const winDil = op.attrs.window_dilations ? ints(op, "window_dilations") : ones;
  const padA = op.attrs.padding;
  const pad = padA && padA.kind === "dense" ? padA.values.map(Number) : Array(2 * r).fill(0);
  const st = stridesOf(shape);
  const outs = op.results.map((res) => alloc(res.type, op));
  forEachIndex(outs[0]!.type.shape, (oidx, k) => {
    let acc = inits;
    forEachIndex(win, (widx) => {
      // position in the padded, base-dilated operand, then back to the operand
      const src: number[] = [];
      for (let d = 0; d < r; d++) {
        const p = oidx[d]! * strides[d]! + widx[d]! * winDil[d]! - pad[2 * d]!;
        if (p < 0 || p % baseDil[d]! !== 0) return;
        const q = p / baseDil[d]!;
        if (q >= shape[d]!) return;
        src.push(q);
      }
      const j = linear(src, st);
      acc = apply(
        ctx,
        body,
        acc,
        inputs.map((x) => scalar(op, x, j)),
      );
    });
    acc.forEach((a, i) => copyElement(outs[i]!, k, a, 0));
  });
  return outs;
}

function scatter(op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const d = op.attrs.scatter_dimension_numbers;
  if (!d || d.kind !== "scatter") throw new Unsupported(op, "expects #stablehlo.scatter dimension numbers");
  const n = (ins.length - 1) / 2;
  const inputs = ins.slice(0, n),
    indices = ins[n]!,
    updates = ins.slice(n + 1);
  const body = op.regions?.[0];
  if (!body) throw new Unsupported(op, "expects an update region");
  const outs = inputs.map((x, i) => {
    const o = alloc(op.results[i]!.type, op);
    o.data.set(x.data as never);
    return o;
  });
  const xshape = inputs[0]!.type.shape;
  const xs = stridesOf(xshape);
  const ushape = updates[0]!.type.shape;
  const scatterDims = [...ushape.keys()].filter((k) => !d.updateWindowDims.includes(k));
  const windowOperandDims = [...xshape.keys()].filter((k) => !d.insertedWindowDims.includes(k) && !d.inputBatchingDims.includes(k));
  forEachIndex(ushape, (uidx, k) => {
    const batch = scatterDims.map((s) => uidx[s]!);
    const iv = indexVector(indices, batch, d.indexVectorDim);
    const full = xshape.map(() => 0);
    d.scatterDimsToOperandDims.forEach((od, i) => (full[od] = iv[i]!));
    d.inputBatchingDims.forEach((od, i) => {
      const sd = d.scatterIndicesBatchingDims[i]!;
      full[od] = batch[sd < d.indexVectorDim ? sd : sd - 1]!;
    });
    windowOperandDims.forEach((od, i) => (full[od] = full[od]! + uidx[d.updateWindowDims[i]!]!));
    // an update whose target lies outside the operand is skipped (the spec)
    for (let o = 0; o < xshape.length; o++) if (full[o]! < 0 || full[o]! >= xshape[o]!) return;
    const j = linear(full, xs);
    const res = apply(
      ctx,
      body,
      outs.map((o) => scalar(op, o, j)),
      updates.map((u) => scalar(op, u, k)),
    );
    res.forEach((v, i) => copyElement(outs[i]!, j, v, 0));
  });
  return outs;
}

function sort(op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const cmp = op.regions?.[0];
  if (!cmp) throw new Unsupported(op, "expects a comparator region");
  const shape = ins[0]!.type.shape;
  let dim = int(op, "dimension", 0);
  if (dim < 0) dim += shape.length;
  const st = stridesOf(shape);
  const outs = op.results.map((r) => alloc(r.type, op));
  const len = shape[dim]!;
  const outer = shape.map((s, d) => (d === dim ? 1 : s));
  forEachIndex(outer, (idx) => {
    const base = linear(idx, st);
    const pos = Array.from({ length: len }, (_, i) => base + i * st[dim]!);
    const less = (a: number, b: number): boolean => {
      // the comparator takes (lhs0, rhs0, lhs1, rhs1, ...)
      const [p] = ctx.region(
        cmp,
        ins.flatMap((x) => [scalar(op, x, a), scalar(op, x, b)]),
      );
      return getInt(p!, 0) !== 0n;
    };
    // a stable merge sort: equal elements keep their order (also what is_stable asks)
    const order = mergeSort(pos, less);
    order.forEach((src, i) => ins.forEach((x, r) => copyElement(outs[r]!, pos[i]!, x, src)));
  });
  return outs;
}

function mergeSort(a: number[], less: (x: number, y: number) => boolean): number[] {
  if (a.length <= 1) return a;
  const m = a.length >> 1;
  const l = mergeSort(a.slice(0, m), less),
    r = mergeSort(a.slice(m), less);
  const out: number[] = [];
  let i = 0,
    j = 0;
  while (i < l.length && j < r.length) out.push(less(r[j]!, l[i]!) ? r[j++]! : l[i++]!);
  return out.concat(l.slice(i), r.slice(j));
}

function selectAndScatter(op: Op, [x, source, init]: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const [select, scatterBody] = op.regions ?? [];
  if (!select || !scatterBody) throw new Unsupported(op, "expects select and scatter regions");
  const shape = x!.type.shape;
  const r = shape.length;
  const win = op.attrs.window_dimensions ? ints(op, "window_dimensions") : shape.map(() => 1);
  const strides = op.attrs.window_strides ? ints(op, "window_strides") : shape.map(() => 1);
  const padA = op.attrs.padding;
  const pad = padA && padA.kind === "dense" ? padA.values.map(Number) : Array(2 * r).fill(0);
  const st = stridesOf(shape);
  const out = alloc(op.results[0]!.type, op);
  const n = numelOf(shape);
  for (let i = 0; i < n; i++) copyElement(out, i, init!, 0);
  const sel: (number | undefined)[] = [];
  forEachIndex(source!.type.shape, (sidx, k) => {
    let best: number | undefined;
    forEachIndex(win, (widx) => {
      const src: number[] = [];
      for (let d = 0; d < r; d++) {
        const p = sidx[d]! * strides[d]! + widx[d]! - pad[2 * d]!;
        if (p < 0 || p >= shape[d]!) return;
        src.push(p);
      }
      const j = linear(src, st);
      if (best === undefined) best = j;
      else {
        const [keep] = ctx.region(select, [scalar(op, x!, best), scalar(op, x!, j)]);
        if (getInt(keep!, 0) === 0n) best = j;
      }
    });
    sel[k] = best;
  });
  forEachIndex(source!.type.shape, (_s, k) => {
    const j = sel[k];
    if (j === undefined) return;
    const [v] = ctx.region(scatterBody, [scalar(op, out, j), scalar(op, source!, k)]);
    copyElement(out, j, v!, 0);
  });
  return [out];
}

export const reductionOps: Record<string, Interp> = {
  "stablehlo.reduce": reduce,
  "stablehlo.reduce_window": reduceWindow,
  "stablehlo.scatter": scatter,
  "stablehlo.sort": sort,
  "stablehlo.select_and_scatter": selectAndScatter,
};
void int;
