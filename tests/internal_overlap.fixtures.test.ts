// Writes into tensors whose elements alias (an expanded view), against PyTorch
// 1.13 (tests/fixtures/gen_internal_overlap.py): refused where PyTorch refuses,
// naming the op, with the tensor unchanged; allowed (same values) where it
// allows. The same cases on plain views are allowed and give PyTorch's values.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

interface Case {
  base: "expanded" | "plain";
  case: string;
  ok: boolean;
  values?: number[][];
  error?: string;
}
const { cases } = JSON.parse(readFileSync(new URL("./fixtures/internal_overlap.json", import.meta.url), "utf8")) as { cases: Case[] };

type T = torch.Tensor;
const CASES = (d: string): Record<string, (x: T) => unknown> => ({
  add_: (x) => x.add_(1),
  mul_: (x) => x.mul_(2),
  relu_: (x) => x.relu_(),
  "t().add_": (x) => x.t().add_(1),
  copy_: (x) => x.copy_(torch.ones(2, 3, { device: d })),
  uniform_: (x) => x.uniform_(),
  fill_: (x) => x.fill_(7),
  zero_: (x) => x.zero_(),
  "x[:] = 5": (x) => x.setitem(":", 5),
  "x[:] = t": (x) => x.setitem(":", torch.ones(2, 3, { device: d })),
  "x[0] = t": (x) => x.setitem(0, torch.full([3], 4, { device: d })),
  "x[:, 0] = 5": (x) => x.setitem(":", 0, 5),
  "x[...] = 0-d": (x) => x.setitem("...", torch.tensor(3, { device: d, dtype: torch.float32 })),
});
const OPS: Record<string, string> = { "t().add_": "add_", "x[:] = t": "copy_" };

describe.each(["cpu", "xla"])("writes into aliasing tensors on %s", (device) => {
  const make = (base: Case["base"]) =>
    base === "expanded"
      ? torch.arange(3, { dtype: torch.float32, device }).expand(2, 3)
      : torch.arange(3, { dtype: torch.float32, device }).repeat(2, 1).narrow(0, 0, 2);
  it.each(cases.map((c) => [`${c.base}: ${c.case}`, c] as const))("%s", (_name, c) => {
    const f = CASES(device)[c.case]!;
    expect(f, `case ${c.case} has no runner`).toBeDefined();
    const x = make(c.base);
    if (c.ok) {
      f(x);
      expect(x.tolist()).toEqual(c.values);
    } else {
      const op = OPS[c.case] ?? c.case;
      expect(() => f(x)).toThrow(`${op}: ${c.error}`);
      // refused before anything was written
      expect(x.tolist()).toEqual([
        [0, 1, 2],
        [0, 1, 2],
      ]);
    }
  });
});
