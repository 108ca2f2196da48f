// Windowed gather and scatter with StableHLO's full dimension numbers, one
// stablehlo.gather / stablehlo.scatter each: index_select, embedding,
// torch.gather and index_add/index_copy are one op reading or writing whole
// slices (an embedding lookup on a [V, D] table is one gather with slice sizes
// [1, D]), not a coordinate per element as the point primitives `gather` and
// `scatter` (prims.ts) take. Semantics are the spec's: gather clamps each start
// index into [0, dim - slice size]; scatter skips update elements whose target
// lies outside the operand. The surface checks bounds where the values are at
// hand, so neither rule changes a result PyTorch would compute.
// Shape rules here; CPU kernels in cpu/src/kernels/gather.ts, lowerings in
// lazy/src/lower_gather.ts, VJPs in vjps_gather.ts.
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const GATHER_PRIMS = ["gather_slices", "scatter_slices"] as const;

/** stablehlo.gather's attributes (the spec's names). */
export interface GatherSlicesAttrs {
  offset_dims: number[];
  collapsed_slice_dims: number[];
  operand_batching_dims: number[];
  start_indices_batching_dims: number[];
  start_index_map: number[];
  /** The dim of the indices holding the index vectors; rank(indices) means an implicit trailing 1. */
  index_vector_dim: number;
  slice_sizes: number[];
  indices_are_sorted: boolean;
}

/** stablehlo.scatter's attributes (the spec's names) and the update rule: overwrite or add. */
export interface ScatterSlicesAttrs {
  update_window_dims: number[];
  inserted_window_dims: number[];
  input_batching_dims: number[];
  scatter_indices_batching_dims: number[];
  scatter_dims_to_operand_dims: number[];
  index_vector_dim: number;
  indices_are_sorted: boolean;
  unique_indices: boolean;
  reduce: "none" | "add";
}

const fail = (op: string, msg: string): never => {
  throw new Error(`${op}: ${msg}`);
};
const fmt = (xs: readonly number[]) => `[${xs.join(", ")}]`;

/** The batch shape of the indices (the index_vector_dim removed) and the index vector's length. */
function indexBatch(op: string, idx: AVal, ivd: number): { batch: number[]; vecLen: number } {
  const r = idx.shape.length;
  if (idx.dtype.is_floating_point || idx.dtype.is_complex || idx.dtype.name === "bool")
    fail(op, `indices must be integers, got ${idx.dtype.name}`);
  if (!Number.isInteger(ivd) || ivd < 0 || ivd > r) fail(op, `index_vector_dim ${ivd} out of range for indices of rank ${r}`);
  return { batch: idx.shape.filter((_, i) => i !== ivd), vecLen: ivd === r ? 1 : idx.shape[ivd]! };
}

function checkDimList(op: string, what: string, dims: readonly number[], rank: number): void {
  const seen = new Set<number>();
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= rank) fail(op, `${what} ${fmt(dims)} must be dims of a rank-${rank} tensor`);
    if (seen.has(d)) fail(op, `${what} ${fmt(dims)} repeats dim ${d}`);
    seen.add(d);
  }
}

/** Operand dims that are windows (neither collapsed/inserted nor batching), in order. */
export const windowOperandDims = (rank: number, dropped: readonly number[], batching: readonly number[]): number[] =>
  [...Array(rank).keys()].filter((d) => !dropped.includes(d) && !batching.includes(d));

/** The position in the batch shape (index_vector_dim removed) of indices dim `d`. */
export const batchPos = (d: number, ivd: number): number => (d < ivd ? d : d - 1);

function checkBatching(op: string, opnd: AVal, idx: AVal, ivd: number, od: readonly number[], sd: readonly number[], names: string): void {
  if (od.length !== sd.length) fail(op, `${names} must have the same length, got ${fmt(od)} and ${fmt(sd)}`);
  checkDimList(op, "indices batching dims", sd, idx.shape.length);
  od.forEach((o, i) => {
    if (sd[i] === ivd) fail(op, `index_vector_dim ${ivd} cannot be an indices batching dim`);
    if (opnd.shape[o] !== idx.shape[sd[i]!])
      fail(op, `batching dims must have equal sizes: operand dim ${o} is ${opnd.shape[o]}, indices dim ${sd[i]} is ${idx.shape[sd[i]!]}`);
  });
}

