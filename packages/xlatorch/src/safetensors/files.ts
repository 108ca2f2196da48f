// The only file-system access of safetensors' load_file/save_file: the browser
// build replaces this module with files.browser.ts (paths are then refused;
// load/save on bytes still work), so node:fs stays out of a browser bundle.
import * as fs from "node:fs";

/** The whole file at `path`. */
export function readFileBytes(path: string | URL): Uint8Array {
  return fs.readFileSync(path);
}

/** Writes `bytes` to `path`, replacing it. */
export function writeFileBytes(path: string | URL, bytes: Uint8Array): void {
  fs.writeFileSync(path, bytes);
}
