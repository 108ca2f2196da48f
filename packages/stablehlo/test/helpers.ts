// Shared by the tests: the print -> parse -> print identity check.
import { expect } from "vitest";
import { type Module, parseModule, printModule } from "../src/index.js";

/** Prints `m`, checks that parsing and printing again gives the same text, and returns it. */
export function roundTrip(m: Module): string {
  const text = printModule(m);
  const again = printModule(parseModule(text));
  expect(again).toBe(text);
  return text;
}

/** The op lines of a printed module (no module/func/return lines), trimmed. */
export function opLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("%"));
}
