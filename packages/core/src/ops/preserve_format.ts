// clone(memory_format=torch.preserve_format): the copy keeps the input's dim
// order, as PyTorch 1.13's empty_like does. A non-overlapping and dense input
// keeps its strides exactly (empty_strided with its strides); any other strided
// input gets dense strides in its dims' stride order (ATen's
// infer_dense_strides). Both are that one order here: for a dense input the
// order's dense strides are its own strides (size-1 dims are placed by the same
// tie rule, so their strides come out equal too).

/**
 * ATen's infer_dense_strides permutation, outermost dim first, or null when it is
 * the row-major order: a stable insertion sort by stride, innermost first; equal
 * strides put the smaller dim inside; a 0 stride (broadcast) compares as
 * ambiguous, so such dims keep their place.
 */
export function preservedOrder(shape: readonly number[], strides: readonly number[]): number[] | null {
  const n = shape.length;
  const perm = Array.from({ length: n }, (_, i) => n - 1 - i);
  const shouldSwap = (d0: number, d1: number): number => {
    const s0 = strides[d0]!,
      s1 = strides[d1]!;
    if (s0 === 0 || s1 === 0) return 0;
    if (s0 < s1) return -1;
    if (s0 > s1) return 1;
    return shape[d0]! > shape[d1]! ? 1 : 0;
  };
  for (let i = 1; i < n; i++) {
    let d1 = i;
    for (let d0 = i - 1; d0 >= 0; d0--) {
      const c = shouldSwap(perm[d0]!, perm[d1]!);
      if (c > 0) {
        [perm[d0], perm[d1]] = [perm[d1]!, perm[d0]!];
        d1 = d0;
      } else if (c < 0) break;
    }
  }
  const order = perm.reverse();
  return order.every((d, i) => d === i) ? null : order;
}
