// torch.compile replays on the cpu device hand cpu tensors' storage to the
// CPU runtime without copies and compute donated parameters in their own
// storage (capture.ts, cpu_transfer.ts, donation.ts). A mistake there is a
// silent wrong value, so each case keeps references a user may keep — a
// parameter's .grad and views of it, detach() aliases and views of a
// parameter, old values taken before a step, a .grad kept from an earlier step
// under zero_grad(set_to_none), an input changed in place
// between calls, an input that is a view or shares a parameter's storage, an
// argument written in place and returned — and checks that every value seen
// after each compiled step is the eager step's, and that the compiled calls
// did replay (so the check cannot pass by running eagerly).
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const { nn, optim } = torch;
const F = nn.functional;

afterEach(() => torch._dynamo.reset());

const host = (t: torch.Tensor) => t.detach().cpu().flatten().tolist() as number[];

/** Runs `body(compiled)` eagerly and compiled; the compiled run must replay at least `replays` times and see the same values. */
function sameAsEager(body: (compiled: boolean) => number[], replays: number): void {
  const eager = body(false);
  const r0 = torch.xla.metrics().compiledReplays;
  const comp = body(true);
  expect(torch.xla.metrics().compiledReplays - r0).toBeGreaterThanOrEqual(replays);
  expect(comp).toEqual(eager);
}

/** A seeded Linear-ReLU-Linear with Adam on `device`, its compiled (or eager) training step and one batch. */
function setup(device: string, compiled: boolean, setToNone = false) {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 3)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
  const x = torch.randn(4, 6).to(device);
  const y = torch.randint(0, 3, [4]).to(device);
  const step = (xb: torch.Tensor, yb: torch.Tensor) => {
    opt.zero_grad(setToNone);
    const loss = F.cross_entropy(model(xb), yb);
    loss.backward();
    opt.step();
    return loss;
  };
  const f = (compiled ? torch.compile(step) : step) as (a: torch.Tensor, b: torch.Tensor) => torch.Tensor;
  return { model, opt, x, y, f, w: model.parameters()[0]! };
}

describe.each(["cpu", "xla"])("references kept across compiled steps on %s", (device) => {
  it("a parameter's .grad, a view of it and a detach() alias hold each step's gradient", () => {
    sameAsEager((compiled) => {
      const { x, y, f, w } = setup(device, compiled);
      const out: number[] = [];
      let g: torch.Tensor | null = null;
      let gv: torch.Tensor | null = null;
      let ga: torch.Tensor | null = null;
      for (let i = 0; i < 6; i++) {
        out.push(f(x, y).item() as number);
        // zero_grad keeps the .grad tensor (set_to_none=false): the kept references are the live gradient
        g ??= w.grad!;
        gv ??= w.grad!.view(-1).narrow(0, 3, 5);
        ga ??= w.grad!.detach();
        out.push(w.grad === g ? 1 : 0, ...host(g), ...host(gv), ...host(ga));
      }
      return out;
    }, 4);
  });

  it("with zero_grad(set_to_none) each step's .grad is a new tensor: one kept from an earlier step keeps its values", () => {
    sameAsEager((compiled) => {
      const { x, y, f, model } = setup(device, compiled, true);
      const kept: torch.Tensor[] = [];
      const out: number[] = [];
      for (let i = 0; i < 6; i++) {
        out.push(f(x, y).item() as number);
        kept.push(...model.parameters().map((p) => p.grad!));
        out.push(new Set(kept).size);
      }
      return [...out, ...kept.flatMap(host)];
    }, 4);
  });

  it("detach() aliases and views of a parameter see its new value; clones and values computed before a step keep the old one", () => {
    sameAsEager((compiled) => {
      const { x, y, f, w } = setup(device, compiled);
      const alias = w.detach();
      const view = w.detach().view(-1).narrow(0, 7, 6);
      const col = w.detach().select(1, 2);
      const kept: torch.Tensor[] = [];
      const out: number[] = [];
      for (let i = 0; i < 6; i++) {
        kept.push(w.clone(), w.detach().mul(3));
        out.push(f(x, y).item() as number, ...host(alias), ...host(view), ...host(col));
      }
      for (const k of kept) out.push(...host(k));
      return [...out, ...host(w)];
    }, 4);
  });

  it("an input changed in place between calls is read again, and so is a parameter changed in place", () => {
    sameAsEager((compiled) => {
      const { x, y, f, w } = setup(device, compiled);
      const out: number[] = [];
      for (let i = 0; i < 6; i++) {
        out.push(f(x, y).item() as number);
        torch.no_grad(() => {
          x.mul_(0.9).add_(0.1);
          w.narrow(0, 0, 1).fill_(i * 0.01);
        });
      }
      return [...out, ...host(w), ...host(x)];
    }, 4);
  });
});

