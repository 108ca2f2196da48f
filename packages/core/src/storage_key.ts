// What "the same storage" means for host arrays. A tensor's storage used to
// own its ArrayBuffer, so code that must not donate, borrow or overwrite
// memory another value still reads compared `.buffer`. The CPU kernels'
// storage pools (cpu/src/wasm/storage_pool.ts) hand out many arrays over one
// shared WebAssembly memory, where `.buffer` is the same for all of them; a
// pool marks each array with its block, and an array made over another's bytes
// (a bitcast view, cpu/src/kernels/reinterpret.ts) takes that array's mark.
// Every aliasing check compares storageKey()s: the buffer for ordinary arrays
// (as before), the block for pool arrays.
const marks = new WeakMap<object, object>();

/** The identity of the memory behind host array `a`: its pool block where a pool made it, else its buffer. */
export function storageKey(a: { readonly buffer?: ArrayBufferLike }): object {
  return marks.get(a) ?? a.buffer ?? a;
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
