// libstdc++'s std::sort, std::partial_sort and std::nth_element (bits/stl_algo.h,
// bits/stl_heap.h: introsort with median-of-three pivots and a final insertion
// sort over runs of 16, heap select, introselect), step for step, on a row of
// (value, index) pairs: PyTorch's CPU topk (ATen's TopKImpl.h) runs these on
// its queue of pairs, so the order it leaves equal values in (and so topk's
// indices among ties, and the whole order when sorted=False) is what these
// leave. comp(a, b) is the comparator on values ("a goes first").

export type Comp = (a: number | bigint, b: number | bigint) => boolean;

/** A row of pairs: values v and indices ix, both written by the algorithms. */
export class PairRow {
  constructor(
    readonly v: (number | bigint)[],
    readonly ix: number[],
    readonly comp: Comp,
  ) {}

  private swap(a: number, b: number): void {
    const v = this.v,
      ix = this.ix;
    const t = v[a]!;
    v[a] = v[b]!;
    v[b] = t;
    const u = ix[a]!;
    ix[a] = ix[b]!;
    ix[b] = u;
  }
  private copy(to: number, from: number): void {
    this.v[to] = this.v[from]!;
    this.ix[to] = this.ix[from]!;
  }
  private lt(a: number, b: number): boolean {
    return this.comp(this.v[a]!, this.v[b]!);
  }

  private moveMedianToFirst(result: number, a: number, b: number, c: number): void {
    if (this.lt(a, b)) {
      if (this.lt(b, c)) this.swap(result, b);
      else if (this.lt(a, c)) this.swap(result, c);
      else this.swap(result, a);
    } else if (this.lt(a, c)) this.swap(result, a);
    else if (this.lt(b, c)) this.swap(result, c);
    else this.swap(result, b);
  }
  private unguardedPartition(first: number, last: number, pivot: number): number {
    for (;;) {
      while (this.lt(first, pivot)) first++;
      last--;
      while (this.lt(pivot, last)) last--;
      if (!(first < last)) return first;
      this.swap(first, last);
      first++;
    }
  }
  private unguardedPartitionPivot(first: number, last: number): number {
    const mid = first + Math.trunc((last - first) / 2);
    this.moveMedianToFirst(first, first + 1, mid, last - 1);
    return this.unguardedPartition(first + 1, last, first);
  }
  private unguardedLinearInsert(last: number): void {
    const val = this.v[last]!,
      vi = this.ix[last]!;
    let next = last - 1;
    while (this.comp(val, this.v[next]!)) {
      this.copy(last, next);
      last = next;
      next--;
    }
    this.v[last] = val;
    this.ix[last] = vi;
  }
  private insertionSort(first: number, last: number): void {
    if (first === last) return;
    for (let i = first + 1; i !== last; i++) {
      if (this.lt(i, first)) {
        const val = this.v[i]!,
          vi = this.ix[i]!;
        for (let j = i; j > first; j--) this.copy(j, j - 1);
        this.v[first] = val;
        this.ix[first] = vi;
      } else this.unguardedLinearInsert(i);
    }
  }
  private finalInsertionSort(first: number, last: number): void {
    if (last - first > 16) {
      this.insertionSort(first, first + 16);
      for (let i = first + 16; i !== last; i++) this.unguardedLinearInsert(i);
    } else this.insertionSort(first, last);
  }

  // heaps over [first, first + len), positions relative to first
  private pushHeap(first: number, hole: number, top: number, val: number | bigint, vi: number): void {
    let parent = Math.trunc((hole - 1) / 2);
    while (hole > top && this.comp(this.v[first + parent]!, val)) {
      this.copy(first + hole, first + parent);
      hole = parent;
      parent = Math.trunc((hole - 1) / 2);
    }
    this.v[first + hole] = val;
    this.ix[first + hole] = vi;
  }
  private adjustHeap(first: number, hole: number, len: number, val: number | bigint, vi: number): void {
    const top = hole;
    let second = hole;
    while (second < Math.trunc((len - 1) / 2)) {
      second = 2 * (second + 1);
      if (this.lt(first + second, first + second - 1)) second--;
      this.copy(first + hole, first + second);
      hole = second;
    }
    if ((len & 1) === 0 && second === Math.trunc((len - 2) / 2)) {
      second = 2 * (second + 1);
      this.copy(first + hole, first + second - 1);
      hole = second - 1;
    }
    this.pushHeap(first, hole, top, val, vi);
  }
  private popHeap(first: number, last: number, result: number): void {
    const val = this.v[result]!,
      vi = this.ix[result]!;
    this.copy(result, first);
    this.adjustHeap(first, 0, last - first, val, vi);
  }
  private makeHeap(first: number, last: number): void {
    if (last - first < 2) return;
    const len = last - first;
    let parent = Math.trunc((len - 2) / 2);
    for (;;) {
      this.adjustHeap(first, parent, len, this.v[first + parent]!, this.ix[first + parent]!);
      if (parent === 0) return;
      parent--;
    }
  }
  private sortHeap(first: number, last: number): void {
    while (last - first > 1) {
      last--;
      this.popHeap(first, last, last);
    }
  }
  private heapSelect(first: number, middle: number, last: number): void {
    this.makeHeap(first, middle);
    for (let i = middle; i < last; i++) if (this.lt(i, first)) this.popHeap(first, middle, i);
  }
  private introsortLoop(first: number, last: number, depth: number): void {
    while (last - first > 16) {
      if (depth === 0) {
        this.partialSort(first, last, last);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      this.introsortLoop(cut, last, depth);
      last = cut;
    }
  }

  /** std::partial_sort(first, middle, last). */
  partialSort(first: number, middle: number, last: number): void {
    this.heapSelect(first, middle, last);
    this.sortHeap(first, middle);
  }
  /** std::sort(first, last). */
  sort(first: number, last: number): void {
    if (first === last) return;
    this.introsortLoop(first, last, lg(last - first) * 2);
    this.finalInsertionSort(first, last);
  }
  /** std::nth_element(first, nth, last). */
  nthElement(first: number, nth: number, last: number): void {
    if (first === last || nth === last) return;
    let depth = lg(last - first) * 2;
    while (last - first > 3) {
      if (depth === 0) {
        this.heapSelect(first, nth + 1, last);
        this.swap(first, nth);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      if (cut <= nth) first = cut;
      else last = cut;
    }
    this.insertionSort(first, last);
  }
}

/** std::__lg: floor(log2(n)) for n > 0. */
const lg = (n: number): number => 31 - Math.clz32(n);
