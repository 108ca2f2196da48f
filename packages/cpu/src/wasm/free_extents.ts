// The storage pool's free memory in whole pages (storage_pool.ts): extents of
// address space whose arrays the collector found dead, merged with their free
// neighbours and cut to any later size.
//
// Why: a WebAssembly memory never shrinks, so what the pool once took stays
// resident. With a free list per exact size, a block could serve only a result
// of its own size: a loop on 4M values, then one on 3M, then one on 5M took a
// bound's worth of blocks for each size (held 562, 1117, 1699 MiB: bench/
// results/issue11_pool_s19.md). Here a dead block joins the free extents next
// to it, a result takes the smallest extent that holds it (the exact size
// first: a steady loop reuses its blocks as before) and leaves the rest free,
// and an extent that reaches the pool's top lowers the top, so any size can
// use it again. Only addresses change: every block is written in full by its
// kernel before it is read.
export class FreeExtents {
  /** free extents: start -> bytes, end -> start, and starts by size (the exact fit) */
  private readonly sizeAt = new Map<number, number>();
  private readonly startOf = new Map<number, number>();
  private readonly bySize = new Map<number, number[]>();
  /** bytes in free extents (tests, stats) */
  bytes = 0;

  /** The start of `bytes` free bytes (an extent of that size, else the front of the smallest larger one), or -1. */
  take(bytes: number): number {
    const exact = this.bySize.get(bytes);
    if (exact && exact.length > 0) {
      const at = exact[exact.length - 1]!;
      this.remove(at, bytes);
      return at;
    }
    let best = -1,
      bestSize = Number.POSITIVE_INFINITY;
    for (const [at, size] of this.sizeAt)
      if (size > bytes && (size < bestSize || (size === bestSize && at < best))) {
        best = at;
        bestSize = size;
      }
    if (best < 0) return -1;
    this.remove(best, bestSize);
    this.insert(best + bytes, bestSize - bytes);
    return best;
  }

  /**
   * Gives back [at, at + bytes), merged with the free extents on either side. Returns the pool's new top: the
   * merged extent's start where it reaches `top` (it is then not kept here), else `top`.
   */
  put(at: number, bytes: number, top: number): number {
    const before = this.startOf.get(at);
    if (before !== undefined) {
      const size = this.sizeAt.get(before)!;
      this.remove(before, size);
      at = before;
      bytes += size;
    }
    const after = this.sizeAt.get(at + bytes);
    if (after !== undefined) {
      this.remove(at + bytes, after);
      bytes += after;
    }
    if (at + bytes === top) return at;
    this.insert(at, bytes);
    return top;
  }

  /** The number of free extents (tests). */
  get count(): number {
    return this.sizeAt.size;
  }

  private insert(at: number, bytes: number): void {
    this.sizeAt.set(at, bytes);
    this.startOf.set(at + bytes, at);
    let list = this.bySize.get(bytes);
    if (!list) this.bySize.set(bytes, (list = []));
    list.push(at);
    this.bytes += bytes;
  }

  private remove(at: number, bytes: number): void {
    this.sizeAt.delete(at);
    this.startOf.delete(at + bytes);
    const list = this.bySize.get(bytes)!;
    const i = list.lastIndexOf(at);
    list[i] = list[list.length - 1]!;
    list.pop();
    if (list.length === 0) this.bySize.delete(bytes);
    this.bytes -= bytes;
  }
}