describe.each(["cpu", "xla"])("memory shared between a call's tensors on %s", (device) => {
  it("an argument that is a detach() alias of a parameter the call updates reads the update; a change of sharing recompiles", () => {
    sameAsEager((compiled) => {
      torch.manual_seed(1);
      const p = torch.randn(3, 4).to(device);
      const m = torch.zeros(3, 4).to(device);
      const other = torch.randn(3, 4).to(device);
      const fn = (q: torch.Tensor, g: torch.Tensor) => {
        // p and m are written in place (donation candidates); q may be p's storage under another tensor
        m.mul_(0.9).add_(g);
        p.sub_(m.mul(0.1));
        return q.mul(2).sum();
      };
      const f = compiled ? torch.compile(fn) : fn;
      const out: number[] = [];
      for (let i = 0; i < 8; i++) {
        const g = torch.full([3, 4], i + 1).to(device);
        // aliased for four calls, then a tensor of its own, then aliased again
        const q = i < 4 || i >= 6 ? p.detach() : other;
        out.push((f(q, g) as torch.Tensor).item() as number, ...host(p), ...host(m));
      }
      return out;
    }, 3);
  });

  it("a view argument written in place writes the base it is a view of at each call, not the traced call's", () => {
    sameAsEager(
      (compiled) => {
        const bases = [0, 1, 2, 3, 4].map((i) =>
          torch
            .arange(12, { dtype: torch.float32 })
            .add(i * 100)
            .reshape(3, 4)
            .to(device),
        );
        const fn = (a: torch.Tensor) => {
          a.mul_(2);
          return a.sum();
        };
        const f = compiled ? torch.compile(fn) : fn;
        const out: number[] = [];
        for (let i = 0; i < 5; i++) out.push((f(bases[i]!.narrow(1, 1, 2)) as torch.Tensor).item() as number);
        // the same base twice more (a replay), then at another column
        out.push((f(bases[4]!.narrow(1, 1, 2)) as torch.Tensor).item() as number);
        out.push((f(bases[4]!.narrow(1, 1, 2)) as torch.Tensor).item() as number);
        out.push((f(bases[4]!.narrow(1, 2, 2)) as torch.Tensor).item() as number);
        return [...out, ...bases.flatMap(host)];
        // a fresh view of the same base at the same place replays on cpu (its offset and strides are known); on xla a
        // view's layout is not always known, so only the same view tensor would, and each call here is traced again
      },
      device === "cpu" ? 1 : 0,
    );
  });

  it("the same tensor passed twice, then two tensors, then the same again", () => {
    sameAsEager((compiled) => {
      const a = torch.arange(6, { dtype: torch.float32 }).to(device);
      const b = torch.ones(6).to(device);
      const fn = (p: torch.Tensor, q: torch.Tensor) => {
        p.mul_(0.5);
        return q.add(1).sum();
      };
      const f = compiled ? torch.compile(fn) : fn;
      const out: number[] = [];
      for (let i = 0; i < 8; i++) {
        const r = i >= 4 && i < 6 ? f(a, b) : f(a, a);
        out.push((r as torch.Tensor).item() as number, ...host(a), ...host(b));
      }
      return out;
    }, 4);
  });
});

describe("cpu storage handed to the runtime without copies", () => {
  it("a view argument (not dense) and its base: the view is read at each call, a write through it reaches the base", () => {
    sameAsEager((compiled) => {
      const base = torch.arange(24, { dtype: torch.float32 }).reshape(4, 6);
      const fn = (a: torch.Tensor, s: torch.Tensor) => {
        a.mul_(0.5).add_(s);
        return a.sum();
      };
      const f = compiled ? torch.compile(fn) : fn;
      const s = torch.ones(4, 2);
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        // columns 1..2 of every row: strided, not dense
        const v = base.narrow(1, 1, 2);
        out.push((f(v, s) as torch.Tensor).item() as number, ...host(base));
        base.narrow(1, 4, 2).add_(1);
      }
      return out;
    }, 3);
  });

  it("an argument written in place and returned is the same tensor, its views and base see the new value", () => {
    sameAsEager((compiled) => {
      const base = torch.arange(12, { dtype: torch.float32 });
      const a = base.view(3, 4);
      const kept = base.narrow(0, 2, 5);
      const fn = (t: torch.Tensor) => {
        t.mul_(2).sub_(1);
        return t;
      };
      const f = compiled ? torch.compile(fn) : fn;
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = f(a) as torch.Tensor;
        out.push(r === a ? 1 : 0, ...host(r), ...host(kept), ...host(base));
      }
      return out;
    }, 3);
  });

  it("a result kept from an earlier call keeps its value after later calls (results are fresh storage)", () => {
    sameAsEager((compiled) => {
      const w = torch.ones(2, 3);
      const fn = (t: torch.Tensor) => {
        w.add_(t);
        return [w.mul(2), t.add(w)];
      };
      const f = compiled ? torch.compile(fn) : fn;
      const kept: torch.Tensor[] = [];
      for (let i = 0; i < 5; i++) kept.push(...(f(torch.full([2, 3], i)) as torch.Tensor[]));
      return [...kept.flatMap(host), ...host(w)];
    }, 3);
  });
});
