// torch.compile on the xla device: a compiled training step (forward,
// backward, optimizer step, zero_grad) is traced once and replayed, and gives
// the cpu device's eager losses step for step, with a scheduler changing lr
// (and OneCycleLR cycling Adam's beta1) and dropout drawing fresh masks; a
// changed batch size recompiles once and names the guard; fullgraph refuses a
// host read and undoes the call; explain lists the breaks.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const { nn, optim } = torch;
const F = nn.functional;
const xla = torch.xla;

type Sched = "step" | "onecycle";
interface Opts {
  steps: number;
  opt: "adam" | "sgd" | "adamw";
  sched: Sched;
  dropout?: number;
  setToNone?: boolean;
  batch?: (i: number) => number;
}

/** Losses of a seeded MLP trained `steps` steps on `device`, the step compiled or not. */
function train(device: string, compiled: boolean, o: Opts) {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Dropout(o.dropout ?? 0), new nn.Linear(32, 4)).to(device);
  const opt =
    o.opt === "sgd"
      ? new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weight_decay: 1e-3 })
      : o.opt === "adamw"
        ? new optim.AdamW(model.parameters(), { lr: 1e-2 })
        : new optim.Adam(model.parameters(), { lr: 1e-2, weight_decay: 1e-4 });
  const sched =
    o.sched === "step"
      ? new optim.lr_scheduler.StepLR(opt, { step_size: 7, gamma: 0.5 })
      : new optim.lr_scheduler.OneCycleLR(opt, { max_lr: 0.05, total_steps: o.steps });
  const step = (x: torch.Tensor, y: torch.Tensor) => {
    opt.zero_grad({ set_to_none: !!o.setToNone });
    const loss = F.mse_loss(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  const f = compiled ? torch.compile(step) : step;
  const losses: number[] = [];
  for (let i = 0; i < o.steps; i++) {
    const n = o.batch ? o.batch(i) : 16;
    const g = new torch.Generator().manual_seed(100 + i);
    const x = torch.randn([n, 8], { generator: g }).to(device);
    const y = torch.randn([n, 4], { generator: g }).to(device);
    losses.push(f(x, y).item() as number);
    sched.step();
  }
  return { losses, f, params: model.parameters().map((p) => p.detach().cpu()) };
}

function expectClose(got: number[], want: number[], tol = 2e-5) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) =>
    expect(Math.abs(g - want[i]!), `step ${i}: ${g} vs ${want[i]}`).toBeLessThan(tol * Math.max(1, Math.abs(want[i]!))),
  );
}

