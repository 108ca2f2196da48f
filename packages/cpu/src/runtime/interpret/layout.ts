// Data movement in the reference evaluator, element by element with the
// spec's index rules: pad (negative and interior), iota, transpose, reverse,
// slice, concatenate, broadcast_in_dim, reshape, dynamic_slice and
// dynamic_update_slice (start indices clamped), gather (full dimension
// numbers, starts clamped), dot_general on integers.
import { numelOf } from "@xlatorch/core";
import { isComplex, type Attr, type Op } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import { intBinary } from "./scalar.js";
import {
  alloc,
  copyElement,
  type DenseValue,
  forEachIndex,
  getFloat,
  getInt,
  isIntLike,
  rounderOf,
  scalarInt,
  setFloat,
  setInt,
  stridesOf,
  Unsupported,
} from "./values.js";

export const ints = (op: Op, k: string): number[] => {
  const a = op.attrs[k];
  return a && a.kind === "ints" ? a.values : a && a.kind === "dense" ? a.values.map(Number) : [];
};
export const int = (op: Op, k: string, dflt = 0): number => {
  const a = op.attrs[k];
  return a && a.kind === "int" ? Number(a.value) : dflt;
};
const linear = (idx: readonly number[], strides: readonly number[]): number => {
  let k = 0;
  for (let d = 0; d < idx.length; d++) k += idx[d]! * strides[d]!;
  return k;
};
const clampI = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

function pad(op: Op, [x, v]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const lo = ints(op, "edge_padding_low"),
    interior = ints(op, "interior_padding");
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) copyElement(out, i, v!, 0);
  const os = stridesOf(out.type.shape);
  // each operand element goes to lo + i * (interior + 1), when that is inside the result
  forEachIndex(x!.type.shape, (idx, k) => {
    let j = 0;
    for (let d = 0; d < idx.length; d++) {
      const p = lo[d]! + idx[d]! * (interior[d]! + 1);
      if (p < 0 || p >= out.type.shape[d]!) return;
      j += p * os[d]!;
    }
    copyElement(out, j, x!, k);
  });
  return [out];
}

function iota(op: Op): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const dim = int(op, "iota_dimension");
  const complex = isComplex(out.type.element);
  forEachIndex(out.type.shape, (idx, k) => {
    if (complex) {
      out.data[2 * k] = idx[dim]!;
      out.data[2 * k + 1] = 0;
    } else if (isIntLike(out.type.element)) setInt(out, k, BigInt(idx[dim]!));
    else setFloat(out, k, idx[dim]!);
  });
  return [out];
}

function transpose(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const perm = ints(op, "permutation");
  const xs = stridesOf(x!.type.shape);
  const ps = perm.map((p) => xs[p]!);
  forEachIndex(out.type.shape, (idx, k) => copyElement(out, k, x!, linear(idx, ps)));
  return [out];
}

function reverse(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const dims = new Set(ints(op, "dimensions"));
  const xs = stridesOf(x!.type.shape);
  const shape = x!.type.shape;
  forEachIndex(shape, (idx, k) => {
    let j = 0;
    for (let d = 0; d < idx.length; d++) j += (dims.has(d) ? shape[d]! - 1 - idx[d]! : idx[d]!) * xs[d]!;
    copyElement(out, k, x!, j);
  });
  return [out];
}

function slice(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const start = ints(op, "start_indices"),
    st = ints(op, "strides");
  const xs = stridesOf(x!.type.shape);
  forEachIndex(out.type.shape, (idx, k) => {
    let j = 0;
    for (let d = 0; d < idx.length; d++) j += (start[d]! + idx[d]! * (st[d] ?? 1)) * xs[d]!;
    copyElement(out, k, x!, j);
  });
  return [out];
}

function concatenate(op: Op, ins: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const dim = int(op, "dimension");
  const os = stridesOf(out.type.shape);
  let off = 0;
  for (const x of ins) {
    forEachIndex(x.type.shape, (idx, k) => {
      let j = 0;
      for (let d = 0; d < idx.length; d++) j += (d === dim ? idx[d]! + off : idx[d]!) * os[d]!;
      copyElement(out, j, x, k);
    });
    off += x.type.shape[dim]!;
  }
  return [out];
}

