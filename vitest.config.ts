import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

// Tests run against the TypeScript sources, so no build is needed before them.
const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));
export default defineConfig({
  resolve: {
    alias: [
      { find: /^xlatorch$/, replacement: src("xlatorch") },
      { find: /^@xlatorch\/(.*)$/, replacement: fileURLToPath(new URL("./packages/$1/src/index.ts", import.meta.url)) },
    ],
  },
  test: { include: ["tests/**/*.test.ts", "packages/*/test/**/*.test.ts"], testTimeout: 60000 },
});
