// The compiled backward of a compiled forward (aot.ts), against the same model
// run eagerly: 20 seeded steps of an MLP and a conv net (Adam outside the
// compiled function), dropout (the backward uses the forward's mask),
// BatchNorm in training mode (running statistics written by the forward),
// an input that needs grad, several outputs; create_graph through a compiled
// backward throws; a no_grad call uses a forward-only capture.
import { beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./harness/modes.js";

const { nn, optim } = torch;
const F = nn.functional;
const xla = torch.xla;
const DEVICES = ["cpu", "xla"] as const;

type Net = "mlp" | "conv" | "dropout" | "batchnorm";
function makeNet(net: Net): torch.nn.Module {
  switch (net) {
    case "mlp":
      return new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 32), new nn.GELU(), new nn.Linear(32, 4));
    case "conv":
      return new nn.Sequential(
        new nn.Conv2d(3, 6, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(6, 8, 3),
        new nn.Tanh(),
        new nn.Flatten(),
        new nn.Linear(8, 4),
      );
    case "dropout":
      return new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(32, 4));
    case "batchnorm":
      return new nn.Sequential(new nn.Linear(10, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Linear(16, 4));
  }
}

function batch(net: Net, i: number, dev: string): [torch.Tensor, torch.Tensor] {
  const g = new torch.Generator().manual_seed(1000 + i);
  const x = net === "conv" ? torch.randn([4, 3, 6, 6], { generator: g }) : torch.randn([8, 10], { generator: g });
  const y = torch.randint(0, 4, [x.shape[0]!], { generator: g });
  return [x.to(dev), y.to(dev)];
}

/** 20 seeded Adam steps, the model compiled or not; backward and step outside the compiled function. */
function train(net: Net, dev: string, compiled: boolean) {
  torch.manual_seed(0);
  const model = makeNet(net).to(dev);
  const cm = compiled ? torch.compile(model) : model;
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const losses: number[] = [];
  const grads: torch.Tensor[][] = [];
  const compiles: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [x, y] = batch(net, i, dev);
    torch.manual_seed(500 + i); // dropout's masks: the same draws compiled or not
    opt.zero_grad();
    const loss = F.cross_entropy(cm(x), y);
    loss.backward();
    losses.push(loss.item() as number);
    grads.push(model.parameters().map((p) => p.grad!.detach().cpu().clone()));
    opt.step();
    compiles.push(xla.metrics().uncachedCompiles);
  }
  const buffers = model.buffers().map((b) => b.detach().cpu());
  return { losses, grads, compiles, buffers, params: model.parameters().map((p) => p.detach().cpu()) };
}

const maxDiff = (a: torch.Tensor, b: torch.Tensor) => a.sub(b).abs().max().item() as number;

