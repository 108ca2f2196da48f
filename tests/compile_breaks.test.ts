// torch.compile graph breaks that split (issue 12): a function that reads a
// value on the host (.item(), tolist), has a data-dependent shape (nonzero,
// masked_select, unique) or calls an op without a lowering runs in pieces: the
// graph up to the break is one compiled piece, the host read happens, tracing
// goes on; later calls find every piece in the graph cache (no compile), on the
// cpu device (pieces run fused on the CPU runtime) and the xla one. Values equal
// the eager function's; explain lists the breaks with reason and file:line;
// fullgraph raises naming the op and the line.
import { beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./harness/modes.js";

const { nn, optim } = torch;
const F = nn.functional;
const xla = torch.xla;

const DEVICES = ["cpu", "xla"] as const;
const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe("torch.compile graph breaks split the function into cached pieces", () => {
  pinFused();
  beforeEach(() => {
    torch._dynamo.reset();
    xla.reset_metrics();
  });

  it.each(DEVICES)("%s: an item() inside compiles its two pieces once, then every call hits the cache", (dev) => {
    const w = torch.tensor([0.5, -1, 2], { dtype: torch.float32 }).to(dev);
    const fn = (x: torch.Tensor) => {
      const s = x.mul(w).sum().item() as number; // the break: piece 1 ends here
      return x.add(s).exp().mul(w).sum(); // piece 2
    };
    const f = torch.compile(fn);
    const xs = Array.from({ length: 8 }, (_, i) => torch.tensor([0.1 * i, 0.2, -0.3 + 0.05 * i], { dtype: torch.float32 }).to(dev));
    const want = xs.map((x) => fn(x).item() as number);
    xla.reset_metrics();
    const counts: { uncached: number; cached: number }[] = [];
    xs.forEach((x, i) => {
      const got = f(x).item() as number;
      expect(close(got, want[i]!), `call ${i}: ${got} vs ${want[i]}`).toBe(true);
      const m = xla.metrics();
      counts.push({ uncached: m.uncachedCompiles, cached: m.cachedCompiles });
    });
    // call 0 runs eagerly (fused on xla, kernels on cpu); call 1 traces, breaks and goes on in pieces
    if (dev === "cpu") {
      expect(counts[0]!.uncached).toBe(0);
      expect(counts[1]!.uncached).toBe(2); // exactly the two pieces
    }
    // from then on nothing is compiled and each call finds its 2 pieces in the cache
    for (let i = 2; i < xs.length; i++) {
      expect(counts[i]!.uncached, `call ${i}`).toBe(counts[1]!.uncached);
      expect(counts[i]!.cached - counts[i - 1]!.cached, `call ${i}`).toBe(2);
    }
    const m = xla.metrics();
    expect(m.compiledSplitCalls).toBe(xs.length - 1);
    expect(m.compiledReplays).toBe(0);
    expect(m.compiledEagerCalls).toBe(1);
  });

  it.each(DEVICES)("%s: a training step that logs loss.item() mid-step gives eager's losses over 20 seeded steps", (dev) => {
    const run = (compiled: boolean) => {
      torch.manual_seed(0);
      const model = new nn.Sequential(new nn.Linear(6, 16), new nn.Tanh(), new nn.Linear(16, 3)).to(dev);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const seen: number[] = [];
      const step = (x: torch.Tensor, y: torch.Tensor) => {
        opt.zero_grad();
        const loss = F.cross_entropy(model(x), y);
        seen.push(loss.item() as number); // a host read inside the step: a graph break
        loss.backward();
        opt.step();
        return loss.detach();
      };
      const f = compiled ? torch.compile(step) : step;
      const losses: number[] = [];
      const compiles: number[] = [];
      for (let i = 0; i < 20; i++) {
        const g = new torch.Generator().manual_seed(10 + i);
        const x = torch.randn([8, 6], { generator: g }).to(dev);
        const y = torch.randint(0, 3, [8], { generator: g }).to(dev);
        losses.push(f(x, y).item() as number);
        compiles.push(xla.metrics().uncachedCompiles);
      }
      return { losses, seen, compiles, params: model.parameters().map((p) => p.detach().cpu()) };
    };
    const want = run(false);
    xla.reset_metrics();
    const got = run(true);
    got.losses.forEach((l, i) => expect(close(l, want.losses[i]!), `step ${i}: ${l} vs ${want.losses[i]}`).toBe(true));
    expect(got.seen.length).toBe(20);
    got.seen.forEach((l, i) => expect(close(l, want.seen[i]!)).toBe(true));
    got.params.forEach((p, i) => expect(p.sub(want.params[i]!).abs().max().item()).toBeLessThan(1e-5));
    // compiles settle after the first calls in pieces: none in the last 15 steps
    expect(got.compiles[19]).toBe(got.compiles[4]);
    expect(xla.metrics().compiledSplitCalls).toBe(19);
  });

  it.each(DEVICES)("%s: data-dependent shapes (nonzero, masked_select, unique) split and give eager's values", (dev) => {
    const fn = (x: torch.Tensor) => {
      const m = x.gt(0);
      const idx = torch.nonzero(m); // break 1
      const pos = torch.masked_select(x, m); // break 2
      const u = torch.unique(x.abs().round()) as torch.Tensor; // break 3
      return pos.sum().add(idx.to(x.dtype).sum()).add(u.sum());
    };
    const f = torch.compile(fn);
    for (let i = 0; i < 5; i++) {
      const x = torch
        .tensor(
          [
            [1.5, -2, 0.25 * i],
            [-0.5, 3, i - 2],
          ],
          { dtype: torch.float32 },
        )
        .to(dev);
      const got = f(x).item() as number;
      const want = fn(x).item() as number;
      expect(close(got, want), `call ${i}`).toBe(true);
    }
    const ex = torch._dynamo.explain(fn)(torch.tensor([[1, -1, 2]], { dtype: torch.float32 }).to(dev));
    expect(ex.break_reasons.map((b) => b.reason)).toEqual([
      "data-dependent shape (nonzero)",
      "data-dependent shape (masked_select)",
      "data-dependent shape (unique)",
    ]);
    expect(ex.graph_break_count).toBe(3);
    expect(ex.graph_count).toBe(4);
    for (const b of ex.break_reasons) expect(b.user_stack).toMatch(/compile_breaks\.test\.ts:\d+:\d+$/);
    // the lines named are the three calls', in order
    const lines = ex.break_reasons.map((b) => Number(/:(\d+):\d+$/.exec(b.user_stack!)![1]));
    expect(lines[1]).toBe(lines[0]! + 1);
    expect(lines[2]).toBe(lines[0]! + 2);
  });

  it.each(DEVICES)("%s: an op without a StableHLO lowering is a break named after the op", (dev) => {
    const fn = (x: torch.Tensor) => torch.special.ndtri(x.sigmoid()).mul(2).sum();
    const f = torch.compile(fn);
    for (let i = 0; i < 3; i++) {
      const x = torch.tensor([0.1 * i, -0.4, 0.7], { dtype: torch.float32 }).to(dev);
      expect(close(f(x).item() as number, fn(x).item() as number)).toBe(true);
    }
    const ex = torch._dynamo.explain(fn)(torch.tensor([0.2, 0.3], { dtype: torch.float32 }).to(dev));
    expect(ex.graph_break_count).toBe(1);
    expect(ex.break_reasons[0]!.reason).toBe("ndtri has no StableHLO lowering (computed on the host)");
    expect(ex.break_reasons[0]!.user_stack).toMatch(/compile_breaks\.test\.ts:\d+/);
  });

  it.each(DEVICES)("%s: explain of a function without breaks counts one graph", (dev) => {
    const ex = torch._dynamo.explain((x: torch.Tensor) => x.mul(2).add(1).sum())(torch.ones(3).to(dev));
    expect(ex.graph_count).toBe(1);
    expect(ex.graph_break_count).toBe(0);
    expect(ex.break_reasons).toEqual([]);
  });

  it.each(DEVICES)("%s: fullgraph raises naming the op and the line, and leaves the tensors as they were", (dev) => {
    const state = torch.zeros(3).to(dev);
    const fn = (x: torch.Tensor) => {
      state.add_(x);
      return torch.nonzero(state.gt(1)).shape[0]!;
    };
    const f = torch.compile(fn, { fullgraph: true });
    f(torch.ones(3).to(dev)); // the first call runs eagerly
    expect(state.cpu().tolist()).toEqual([1, 1, 1]);
    expect(() => f(torch.ones(3).to(dev))).toThrow(
      /fullgraph=true\): graph break: data-dependent shape \(nonzero\) at .*compile_breaks\.test\.ts:\d+/,
    );
    expect(state.cpu().tolist()).toEqual([1, 1, 1]);
    const g = torch.compile((x: torch.Tensor) => x.sum().item(), { fullgraph: true });
    g(torch.ones(2).to(dev));
    expect(() => g(torch.ones(2).to(dev))).toThrow(/graph break: host read \(item\) at .*compile_breaks\.test\.ts:\d+/);
  });
});
