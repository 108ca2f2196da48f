// files.ts in a browser build: there is no file system, so a path is refused
// with the way round it (load(bytes) / save(tensors) -> bytes).
import { TorchError } from "@xlatorch/core";
import type * as Node from "./files.js";

export const readFileBytes: typeof Node.readFileBytes = () => {
  throw new TorchError("safetensors.load_file: paths are not available in a browser; pass the file's bytes to load(bytes)");
};

export const writeFileBytes: typeof Node.writeFileBytes = () => {
  throw new TorchError("safetensors.save_file: paths are not available in a browser; use save(tensors) to get the bytes");
};
