// torch.compile's guards (issue 12): a replay must never run a graph traced
// for other host state. Each case changes something between calls (module
// state: a parameter or buffer replaced by assignment, train()/eval(),
// requires_grad, dtype, device; host values: a JS-number argument, a config
// object's field) and checks that every compiled call gives the eager call's
// values on cpu and xla, that the change recompiles (naming the guard) or
// replays a capture traced for that state, and that the cache size limit
// reports its reason. A Python-number hyperparameter (lr from a scheduler)
// still compiles once over 50 steps.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as torch from "xlatorch";

const { nn, optim } = torch;
const F = nn.functional;
const xla = torch.xla;

const hostOf = (t: torch.Tensor) => t.detach().cpu().double();
function expectSame(got: torch.Tensor, want: torch.Tensor, what: string) {
  expect(got.dtype, what).toBe(want.dtype);
  expect(got.shape, what).toEqual(want.shape);
  expect(
    (hostOf(got).sub(hostOf(want)).abs().max().item() as number) <= 1e-6,
    `${what}: ${hostOf(got).tolist()} vs ${hostOf(want).tolist()}`,
  ).toBe(true);
}
const reasonsOf = (f: unknown) => (f as { recompile_reasons: string[] }).recompile_reasons;

/** A seeded Linear + BatchNorm1d + ReLU on `dev`, and one input. */
function setup(dev: string) {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU()).to(dev);
  const x = torch.randn(5, 3).to(dev);
  return { model, x, cm: torch.compile(model) };
}
const eval_ = (m: (x: torch.Tensor) => torch.Tensor, x: torch.Tensor) => torch.no_grad(() => m(x));

beforeEach(() => {
  torch._dynamo.reset();
  xla.reset_metrics();
});

