// malloc_tuning.ts in a browser build: a page has no malloc to tune (typed arrays are the engine's), so
// nothing is set. Same exports, typed against malloc_tuning.ts so the two cannot drift.
import type * as Node from "./malloc_tuning.js";

export const MMAP_THRESHOLD: typeof Node.MMAP_THRESHOLD = 32 << 20;
export const TRIM_THRESHOLD: typeof Node.TRIM_THRESHOLD = 64 << 20;
export const mallocTuningWanted: typeof Node.mallocTuningWanted = () => false;
export const mallocTuning: typeof Node.mallocTuning = null;
export const tuneMalloc: typeof Node.tuneMalloc = () => {};
