// A source file's text, for the plan fingerprint (plan.ts) when running from
// the sources. On its own so that a browser build swaps in
// source_text.browser.ts and node:fs stays out of the bundle.
import { readFileSync } from "node:fs";

/** The file's text, or null where it cannot be read (a bundle: the file is not beside the code). */
export function sourceText(url: URL): string | null {
  try {
    return readFileSync(url, "utf8");
  } catch {
    return null;
  }
}
