// The only file-system access of torch.save/torch.load: a browser bundle
// aliases this one module (paths are then refused; bytes still work).
import * as fs from "node:fs";

/** The whole file at `path`. */
export function readFileBytes(path: string | URL): Uint8Array {
  return fs.readFileSync(path);
}

/** Writes `bytes` to `path`, replacing it. */
export function writeFileBytes(path: string | URL, bytes: Uint8Array): void {
  fs.writeFileSync(path, bytes);
}