describe("torch.compile(model): the backward outside the compiled forward is compiled too", () => {
  pinFused();
  beforeEach(() => {
    xla.sync();
    torch._dynamo.reset();
    xla.reset_metrics();
  });

  const cases = (["mlp", "conv", "dropout", "batchnorm"] as const).flatMap((n) => DEVICES.map((d) => [n, d] as const));
  it.each(cases)("%s on %s: 20 steps give the eager losses and gradients; one forward + one backward executable", (net, dev) => {
    const want = train(net, dev, false);
    xla.sync();
    xla.reset_metrics();
    const got = train(net, dev, true);
    got.losses.forEach((l, i) => expect(Math.abs(l - want.losses[i]!), `step ${i}: ${l} vs ${want.losses[i]}`).toBeLessThan(2e-5));
    got.grads.forEach((gs, i) => gs.forEach((g, j) => expect(maxDiff(g, want.grads[i]![j]!), `step ${i}, grad ${j}`).toBeLessThan(2e-5)));
    got.params.forEach((p, j) => expect(maxDiff(p, want.params[j]!)).toBeLessThan(2e-5));
    got.buffers.forEach((b, j) => expect(maxDiff(b, want.buffers[j]!), `buffer ${j}`).toBeLessThan(2e-5));
    const m = xla.metrics();
    expect(m.compiledCaptures).toBe(1);
    expect(m.compiledReplays).toBe(18);
    expect(m.compiledBackwards).toBe(19);
    if (dev === "cpu") expect(got.compiles.slice(0, 3)).toEqual([0, 2, 2]); // the forward and the backward
    expect(got.compiles[19]).toBe(got.compiles[2]);
  });

  it.each(DEVICES)("%s: an input that needs grad gets eager's gradient; several outputs take their own cotangents", (dev) => {
    torch.manual_seed(0);
    const lin = new nn.Linear(5, 3).to(dev);
    const fn = (x: torch.Tensor) => {
      const h = lin(x).tanh();
      return { h, s: h.pow(2).sum(1) };
    };
    const f = torch.compile(fn);
    for (let i = 0; i < 4; i++) {
      const g = new torch.Generator().manual_seed(i);
      const x0 = torch.randn([4, 5], { generator: g });
      const run = (h: (x: torch.Tensor) => { h: torch.Tensor; s: torch.Tensor }) => {
        const x = x0.to(dev).requires_grad_();
        lin.zero_grad();
        const o = h(x);
        o.h.mul(torch.arange(3).to(dev)).sum().add(o.s.mul(0.5).sum()).backward();
        return [x.grad!.cpu(), lin.weight.grad!.cpu(), lin.bias!.grad!.cpu()];
      };
      const want = run(fn);
      const got = run(f);
      got.forEach((gt, j) => expect(maxDiff(gt, want[j]!), `call ${i}, grad ${j}`).toBeLessThan(1e-5));
    }
    expect(xla.metrics().compiledBackwards).toBe(3);
  });

  it.each(DEVICES)("%s: one output computed from another (h, h.sum(1)): both cotangents reach the input, eager and compiled", (dev) => {
    // PyTorch: torch.autograd.grad([h, s], [x], [ones(2, 3), ones(2)]) with h = 3x, s = h.sum(1) is 6 everywhere
    const x = torch.ones(2, 3).to(dev).requires_grad_();
    const h = x.mul(3);
    const [gx] = torch.autograd.grad([h, h.sum(1)], [x], { grad_outputs: [torch.ones(2, 3).to(dev), torch.ones(2).to(dev)] });
    expect(gx!.cpu().tolist()).toEqual([
      [6, 6, 6],
      [6, 6, 6],
    ]);
    const f = torch.compile((t: torch.Tensor) => {
      const a = t.mul(3);
      return [a, a.sum(1)];
    });
    for (let i = 0; i < 3; i++) {
      const xi = torch
        .full([2, 3], i + 1, { dtype: torch.float32 })
        .to(dev)
        .requires_grad_();
      const [a, s] = f(xi) as torch.Tensor[];
      torch.autograd.backward([a!, s!], [torch.ones(2, 3).to(dev), torch.full([2], 2, { dtype: torch.float32 }).to(dev)]);
      expect(xi.grad!.cpu().tolist()).toEqual([
        [9, 9, 9],
        [9, 9, 9],
      ]);
    }
    expect(xla.metrics().compiledBackwards).toBe(2);
  });

  it.each(DEVICES)("%s: a gradient that is the output's cotangent itself (x + p), and a leaf the output does not depend on", (dev) => {
    const p = torch.zeros(3).to(dev).requires_grad_();
    const q = torch.ones(3).to(dev).requires_grad_();
    const f = torch.compile((x: torch.Tensor) => x.add(p).add(q.mul(0)));
    for (let i = 0; i < 3; i++) {
      p.grad = null;
      q.grad = null;
      f(torch.ones(3).to(dev))
        .mul(torch.tensor([1, 2, i]).to(dev))
        .sum()
        .backward();
      expect(p.grad!.cpu().tolist()).toEqual([1, 2, i]);
      expect(q.grad!.cpu().tolist()).toEqual([0, 0, 0]);
    }
    expect(xla.metrics().compiledBackwards).toBe(2);
  });

  it.each(DEVICES)("%s: create_graph through a compiled backward throws; a no_grad call replays a forward-only capture", (dev) => {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh()).to(dev);
    const cm = torch.compile(model);
    const x = torch.ones(2, 3).to(dev);
    cm(x).sum().backward(); // eager (the first call)
    const y = cm(x).sum();
    expect(() => torch.autograd.grad(y, model.parameters(), { create_graph: true })).toThrow(
      /compiled backward of a compiled forward does not support create_graph=True/,
    );
    const want = torch.no_grad(() => model(x)).cpu();
    for (let i = 0; i < 3; i++) {
      const out = torch.no_grad(() => cm(x));
      expect(out.requires_grad).toBe(false);
      expect(maxDiff(out.cpu(), want)).toBeLessThan(1e-6);
    }
    expect(xla.metrics().compiledReplays).toBe(2);
  });
});
