// A WebAssembly module with a memory of its own (unshared, growable), built
// on first use and kept: the kernels that keep working data between calls in
// it (the convolution's columns, max pooling's planes) rather than in the
// shared memory the thread pool uses.
import { encodeModule, type Func } from "./encoder.js";

export type OwnFn = (...args: number[]) => void;
export interface OwnMemoryModule {
  memory: WebAssembly.Memory;
  fns: Record<string, OwnFn>;
}

/** A getter for the module of `funcs` (built by `build` at the first call), or null where WebAssembly cannot instantiate it. */
export function ownMemoryModule(build: () => Func[]): () => OwnMemoryModule | null {
  let k: OwnMemoryModule | null | undefined;
  return () => {
    if (k !== undefined) return k;
    k = null;
    try {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const fns = new WebAssembly.Instance(new WebAssembly.Module(encodeModule(build(), true, "plain")), { env: { memory } })
        .exports as unknown as Record<string, OwnFn>;
      k = { memory, fns };
    } catch {
      k = null;
    }
    return k;
  };
}

/** Grows `memory` to at least `bytes`; throws (a RangeError) when it cannot. */
export function growTo(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
