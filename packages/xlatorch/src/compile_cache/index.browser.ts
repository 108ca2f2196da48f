// compile_cache/index.ts in a browser build: the persistent compile cache keeps
// executables in a directory (node:fs, node:crypto), so it is off there and
// nothing is installed; every process compiles as with XLATORCH_CACHE_DIR=off.
export {};