function broadcastInDim(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const dims = ints(op, "broadcast_dimensions");
  const xs = stridesOf(x!.type.shape);
  forEachIndex(out.type.shape, (idx, k) => {
    let j = 0;
    dims.forEach((o, i) => {
      if (x!.type.shape[i] !== 1) j += idx[o]! * xs[i]!;
    });
    copyElement(out, k, x!, j);
  });
  return [out];
}

function reshape(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  out.data.set(x!.data as never);
  return [out];
}

/** The clamped start indices of dynamic_slice / dynamic_update_slice: within [0, operand - size]. */
const starts = (shape: readonly number[], sizes: readonly number[], ins: DenseValue[]) =>
  shape.map((n, d) => clampI(scalarInt(ins[d]!), 0, n - sizes[d]!));

function dynamicSlice(op: Op, [x, ...idx]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const s = starts(x!.type.shape, out.type.shape, idx);
  const xs = stridesOf(x!.type.shape);
  forEachIndex(out.type.shape, (i, k) => {
    let j = 0;
    for (let d = 0; d < i.length; d++) j += (s[d]! + i[d]!) * xs[d]!;
    copyElement(out, k, x!, j);
  });
  return [out];
}

function dynamicUpdateSlice(op: Op, [x, u, ...idx]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  out.data.set(x!.data as never);
  const s = starts(x!.type.shape, u!.type.shape, idx);
  const os = stridesOf(x!.type.shape);
  forEachIndex(u!.type.shape, (i, k) => {
    let j = 0;
    for (let d = 0; d < i.length; d++) j += (s[d]! + i[d]!) * os[d]!;
    copyElement(out, j, u!, k);
  });
  return [out];
}

const gatherDims = (op: Op, a: Attr | undefined) => {
  if (!a || a.kind !== "gather") throw new Unsupported(op, "expects #stablehlo.gather dimension numbers");
  return a;
};

/** The index vector of `indices` at batch index `b` (index_vector_dim spliced in), as numbers. */
export function indexVector(indices: DenseValue, batch: readonly number[], ivd: number): number[] {
  const shape = indices.type.shape;
  const st = stridesOf(shape);
  const full = [...batch];
  if (ivd < shape.length) full.splice(ivd, 0, 0);
  const n = ivd < shape.length ? shape[ivd]! : 1;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    if (ivd < shape.length) full[ivd] = k;
    const v = getInt(indices, linear(full, st));
    out.push(v > 2n ** 40n ? 2 ** 40 : v < -(2n ** 40n) ? -(2 ** 40) : Number(v));
  }
  return out;
}

function gather(op: Op, [x, indices]: DenseValue[]): DenseValue[] {
  const d = gatherDims(op, op.attrs.dimension_numbers);
  const sizes = ints(op, "slice_sizes");
  const out = alloc(op.results[0]!.type, op);
  const xshape = x!.type.shape;
  const xs = stridesOf(xshape);
  const rank = out.type.shape.length;
  const batchDims = [...Array(rank).keys()].filter((k) => !d.offsetDims.includes(k));
  // operand dims that are windows in the result (not collapsed, not batching), in order
  const offsetOperandDims = [...Array(xshape.length).keys()].filter(
    (k) => !d.collapsedSliceDims.includes(k) && !d.operandBatchingDims.includes(k),
  );
  forEachIndex(out.type.shape, (idx, k) => {
    const batch = batchDims.map((b) => idx[b]!);
    const iv = indexVector(indices!, batch, d.indexVectorDim);
    const start = xshape.map(() => 0);
    d.startIndexMap.forEach((od, i) => {
      start[od] = iv[i]!;
    });
    // batching dims take the batch index of their start_indices_batching_dim
    const batchNoIvd = batch;
    d.operandBatchingDims.forEach((od, i) => {
      const sd = d.startIndicesBatchingDims[i]!;
      const pos = sd < d.indexVectorDim ? sd : sd - 1;
      start[od] = batchNoIvd[pos]!;
    });
    for (let o = 0; o < xshape.length; o++) start[o] = clampI(start[o]!, 0, xshape[o]! - sizes[o]!);
    const full = [...start];
    offsetOperandDims.forEach((od, i) => {
      full[od] = full[od]! + idx[d.offsetDims[i]!]!;
    });
    copyElement(out, k, x!, linear(full, xs));
  });
  return [out];
}