describe.each(["cpu", "xla"])("torch.compile guards on module state (%s)", (dev) => {
  it("a parameter replaced by assignment recompiles, naming it", () => {
    const { model, x, cm } = setup(dev);
    model.eval();
    for (let i = 0; i < 3; i++) expectSame(eval_(cm, x), eval_(model, x), `call ${i}`);
    (model[0] as InstanceType<typeof nn.Linear>).weight = new nn.Parameter(torch.ones(4, 3).to(dev));
    for (let i = 0; i < 3; i++) expectSame(eval_(cm, x), eval_(model, x), `after the assignment, call ${i}`);
    expect(reasonsOf(cm)).toEqual(["guard failed: self.0.weight is another tensor (reassigned)"]);
  });

  it("a buffer replaced by assignment recompiles; one changed in place replays with its new value", () => {
    const { model, x, cm } = setup(dev);
    model.eval();
    const bn = model[1] as InstanceType<typeof nn.BatchNorm1d>;
    for (let i = 0; i < 3; i++) expectSame(eval_(cm, x), eval_(model, x), `call ${i}`);
    bn.running_mean!.fill_(0.25);
    torch.no_grad(() => bn.running_var!.mul_(3));
    for (let i = 0; i < 2; i++) expectSame(eval_(cm, x), eval_(model, x), `in place, call ${i}`);
    expect(reasonsOf(cm)).toEqual([]);
    bn.running_mean = torch.full([4], 2.0).to(dev);
    for (let i = 0; i < 2; i++) expectSame(eval_(cm, x), eval_(model, x), `assigned, call ${i}`);
    expect(reasonsOf(cm)).toEqual(["guard failed: self.1.running_mean is another tensor (reassigned)"]);
  });

  it("train() and eval() each get their capture; switching back replays without recompiling", () => {
    const { model, x, cm } = setup(dev);
    const { model: twin } = setup(dev);
    const phases: [string, boolean][] = [
      ["train", true],
      ["eval", false],
      ["train", true],
      ["eval", false],
    ];
    for (const [name, training] of phases) {
      model.train(training);
      twin.train(training);
      for (let i = 0; i < 3; i++) expectSame(eval_(cm, x), eval_(twin, x), `${name} call ${i}`);
      expectSame(
        (model[1] as InstanceType<typeof nn.BatchNorm1d>).running_mean!,
        (twin[1] as InstanceType<typeof nn.BatchNorm1d>).running_mean!,
        `${name}: running_mean`,
      );
    }
    expect(reasonsOf(cm)).toHaveLength(1);
    expect(reasonsOf(cm)[0]).toMatch(/^guard failed: self(\.\d)?\.training changed \(was true, now false\)$/);
    expect(xla.metrics().compiledCaptures).toBe(2);
  });

  it("a module attribute that shapes the graph (LeakyReLU's negative_slope) recompiles when it changes", () => {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.LeakyReLU(0.1)).to(dev);
    const x = torch.randn(5, 3).to(dev);
    const cm = torch.compile(model);
    for (let i = 0; i < 3; i++) expectSame(eval_(cm, x), eval_(model, x), `call ${i}`);
    (model[1] as unknown as { negative_slope: number }).negative_slope = 0.5;
    for (let i = 0; i < 2; i++) expectSame(eval_(cm, x), eval_(model, x), `after the change, call ${i}`);
    expect(reasonsOf(cm)).toEqual(["guard failed: self.1.negative_slope changed (was 0.1, now 0.5)"]);
  });

  it("requires_grad toggled, model.double() and a module passed as an argument are guarded", () => {
    const { model, x } = setup(dev);
    model.eval();
    const run = torch.compile((m: (x: torch.Tensor) => torch.Tensor, x: torch.Tensor) => m(x));
    expectSame(run(model, x), model(x), "first call");
    expectSame(run(model, x), model(x), "captured");
    expect(run(model, x).requires_grad).toBe(true);
    for (const p of model.parameters()) p.requires_grad_(false);
    expect(run(model, x).requires_grad).toBe(false);
    expectSame(run(model, x), model(x), "frozen");
    model.double();
    const xd = x.double();
    expectSame(run(model, xd), model(xd), "double");
    expectSame(run(model, xd), model(xd), "double, replayed");
    model.train();
    // (train mode: both calls normalise by the batch's statistics)
    expectSame(run(model, xd), model(xd), "argument module in train mode");
    const reasons = reasonsOf(run);
    expect(reasons.some((r) => /requires_grad=false/.test(r))).toBe(true);
    expect(reasons.some((r) => /float32\[5, 3\] on .* -> argument 1: float64\[5, 3\]/.test(r))).toBe(true);
    expect(reasons.some((r) => /argument 0\.(\d\.)?training changed/.test(r))).toBe(true);
  });
});

it("a compiled cpu module moved to xla recompiles for the device", () => {
  const { model, x, cm } = setup("cpu");
  model.eval();
  for (let i = 0; i < 3; i++) expectSame(eval_(cm, x), eval_(model, x), `cpu call ${i}`);
  model.to("xla");
  const xx = x.to("xla");
  for (let i = 0; i < 2; i++) expectSame(eval_(cm, xx), eval_(model, xx), `xla call ${i}`);
  expect(reasonsOf(cm)).toHaveLength(1);
  expect(reasonsOf(cm)[0]).toContain("on xla");
});

