// dump.ts in a browser build: no file system to dump modules into. Only reached
// if a page sets process.env.XLATORCH_DUMP_DIR; printModule gives the text.
import type * as Node from "./dump.js";

export const dumpModule: typeof Node.dumpModule = () => {
  throw new Error("XLATORCH_DUMP_DIR: dumping modules needs a file system, which a browser does not have (print them with printModule)");
};
