// Runs `fn` when the file is executed directly (not when a test imports it).
import { pathToFileURL } from "node:url";
export function runIfMain(meta: ImportMeta, fn: () => unknown): void {
  if (process.argv[1] && meta.url === pathToFileURL(process.argv[1]).href) fn();
}
