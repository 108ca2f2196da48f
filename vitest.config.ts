import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

// Tests run against the TypeScript sources, so no build is needed before them.
// vitest 5's reporter calls Map.groupBy, which Node 20 lacks; the config runs in
// the main process, so a small polyfill here keeps failure reports readable.
if (!(Map as any).groupBy) {
  (Map as any).groupBy = <T, K>(items: Iterable<T>, key: (t: T, i: number) => K) => {
    const m = new Map<K, T[]>();
    let i = 0;
    for (const it of items) {
      const k = key(it, i++);
      m.set(k, [...(m.get(k) ?? []), it]);
    }
    return m;
  };
}

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));
export default defineConfig({
  resolve: {
    alias: [
      { find: /^xlatorch$/, replacement: src("xlatorch") },
      {
        find: /^xlatorch\/safetensors$/,
        replacement: fileURLToPath(new URL("./packages/xlatorch/src/safetensors/index.ts", import.meta.url)),
      },
      { find: /^@xlatorch\/(.*)$/, replacement: fileURLToPath(new URL("./packages/$1/src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 60000,
    // XLATORCH_WASM is read once by the kernels: this keeps tests' run-time switches of it effective
    setupFiles: ["tests/harness/env_setup.ts"],
    // The persistent compile cache stays off for the suite (never the user's
    // ~/.cache/xlatorch); tests of the cache set XLATORCH_CACHE_DIR to a
    // temporary directory themselves. Child processes inherit this.
    env: { XLATORCH_CACHE_DIR: "off" },
    // The PyTorch fixture suites run twice: as every test does (float32/float64
    // dot_general on the system BLAS where one is found, see .ci/run; small
    // elementwise ops and reductions on the JavaScript kernels), and once more
    // with XLATORCH_BLAS=off and XLATORCH_WASM=always: matmuls on the
    // WebAssembly GEMM and every float32 elementwise op and reduction the
    // WebAssembly kernels take on them, whatever its size; with
    // XLATORCH_NUM_THREADS=2, every one of those big enough for two chunks
    // (small ones under "always") is split across the worker pool.
    projects: [
      { extends: true, test: { name: "default", include: ["tests/**/*.test.ts", "packages/*/test/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "blas-off",
          include: ["tests/*.fixtures.test.ts", "tests/cpu_blas.test.ts"],
          env: { XLATORCH_BLAS: "off", XLATORCH_WASM: "always", XLATORCH_CACHE_DIR: "off", XLATORCH_NUM_THREADS: "2" },
        },
      },
    ],
  },
});
