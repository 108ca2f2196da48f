// topk: the k largest (or smallest) of each row of the last dim and their
// indices, in the order PyTorch's CPU topk (ATen's TopKImpl.h) leaves them: it
// runs libstdc++'s std::partial_sort (k * 64 <= n) or std::nth_element and then
// std::sort of the first k - 1 (sorted) on (value, index) pairs, so ties come
// in that algorithm's order, and unsorted results in nth_element's.
//
// mode: the most frequent value of each row (the smallest of equally frequent
// ones) and an index of it: PyTorch's CPU mode sorts (value, index) pairs by
// value with std::sort (unstable) and returns the index the run of the mode
// ends with in that order, so the index among equal values is libstdc++'s.
//
// kthvalue: the k-th smallest element of each row of the last dim and its index,
// chosen as PyTorch's CPU kthvalue chooses it: its quickselect (ATen's
// SortingUtils.h quick_select_template: median-of-three pivot, Hoare
// partitioning, NaN larger than everything) run on a copy of the row and the
// identity permutation, the result being what that leaves at position k - 1.
// Among equal values the index is therefore the one the partitioning happens to
// leave there (not the first or last tie), which only this algorithm reproduces.
// CPU kernel in cpu/src/kernels/select.ts; the xla device runs it on the host
// (lazy/src/cpu_fallback_prims.ts); VJPs in vjps_select.ts. Both CPU kernels
// are in cpu/src/kernels/select.ts.
import { int64 } from "./dtype.js";
import { definePrimitive, type Primitive } from "./primitive.js";

export const SELECT_PRIMS = ["kthvalue", "topk", "mode"] as const;

export function defineSelectPrims(P: Record<(typeof SELECT_PRIMS)[number], Primitive>): void {
  /** kthvalue(x [..., n]; k in 1..n) -> (values [...], int64 indices [...]). */
  P.kthvalue = definePrimitive<{ k: number }>({
    name: "kthvalue",
    abstract: ([x]) => [
      { shape: x!.shape.slice(0, -1), dtype: x!.dtype },
      { shape: x!.shape.slice(0, -1), dtype: int64 },
    ],
  });
  /** mode(x [..., n], n > 0) -> (values [...], int64 indices [...]). */
  P.mode = definePrimitive({
    name: "mode",
    abstract: ([x]) => [
      { shape: x!.shape.slice(0, -1), dtype: x!.dtype },
      { shape: x!.shape.slice(0, -1), dtype: int64 },
    ],
  });
  /** topk(x [..., n]; k in 0..n) -> (values [..., k], int64 indices [..., k]). */
  P.topk = definePrimitive<{ k: number; largest: boolean; sorted: boolean }>({
    name: "topk",
    abstract: ([x], { k }) => [
      { shape: [...x!.shape.slice(0, -1), k], dtype: x!.dtype },
      { shape: [...x!.shape.slice(0, -1), k], dtype: int64 },
    ],
  });
}
