// XLATORCH_DUMP_DIR: every module the xla device compiles, written as text
// (module_0000.mlir, ...). The one file-system use of this package, on its own
// so that a browser build can swap in dump.browser.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { printModule, type Module } from "@xlatorch/stablehlo";

let dumpCount = 0;
export function dumpModule(m: Module): void {
  const dir = process.env.XLATORCH_DUMP_DIR!;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `module_${String(dumpCount++).padStart(4, "0")}.mlir`), printModule(m));
}
