// Defects found with PyTorch's OpInfo samples (0-dim inputs, a tensor-valued
// narrow start, integer pow with negative exponents, bool promotion of square
// and addr, inner with 0-dim operands, errors PyTorch raises for 0-dim and
// empty inputs, the nuclear norm), checked against PyTorch 1.13 on every
// target. tests/fixtures/gen_defects_a.py writes defects_a.json: op cases and
// gradient cases in the shared fixture format (tests/harness/fixtures.ts) and
// error cases (class from PyTorch's exception, message words from its message).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeValue, deviceOf, loadCases, loadTorch, modeHooks, runGradCase, runOpCase, TARGETS, type GradCase, type Json, type OpCase,
} from "./harness/fixtures";

interface ErrorCase {
  name: string;
  kind: "error";
  fn: string;
  call: "method" | "function";
  args: Json[];
  kwargs: Record<string, Json>;
  error: { type: "RuntimeError" | "TypeError" | "IndexError" | "ValueError"; message: string };
  must: string[];
}

type AnyCase = OpCase | (GradCase & { kind: "grad" }) | ErrorCase;
const all = loadCases<AnyCase>("defects_a.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const opCases = all.filter((c): c is OpCase => kindOf(c) === undefined);
const gradCases = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");
const errCases = all.filter((c): c is ErrorCase => kindOf(c) === "error");

describe.each(TARGETS)("OpInfo defects (a) vs PyTorch on %s", (target) => {
  const device = deviceOf(target);
  const hooks = modeHooks(target);
  beforeAll(hooks.before);
  afterAll(hooks.after);
  for (const c of opCases) {
    it(c.name, async () => {
      await runOpCase(c, device);
    });
  }
});

describe.each(TARGETS)("OpInfo defects (a) gradients vs PyTorch on %s", (target) => {
  const device = deviceOf(target);
  const hooks = modeHooks(target);
  beforeAll(hooks.before);
  afterAll(hooks.after);
  for (const c of gradCases) {
    it(c.name, async () => {
      await runGradCase(c, device);
    });
  }
});

describe.each(TARGETS)("OpInfo defects (a): bad calls throw as PyTorch does on %s", (target) => {
  const device = deviceOf(target);
  const hooks = modeHooks(target);
  beforeAll(hooks.before);
  afterAll(hooks.after);
  for (const c of errCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const cls = { RuntimeError: torch.TorchError, ValueError: torch.TorchError, TypeError: torch.TorchTypeError, IndexError: torch.TorchIndexError }[c.error.type];
      const args = decodeValue(c.args, device, { torch }) as any[];
      const kwargs = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
      const tail = Object.keys(kwargs).length ? [kwargs] : [];
      const inplaceTarget = c.fn.endsWith("_") ? args[0] : null;
      const snap = (t: any) => ({ values: JSON.stringify(t.tolist()), shape: [...t.shape], dtype: String(t.dtype), version: t._version });
      const before = inplaceTarget ? snap(inplaceTarget) : null;
      let thrown: unknown;
      try {
        if (c.call === "function") torch[c.fn](...args, ...tail);
        else args[0][c.fn](...args.slice(1), ...tail);
      } catch (e) { thrown = e; }
      expect(thrown, `no error thrown (PyTorch: ${c.error.type}: ${c.error.message})`).toBeInstanceOf(Error);
      const e = thrown as Error;
      expect(e, `PyTorch raises ${c.error.type}: ${c.error.message}; got ${e.name}: ${e.message}`).toBeInstanceOf(cls);
      for (const m of c.must) expect(e.message).toContain(m);
      if (inplaceTarget) expect(snap(inplaceTarget)).toEqual(before);
    });
  }
});
