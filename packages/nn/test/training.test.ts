// Seeded training runs reproduce PyTorch 1.13's losses and parameters:
// init, dropout masks, DataLoader shuffles, optimizers, schedulers, clipping.
import { describe, expect, it } from "vitest";
import { nn, optim, utils } from "../src/index.js";
import { CLOSE, EXACT, build, compareState, compareValue, decode, fixtures, torch } from "./fixtures.js";

describe("training loops", () => {
  for (const c of fixtures.training) {
    it(c.name, () => {
      torch.manual_seed(c.seed);
      const model = build(c.spec) as nn.Module;
      const opt = new (optim as any)[c.optim](model.parameters(), c.optim_kwargs) as optim.Optimizer;
      const lossFn = build(c.loss) as nn.Module;
      const sched = c.sched
        ? new (optim.lr_scheduler as any)[c.sched.name](
            opt,
            ...(c.sched.args ?? []),
            ...(Object.keys(c.sched.kwargs ?? {}).length ? [c.sched.kwargs] : []),
          )
        : null;
      const X = decode(c.X) as torch.Tensor,
        y = decode(c.y) as torch.Tensor;
      const losses: number[] = [],
        lrs: number[] = [];
      for (let epoch = 0; epoch < c.steps; epoch++) {
        const batches: Iterable<torch.Tensor[]> = c.loader
          ? new utils.data.DataLoader(new utils.data.TensorDataset(X, y), c.loader)
          : [[X, y]];
        for (const [xb, yb] of batches) {
          opt.zero_grad();
          const loss = lossFn(model(xb), yb) as torch.Tensor;
          loss.backward();
          if (c.clip !== null) nn.utils.clip_grad_norm_(model.parameters(), c.clip);
          opt.step();
          losses.push(loss.item() as number);
        }
        if (sched) {
          sched.step();
          lrs.push(sched.get_last_lr()[0]!);
        }
      }
      compareValue(losses, c.losses, { rtol: 1e-5, atol: 1e-6 }, `${c.name} losses`);
      compareValue(lrs, c.lrs, { rtol: 1e-12, atol: 0 }, `${c.name} lrs`);
      compareState(model.state_dict(), c.state, CLOSE, `${c.name} parameters`);
      // The RNG was consumed exactly as PyTorch consumed it.
      compareValue(torch.rand(2), c.after, EXACT, `${c.name} RNG after`);
      const sd = opt.state_dict();
      sd.param_groups.forEach((g, i) => {
        const e = c.param_groups[i];
        expect(Object.keys(g).sort()).toEqual(Object.keys(e).sort());
        for (const k of Object.keys(e)) compareValue((g as any)[k], e[k], { rtol: 1e-12, atol: 0 }, `${c.name} param_groups[${i}].${k}`);
      });
      expect(Object.fromEntries(Object.entries(sd.state).map(([k, v]) => [k, Object.keys(v).sort()]))).toEqual(c.state_keys);
    });
  }
});

describe("lr schedulers", () => {
  for (const c of fixtures.schedulers) {
    it(c.name, () => {
      const p = new nn.Parameter(torch.zeros(1));
      const opt = new optim.SGD([p], { lr: c.lr });
      const Cls = (optim.lr_scheduler as any)[c.cls];
      const args = c.lambda ? [(e: number) => c.lambda.base ** e, ...c.args] : c.args;
      const s = Object.keys(c.kwargs).length ? new Cls(opt, ...args, c.kwargs) : new Cls(opt, ...args);
      const lrs = [s.get_last_lr()[0]];
      for (let i = 0; i < c.steps; i++) {
        opt.step();
        s.step();
        lrs.push(s.get_last_lr()[0]);
      }
      compareValue(lrs, c.lrs, { rtol: 1e-12, atol: 1e-15 }, c.name);
    });
  }

  it("state_dict round trip and unknown options", () => {
    const opt = new optim.SGD([new nn.Parameter(torch.zeros(1))], { lr: 1 });
    const s = new optim.lr_scheduler.StepLR(opt, 2, { gamma: 0.5 });
    for (let i = 0; i < 3; i++) s.step();
    const sd = s.state_dict();
    expect(sd).not.toHaveProperty("optimizer");
    expect(sd.last_epoch).toBe(3);
    const s2 = new optim.lr_scheduler.StepLR(opt, 5);
    s2.load_state_dict(sd);
    expect(s2.step_size).toBe(2);
    expect(s2.last_epoch).toBe(3);
    expect(() => new optim.lr_scheduler.StepLR(opt, 2, { gama: 0.5 } as any)).toThrow(/unexpected keyword argument 'gama'/);
  });
});

describe("dropout draws PyTorch's masks", () => {
  for (const c of fixtures.dropout) {
    it(c.name, () => {
      const x = decode(c.input) as torch.Tensor;
      torch.manual_seed(c.seed);
      compareValue(nn.functional.dropout(x, c.p), c.out, EXACT, `${c.name} F.dropout`);
      torch.manual_seed(c.seed);
      const m = new nn.Dropout(c.p);
      compareValue(m(x), c.module_out, EXACT, `${c.name} nn.Dropout`);
      compareValue(torch.rand(2), c.after, EXACT, `${c.name} RNG after`);
      m.eval();
      expect(m(x)).toBe(x);
    });
  }
});

describe("clip_grad", () => {
  for (const c of fixtures.clip_grad) {
    it(`clip_grad_norm_ max_norm=${c.max_norm} norm_type=${c.norm_type}`, () => {
      const grads = decode(c.grads) as torch.Tensor[];
      const ps = grads.map((g) => {
        const p = new nn.Parameter(torch.zeros_like(g));
        p.grad = g.clone();
        return p;
      });
      const normType = c.norm_type === "inf" ? Infinity : c.norm_type;
      const total = nn.utils.clip_grad_norm_(ps, c.max_norm, normType);
      compareValue(total, c.total, CLOSE, "total norm");
      compareValue(
        ps.map((p) => p.grad),
        c.clipped,
        CLOSE,
        "clipped grads",
      );
    });
  }
  it("clip_grad_value_", () => {
    const c = fixtures.clip_value;
    const p = new nn.Parameter(torch.zeros(3, 4));
    p.grad = (decode(c.grad) as torch.Tensor).clone();
    nn.utils.clip_grad_value_([p], c.clip_value);
    compareValue(p.grad, c.clipped, EXACT, "clipped");
  });
  it("no grads: total norm 0", () => {
    expect(nn.utils.clip_grad_norm_([new nn.Parameter(torch.ones(2))], 1).item()).toBe(0);
  });
});
