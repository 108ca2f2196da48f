// source_text.ts in a browser build: no source files to read; the plan
// fingerprint then uses the functions' own text, as any bundle does.
import type * as Node from "./source_text.js";

export const sourceText: typeof Node.sourceText = () => null;
