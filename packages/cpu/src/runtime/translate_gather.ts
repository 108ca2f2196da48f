// stablehlo.gather / stablehlo.scatter -> the gather_slices / scatter_slices
// kernels (kernels/gather.ts), for translate.ts: every dimension-number form
// (windows, collapsed/inserted dims, batching dims, any index_vector_dim),
// gather clamping and scatter skipping out-of-range elements as the spec says.
// A scatter runs here when it has one input and a body that stores the update
// or adds it; other bodies (and several inputs) are the reference evaluator's.
import type { Attr, Op, Region } from "@xlatorch/stablehlo";

interface Call {
  kernel: string;
  attrs: unknown;
  operands: number;
}

const fail = (op: string, msg: string): never => {
  throw new Error(`cpu runtime: ${op}: ${msg}`);
};
const flag = (a: Attr | undefined): boolean => !!a && a.kind === "bool" && a.value;
function intList(a: Attr | undefined, op: string): number[] {
  if (a && a.kind === "ints") return a.values;
  if (a && a.kind === "dense") return a.values.map(Number);
  return fail(op, "slice_sizes missing or not an integer list");
}

export function gatherSlicesCall(op: Op): Call {
  const name = "stablehlo.gather";
  const d = op.attrs.dimension_numbers;
  if (!d || d.kind !== "gather") return fail(name, "dimension_numbers missing or not #stablehlo.gather");
  if (op.operands.length !== 2) fail(name, `expected 2 operands, got ${op.operands.length}`);
  return {
    kernel: "gather_slices",
    attrs: {
      offset_dims: d.offsetDims,
      collapsed_slice_dims: d.collapsedSliceDims,
      operand_batching_dims: d.operandBatchingDims,
      start_indices_batching_dims: d.startIndicesBatchingDims,
      start_index_map: d.startIndexMap,
      index_vector_dim: d.indexVectorDim,
      slice_sizes: intList(op.attrs.slice_sizes, name),
      indices_are_sorted: flag(op.attrs.indices_are_sorted),
    },
    operands: 2,
  };
}

/** "none" for a body returning the update, "add" for one adding the two arguments, else null. */
export function scatterBody(r: Region | undefined): "none" | "add" | null {
  if (!r || r.args.length !== 2 || r.returns.length !== 1) return null;
  if (r.ops.length === 0) return r.returns[0] === r.args[1] ? "none" : null;
  if (r.ops.length !== 1) return null;
  const o = r.ops[0]!;
  const [p, q] = o.operands;
  const both = (p === r.args[0] && q === r.args[1]) || (p === r.args[1] && q === r.args[0]);
  return o.name === "stablehlo.add" && both && r.returns[0] === o.results[0] ? "add" : null;
}

/** Whether the scatter_slices kernel computes this scatter exactly (interpret/table.ts). */
export const scatterSlicesCovered = (op: Op): boolean =>
  op.operands.length === 3 && op.attrs.scatter_dimension_numbers?.kind === "scatter" && scatterBody(op.regions?.[0]) !== null;

export function scatterSlicesCall(op: Op): Call {
  const name = "stablehlo.scatter";
  const d = op.attrs.scatter_dimension_numbers;
  if (!d || d.kind !== "scatter") return fail(name, "scatter_dimension_numbers missing or not #stablehlo.scatter");
  if (op.operands.length !== 3) fail(name, `only one input is supported by the kernel, got ${(op.operands.length - 1) / 2}`);
  const reduce = scatterBody(op.regions?.[0]);
  if (!reduce) return fail(name, "the kernel's body must store the update or add it");
  return {
    kernel: "scatter_slices",
    attrs: {
      update_window_dims: d.updateWindowDims,
      inserted_window_dims: d.insertedWindowDims,
      input_batching_dims: d.inputBatchingDims,
      scatter_indices_batching_dims: d.scatterIndicesBatchingDims,
      scatter_dims_to_operand_dims: d.scatterDimsToOperandDims,
      index_vector_dim: d.indexVectorDim,
      indices_are_sorted: flag(op.attrs.indices_are_sorted),
      unique_indices: flag(op.attrs.unique_indices),
      reduce,
    },
    operands: 3,
  };
}