/** dot_general on integers (exact, wrapping) or any type the kernel does not take. */
function dotGeneral(op: Op, [a, b]: DenseValue[]): DenseValue[] {
  const dn = op.attrs.dot_dimension_numbers;
  if (!dn || dn.kind !== "dot") throw new Unsupported(op, "expects #stablehlo.dot dimension numbers");
  const out = alloc(op.results[0]!.type, op);
  const as = a!.type.shape,
    bs = b!.type.shape;
  const aFree = [...as.keys()].filter((k) => !dn.lhsBatching.includes(k) && !dn.lhsContracting.includes(k));
  const bFree = [...bs.keys()].filter((k) => !dn.rhsBatching.includes(k) && !dn.rhsContracting.includes(k));
  const cShape = dn.lhsContracting.map((k) => as[k]!);
  const ast = stridesOf(as),
    bst = stridesOf(bs);
  const e = out.type.element;
  const cplx = isComplex(e);
  // operands are converted to the result type first (mixed-type dots)
  const read = (v: DenseValue, i: number): [number, number] =>
    isComplex(v.type.element)
      ? [v.data[2 * i] as number, v.data[2 * i + 1] as number]
      : [isIntLike(v.type.element) ? Number(getInt(v, i)) : getFloat(v, i), 0];
  if (isIntLike(e) && (!isIntLike(a!.type.element) || !isIntLike(b!.type.element)))
    throw new Unsupported(op, "mixed float/integer dot_general");
  const nb = dn.lhsBatching.length;
  // each product and sum in the result type, as the reference interpreter computes it (f32: as a device does)
  const rnd = rounderOf(e);
  forEachIndex(out.type.shape, (idx, k) => {
    const ai = as.map(() => 0),
      bi = bs.map(() => 0);
    dn.lhsBatching.forEach((d, i) => (ai[d] = idx[i]!));
    dn.rhsBatching.forEach((d, i) => (bi[d] = idx[i]!));
    aFree.forEach((d, i) => (ai[d] = idx[nb + i]!));
    bFree.forEach((d, i) => (bi[d] = idx[nb + aFree.length + i]!));
    let accI = 0n,
      accF = 0,
      accIm = 0;
    forEachIndex(cShape, (c) => {
      dn.lhsContracting.forEach((d, i) => (ai[d] = c[i]!));
      dn.rhsContracting.forEach((d, i) => (bi[d] = c[i]!));
      if (isIntLike(e)) accI = intBinary("add", accI, getInt(a!, linear(ai, ast)) * getInt(b!, linear(bi, bst)), e)!;
      else {
        const [p, q] = read(a!, linear(ai, ast)),
          [r, s] = read(b!, linear(bi, bst));
        // in the result's precision, product by product (f32: each step rounded, as a device computes it)
        accF = rnd(accF + rnd(rnd(p * r) - rnd(q * s)));
        accIm = rnd(accIm + rnd(rnd(p * s) + rnd(q * r)));
      }
    });
    if (isIntLike(e)) setInt(out, k, accI);
    else if (cplx) {
      out.data[2 * k] = accF;
      out.data[2 * k + 1] = accIm;
    } else setFloat(out, k, accF);
  });
  return [out];
}

export const layoutOps: Record<string, Interp> = {
  "stablehlo.pad": pad,
  "stablehlo.iota": iota,
  "stablehlo.transpose": transpose,
  "stablehlo.reverse": reverse,
  "stablehlo.slice": slice,
  "stablehlo.concatenate": concatenate,
  "stablehlo.broadcast_in_dim": broadcastInDim,
  "stablehlo.reshape": reshape,
  "stablehlo.dynamic_slice": dynamicSlice,
  "stablehlo.dynamic_update_slice": dynamicUpdateSlice,
  "stablehlo.gather": gather,
  "stablehlo.dot_general": dotGeneral,
};
