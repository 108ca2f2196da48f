// heap_growth.ts in a browser build: a page cannot set V8's flags (node:v8 is
// Node's), so the engine keeps its own growing factor. Same exports, typed
// against heap_growth.ts so the two cannot drift.
import type * as Node from "./heap_growth.js";

export const heapGrowingPercentFor: typeof Node.heapGrowingPercentFor = () => 0;
export const heapGrowingPercent: typeof Node.heapGrowingPercent = 0;
export const tuneHeapGrowth: typeof Node.tuneHeapGrowth = () => {};