/** gather_slices' result shape: batch dims in order, the slice's window dims at offset_dims. */
export function gatherSlicesShape(x: AVal, idx: AVal, a: GatherSlicesAttrs): number[] {
  const op = "gather_slices";
  const r = x.shape.length;
  const { batch, vecLen } = indexBatch(op, idx, a.index_vector_dim);
  if (a.slice_sizes.length !== r) fail(op, `slice_sizes ${fmt(a.slice_sizes)} must have ${r} entries`);
  // a slice may exceed an empty dim only by its 1 (nothing is read: every index is out of range)
  a.slice_sizes.forEach((s, d) => {
    if (!Number.isInteger(s) || s < 0 || (s > x.shape[d]! && !(x.shape[d] === 0 && s === 1)))
      fail(op, `slice size ${s} does not fit dim ${d} of the operand ${fmt(x.shape)}`);
  });
  if (a.start_index_map.length !== vecLen) fail(op, `start_index_map ${fmt(a.start_index_map)} must have ${vecLen} entries`);
  checkDimList(op, "start_index_map", a.start_index_map, r);
  checkDimList(op, "collapsed_slice_dims + operand_batching_dims", [...a.collapsed_slice_dims, ...a.operand_batching_dims], r);
  for (const d of [...a.collapsed_slice_dims, ...a.operand_batching_dims])
    if (a.slice_sizes[d]! > 1) fail(op, `collapsed or batching dim ${d} must have slice size 1, got ${a.slice_sizes[d]}`);
  for (const d of a.start_index_map)
    if (a.operand_batching_dims.includes(d)) fail(op, `start_index_map ${fmt(a.start_index_map)} names batching dim ${d}`);
  checkBatching(
    op,
    x,
    idx,
    a.index_vector_dim,
    a.operand_batching_dims,
    a.start_indices_batching_dims,
    "operand_batching_dims and start_indices_batching_dims",
  );
  const win = windowOperandDims(r, a.collapsed_slice_dims, a.operand_batching_dims).map((d) => a.slice_sizes[d]!);
  if (win.length !== a.offset_dims.length) fail(op, `offset_dims ${fmt(a.offset_dims)} must have ${win.length} entries`);
  const rank = batch.length + win.length;
  checkDimList(op, "offset_dims", a.offset_dims, rank);
  if (a.offset_dims.some((d, i) => i > 0 && d <= a.offset_dims[i - 1]!)) fail(op, `offset_dims ${fmt(a.offset_dims)} must be sorted`);
  const shape: number[] = [];
  let b = 0;
  for (let i = 0; i < rank; i++) {
    const o = a.offset_dims.indexOf(i);
    shape.push(o >= 0 ? win[o]! : batch[b++]!);
  }
  return shape;
}

