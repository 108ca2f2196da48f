// diagonal() as a view, against PyTorch 1.13 (tests/fixtures/gen_diagonal_views.py):
// writes through it (copy_, fill_, add_, zero_, mul_, setitem, a write through a
// view of it) land in the tensor it was taken from, a write to that tensor shows
// through it, and its values and float64 gradients match, on square, wide, tall,
// offset, swapped-dims, batched, transposed and strided inputs, on cpu and xla.
// Layouts whose (dim1, dim2) plane does not flatten without a copy (a case's
// "view": false: rows_step2, cols_narrow, dims 0 and 2 of a 3-d tensor) give a
// copy here: writes through it are refused, naming diagonal, and the base is
// unchanged (PyTorch writes the diagonal: the fixture's "writes" hold its base
// values, e.g. rows_step2 fill_ sets base[0,0], base[2,1], base[4,2], base[6,3]
// to -1), and a later write to the base does not show through the copy.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import * as torch from "xlatorch";
import type { Device } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

interface Case {
  name: string;
  shape: number[];
  pre: "none" | "t" | "rows_step2" | "cols_step2" | "cols_narrow";
  offset: number;
  dim1: number;
  dim2: number;
  view: boolean;
  diag_shape: number[];
  diag: unknown;
  writes: Record<string, unknown>;
  read_after_base_write: unknown;
  grad: unknown;
  grad_through_write: unknown;
}
interface ErrorCase {
  name: string;
  shape: number[];
  args: number[];
  type: "RuntimeError" | "IndexError";
  message: string;
}
const { cases, errors } = JSON.parse(readFileSync(new URL("./fixtures/diagonal_views.json", import.meta.url), "utf8")) as {
  cases: Case[];
  errors: ErrorCase[];
};

type T = torch.Tensor;

/** The generator's make(): base = arange(n).reshape(shape), x = base after `pre`. */
function make(c: Case, device: Device, dtype: torch.DType, requiresGrad = false): { base: T; x: T } {
  const n = c.shape.reduce((p, s) => p * s, 1);
  const base = torch.arange(n, { dtype, device }).reshape(c.shape);
  return makeFrom(c, requiresGrad ? base.clone().requires_grad_(true) : base);
}
function makeFrom(c: Case, base: T): { base: T; x: T } {
  const x =
    c.pre === "t"
      ? base.transpose(-2, -1)
      : c.pre === "rows_step2"
        ? base.getitem("...", "::2", ":")
        : c.pre === "cols_step2"
          ? base.getitem("...", "::2")
          : c.pre === "cols_narrow"
            ? base.narrow(-1, 1, c.shape[c.shape.length - 1]! - 2)
            : base;
  return { base, x };
}
const ramp = (t: T, step: number) => torch.arange(t.numel(), { dtype: t.dtype, device: t.device }).reshape(t.shape).mul(step).add(1);

// each write reaches the diagonal through a different call form (positional, keyword, method)
const WRITES: Record<string, { take: (x: T, c: Case) => T; write: (d: T) => unknown }> = {
  copy_: {
    take: (x, c) => torch.diagonal(x, c.offset, c.dim1, c.dim2),
    write: (d) => d.copy_(torch.arange(d.numel(), { dtype: d.dtype, device: d.device }).reshape(d.shape).add(100)),
  },
  fill_: { take: (x, c) => x.diagonal({ offset: c.offset, dim1: c.dim1, dim2: c.dim2 }), write: (d) => d.fill_(-1) },
  add_: { take: (x, c) => torch.diagonal(x, c.offset, { dim1: c.dim1, dim2: c.dim2 }), write: (d) => d.add_(1000) },
  zero_: { take: (x, c) => x.diagonal(c.offset, c.dim1, c.dim2), write: (d) => d.zero_() },
  mul_: { take: (x, c) => torch.diagonal(x, { offset: c.offset, dim1: c.dim1, dim2: c.dim2 }), write: (d) => d.mul_(-2) },
  setitem_first: { take: (x, c) => x.diagonal(c.offset, c.dim1, { dim2: c.dim2 }), write: (d) => d.setitem("...", 0, 77) },
  view_fill_: { take: (x, c) => torch.diagonal(x, c.offset, c.dim1, c.dim2), write: (d) => d.getitem("...", "1:").fill_(55) },
};

const FORMS: Record<string, (x: T, c: Case) => T> = {
  positional: (x, c) => torch.diagonal(x, c.offset, c.dim1, c.dim2),
  method: (x, c) => x.diagonal(c.offset, c.dim1, c.dim2),
  keywords: (x, c) => torch.diagonal(x, { offset: c.offset, dim1: c.dim1, dim2: c.dim2 }),
  method_keywords: (x, c) => x.diagonal(c.offset, { dim1: c.dim1, dim2: c.dim2 }),
};

onEveryTarget("diagonal views vs PyTorch on %s", (device) => {
  for (const c of cases) {
    it(`${c.name}: values in every call form`, () => {
      const { x } = make(c, device, torch.float32);
      for (const [form, f] of Object.entries(FORMS)) {
        const d = f(x, c);
        expect([...d.shape], form).toEqual(c.diag_shape);
        expect(d.tolist(), form).toEqual(c.diag);
      }
    });

    it(`${c.name}: writes through the diagonal`, () => {
      for (const [name, expected] of Object.entries(c.writes)) {
        const w = WRITES[name]!;
        const { base, x } = make(c, device, torch.float32);
        const d = w.take(x, c);
        if (c.view) {
          w.write(d);
          expect(base.tolist(), name).toEqual(expected);
        } else {
          const before = base.tolist();
          expect(() => w.write(d), name).toThrow(/diagonal/);
          expect(base.tolist(), name).toEqual(before);
        }
      }
    });

    it(`${c.name}: a write to the base shows through the diagonal`, () => {
      const { base, x } = make(c, device, torch.float32);
      const d = torch.diagonal(x, c.offset, c.dim1, c.dim2);
      base.mul_(-1);
      // a copy keeps the values it was taken with (PyTorch's view reads the new ones)
      expect(d.tolist()).toEqual(c.view ? c.read_after_base_write : c.diag);
    });

    it(`${c.name}: float64 gradient`, () => {
      const { base, x } = make(c, device, torch.float64, true);
      const y = torch.diagonal(x, c.offset, c.dim1, c.dim2);
      y.mul(ramp(y, 0.5)).sum().backward();
      expect(base.grad!.tolist()).toEqual(c.grad);
    });

    if (c.view)
      it(`${c.name}: float64 gradient through an in-place write to the diagonal`, () => {
        const leaf = make({ ...c, pre: "none" }, device, torch.float64, true).base;
        const { base: y, x } = makeFrom(c, leaf.mul(1));
        const d = torch.diagonal(x, c.offset, c.dim1, c.dim2);
        d.mul_(ramp(d, 0.5));
        y.mul(ramp(y, 0.25)).sum().backward();
        expect(leaf.grad!.tolist()).toEqual(c.grad_through_write);
      });
  }

  for (const e of errors) {
    it(`error: ${e.name}`, () => {
      const x = torch.zeros(e.shape, { device });
      let thrown: unknown;
      try {
        torch.diagonal(x, ...(e.args as [number, number, number]));
      } catch (err) {
        thrown = err;
      }
      expect(thrown, `PyTorch: ${e.type}: ${e.message}`).toBeInstanceOf(e.type === "IndexError" ? torch.TorchIndexError : torch.TorchError);
      const msg = (thrown as Error).message;
      expect(msg).toContain("diagonal");
      expect(msg).toContain(e.message);
    });
  }
});
