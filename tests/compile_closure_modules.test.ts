// torch.compile of a function that reaches its model through a closure (the
// usual `const step = torch.compile((x) => model(x))`): the module is not an
// argument, so compile_fn.ts cannot list it before the call. Module.__call__
// tells the capture which modules ran (core's noteModuleCall), and the
// capture guards their state as it guards a compiled module's: a replay after
// `model.eval()`, a parameter replaced by assignment or a changed attribute
// recompiles (naming it) instead of running the graph traced for the old
// state. Every call is compared with the eager call on cpu and xla.
import { beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const { nn } = torch;

const hostOf = (t: torch.Tensor) => t.detach().cpu().double();
function expectSame(got: torch.Tensor, want: torch.Tensor, what: string) {
  expect(got.shape, what).toEqual(want.shape);
  expect(
    (hostOf(got).sub(hostOf(want)).abs().max().item() as number) <= 1e-6,
    `${what}: ${hostOf(got).tolist()} vs ${hostOf(want).tolist()}`,
  ).toBe(true);
}
const reasonsOf = (f: unknown) => (f as { recompile_reasons: string[] }).recompile_reasons;

beforeEach(() => {
  torch._dynamo.reset();
  torch.xla.reset_metrics();
});

describe.each(["cpu", "xla"])("torch.compile: modules reached through a closure (%s)", (dev) => {
  function setup() {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.LeakyReLU(0.1)).to(dev);
    const x = torch.randn(5, 3).to(dev);
    const f = torch.no_grad(() => torch.compile((inp: torch.Tensor) => model(inp).mul(2)));
    return { model, x, f };
  }

  it("model.train() / model.eval() switching recompiles (BatchNorm's batch statistics vs running ones)", () => {
    const { model, x, f } = setup();
    const run = () => torch.no_grad(() => f(x));
    const ref = () => torch.no_grad(() => model(x).mul(2));
    model.eval();
    for (let i = 0; i < 2; i++) expectSame(run(), ref(), `eval call ${i}`);
    model.train();
    // each train call updates the running stats (eager and compiled alike): compare one call's outputs
    const snapshot = (model[1] as InstanceType<typeof nn.BatchNorm1d>).running_mean!.clone();
    const got = run();
    (model[1] as InstanceType<typeof nn.BatchNorm1d>).running_mean!.copy_(snapshot);
    expectSame(got, ref(), "train call");
    model.eval();
    for (let i = 0; i < 2; i++) expectSame(run(), ref(), `eval again, call ${i}`);
    expect(reasonsOf(f)[0]).toMatch(/guard failed: Sequential(\.\d)?\.training changed \(was false, now true\)/);
  });

  it("a parameter replaced by assignment recompiles, naming it; an attribute change too", () => {
    const { model, x, f } = setup();
    model.eval();
    const run = () => torch.no_grad(() => f(x));
    const ref = () => torch.no_grad(() => model(x).mul(2));
    for (let i = 0; i < 2; i++) expectSame(run(), ref(), `call ${i}`);
    (model[0] as InstanceType<typeof nn.Linear>).weight = new nn.Parameter(torch.ones(4, 3).to(dev));
    for (let i = 0; i < 2; i++) expectSame(run(), ref(), `after the assignment, call ${i}`);
    (model[2] as InstanceType<typeof nn.LeakyReLU>).negative_slope = 0.3;
    for (let i = 0; i < 2; i++) expectSame(run(), ref(), `after negative_slope, call ${i}`);
    const r = reasonsOf(f);
    expect(r.length).toBe(2);
    expect(r[0]).toMatch(/guard failed: Sequential\.0\.weight is another tensor \(reassigned\)/);
    expect(r[1]).toMatch(/guard failed: Sequential\.2\.negative_slope changed \(was 0\.1, now 0\.3\)/);
  });

  it("a stable loop compiles once", () => {
    const { model, x, f } = setup();
    model.eval();
    for (let i = 0; i < 5; i++) torch.no_grad(() => f(x));
    expect(reasonsOf(f)).toEqual([]);
  });
});
