// Installs the persistent compile cache into the xla device's compile step.
import { setPersistentCompileCache } from "@xlatorch/lazy";
import { diskCompileCache } from "./persistent.js";

export { cacheKey, currentConfig, diskCompileCache, XLATORCH_VERSION } from "./persistent.js";
export { ENTRY_FORMAT_VERSION, ENTRY_IDENTIFIER, EntryError, readEntry, writeEntry } from "./entry.js";
export { configFromEnv, DEFAULT_MAX_BYTES, entryPath, evict } from "./store.js";

setPersistentCompileCache(diskCompileCache);
