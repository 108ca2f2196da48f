// gather_slices / scatter_slices read int64 indices as numbers (kernels/gather.ts
// indexValues, from each value's two 32-bit halves): every value must land where
// its exact integer does. gather clamps a start into [0, dim - 1] here, scatter
// skips one outside, so an index past 2^32 must not alias a small one
// (2^32 + 1 is not 1), negatives stay negative, and the int64 extremes stay out of range.
import { describe, expect, it } from "vitest";
import { dtypeOf, type GatherSlicesAttrs, type ScatterSlicesAttrs } from "@xlatorch/core";
import { KERNELS } from "@xlatorch/cpu";

const f32 = dtypeOf("float32"),
  i64 = dtypeOf("int64");
const IDX = [0n, 3n, -1n, 2n ** 32n + 1n, -(2n ** 32n) + 2n, 4294967295n, 2n ** 53n + 1n, 2n ** 50n, -(2n ** 63n), 2n ** 63n - 1n, 2n, 1n];
/** Where each index lands in a dim of 4, clamped (gather) or null when outside (scatter skips it). */
const exact = (v: bigint) => ({ clamped: Number(v < 0n ? 0n : v > 3n ? 3n : v), inside: v >= 0n && v < 4n ? Number(v) : null });

const gatherAttrs: GatherSlicesAttrs = {
  offset_dims: [],
  collapsed_slice_dims: [0],
  operand_batching_dims: [],
  start_indices_batching_dims: [],
  start_index_map: [0],
  index_vector_dim: 1,
  slice_sizes: [1],
  indices_are_sorted: false,
};
const scatterAttrs: ScatterSlicesAttrs = {
  update_window_dims: [],
  inserted_window_dims: [0],
  input_batching_dims: [],
  scatter_indices_batching_dims: [],
  scatter_dims_to_operand_dims: [0],
  index_vector_dim: 1,
  indices_are_sorted: false,
  unique_indices: false,
  reduce: "add",
};

describe("gather_slices / scatter_slices: int64 indices read exactly", () => {
  // the indices as a strided view (every other element, from offset 1) over a larger array, and dense
  const strided = new BigInt64Array(2 * IDX.length + 1);
  IDX.forEach((v, i) => {
    strided[1 + 2 * i] = v;
    strided[2 * i] = 1n;
  });
  const layouts = {
    dense: { data: BigInt64Array.from(IDX), offset: 0, strides: [1] },
    strided: { data: strided, offset: 1, strides: [2] },
  };
  for (const [name, ix] of Object.entries(layouts)) {
    it(`gather clamps each start as its exact value would be (${name} indices)`, () => {
      const x = { data: Float32Array.from([10, 11, 12, 13]), offset: 0, strides: [1] };
      const [r] = KERNELS.gather_slices(
        [x, ix],
        [
          { shape: [4], dtype: f32 },
          { shape: [IDX.length], dtype: i64 },
        ],
        gatherAttrs,
        [{ shape: [IDX.length], dtype: f32 }],
      );
      expect([...(r!.data as Float32Array)]).toEqual(IDX.map((v) => 10 + exact(v).clamped));
    });
    it(`scatter adds only where the exact index is inside (${name} indices)`, () => {
      const x = { data: new Float32Array(4), offset: 0, strides: [1] };
      const upd = { data: Float32Array.from(IDX.map((_, i) => 2 ** i)), offset: 0, strides: [1] };
      const [r] = KERNELS.scatter_slices(
        [x, ix, upd],
        [
          { shape: [4], dtype: f32 },
          { shape: [IDX.length], dtype: i64 },
          { shape: [IDX.length], dtype: f32 },
        ],
        scatterAttrs,
        [{ shape: [4], dtype: f32 }],
      );
      const want = [0, 0, 0, 0];
      IDX.forEach((v, i) => {
        const at = exact(v).inside;
        if (at !== null) want[at] += 2 ** i;
      });
      // 0 -> 1, 3 -> 2, 2 -> 1024, 1 -> 2048; every far or negative index skipped
      expect(want).toEqual([1, 2048, 1024, 2]);
      expect([...(r!.data as Float32Array)]).toEqual(want);
    });
  }
});
