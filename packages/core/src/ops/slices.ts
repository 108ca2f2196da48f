// The surface's three uses of the windowed gather/scatter primitives
// (prims_gather.ts), each one stablehlo.gather or stablehlo.scatter:
// - selectSlices: index_select's rows (slice size 1 on the dim, the whole
//   extent elsewhere): an embedding lookup copies whole rows;
// - updateSlices: index_add/index_copy's inverse, the rows written or added;
// - gatherAlong: torch.gather's element per index, every other dim a
//   batching dim (operand_batching_dims), so no coordinate tensor is built.
// Callers check index dtypes and bounds first; these only arrange shapes.
import { bind1 } from "../dispatch.js";
import { P } from "../prims.js";
import type { GatherSlicesAttrs, ScatterSlicesAttrs } from "../prims_gather.js";
import type { Tensor } from "../tensor.js";
import { reshape } from "./shape.js";

const others = (rank: number, d: number): number[] => [...Array(rank).keys()].filter((k) => k !== d);

/** x's slices at `index` (any shape, flattened; int32 or int64) along dim d of x (rank >= 1): [..., index.numel(), ...]. */
export function selectSlices(x: Tensor, d: number, index: Tensor): Tensor {
  const ix = index.ndim === 1 ? index : reshape(index, [index.numel()]);
  const attrs: GatherSlicesAttrs = {
    offset_dims: others(x.ndim, d),
    collapsed_slice_dims: [d],
    operand_batching_dims: [],
    start_indices_batching_dims: [],
    start_index_map: [d],
    index_vector_dim: 1,
    slice_sizes: x.shape.map((s, k) => (k === d ? 1 : s)),
    indices_are_sorted: false,
  };
  return bind1(P.gather_slices, [x, ix], attrs);
}

/** x (rank >= 1) with src's slices (x's shape, index.numel() at d) added or written at `index` along d. */
export function updateSlices(x: Tensor, d: number, index: Tensor, src: Tensor, reduce: "add" | "none"): Tensor {
  const ix = index.ndim === 1 ? index : reshape(index, [index.numel()]);
  const attrs: ScatterSlicesAttrs = {
    update_window_dims: others(x.ndim, d),
    inserted_window_dims: [d],
    input_batching_dims: [],
    scatter_indices_batching_dims: [],
    scatter_dims_to_operand_dims: [d],
    index_vector_dim: 1,
    indices_are_sorted: false,
    unique_indices: false,
    reduce,
  };
  return bind1(P.scatter_slices, [x, ix, src], attrs);
}

/**
 * torch.gather's out[i...] = x[i with index[i...] at d], x and index of one rank >= 1, index no
 * larger than x off d: x is cut to index's extent there, then every other dim is a batching dim.
 */
export function gatherAlong(x: Tensor, d: number, index: Tensor): Tensor {
  const cut = x.shape.some((s, k) => k !== d && s !== index.shape[k]);
  const xs = cut
    ? bind1(P.slice, [x], {
        start: x.shape.map(() => 0),
        limit: x.shape.map((s, k) => (k === d ? s : index.shape[k]!)),
        step: x.shape.map(() => 1),
      })
    : x;
  const batch = others(x.ndim, d);
  const attrs: GatherSlicesAttrs = {
    offset_dims: [],
    collapsed_slice_dims: [d],
    operand_batching_dims: batch,
    start_indices_batching_dims: batch,
    start_index_map: [d],
    index_vector_dim: index.ndim,
    slice_sizes: x.shape.map(() => 1),
    indices_are_sorted: false,
  };
  return bind1(P.gather_slices, [xs, index], attrs);
}

/**
 * torch.scatter/scatter_add's x[i with index[i...] at d] = (or +=) src[i...], when index has x's
 * extent off d (every other dim a batching dim; src already cut to index's shape), else null: a
 * smaller index leaves part of x out of the batch, which batching dims cannot express.
 */
export function scatterAlongBatched(x: Tensor, d: number, index: Tensor, src: Tensor, reduce: "add" | "none"): Tensor | null {
  if (x.ndim === 0 || x.shape.some((s, k) => k !== d && s !== index.shape[k])) return null;
  const batch = others(x.ndim, d);
  const attrs: ScatterSlicesAttrs = {
    update_window_dims: [],
    inserted_window_dims: [d],
    input_batching_dims: batch,
    scatter_indices_batching_dims: batch,
    scatter_dims_to_operand_dims: [d],
    index_vector_dim: index.ndim,
    indices_are_sorted: false,
    unique_indices: false,
    reduce,
  };
  return bind1(P.scatter_slices, [x, index, src], attrs);
}
