// kthvalue (core/src/prims_select.ts): PyTorch's quickselect on each row of the
// last dim, as ATen's quick_select_template runs it (Numerical Recipes' select:
// median-of-three pivot moved to L + 1, Hoare partitioning around arr[L], the
// active partition narrowed to the side holding k), swapping the values and a
// copy of the identity permutation together; the result is what it leaves at
// k - 1. NaN compares larger than every number (and not larger than NaN).
import { contiguous } from "../strided.js";
import { PairRow, type Comp } from "./stl_select.js";
import type { Kernel } from "./types.js";
import { decode, encode } from "./values.js";

type Vals = Float64Array | BigInt64Array;

/** ATen's gt_or_nan: x > y, or x is NaN and y is not. */
const gtOrNan = (x: number | bigint, y: number | bigint): boolean => (x !== x && y === y) || x > y;

/** quick_select_template on arr[off .. off + n) with indices ix, selecting position k. */
function quickSelect(arr: Vals, ix: BigInt64Array, off: number, n: number, k: number): void {
  const swap = (i: number, j: number) => {
    const a = arr[off + i]!;
    arr[off + i] = arr[off + j]! as never;
    arr[off + j] = a as never;
    const t = ix[off + i]!;
    ix[off + i] = ix[off + j]!;
    ix[off + j] = t;
  };
  const at = (i: number) => arr[off + i]!;
  let L = 0,
    R = n - 1;
  for (;;) {
    if (R <= L) return; // one element
    if (R === L + 1) {
      // two elements
      if (gtOrNan(at(L), at(R))) swap(L, R);
      return;
    }
    // median of three as the pivot, moved to L
    const P = L + Math.floor((R - L) / 2);
    swap(P, L + 1);
    if (gtOrNan(at(L + 1), at(R))) swap(L + 1, R);
    if (gtOrNan(at(L), at(R))) swap(L, R);
    if (gtOrNan(at(L + 1), at(L))) swap(L + 1, L);
    let i = L + 1,
      j = R;
    const piv = at(L);
    for (;;) {
      do i++;
      while (gtOrNan(piv, at(i)));
      do j--;
      while (gtOrNan(at(j), piv));
      if (j < i) break;
      swap(i, j);
    }
    swap(L, j);
    // the active partition: the side that holds k
    if (j <= k) L = i;
    if (j >= k) R = j - 1;
  }
}

// TopKImpl.h's comparators: NaN counts as the largest value
const LARGEST: Comp = (x, y) => (x !== x && y === y) || x > y;
const SMALLEST: Comp = (x, y) => (x === x && y !== y) || x < y;

const BY_VALUE: Comp = (x, y) => x < y;

export const selectKernels: Record<"kthvalue" | "topk" | "mode", Kernel> = {
  // ATen's mode_kernel_impl: std::sort of (value, index) pairs by value, then the first longest run; its last pair's index
  mode: ([x], [a], _attrs, [ov, oi]) => {
    const shape = a!.shape;
    const n = shape[shape.length - 1]!;
    const vals = decode(x!, shape, a!.dtype);
    const rows = n === 0 ? 0 : vals.length / n;
    const outV = vals instanceof BigInt64Array ? new BigInt64Array(rows) : new Float64Array(rows);
    const outI = new BigInt64Array(rows);
    for (let r = 0; r < rows; r++) {
      const row = new PairRow(Array.from(vals.subarray(r * n, (r + 1) * n) as ArrayLike<number | bigint>), [...Array(n).keys()], BY_VALUE);
      row.sort(0, n);
      let mode: number | bigint = 0,
        modei = 0,
        freq = 0,
        best = 0;
      for (let i = 0; i < n; i++) {
        freq++;
        if (i === n - 1 || row.v[i] !== row.v[i + 1]) {
          if (freq > best) {
            mode = row.v[i]!;
            modei = row.ix[i]!;
            best = freq;
          }
          freq = 0;
        }
      }
      outV[r] = mode as never;
      outI[r] = BigInt(modei);
    }
    return [contiguous(encode(outV, ov!.dtype), ov!.shape), contiguous(outI, oi!.shape)];
  },
  // TopKImpl.h's topk_impl_loop: partial_sort when k * 64 <= n, else nth_element then (sorted) sort of the first k - 1
  topk: ([x], [a], { k, largest, sorted }: { k: number; largest: boolean; sorted: boolean }, [ov, oi]) => {
    const shape = a!.shape;
    const n = shape[shape.length - 1]!;
    const vals = decode(x!, shape, a!.dtype);
    const rows = n === 0 ? 0 : vals.length / n;
    const outV = vals instanceof BigInt64Array ? new BigInt64Array(rows * k) : new Float64Array(rows * k);
    const outI = new BigInt64Array(rows * k);
    const comp = largest ? LARGEST : SMALLEST;
    if (k > 0)
      for (let r = 0; r < rows; r++) {
        const row = new PairRow(Array.from(vals.subarray(r * n, (r + 1) * n) as ArrayLike<number | bigint>), [...Array(n).keys()], comp);
        if (k * 64 <= n) row.partialSort(0, k, n);
        else {
          row.nthElement(0, k - 1, n);
          if (sorted) row.sort(0, k - 1);
        }
        for (let j = 0; j < k; j++) {
          outV[r * k + j] = row.v[j]! as never;
          outI[r * k + j] = BigInt(row.ix[j]!);
        }
      }
    return [contiguous(encode(outV, ov!.dtype), ov!.shape), contiguous(outI, oi!.shape)];
  },
  kthvalue: ([x], [a], { k }: { k: number }, [ov, oi]) => {
    const shape = a!.shape;
    const n = shape[shape.length - 1]!;
    const vals = decode(x!, shape, a!.dtype).slice() as Vals; // a row-major copy (decode may return the storage itself): the kernel permutes it
    const rows = n === 0 ? 0 : vals.length / n;
    const outV = vals instanceof BigInt64Array ? new BigInt64Array(rows) : new Float64Array(rows);
    const outI = new BigInt64Array(rows);
    const ix = new BigInt64Array(vals.length);
    for (let r = 0; r < rows; r++) {
      const off = r * n;
      for (let i = 0; i < n; i++) ix[off + i] = BigInt(i);
      quickSelect(vals, ix, off, n, k - 1);
      outV[r] = vals[off + k - 1]! as never;
      outI[r] = ix[off + k - 1]!;
    }
    return [contiguous(encode(outV, ov!.dtype), ov!.shape), contiguous(outI, oi!.shape)];
  },
};
