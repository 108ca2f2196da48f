// serialization/files.ts in a browser build (the build aliases it here, as that
// directory is the checkpoint format's own): torch.save/torch.load have no
// file system there, so a path is refused with the way round it.
import { TorchError } from "@xlatorch/core";
import type * as Node from "../serialization/files.js";

const NO_PATHS = "paths are not available in a browser; pass bytes / a {write} collector";

export const readFileBytes: typeof Node.readFileBytes = () => {
  throw new TorchError(`torch.load: ${NO_PATHS} (torch.load(new Uint8Array(await file.arrayBuffer())))`);
};

export const writeFileBytes: typeof Node.writeFileBytes = () => {
  throw new TorchError(`torch.save: ${NO_PATHS} (torch.save(obj, { write: (b) => chunks.push(b) }))`);
};
