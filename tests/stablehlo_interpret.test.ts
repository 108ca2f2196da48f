// The StableHLO repository's interpreter tests on the CPU runtime (corpus and
// license in tests/stablehlo_interpret/corpus). Every test function passes or
// is listed, with its reason, in known_failures.json; a listed function that
// passes fails this test (the list only shrinks), and a function whose check
// fails (a wrong value, or an error that is not a clear refusal) may never be
// listed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type FunctionResult, runCorpus } from "../scripts/stablehlo_interpret.js";

interface Known {
  function: string;
  reason: string;
}
const known: Known[] = JSON.parse(readFileSync(new URL("./stablehlo_interpret/known_failures.json", import.meta.url), "utf8")).failures;

describe("StableHLO interpreter corpus on the CPU runtime", () => {
  const results: FunctionResult[] = runCorpus();
  const byId = new Map(results.map((r) => [r.id, r]));

  it("runs every test function of the corpus", () => {
    expect(results.length).toBeGreaterThan(500);
  });

  it("no function computes a wrong value or fails without a clear refusal", () => {
    const failed = results.filter((r) => r.status === "fail").map((r) => `${r.id}: ${r.reason}`);
    expect(failed).toEqual([]);
  });

  it("every refused function is a listed known failure, and every listed one is still refused", () => {
    const listed = new Set(known.map((k) => k.function));
    const unlisted = results.filter((r) => r.status === "refused" && !listed.has(r.id)).map((r) => `${r.id}: ${r.reason}`);
    expect(unlisted).toEqual([]);
    const nowPassing = known.filter((k) => byId.get(k.function)?.status === "pass").map((k) => k.function);
    expect(nowPassing, "these pass now: remove them from known_failures.json").toEqual([]);
    const missing = known.filter((k) => !byId.has(k.function)).map((k) => k.function);
    expect(missing, "listed functions that are not in the corpus").toEqual([]);
    for (const k of known) expect(k.reason.length, k.function).toBeGreaterThan(10);
  });
});