describe.each(["cpu", "xla"])("torch.compile guards on host values (%s)", (dev) => {
  let env: string | undefined;
  beforeEach(() => {
    env = process.env.XLATORCH_DEBUG_RECOMPILE;
  });
  afterEach(() => {
    if (env === undefined) delete process.env.XLATORCH_DEBUG_RECOMPILE;
    else process.env.XLATORCH_DEBUG_RECOMPILE = env;
    torch._dynamo.config.cache_size_limit = 8;
    vi.restoreAllMocks();
  });

  it("a JS-number argument that changes every call gives eager's values every call; the limit is reported", () => {
    process.env.XLATORCH_DEBUG_RECOMPILE = "1";
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const quiet = process.env.XLATORCH_QUIET;
    delete process.env.XLATORCH_QUIET;
    torch._dynamo.config.cache_size_limit = 3;
    const body = (x: torch.Tensor, s: number) =>
      x
        .mul(s)
        .add(torch.full([2], s / 2, { device: dev }))
        .add(torch.tensor([s, 1], { device: dev }));
    const f = torch.compile(body);
    const x = torch.tensor([1.0, -2.0]).to(dev);
    try {
      for (let i = 0; i < 8; i++) expectSame(f(x, i + 0.5), body(x, i + 0.5), `call ${i}`);
    } finally {
      if (quiet !== undefined) process.env.XLATORCH_QUIET = quiet;
    }
    const messages = warn.mock.calls.map((c) => String(c[0]));
    expect(messages.some((m) => m.includes("recompiling body: guard failed: argument 1: number 1.5 -> argument 1: number 2.5"))).toBe(true);
    expect(messages.some((m) => /hit config\.cache_size_limit \(3\).*last reason: guard failed: argument 1: number/.test(m))).toBe(true);
    expect(xla.metrics().compiledCaptures).toBe(3);
  });

  it("a repeated JS-number argument replays the capture traced for that value", () => {
    const body = (x: torch.Tensor, s: number) => x.mul(s);
    const f = torch.compile(body);
    const x = torch.tensor([1.0, -2.0]).to(dev);
    for (let i = 0; i < 9; i++) expectSame(f(x, i % 3), body(x, i % 3), `call ${i}`);
    expect(xla.metrics().compiledCaptures).toBeLessThanOrEqual(3);
    expect(xla.metrics().compiledReplays).toBeGreaterThanOrEqual(5);
  });

  it("a field of a class-instance argument is guarded as a plain object's is", () => {
    class Cfg {
      scale = 1;
      name = "a";
    }
    const cfg = new Cfg();
    const body = (x: torch.Tensor, c: Cfg) => x.mul(c.scale);
    const f = torch.compile(body);
    const x = torch.tensor([1.0, -2.0]).to(dev);
    for (let i = 0; i < 5; i++) {
      cfg.scale = i;
      expectSame(f(x, cfg), body(x, cfg), `call ${i}`);
    }
    expect(reasonsOf(f).at(-1)).toBe("guard failed: argument 1.scale: number 3 -> argument 1.scale: number 4");
  });

  it("a cpu tensor copied to xla inside the call (an argument, or one from before the call changed in place) is read at each call", () => {
    if (dev !== "xla") return;
    const c = torch.tensor([1.0, 2.0]);
    const body = (w: torch.Tensor, xc: torch.Tensor) => w.add(xc.to("xla")).mul(c.to("xla"));
    const f = torch.compile(body, { fullgraph: true });
    const w = torch.ones(2).to("xla");
    for (let i = 0; i < 5; i++) {
      c.fill_(i - 1);
      const xc = torch.full([2], i * 1.5 + 0.25);
      expectSame(f(w, xc) as torch.Tensor, body(w, xc), `call ${i}`);
    }
    expect(xla.metrics().compiledCaptures).toBe(1);
    expect(xla.metrics().compiledReplays).toBe(3);
  });

  it("a scheduler's lr over 50 steps compiles once and gives eager's losses", () => {
    const run = (compiled: boolean) => {
      torch.manual_seed(0);
      const model = new nn.Sequential(new nn.Linear(6, 16), new nn.Tanh(), new nn.Linear(16, 3)).to(dev);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 5, gamma: 0.7 });
      const step = (x: torch.Tensor, y: torch.Tensor) => {
        opt.zero_grad();
        const loss = F.mse_loss(model(x), y);
        loss.backward();
        opt.step();
        return loss;
      };
      const f = compiled ? torch.compile(step) : step;
      const losses: number[] = [];
      for (let i = 0; i < 50; i++) {
        const g = new torch.Generator().manual_seed(i);
        losses.push(f(torch.randn([8, 6], { generator: g }).to(dev), torch.randn([8, 3], { generator: g }).to(dev)).item() as number);
        sched.step();
      }
      return { losses, f };
    };
    const want = run(false).losses;
    xla.reset_metrics();
    const got = run(true);
    got.losses.forEach((l, i) => expect(Math.abs(l - want[i]!), `step ${i}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i]!))));
    expect(xla.metrics().compiledCaptures).toBe(1);
    expect(reasonsOf(got.f)).toEqual([]);
  });
});
