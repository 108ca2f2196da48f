// Library fixes found by porting whole programs (tests/programs.fixtures.test.ts):
// - Module.train(mode=...) and Optimizer.step(closure=...) take PyTorch's keywords;
// - clip_grad_norm_ between backward and step no longer cuts an
//   xla training step in two in fused mode (its in-place scaling of the
//   gradients it just read looked like the next step's first write;
//   clip_grad_value_, which reads nothing first, never did).
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./harness/modes";

const { nn, optim } = torch;

describe("keywords of Module.train and Optimizer.step", () => {
  it("model.train({ mode }) sets every submodule's mode", () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    m.train({ mode: false });
    expect([m.training, (m.get_submodule("1") as torch.nn.Module).training]).toEqual([false, false]);
    m.train({ mode: true });
    expect((m.get_submodule("1") as torch.nn.Module).training).toBe(true);
    expect(() => m.train({ mode: 1 } as never)).toThrow(/train/);
  });
  it("opt.step({ closure }) runs the closure and returns its loss, as opt.step(closure)", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(3, 1);
    const x = torch.randn(4, 3);
    const closure = () => {
      opt.zero_grad();
      const loss = lin(x).pow(2).mean();
      loss.backward();
      return loss;
    };
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const w0 = lin.weight.clone();
    const before = lin(x).pow(2).mean().item() as number;
    const loss = opt.step({ closure }) as torch.Tensor;
    expect(loss.item()).toBeCloseTo(before, 6);
    expect(lin.weight.sub(w0).abs().sum().item()).toBeGreaterThan(0);
    expect(opt.step({ closure: null })).toBeUndefined();
    const lb = new optim.LBFGS(lin.parameters(), { max_iter: 2 });
    const opt2 = lb;
    const l2 = opt2.step({
      closure: () => {
        lb.zero_grad();
        const l = lin(x).pow(2).mean();
        l.backward();
        return l;
      },
    });
    expect(typeof (l2 instanceof torch.Tensor ? l2.item() : l2)).toBe("number");
    expect(() => opt.step({ closur: null } as never)).toThrow("step() got an unexpected keyword argument 'closur'");
  });
});

describe("gradient clipping keeps an xla training step one graph", () => {
  pinFused();
  for (const clip of ["norm", "value"] as const) {
    it(`zero_grad() (in place), backward, clip_grad_${clip}_, step, loss.item(): one execution per step, cpu's losses`, () => {
      const run = (device: string) => {
        torch.manual_seed(0);
        const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 1)).to(device);
        const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
        const x = torch.randn(6, 4).to(device);
        const y = torch.randn(6, 1).to(device);
        const losses: number[] = [],
          executions: number[] = [];
        for (let i = 0; i < 8; i++) {
          opt.zero_grad();
          const loss = nn.functional.mse_loss(model(x), y);
          loss.backward();
          if (clip === "norm") nn.utils.clip_grad_norm_(model.parameters(), 0.1);
          else nn.utils.clip_grad_value_(model.parameters(), 0.05);
          opt.step();
          losses.push(loss.item() as number);
          executions.push(torch.xla.metrics().executions);
        }
        return { losses, per: executions.map((e, i) => e - (executions[i - 1] ?? e)).slice(3) };
      };
      const cpu = run("cpu");
      const xla = run("xla");
      xla.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]!)).toBeLessThan(1e-5));
      expect(xla.per).toEqual(xla.per.map(() => 1));
    });
  }
});
