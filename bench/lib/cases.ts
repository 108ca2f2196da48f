// Case discovery: every bench/cases/*.ts (not starting with "_") default-exports
// a Case; they run in file-name order. Adding a case is adding one file.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Case } from "./types.js";

export const CASES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "cases");

export async function loadCases(only?: readonly string[]): Promise<Case[]> {
  const files = fs
    .readdirSync(CASES_DIR)
    .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
    .sort();
  const out: Case[] = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(CASES_DIR, f)).href);
    const list: Case[] = Array.isArray(mod.default) ? mod.default : [mod.default];
    for (const c of list) {
      if (!c || typeof c.id !== "string") throw new Error(`bench/cases/${f}: default export is not a Case`);
      if (!only || only.length === 0 || only.some((o) => c.id === o || c.id.startsWith(o))) out.push(c);
    }
  }
  const ids = new Set<string>();
  for (const c of out) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  return out;
}
