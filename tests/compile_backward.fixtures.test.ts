// The compiled backward of a compiled forward against PyTorch (issue 12):
// `cm = torch.compile(model)`, `loss = F.cross_entropy(cm(x), y)`,
// `loss.backward()` outside the compiled function, SGD outside it too. The
// losses and every parameter's gradient at each step equal PyTorch 1.13's
// (tests/fixtures/gen_compile_backward.py, float64), on cpu and xla; the
// forward and its backward are one executable each, compiled once: the first
// call runs eagerly, the second traces and compiles the two, the rest replay.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./harness/modes.js";

const { nn, optim } = torch;
const F = nn.functional;
const xla = torch.xla;

interface T {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  lr: number;
  init: Record<string, T>;
  steps: { x: T; y: number[]; loss: number; grads: Record<string, T> }[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/compile_backward.json", import.meta.url), "utf8")) as { cases: Case[] };

const f64 = (t: T) => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);

function makeModel(name: string): torch.nn.Module {
  if (name === "mlp") return new nn.Sequential(new nn.Linear(6, 16), new nn.Tanh(), new nn.Linear(16, 3));
  return new nn.Sequential(
    new nn.Conv2d(2, 4, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(36, 3),
  );
}

function maxDiff(a: torch.Tensor, b: torch.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return a.sub(b).abs().max().item() as number;
}

describe("compiled backward of a compiled forward equals PyTorch", () => {
  pinFused();
  beforeEach(() => {
    xla.sync(); // what an earlier test left pending is not this one's compile
    torch._dynamo.reset();
    xla.reset_metrics();
  });

  const cases = fixture.cases.flatMap((c) => (["cpu", "xla"] as const).map((dev) => [c.name, dev, c] as const));
  it.each(cases)("%s on %s: losses and gradients at every step, one forward and one backward executable", (_name, dev, c) => {
    const model = makeModel(c.name).double().to(dev);
    model.load_state_dict(Object.fromEntries(Object.entries(c.init).map(([k, v]) => [k, f64(v)])));
    const cm = torch.compile(model);
    const opt = new optim.SGD(model.parameters(), { lr: c.lr, momentum: 0.9 });
    const named = Object.fromEntries(model.named_parameters());
    const compiles: number[] = [];
    c.steps.forEach((s, i) => {
      const x = f64(s.x).to(dev);
      const y = torch.tensor(s.y, { dtype: torch.int64 }).to(dev);
      opt.zero_grad();
      const loss = F.cross_entropy(cm(x), y);
      loss.backward();
      expect(Math.abs((loss.item() as number) - s.loss), `step ${i} loss`).toBeLessThan(1e-10);
      for (const [k, g] of Object.entries(s.grads))
        expect(maxDiff(named[k]!.grad!.cpu(), f64(g)), `step ${i} grad of ${k}`).toBeLessThan(1e-10);
      opt.step();
      compiles.push(xla.metrics().uncachedCompiles);
    });
    const m = xla.metrics();
    expect(m.compiledEagerCalls).toBe(1);
    expect(m.compiledCaptures).toBe(1);
    expect(m.compiledReplays).toBe(c.steps.length - 2);
    // every call after the first ran its backward as the compiled one
    expect(m.compiledBackwards).toBe(c.steps.length - 1);
    // on cpu everything outside the compiled model runs on cpu kernels: exactly the forward and the backward compile
    if (dev === "cpu") expect(compiles).toEqual(c.steps.map((_, i) => (i === 0 ? 0 : 2)));
    // nothing compiles once the loop is steady
    expect(compiles[compiles.length - 1]).toBe(compiles[2]);
  });
});
