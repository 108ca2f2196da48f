// Library fixes found by porting the programs of tests/programs2.fixtures.test.ts:
// - where()'s backward saves only its condition, as PyTorch's: writing in place
//   to a branch after the where is allowed (dcgan's BatchNorm2d followed by
//   LeakyReLU(0.2, inplace=True) failed at backward with "modified by an
//   inplace operation", since leaky_relu is composed of where);
// - on xla (fused), a write through a view of a buffer with a value that
//   requires grad (seq2seq's `encoder_outputs[ei] = encoder_output[0, 0]`)
//   no longer cuts the trace at the next write: the base's scatter that the
//   write records again as its autograd history read the new value, which
//   looked like the next optimizer step's read-then-write (a graph and a
//   compile per position; DeviceBackend.didWrite);
// - Module.apply takes its fn by keyword (`netG.apply(fn=weights_init)`) and
//   refuses a missing one in PyTorch's words.
// Values from PyTorch 1.13 in float64 (tests/fixtures/gen_programs2.py's
// regressions() and errors()), on cpu and xla.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./harness/modes";

const { nn } = torch;
const F = nn.functional;
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/programs2.json", import.meta.url), "utf8")) as {
  regressions: Record<string, Record<string, number[]>>;
  errors: Record<string, { type: string; message: string }>;
};
const R = FIXTURE.regressions;

function expectClose(got: torch.Tensor, want: number[], what: string): void {
  const g = got.cpu().flatten().tolist() as number[];
  expect(g.length, what).toBe(want.length);
  g.forEach((v, i) =>
    expect(Math.abs(v - want[i]!), `${what}[${i}]: ${v} vs PyTorch ${want[i]}`).toBeLessThan(1e-10 + 1e-10 * Math.abs(want[i]!)),
  );
}

describe.each(["cpu", "xla"])("where's backward saves only the condition (%s)", (device) => {
  it("BatchNorm2d then F.leaky_relu(0.2, inplace=True): PyTorch's values and gradients", () => {
    const want = R.bn_leaky_relu_inplace!;
    const x = torch.tensor(want.x!, { dtype: torch.float64 }).view(2, 3, 4, 4).to(device).requires_grad_();
    const bn = new nn.BatchNorm2d(3).double().to(device);
    const y = F.leaky_relu(bn(x), 0.2, true);
    const w = torch.tensor(want.w!, { dtype: torch.float64 }).view(2, 3, 4, 4).to(device);
    y.mul(w).sum().backward();
    expectClose(y.detach(), want.y!, "y");
    expectClose(x.grad!, want.grad!, "x.grad");
    expectClose(bn.weight!.grad!, want.bn_weight_grad!, "bn.weight.grad");
  });
  it("both branches written in place after torch.where: the gradient is where's", () => {
    const want = R.where_branch_written_after!;
    const a = torch.tensor(want.a!, { dtype: torch.float64, device, requires_grad: true });
    const b = torch.tensor(want.b!, { dtype: torch.float64, device, requires_grad: true });
    const [a2, b2] = [a.mul(1.0), b.mul(1.0)];
    const r = torch.where(a2.gt(0), a2, b2);
    a2.add_(1);
    b2.mul_(3);
    r.mul(torch.arange(1.0, 6.0, { dtype: torch.float64, device }))
      .sum()
      .backward();
    expectClose(r.detach(), want.r!, "r");
    expectClose(a.grad!, want.a_grad!, "a.grad");
    expectClose(b.grad!, want.b_grad!, "b.grad");
  });
  it("a saved input of another op written in place still fails at backward (mul saves its operands)", () => {
    const a = torch.randn(3, { dtype: torch.float64, device, requires_grad: true });
    const a2 = a.mul(1.0);
    const r = a2.mul(a2);
    a2.add_(1);
    expect(() => r.sum().backward()).toThrow(/modified by an inplace operation/);
  });
});

describe("Module.apply(fn) by keyword", () => {
  it("apply({ fn }) visits children first, then the module, as apply(fn)", () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Conv2d(1, 1, 1)));
    const seen: string[] = [],
      seenKw: string[] = [];
    expect(m.apply((s) => seen.push(s.constructor.name))).toBe(m);
    expect(m.apply({ fn: (s: torch.nn.Module) => seenKw.push(s.constructor.name) })).toBe(m);
    expect(seenKw).toEqual(seen);
    expect(seen).toEqual(["Linear", "Conv2d", "Sequential", "Sequential"]);
  });
  it.each(Object.keys(FIXTURE.errors))("%s: PyTorch's error", (name) => {
    const lin = new nn.Linear(2, 2);
    const call = { apply_missing_fn: () => (lin.apply as () => unknown)(), apply_keyword: () => lin.apply({ fnn: console.log } as never) }[
      name
    ]!;
    // Python 3.11 qualifies the name (`Module.apply()`)
    expect(call).toThrow(FIXTURE.errors[name]!.message.replace(/^Module\./, ""));
  });
});

describe("writes through views of a buffer with grad-requiring values on xla (fused)", () => {
  pinFused();
  it("encoder_outputs[i] = h_i in a loop is one graph, with or without grad, and backpropagates as on cpu", () => {
    const runs: Record<string, { executions: number; compiles: number; grad: number[]; out: number[] }> = {};
    for (const device of ["cpu", "xla"])
      for (const grad of [false, true]) {
        torch.manual_seed(0);
        const h = torch.randn(4, { dtype: torch.float64 }).to(device).requires_grad_(grad);
        torch.xla.reset_metrics();
        const x = torch.zeros(6, 4, { dtype: torch.float64, device });
        for (let i = 0; i < 5; i++) x.setitem(i, h.mul(i + 1));
        const loss = x.mul(torch.arange(24, { dtype: torch.float64, device }).view(6, 4)).sum();
        if (grad) loss.backward();
        const out = x.detach().cpu().flatten().tolist() as number[];
        const m = torch.xla.metrics();
        runs[`${device}/${grad}`] = {
          executions: m.executions,
          compiles: m.uncachedCompiles,
          grad: grad ? (h.grad!.tolist() as number[]) : [],
          out,
        };
      }
    // the forward (and with grad the backward) is one graph: no cut per write
    expect(runs["xla/false"]!.executions, "executions without grad").toBe(1);
    expect(runs["xla/true"]!.executions, "executions with grad").toBeLessThanOrEqual(2);
    expect(runs["xla/true"]!.out).toEqual(runs["cpu/true"]!.out);
    expect(runs["xla/true"]!.grad).toEqual(runs["cpu/true"]!.grad);
    // d/dh sum_i (i+1) * sum_j w[i, j] h_j: row sums of arange weights
    expect(runs["cpu/true"]!.grad).toEqual([0, 1, 2, 3].map((j) => [0, 1, 2, 3, 4].reduce((a, i) => a + (i + 1) * (4 * i + j), 0)));
  });
});
