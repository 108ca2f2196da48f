// Lowerings of gather_slices and scatter_slices (core's prims_gather.ts): one
// stablehlo.gather / stablehlo.scatter each, with the primitives' dimension
// numbers as they are (the ops clamp and skip as the primitives do). An empty
// operand admits only an empty gather (every index is out of range), emitted
// as a broadcast zero: StableHLO's slice sizes may not exceed the operand.
// A bool scatter that adds combines with `or`, PyTorch's bool sum.
import type { AVal, GatherSlicesAttrs, ScatterSlicesAttrs } from "@xlatorch/core";
import { elementTypeOf, type Builder, type Value } from "@xlatorch/stablehlo";
import { zeroOf } from "./lower_complex.js";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const gatherSlices: Lowering<GatherSlicesAttrs> = (b, [x, idx], a, [o], [xa]) => {
  if (xa!.shape.some((d) => d === 0)) return [b.broadcastInDim(zeroOf(b, elementTypeOf(xa!.dtype.name)), o!.shape.slice(), [])];
  return [
    b.gather(
      x!,
      idx!,
      {
        offsetDims: a.offset_dims,
        collapsedSliceDims: a.collapsed_slice_dims,
        operandBatchingDims: a.operand_batching_dims,
        startIndicesBatchingDims: a.start_indices_batching_dims,
        startIndexMap: a.start_index_map,
        indexVectorDim: a.index_vector_dim,
      },
      a.slice_sizes,
      { indicesAreSorted: a.indices_are_sorted },
    ),
  ];
};

const scatterSlices: Lowering<ScatterSlicesAttrs> = (b, [x, idx, u], a, _o, [xa]) => [
  b.scatterWith(
    a.reduce === "add" ? (xa!.dtype.name === "bool" ? "or" : "add") : "set",
    x!,
    idx!,
    u!,
    {
      updateWindowDims: a.update_window_dims,
      insertedWindowDims: a.inserted_window_dims,
      inputBatchingDims: a.input_batching_dims,
      scatterIndicesBatchingDims: a.scatter_indices_batching_dims,
      scatterDimsToOperandDims: a.scatter_dims_to_operand_dims,
      indexVectorDim: a.index_vector_dim,
    },
    { indicesAreSorted: a.indices_are_sorted, uniqueIndices: a.unique_indices },
  ),
];

export const GATHER_LOWERINGS = { gather_slices: gatherSlices, scatter_slices: scatterSlices };
