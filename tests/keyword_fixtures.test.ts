// Every op fixture (PyTorch's results for positional calls, tests/fixtures
// ops.json and more_ops.json) run again in the keyword form: every argument
// after the first moves into the options object under the parameter name of
// the overload PyTorch picks for the positional call (the first of its
// signatures, in PyTorch's order, that takes those arguments), and the result
// must still be PyTorch's. Calls through variadic overloads (sizes) keep their
// positional form.
import { describe, expect, it } from "vitest";
import * as core from "@xlatorch/core";
import { decodeValue, loadCases, loadTorch, runOpCase, type CallCase, type Json, type OpCase } from "./harness/fixtures";

const isCall = (c: OpCase): c is CallCase => "fn" in c && !("kind" in c);
const cases = [...loadCases<OpCase>("ops.json"), ...loadCases<OpCase>("more_ops.json")]
  .filter(isCall)
  .filter((c) => c.fn !== "getitem" && c.fn !== "setitem");

/** The keyword form of a positional call case, or null when no named overload takes it. */
async function keywordForm(c: CallCase): Promise<CallCase | null> {
  const torch = await loadTorch();
  const group = c.call === "method" ? "tensor" : "torch";
  const overloads = core.signaturesOf(group, c.fn);
  if (!overloads) return null;
  const positional = c.call === "method" ? c.args.slice(1) : c.args;
  if (positional.length < 2 && c.call === "function") return null;
  if (positional.length < 1) return null;
  const decoded = decodeValue(positional as Json, "cpu", { torch }) as unknown[];
  const o = overloads.find((ov) => core.acceptsPositional(ov, decoded));
  if (!o) return null;
  const names = o.params.filter((p) => !p[3]).map((p) => p[0]);
  const keep = c.call === "method" ? 1 : 1; // self, or the function's first argument
  const moved: Record<string, Json> = {};
  const from = c.call === "method" ? 0 : 1;
  positional.slice(from).forEach((v, i) => {
    moved[names[from + i]!] = v;
  });
  if (Object.keys(moved).some((k) => k in (c.kwargs ?? {}))) return null;
  return { ...c, name: `${c.name} (keyword form)`, args: c.args.slice(0, keep), kwargs: { ...moved, ...(c.kwargs ?? {}) } };
}

describe("every op fixture in the keyword form", async () => {
  const converted = (await Promise.all(cases.map(keywordForm))).filter((c): c is CallCase => c !== null);
  it("covers most call fixtures", () => {
    expect(converted.length).toBeGreaterThan(cases.length * 0.5);
  });
  describe.each(["cpu", "xla"] as const)("on %s", (device) => {
    for (const c of converted)
      it(c.name, async () => {
        await runOpCase(c, device);
      });
  });
});
