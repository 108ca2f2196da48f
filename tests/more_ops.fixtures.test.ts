// The ops of packages/core/src/ops/more_*.ts and torch.testing.assert_close
// against PyTorch 1.13 (tests/fixtures/gen_more_ops.py writes more_ops.json and
// more_grads.json), on both devices. Op and gradient cases use the shared
// fixture format (tests/harness/fixtures.ts); assert_close cases check the
// thrown error's type and exact message.
import { describe, expect, it } from "vitest";
import {
  decodeValue, loadCases, loadTorch, runGradCase, runOpCase, type Device, type GradCase, type Json, type OpCase,
} from "./harness/fixtures";

interface AssertCloseCase {
  name: string;
  kind: "assert_close";
  args: Json[];
  kwargs: Record<string, Json>;
  error: { type: "AssertionError" | "ValueError" | "TypeError"; message: string } | null;
}

const all = loadCases<OpCase | AssertCloseCase>("more_ops.json");
const isAssertClose = (c: OpCase | AssertCloseCase): c is AssertCloseCase => (c as AssertCloseCase).kind === "assert_close";
const opCases = all.filter((c): c is OpCase => !isAssertClose(c));
const acCases = all.filter(isAssertClose);
const gradCases = loadCases<GradCase>("more_grads.json");
const devices: Device[] = ["cpu", "xla"];

describe.each(devices)("more ops vs PyTorch on %s", (device) => {
  for (const c of opCases) {
    it(c.name, async () => {
      await runOpCase(c, device);
    });
  }
});

describe.each(devices)("more ops gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) {
    it(c.name, async () => {
      await runGradCase(c, device);
    });
  }
});

describe.each(devices)("torch.testing.assert_close vs PyTorch on %s", (device) => {
  for (const c of acCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const args = decodeValue(c.args, device, { torch }) as unknown[];
      const kwargs = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
      const call = () => torch.testing.assert_close(...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
      if (c.error === null) {
        expect(call).not.toThrow();
        return;
      }
      let thrown: unknown;
      try { call(); } catch (e) { thrown = e; }
      expect(thrown, "assert_close should throw").toBeInstanceOf(Error);
      const e = thrown as Error;
      if (c.error.type === "TypeError") expect(e).toBeInstanceOf(TypeError);
      else expect(e.name).toBe(c.error.type);
      expect(e.message).toBe(c.error.message);
    });
  }
});
