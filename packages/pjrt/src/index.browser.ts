// @xlatorch/pjrt in a browser build: PJRT plugins are native libraries loaded
// through koffi, which a browser cannot load. The xla device then runs on the
// in-process CPU runtime (runtime_choice.ts), as it does in Node with no plugin
// configured. Only what the browser path imports is here; a missing name fails
// the bundle loudly rather than at run time.
import type * as Node from "./index.js";

export const openPjrtRuntimeFromEnv: typeof Node.openPjrtRuntimeFromEnv = () => null;