describe("torch.compile on xla", () => {
  let mode: ReturnType<typeof xla.get_execution_mode>;
  beforeEach(() => {
    mode = xla.get_execution_mode();
    torch._dynamo.reset();
    xla.reset_metrics();
  });
  afterEach(() => xla.set_execution_mode(mode));

  it.each([
    ["adam", "step", false],
    ["sgd", "step", true],
    ["adamw", "onecycle", false],
  ] as const)(
    "%s + %s scheduler (set_to_none %s): 50 compiled steps give cpu's eager losses, one capture, 48 replays",
    (opt, sched, setToNone) => {
      const want = train("cpu", false, { steps: 50, opt, sched, setToNone });
      xla.reset_metrics();
      const got = train("xla", true, { steps: 50, opt, sched, setToNone });
      expectClose(got.losses, want.losses);
      got.params.forEach((p, i) => expect(p.sub(want.params[i]!).abs().max().item()).toBeLessThan(1e-5));
      const m = xla.metrics();
      expect(m.compiledCaptures).toBe(1);
      expect(m.compiledReplays).toBe(48);
      expect(m.compiledEagerCalls).toBe(1);
      // a replay runs one executable and records no op
      expect(m.executions).toBeLessThanOrEqual(50 + 3);
    },
  );

  it.each([
    ["adam", "step", false, 0],
    ["sgd", "step", true, 0.3],
  ] as const)(
    "on cpu (traced by the recorder, run on the CPU runtime): %s + %s, set_to_none %s, dropout %s: eager's losses and parameters, one capture",
    (opt, sched, setToNone, dropout) => {
      const want = train("cpu", false, { steps: 20, opt, sched, setToNone, dropout });
      xla.reset_metrics();
      const got = train("cpu", true, { steps: 20, opt, sched, setToNone, dropout });
      expectClose(got.losses, want.losses);
      got.params.forEach((p, i) => expect(p.sub(want.params[i]!).abs().max().item()).toBeLessThan(1e-5));
      const m = xla.metrics();
      expect(m.compiledCaptures).toBe(1);
      expect(m.compiledReplays).toBe(18);
    },
  );

  it("on cpu, a view written twice in a compiled call and tensors made inside it read eagerly afterwards", () => {
    const base = torch.ones(3, 2);
    const view = base.t();
    let kept: torch.Tensor | null = null;
    const f = torch.compile((x: torch.Tensor) => {
      view.zero_();
      view.add_(x);
      kept = x.mul(3); // not returned: computed when first read
      return view.sum();
    });
    for (let i = 0; i < 4; i++) {
      expect(f(torch.full([2, 3], i + 1.0)).item()).toBe(6 * (i + 1));
      expect(base.sum().item()).toBe(6 * (i + 1));
    }
    // kept outside by a JavaScript variable: made by the traced call (x = 2), not updated by replays (docs/COMPILE.md), readable on cpu
    expect(kept!.sum().item()).toBe(6 * 3 * 2);
  });

  it("on cpu, tensors written from each other's old values (through views) swap correctly at every replay", () => {
    // a replay hands dense cpu storage to the runtime uncopied and stores results straight into it (cpu_transfer.ts)
    const p = torch
      .tensor([
        [1, 2],
        [3, 4],
      ])
      .float();
    const q = torch
      .tensor([
        [5, 6],
        [7, 8],
      ])
      .float();
    const r = torch.zeros(4);
    const f = torch.compile((_on: torch.Tensor) => {
      const old = p.clone();
      p.copy_(q.t());
      q.copy_(old.reshape([2, 2]));
      r.copy_(q.reshape(-1)); // r's new value: q's new value, which is p's old one
      return p.sum();
    });
    let [pe, qe] = [p.clone(), q.clone()];
    for (let i = 0; i < 5; i++) {
      [pe, qe] = [qe.t().clone(), pe];
      expect(f(p).item()).toBe(pe.sum().item());
      expect(p.tolist()).toEqual(pe.tolist());
      expect(q.tolist()).toEqual(qe.tolist());
      expect(r.tolist()).toEqual(qe.reshape(-1).tolist());
    }
    expect(xla.metrics().compiledReplays).toBe(3);
  });

  it("dropout in a compiled step draws PyTorch's masks afresh at every replay", () => {
    const want = train("cpu", false, { steps: 12, opt: "adam", sched: "step", dropout: 0.3 });
    const got = train("xla", true, { steps: 12, opt: "adam", sched: "step", dropout: 0.3 });
    expectClose(got.losses, want.losses);
    expect(xla.metrics().compiledReplays).toBe(10);
  });

  it("a changed batch size recompiles once and names the guard; the old shape replays again", () => {
    const batch = (i: number) => (i >= 5 && i < 9 ? 8 : 16);
    const want = train("cpu", false, { steps: 12, opt: "adam", sched: "step", batch });
    const got = train("xla", true, { steps: 12, opt: "adam", sched: "step", batch });
    expectClose(got.losses, want.losses);
    const reasons = (got.f as unknown as { recompile_reasons: string[] }).recompile_reasons;
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("argument 0: float32[16, 8]");
    expect(reasons[0]).toContain("float32[8, 8]");
    expect(xla.metrics().compiledCaptures).toBe(2);
  });

  it("fullgraph: an item() inside throws, naming the line, and leaves the parameters as they were", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(4, 2).to("xla");
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const step = (x: torch.Tensor) => {
      opt.zero_grad();
      const loss = lin(x).pow(2).mean();
      loss.backward();
      opt.step();
      if ((loss.item() as number) > 1e9) throw new Error("unreachable");
      return loss;
    };
    const f = torch.compile(step, { fullgraph: true });
    const x = torch.ones(3, 4).to("xla");
    f(x); // the first call runs eagerly
    const before = lin.weight.detach().cpu();
    expect(() => f(x)).toThrow(/fullgraph=true\): graph break: host read \(item\) at .*compile\.test\.ts:\d+/);
    expect(lin.weight.detach().cpu().equal(before)).toBe(true);
    // without fullgraph the same function runs (in pieces split at the break) and trains
    const g = torch.compile(step);
    for (let i = 0; i < 3; i++) g(x);
    expect(lin.weight.detach().cpu().equal(before)).toBe(false);
    expect(xla.metrics().compiledReplays).toBe(0);
  });

  it("explain lists each graph break with its reason and line", () => {
    const w = torch.ones(3).to("xla");
    const fn = (x: torch.Tensor) => {
      const a = x.mul(w).sum();
      const s = a.item() as number; // break 1
      const b = x.add(s).exp();
      console.log(b.sum().tolist()); // break 2
      return b;
    };
    const spy = console.log;
    console.log = () => {};
    let out: ReturnType<ReturnType<typeof torch._dynamo.explain>>;
    try {
      out = torch._dynamo.explain(fn)(torch.tensor([1, 2, 3], { dtype: torch.float32 }).to("xla"));
    } finally {
      console.log = spy;
    }
    expect(out.graph_break_count).toBe(2);
    expect(out.graph_count).toBe(3);
    expect(out.break_reasons.map((b) => b.reason)).toEqual(["host read (item)", "host read (tolist)"]);
    expect(out.break_reasons[0]!.user_stack).toMatch(/compile\.test\.ts:\d+/);
    expect(out.op_count).toBeGreaterThan(3);
  });

  it("a compiled module behaves as the module; eval-mode calls replay, a forward whose output needs grad gets a compiled backward", () => {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 2)).to("xla");
    const cm = torch.compile(model);
    expect(cm).toBeInstanceOf(nn.Module);
    expect(cm.parameters().length).toBe(4);
    expect(Object.keys(cm.state_dict())).toEqual(Object.keys(model.state_dict()));
    const x = torch.randn(5, 4).to("xla");
    const want = model(x).detach().cpu();
    torch.no_grad(() => {
      for (let i = 0; i < 4; i++) expect(cm(x).cpu().sub(want).abs().max().item()).toBeLessThan(1e-6);
    });
    expect(xla.metrics().compiledReplays).toBe(2);
    // training: the output needs grad: a forward and a backward executable (aot.ts)
    const y = cm(x);
    y.sum().backward();
    expect((model[0] as InstanceType<typeof nn.Linear>).weight.grad).not.toBeNull();
  });

  it("guards on the host state the step chose: a parameter whose .grad was replaced outside is not replayed stale", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(3, 1).to("xla");
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const stepOnly = torch.compile(() => opt.step());
    const ref = new nn.Linear(3, 1);
    ref.load_state_dict(Object.fromEntries(Object.entries(lin.state_dict()).map(([k, v]) => [k, v.cpu()])));
    const refOpt = new optim.SGD(ref.parameters(), { lr: 0.1 });
    for (let i = 0; i < 5; i++) {
      const x = torch.full([2, 3], i + 1.5);
      // backward outside the compiled function, with a fresh .grad each time
      opt.zero_grad({ set_to_none: true });
      lin(x.to("xla")).sum().backward();
      stepOnly();
      refOpt.zero_grad({ set_to_none: true });
      ref(x).sum().backward();
      refOpt.step();
    }
    expect(lin.weight.detach().cpu().sub(ref.weight.detach()).abs().max().item()).toBeLessThan(1e-6);
    expect(xla.metrics().compiledGuardFailures).toBeGreaterThan(0);
  });

  it("an optimizer whose step is not capturable breaks the graph instead of replaying a frozen lr", () => {
    const run = (device: string, compiled: boolean) => {
      torch.manual_seed(0);
      const lin = new nn.Linear(4, 2).to(device);
      const opt = new optim.Adagrad(lin.parameters(), { lr: 0.1 });
      const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 2, gamma: 0.5 });
      const step = (x: torch.Tensor) => {
        opt.zero_grad();
        const loss = lin(x).pow(2).mean();
        loss.backward();
        opt.step();
        return loss;
      };
      const f = compiled ? torch.compile(step) : step;
      const out: number[] = [];
      for (let i = 0; i < 6; i++) {
        out.push(f(torch.full([3, 4], 0.5 + i).to(device)).item() as number);
        sched.step();
      }
      return out;
    };
    expectClose(run("xla", true), run("cpu", false));
    expect(xla.metrics().compiledReplays).toBe(0);
    expect(() =>
      torch.compile(
        (x: torch.Tensor) => {
          const o = new optim.Adagrad([x], { lr: 0.1 });
          x.grad = torch.ones_like(x);
          o.step();
        },
        { fullgraph: true },
      ),
    ).not.toThrow();
  });

  it("options are checked as PyTorch's: an unknown keyword or mode throws", () => {
    const f = (x: torch.Tensor) => x;
    expect(() => torch.compile(f, { fullgrahp: true } as never)).toThrow(/unexpected keyword argument 'fullgrahp'/);
    expect(() => torch.compile(f, { mode: "fast" })).toThrow(/Unrecognized mode=fast/);
    expect(torch.compile({ fullgraph: true })(f)).toBeTypeOf("function");
  });
});
