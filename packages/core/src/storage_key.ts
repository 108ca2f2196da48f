// What "the same storage" means for host arrays. A tensor's storage used to
// own its ArrayBuffer, so code that must not donate, borrow or overwrite
// memory another value still reads compared `.buffer`. The CPU kernels'
// storage pools (cpu/src/wasm/storage_pool.ts) hand out many arrays over one
// shared WebAssembly memory, where `.buffer` is the same for all of them; a
// pool marks each array with its block, and an array made over another's bytes
// (a bitcast view, cpu/src/kernels/reinterpret.ts) takes that array's mark.
// Every aliasing check compares storageKey()s: the buffer for ordinary arrays
// (as before), the block for pool arrays, the region for slab arrays.
// Small host arrays share slabs (dtype.ts): there the key is the array's
// region of the slab, found from the slab's region starts (carved in
// increasing order, so sorted), which covers any view over the region's bytes.
const marks = new WeakMap<object, object>();

/** A slab's regions: their start offsets in carving order, and their keys (made when first asked). */
export interface SlabRegions {
  starts: number[];
  keys: (object | undefined)[];
}
const slabs = new WeakMap<ArrayBufferLike, SlabRegions>();

/** Registers `buffer` as a slab whose regions start at `regions.starts` (dtype.ts appends as it carves). */
export function registerSlab(buffer: ArrayBuffer, regions: SlabRegions): void {
  slabs.set(buffer, regions);
}

/** The identity of the memory behind host array `a`: its pool block where a pool made it, its slab region, else its buffer. */
export function storageKey(a: { readonly buffer?: ArrayBufferLike; readonly byteOffset?: number }): object {
  const m = marks.get(a);
  if (m !== undefined) return m;
  const b = a.buffer;
  if (b === undefined) return a;
  const r = slabs.get(b);
  return r === undefined ? b : regionKey(r, a.byteOffset ?? 0);
}

/** The key of the region holding byte `at` (the last region starting at or before it). */
function regionKey(r: SlabRegions, at: number): object {
  let lo = 0,
    hi = r.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (r.starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return (r.keys[lo] ??= {});
}

/** Marks `a` as the storage `key` (a pool block). */
export function markStorage(a: ArrayBufferView, key: object): void {
  marks.set(a, key);
}

/** `view`, made over `of`'s bytes, takes `of`'s mark (if it has one). */
export function inheritStorage(view: ArrayBufferView, of: ArrayBufferView): void {
  const k = marks.get(of);
  if (k !== undefined) marks.set(view, k);
}
