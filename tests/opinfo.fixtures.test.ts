// PyTorch's OpInfo database (tests/fixtures/opinfo.json, written by
// tests/fixtures/gen_opinfo.py) on cpu and on xla (fused): every recorded
// sample of each op xlatorch has, in the positional and the keyword form,
// float64 gradients, and the bad calls PyTorch refuses (the checks are
// tests/opinfo_runner.ts's). Checks that fail today are listed, each with a
// reason, in tests/fixtures/opinfo_known_failures.json (and, for the large and
// complex samples, opinfo_known_failures_wide.json) and must still fail here:
// one that starts passing fails the suite, so the list can only shrink.
// scripts/opinfo_report.ts prints the counts (bench/results/opinfo.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTorch, modeHooks, type Device } from "./harness/fixtures";
import { checksOf, knownIndex, loadKnown, loadOpinfo, type Check } from "./opinfo_runner";

const { entries } = loadOpinfo();
const known = loadKnown();
const knownOn = knownIndex(known);
const DEVICES: Device[] = ["cpu", "xla"];
const checks = new Map(entries.filter((e) => e.present).map((e) => [e.id, checksOf(e)] as const));

describe("opinfo known-failure list", () => {
  it("names only checks that exist", () => {
    const keys = new Set([...checks.values()].flat().map((c) => c.key));
    expect(known.filter((k) => !keys.has(k.case)).map((k) => k.case)).toEqual([]);
    expect(known.filter((k) => !k.reason?.trim()).map((k) => k.case)).toEqual([]);
  });
});

describe.each(DEVICES)("OpInfo vs PyTorch on %s", (device) => {
  const hooks = modeHooks(device);
  beforeAll(hooks.before);
  afterAll(hooks.after);
  for (const [id, cs] of checks) {
    const passing = cs.filter((c) => !knownOn(c.key, device));
    if (passing.length)
      it(`${id} (${passing.length} checks)`, async () => {
        const torch = await loadTorch();
        const failed: string[] = [];
        for (const c of passing) {
          try {
            c.run(torch, device);
          } catch (e) {
            failed.push(`${c.key}: ${(e as Error).message.split("\n")[0]}`);
          }
        }
        expect(failed, `${failed.length} of ${passing.length} checks fail`).toEqual([]);
      });
    // one test per entry for its known failures (one test each made the suite several times slower):
    // each must still fail, so one that starts passing fails the suite until it is taken off the list
    const knownFailing = cs.filter((c) => knownOn(c.key, device) && !knownOn(c.key, device)!.varies);
    if (knownFailing.length)
      it(`${id}: ${knownFailing.length} known failures still fail`, async () => {
        const torch = await loadTorch();
        const passing = knownFailing.filter((c) => passes(c, torch, device)).map((c) => `${c.key}: ${knownOn(c.key, device)!.reason}`);
        expect(passing, "known failures that pass now: take them off the list").toEqual([]);
      });
  }
});

function passes(c: Check, torch: unknown, device: Device): boolean {
  try {
    c.run(torch, device);
    return true;
  } catch {
    return false;
  }
}
