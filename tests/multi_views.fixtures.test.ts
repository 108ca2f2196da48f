// split, split_with_sizes, chunk and unbind against PyTorch 1.13
// (tests/fixtures/gen_multi_views.py): the pieces are views recorded as one
// autograd node per call (SplitBackward0, SplitWithSizesBackward0,
// UnbindBackward0), the gradient reaches the input as one join of the pieces'
// gradients with zeros where a piece got none, and PyTorch's refusals of
// in-place writes into such pieces hold (nothing written), on cpu and xla.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import * as torch from "xlatorch";
import { onEveryTarget } from "./harness/suites";

interface Case {
  name: string;
  shape: number[];
  fn: "split" | "split_with_sizes" | "chunk" | "unbind";
  args: unknown[];
  use: [number, number][];
  grad_fns: string[];
  shapes: number[][];
  values: unknown[];
  grad: unknown;
}
type Outcome = { ok: true; base?: unknown } | { ok: false; message: string };
const { cases, writes } = JSON.parse(readFileSync(new URL("./fixtures/multi_views.json", import.meta.url), "utf8")) as {
  cases: Case[];
  writes: Record<string, Outcome>;
};
type T = torch.Tensor;

/** The fixture's base = arange(n).reshape(shape) (float64, requiring grad) and y = base * 1. */
function input(shape: number[], device: string): { base: T; y: T } {
  const n = shape.reduce((p, s) => p * s, 1);
  const base = torch.arange(n, { dtype: torch.float64, device }).reshape(shape).requires_grad_();
  return { base, y: base.mul(1) };
}
const piecesOf = (y: T, c: Case): T[] => (y[c.fn] as (...a: unknown[]) => T[])(...c.args);
/** The generator's nonleaf(): arange(12) as 6x2, float64, requiring grad, times 1. */
const nonleaf = (device: string): T => torch.arange(12, { dtype: torch.float64, device }).reshape(6, 2).requires_grad_().mul(1);

onEveryTarget("split/chunk/unbind as one autograd node vs PyTorch on %s", (device) => {
  for (const c of cases) {
    it(`${c.name}: pieces, node names and the input's gradient`, () => {
      const { base, y } = input(c.shape, device);
      const ps = piecesOf(y, c);
      expect(ps.map((p) => p.grad_fn?.name_())).toEqual(c.grad_fns);
      expect(ps.map((p) => [...p.shape])).toEqual(c.shapes);
      expect(ps.map((p) => p.tolist())).toEqual(c.values);
      // the pieces are views of y: they share its storage's version
      for (const p of ps) expect(p._base).toBe(y);
      let loss: T | null = null;
      for (const [i, w] of c.use) {
        const term = ps[i]!.pow(2).sum().mul(w);
        loss = loss === null ? term : loss.add(term);
      }
      loss!.backward();
      expect(base.grad!.tolist()).toEqual(c.grad);
    });
  }

  /** Runs a refused write: PyTorch's message, and the tensor written into unchanged. */
  const refused = (name: string, make: () => { target: T; write: () => unknown }) =>
    it(`refused as PyTorch refuses it: ${name}`, () => {
      const o = writes[name]!;
      if (o.ok) throw new Error(`fixture ${name}: PyTorch allowed it`);
      const { target, write } = make();
      const before = target.tolist();
      expect(write).toThrow(o.message);
      expect(target.tolist()).toEqual(before);
    });
  refused("piece_mul_", () => {
    const p = nonleaf(device).split(2)[1]!;
    return { target: p, write: () => p.mul_(2) };
  });
  refused("unbind_piece_add_", () => {
    const p = nonleaf(device).unbind(0)[3]!;
    return { target: p, write: () => p.add_(1) };
  });
  refused("view_of_piece_mul_", () => {
    const v = nonleaf(device).split(3)[0]!.view(6);
    return { target: v, write: () => v.mul_(2) };
  });
  refused("piece_mul_grad_value", () => {
    const w = torch.ones(2, { dtype: torch.float64, device, requires_grad: true });
    const p = torch.zeros([6, 2], { dtype: torch.float64, device }).split(3)[0]!;
    return { target: p, write: () => p.mul_(w) };
  });
  refused("base_written_then_used", () => {
    const y = nonleaf(device);
    const u = y.unbind(0);
    y.mul_(2);
    return { target: u[0]!, write: () => u[0]!.mul(2) };
  });

  it("allowed as PyTorch allows it: no grad anywhere, under no_grad, a detached piece", () => {
    const z = torch.zeros([6, 2], { dtype: torch.float64, device });
    z.split(3)[1]!.add_(5);
    expect(z.tolist()).toEqual((writes.no_grad_base as { base: unknown }).base);
    const y = nonleaf(device);
    torch.no_grad(() => y.split(3)[0]!.mul_(2));
    expect(y.tolist()).toEqual((writes.under_no_grad as { base: unknown }).base);
    const y2 = nonleaf(device);
    y2.split(3)[1]!.detach().mul_(-1);
    expect(y2.tolist()).toEqual((writes.detached_piece as { base: unknown }).base);
  });
});
