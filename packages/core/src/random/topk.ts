// PyTorch's CPU topk (largest, sorted) on one row, with the same order among
// equal values. PyTorch 1.13 fills a vector of (value, index) pairs and calls
// std::partial_sort when k * 64 <= n, else std::nth_element followed by
// std::sort of the first k - 1 pairs, comparing values only (NaN first). Ties
// therefore come out in whatever order GCC's libstdc++ algorithms leave them;
// this file follows those algorithms step by step (heap select / sort heap,
// introselect, introsort with median-of-three pivots and insertion sort), so
// ties come out the same. multinomial without replacement needs it: its
// scores p / q tie whenever they round to the same value (often in bfloat16,
// and for zero probabilities in any dtype).

class Pairs {
  constructor(
    readonly v: Float64Array,
    readonly i: Int32Array,
  ) {}

  /** comp(x, y): x goes before y (larger first, NaN before numbers). */
  less(a: number, b: number): boolean {
    const x = this.v[a];
    const y = this.v[b];
    return (x !== x && y === y) || x > y;
  }

  lessVal(x: number, b: number): boolean {
    const y = this.v[b];
    return (x !== x && y === y) || x > y;
  }

  valLess(a: number, y: number): boolean {
    const x = this.v[a];
    return (x !== x && y === y) || x > y;
  }

  swap(a: number, b: number): void {
    const tv = this.v[a];
    this.v[a] = this.v[b];
    this.v[b] = tv;
    const ti = this.i[a];
    this.i[a] = this.i[b];
    this.i[b] = ti;
  }

  move(to: number, from: number): void {
    this.v[to] = this.v[from];
    this.i[to] = this.i[from];
  }
}

function lg(n: number): number {
  return 31 - Math.clz32(n);
}

// ---- heap (std::__adjust_heap, __push_heap, __make_heap, __pop_heap) ----

function pushHeap(p: Pairs, first: number, hole: number, top: number, val: number, idx: number): void {
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && p.valLess(first + parent, val)) {
    p.move(first + hole, first + parent);
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  p.v[first + hole] = val;
  p.i[first + hole] = idx;
}

function adjustHeap(p: Pairs, first: number, hole: number, len: number, val: number, idx: number): void {
  const top = hole;
  let second = hole;
  while (second < Math.floor((len - 1) / 2)) {
    second = 2 * (second + 1);
    if (p.less(first + second, first + second - 1)) second--;
    p.move(first + hole, first + second);
    hole = second;
  }
  if ((len & 1) === 0 && second === Math.floor((len - 2) / 2)) {
    second = 2 * (second + 1);
    p.move(first + hole, first + second - 1);
    hole = second - 1;
  }
  pushHeap(p, first, hole, top, val, idx);
}

function makeHeap(p: Pairs, first: number, last: number): void {
  const len = last - first;
  if (len < 2) return;
  let parent = Math.floor((len - 2) / 2);
  for (;;) {
    adjustHeap(p, first, parent, len, p.v[first + parent], p.i[first + parent]);
    if (parent === 0) return;
    parent--;
  }
}

/** std::__pop_heap(first, last, result): *result gets *first, the old *result re-enters the heap. */
function popHeap(p: Pairs, first: number, last: number, result: number): void {
  const val = p.v[result];
  const idx = p.i[result];
  p.move(result, first);
  adjustHeap(p, first, 0, last - first, val, idx);
}

function heapSelect(p: Pairs, first: number, middle: number, last: number): void {
  makeHeap(p, first, middle);
  for (let i = middle; i < last; i++) if (p.less(i, first)) popHeap(p, first, middle, i);
}

function sortHeap(p: Pairs, first: number, last: number): void {
  while (last - first > 1) {
    last--;
    popHeap(p, first, last, last);
  }
}

function partialSort(p: Pairs, first: number, middle: number, last: number): void {
  heapSelect(p, first, middle, last);
  sortHeap(p, first, middle);
}

// ---- partitioning and insertion sort ----

function moveMedianToFirst(p: Pairs, result: number, a: number, b: number, c: number): void {
  if (p.less(a, b)) {
    if (p.less(b, c)) p.swap(result, b);
    else if (p.less(a, c)) p.swap(result, c);
    else p.swap(result, a);
  } else if (p.less(a, c)) p.swap(result, a);
  else if (p.less(b, c)) p.swap(result, c);
  else p.swap(result, b);
}

function unguardedPartition(p: Pairs, first: number, last: number, pivot: number): number {
  for (;;) {
    while (p.less(first, pivot)) first++;
    last--;
    while (p.less(pivot, last)) last--;
    if (!(first < last)) return first;
    p.swap(first, last);
    first++;
  }
}

function unguardedPartitionPivot(p: Pairs, first: number, last: number): number {
  const mid = first + Math.floor((last - first) / 2);
  moveMedianToFirst(p, first, first + 1, mid, last - 1);
  return unguardedPartition(p, first + 1, last, first);
}

function unguardedLinearInsert(p: Pairs, last: number): void {
  const val = p.v[last];
  const idx = p.i[last];
  let next = last - 1;
  while (p.lessVal(val, next)) {
    p.move(last, next);
    last = next;
    next--;
  }
  p.v[last] = val;
  p.i[last] = idx;
}

function insertionSort(p: Pairs, first: number, last: number): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    if (p.less(i, first)) {
      const val = p.v[i];
      const idx = p.i[i];
      for (let j = i; j > first; j--) p.move(j, j - 1);
      p.v[first] = val;
      p.i[first] = idx;
    } else unguardedLinearInsert(p, i);
  }
}

const THRESHOLD = 16;

function introsortLoop(p: Pairs, first: number, last: number, depth: number): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      partialSort(p, first, last, last);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(p, first, last);
    introsortLoop(p, cut, last, depth);
    last = cut;
  }
}

function sort(p: Pairs, first: number, last: number): void {
  if (first === last) return;
  introsortLoop(p, first, last, lg(last - first) * 2);
  if (last - first > THRESHOLD) {
    insertionSort(p, first, first + THRESHOLD);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(p, i);
  } else insertionSort(p, first, last);
}

function nthElement(p: Pairs, first: number, nth: number, last: number): void {
  if (first === last || nth === last) return;
  let depth = lg(last - first) * 2;
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(p, first, nth + 1, last);
      p.swap(first, nth);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(p, first, last);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(p, first, last);
}

/**
 * Indices of the k largest values, largest first, ordered among ties as PyTorch 1.13's CPU
 * `topk(k, largest=True, sorted=True)` orders them (GCC libstdc++).
 */
export function topkIndices(values: ArrayLike<number>, k: number): Int32Array {
  const n = values.length;
  const p = new Pairs(Float64Array.from(values), new Int32Array(n));
  for (let j = 0; j < n; j++) p.i[j] = j;
  if (k > 0) {
    if (k * 64 <= n) partialSort(p, 0, k, n);
    else {
      nthElement(p, 0, k - 1, n);
      sort(p, 0, k - 1);
    }
  }
  return p.i.slice(0, k);
}