/** Checks scatter_slices' operands (the result has the operand's shape and dtype). */
export function checkScatterSlices(x: AVal, idx: AVal, u: AVal, a: ScatterSlicesAttrs): void {
  const op = "scatter_slices";
  const r = x.shape.length;
  const { batch, vecLen } = indexBatch(op, idx, a.index_vector_dim);
  if (u.dtype !== x.dtype) fail(op, `updates (${u.dtype.name}) must have the operand's dtype (${x.dtype.name})`);
  if (a.reduce !== "none" && a.reduce !== "add") fail(op, `reduce must be "none" or "add", got ${String(a.reduce)}`);
  if (a.scatter_dims_to_operand_dims.length !== vecLen)
    fail(op, `scatter_dims_to_operand_dims ${fmt(a.scatter_dims_to_operand_dims)} must have ${vecLen} entries`);
  checkDimList(op, "scatter_dims_to_operand_dims", a.scatter_dims_to_operand_dims, r);
  checkDimList(op, "inserted_window_dims + input_batching_dims", [...a.inserted_window_dims, ...a.input_batching_dims], r);
  for (const d of a.scatter_dims_to_operand_dims)
    if (a.input_batching_dims.includes(d)) fail(op, `scatter_dims_to_operand_dims names batching dim ${d}`);
  checkBatching(
    op,
    x,
    idx,
    a.index_vector_dim,
    a.input_batching_dims,
    a.scatter_indices_batching_dims,
    "input_batching_dims and scatter_indices_batching_dims",
  );
  const win = windowOperandDims(r, a.inserted_window_dims, a.input_batching_dims);
  if (a.update_window_dims.length !== win.length)
    fail(op, `update_window_dims ${fmt(a.update_window_dims)} must have ${win.length} entries`);
  const rank = batch.length + win.length;
  if (u.shape.length !== rank) fail(op, `updates ${fmt(u.shape)} must have rank ${rank}`);
  checkDimList(op, "update_window_dims", a.update_window_dims, rank);
  if (a.update_window_dims.some((d, i) => i > 0 && d <= a.update_window_dims[i - 1]!))
    fail(op, `update_window_dims ${fmt(a.update_window_dims)} must be sorted`);
  let b = 0;
  u.shape.forEach((s, i) => {
    const w = a.update_window_dims.indexOf(i);
    if (w >= 0) {
      if (s > x.shape[win[w]!]!) fail(op, `update window dim ${i} (size ${s}) exceeds operand dim ${win[w]} (${x.shape[win[w]!]})`);
    } else if (s !== batch[b++]) fail(op, `updates ${fmt(u.shape)} dim ${i} must match the indices' batch shape ${fmt(batch)}`);
  });
}

export function defineGatherPrims(P: Record<string, Primitive>): void {
  /** (operand, start_indices): the slices of slice_sizes at the (clamped) starts. */
  P.gather_slices = definePrimitive<GatherSlicesAttrs>({
    name: "gather_slices",
    abstract: ([x, idx], a): AVal[] => [{ shape: gatherSlicesShape(x!, idx!, a), dtype: x!.dtype }],
  });
  /** (operand, scatter_indices, updates): the operand with the update windows written or added; out-of-range elements skipped. */
  P.scatter_slices = definePrimitive<ScatterSlicesAttrs>({
    name: "scatter_slices",
    abstract: ([x, idx, u], a): AVal[] => {
      checkScatterSlices(x!, idx!, u!, a);
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
  });
}

/**
 * The scatter that writes back where a gather read (the gather's VJP): update windows are the
 * gather's offset dims, inserted dims its collapsed dims, the same batching dims and index map.
 */
export function scatterOfGather(a: GatherSlicesAttrs, reduce: "none" | "add"): ScatterSlicesAttrs {
  return {
    update_window_dims: a.offset_dims,
    inserted_window_dims: a.collapsed_slice_dims,
    input_batching_dims: a.operand_batching_dims,
    scatter_indices_batching_dims: a.start_indices_batching_dims,
    scatter_dims_to_operand_dims: a.start_index_map,
    index_vector_dim: a.index_vector_dim,
    indices_are_sorted: a.indices_are_sorted,
    unique_indices: false,
    reduce,
  };
}

/**
 * The gather that reads what a scatter wrote (the scatter's VJP for its updates): slice sizes are
 * the update window's sizes on the window dims and 1 on the inserted and batching dims.
 */
export function gatherOfScatter(a: ScatterSlicesAttrs, operandRank: number, updateShape: readonly number[]): GatherSlicesAttrs {
  const win = windowOperandDims(operandRank, a.inserted_window_dims, a.input_batching_dims);
  const slice_sizes = Array<number>(operandRank).fill(1);
  win.forEach((d, i) => {
    slice_sizes[d] = updateShape[a.update_window_dims[i]!]!;
  });
  return {
    offset_dims: a.update_window_dims,
    collapsed_slice_dims: a.inserted_window_dims,
    operand_batching_dims: a.input_batching_dims,
    start_indices_batching_dims: a.scatter_indices_batching_dims,
    start_index_map: a.scatter_dims_to_operand_dims,
    index_vector_dim: a.index_vector_dim,
    slice_sizes,
    indices_are_sorted: a.indices_are_sorted,
  };
}
