// Runs a bench script as the published package runs: bundled by tsup (esbuild)
// from the sources, without tsx's per-closure name-keeping wrappers that the
// development runner adds. `npx tsx bench/bundled.ts bench/train_step_overhead.ts`
// (environment variables pass through). The bundle is written next to the pjrt
// package so that its one native dependency (koffi) resolves.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { basename, resolve } from "node:path";
import { build } from "tsup";

const entry = process.argv[2];
if (!entry) throw new Error("usage: npx tsx bench/bundled.ts BENCH_SCRIPT.ts");
const root = resolve(import.meta.dirname, "..");
const outDir = resolve(root, "packages/pjrt/.tmp/bundled-bench");
rmSync(outDir, { recursive: true, force: true });
await build({
  entry: [resolve(entry)],
  outDir,
  format: ["esm"],
  platform: "node",
  target: "node20",
  noExternal: [/.*/],
  external: ["koffi"],
  tsconfig: resolve(root, "tsconfig.json"),
  config: false,
  silent: true,
  splitting: false,
});
const out = resolve(outDir, basename(entry).replace(/\.ts$/, ".js"));
const r = spawnSync(process.execPath, [out, ...process.argv.slice(3)], { stdio: "inherit" });
process.exit(r.status ?? 1);
