// Shared pieces of the fixture suites: a describe block per target (cpu, and
// xla in each execution mode) and the runner of PyTorch error cases.
import { afterAll, beforeAll, describe, expect } from "vitest";
import { decodeValue, deviceOf, loadTorch, modeHooks, TARGETS, type Device, type Json } from "./fixtures";

/** `body(device)` inside one describe block per target, in that target's execution mode. */
export function onEveryTarget(title: string, body: (device: Device) => void): void {
  describe.each(TARGETS)(title, (target) => {
    const hooks = modeHooks(target);
    beforeAll(hooks.before);
    afterAll(hooks.after);
    body(deviceOf(target));
  });
}

/** A call PyTorch refuses: the exception class, its message, and words ours must contain. */
export interface ErrorCase {
  name: string;
  kind: "error";
  fn: string;
  call: "method" | "function";
  args: Json[];
  kwargs: Record<string, Json>;
  error: { type: "RuntimeError" | "TypeError" | "IndexError" | "ValueError"; message: string };
  must: string[];
}

/** Runs an error case: it must throw our class for PyTorch's, name the words, and leave an in-place target unchanged. */
export async function runErrorCase(c: ErrorCase, device: Device): Promise<void> {
  const torch = await loadTorch();
  const cls = {
    RuntimeError: torch.TorchError,
    ValueError: torch.TorchError,
    TypeError: torch.TorchTypeError,
    IndexError: torch.TorchIndexError,
  }[c.error.type];
  const args = decodeValue(c.args, device, { torch }) as any[];
  const kwargs = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  const target = c.fn.endsWith("_") ? args[0] : null;
  const snap = (t: any) => ({ values: JSON.stringify(t.tolist()), shape: [...t.shape], dtype: String(t.dtype), version: t._version });
  const before = target ? snap(target) : null;
  let thrown: unknown;
  try {
    if (c.call === "function") torch[c.fn](...args, ...tail);
    else args[0][c.fn](...args.slice(1), ...tail);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `no error thrown (PyTorch: ${c.error.type}: ${c.error.message})`).toBeInstanceOf(Error);
  const e = thrown as Error;
  expect(e, `PyTorch raises ${c.error.type}: ${c.error.message}; got ${e.name}: ${e.message}`).toBeInstanceOf(cls);
  for (const m of c.must) expect(e.message).toContain(m);
  if (target) expect(snap(target)).toEqual(before);
}
