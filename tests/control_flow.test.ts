// torch.cond and torch.while_loop on cpu and on the xla device in every
// execution mode. PyTorch 1.13 (the installed reference) has no torch.cond or
// torch.while_loop, so tests/fixtures/gen_control_flow.py computes each case
// with Python control flow (an `if` on the tensor's value, a Python `while`
// loop) on PyTorch's cpu, and these are compared with that: values, and float64
// gradients of cond (the taken branch's gradient, also for a weight the branch
// closes over). On xla a cond is one stablehlo.case and a loop one
// stablehlo.while (asserted on the module text), so a loop with a
// data-dependent trip count compiles once.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "./harness/modes";
import { onEveryTarget } from "./harness/suites";

interface Enc {
  shape: number[];
  dtype: string;
  data: number[];
}
interface Case {
  name: string;
  kind: "cond" | "while" | "nested";
  x?: Enc;
  w?: Enc;
  ct?: Enc;
  out: Enc;
  gx?: Enc;
  gw?: Enc;
  i?: Enc;
  limit?: number;
  n?: number;
}
const cases = (JSON.parse(readFileSync(new URL("./fixtures/control_flow.json", import.meta.url), "utf8")) as { cases: Case[] }).cases;

type T = torch.Tensor;
const dtypes = torch as unknown as Record<string, torch.DType>;
const make = (e: Enc, device: string, requires_grad = false): T =>
  torch.tensor(e.data, { dtype: dtypes[e.dtype], device, requires_grad }).reshape(e.shape).detach().requires_grad_(requires_grad);
const close = (t: T, e: Enc, tol = 1e-5) => {
  expect([...t.shape]).toEqual(e.shape);
  expect(t.dtype.name).toBe(e.dtype);
  const got = t.cpu().reshape(-1).tolist() as number[];
  got.forEach((v, i) => expect(Math.abs(Number(v) - e.data[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(e.data[i]!))));
};
const asList = (r: T | T[]): T[] => (Array.isArray(r) ? r : [r]);

// the computations of gen_control_flow.py, with torch.cond / torch.while_loop
const condCase = (x: T, w: T): T =>
  torch.cond(
    x.sum().gt(0),
    (a: T) => a.mul(w).sin().sum(1),
    (a: T) => a.add(w).exp().sum(1).mul(0.5),
    [x],
  ) as T;
const whileCase = (x: T, limit: number): T[] => {
  const dev = x.device;
  const lim = torch.tensor(limit, { device: dev });
  return torch.while_loop(
    (_i: T, y: T) => y.sum().lt(lim),
    (i: T, y: T) => [i.add(1), y.mul(1.5).add(0.25)],
    [torch.tensor(0, { dtype: torch.int64, device: dev }), x],
  );
};
const nestedCase = (n: number, dev: string): T => {
  const lim = torch.tensor(n, { dtype: torch.int32, device: dev });
  const [, acc] = torch.while_loop(
    (i: T) => i.lt(lim),
    (i: T, acc: T) => [
      i.add(1),
      torch.cond(
        i.remainder(2).eq(0),
        (a: T) => a.mul(2),
        (a: T) => a.sub(1),
        [acc],
      ) as T,
    ],
    [torch.tensor(0, { dtype: torch.int32, device: dev }), torch.tensor([1, 2], { dtype: torch.float32, device: dev })],
  );
  return acc!;
};

onEveryTarget("torch.cond / torch.while_loop vs PyTorch's Python control flow on %s", (device) => {
  for (const c of cases) {
    if (c.kind === "cond")
      it(`${c.name}: values and float64 gradients (the taken branch's)`, () => {
        const x = make(c.x!, device, true),
          w = make(c.w!, device, true);
        const y = condCase(x, w);
        close(y, c.out);
        const [gx, gw] = torch.autograd.grad([y], [x, w], { grad_outputs: [make(c.ct!, device)] });
        close(gx!, c.gx!, 1e-10);
        close(gw!, c.gw!, 1e-10);
      });
    if (c.kind === "while")
      it(`${c.name}: a data-dependent trip count`, () => {
        const [i, y] = whileCase(make(c.x!, device), c.limit!);
        close(i!, c.i!);
        close(y!, c.out);
      });
    if (c.kind === "nested") it(`${c.name}: a cond inside a while body`, () => close(nestedCase(c.n!, device), c.out));
  }

  it("cond returns the branches' structure: a tuple, or what a Python boolean picks", () => {
    const x = torch.tensor([1, 2, 3], { device });
    const pair = (p: T | boolean) =>
      asList(
        torch.cond(
          p,
          (a: T, b: T) => [a.add(b), a.mul(b).sum()],
          (a: T, b: T) => [a.sub(b), a.sum()],
          [x, x.flip(0)],
        ),
      ).map((t) => t.tolist());
    expect(pair(torch.tensor(true, { device }))).toEqual([[4, 4, 4], 10]);
    expect(pair(torch.tensor(false, { device }))).toEqual([[-2, 0, 2], 6]);
    expect(pair(true)).toEqual([[4, 4, 4], 10]);
    // a one-element tensor of any dtype is a predicate (nonzero: true)
    expect(pair(torch.tensor([0.0], { device }))).toEqual([[-2, 0, 2], 6]);
  });

  it("keyword forms (PyTorch's parameter names)", () => {
    const x = torch.tensor([1, 2, 3], { device });
    const p = torch.tensor(false, { device });
    const tf = (a: T) => a.mul(2),
      ff = (a: T) => a.add(1);
    const want = [2, 3, 4];
    expect((torch.cond(p, tf, ff, { operands: [x] }) as T).tolist()).toEqual(want);
    expect((torch.cond({ pred: p, true_fn: tf, false_fn: ff, operands: [x] }) as T).tolist()).toEqual(want);
    expect((torch.cond(p, { true_fn: tf, false_fn: ff, operands: [x] }) as T).tolist()).toEqual(want);
    const c = (i: T) => i.lt(4),
      b = (i: T) => [i.add(1)];
    const i0 = torch.tensor(0, { device });
    expect(torch.while_loop(c, b, { carried_inputs: [i0] })[0]!.item()).toBe(4);
    expect(torch.while_loop({ cond_fn: c, body_fn: b, carried_inputs: [i0] })[0]!.item()).toBe(4);
    expect(() => torch.cond(p, tf, ff, { operand: [x] })).toThrow(/cond\(\) got an unexpected keyword argument 'operand'/);
  });

  it("cond's gradient when the branches differ in what they read", () => {
    const x = torch.tensor([1.0, -2.0, 3.0], { dtype: torch.float64, device, requires_grad: true });
    const w = torch.tensor([2.0, 3.0, 4.0], { dtype: torch.float64, device, requires_grad: true });
    for (const p of [true, false]) {
      // true: reads only the weight; false: only x (the other gradient is zero)
      const y = torch.cond(
        torch.tensor(p, { device }),
        (a: T) => w.mul(w).sum().add(a.mul(0).sum()),
        (a: T) => a.pow(3).sum(),
        [x],
      ) as T;
      const [gx, gw] = torch.autograd.grad([y], [x, w], { allow_unused: true });
      expect(gx?.tolist() ?? [0, 0, 0]).toEqual(p ? [0, 0, 0] : [3, 12, 27]);
      expect(gw?.tolist() ?? [0, 0, 0]).toEqual(p ? [4, 6, 8] : [0, 0, 0]);
    }
  });

  it("errors name the op and the mismatch", () => {
    const x = torch.ones(2, 3, { device });
    const p = torch.tensor(true, { device });
    expect(() =>
      torch.cond(
        p,
        (a: T) => a,
        (a: T) => a.sum(),
        [x],
      ),
    ).toThrow(/cond: true_fn and false_fn .*float32\[2, 3\].*float32\[\]/);
    expect(() =>
      torch.cond(
        p,
        (a: T) => a,
        (a: T) => a.double(),
        [x],
      ),
    ).toThrow(/cond: .*float64\[2, 3\]/);
    expect(() =>
      torch.cond(
        p,
        (a: T) => [a],
        (a: T) => a,
        [x],
      ),
    ).toThrow(/cond: true_fn and false_fn must return the same structure/);
    expect(() =>
      torch.cond(
        torch.ones(2, { device }),
        (a: T) => a,
        (a: T) => a,
        [x],
      ),
    ).toThrow(/cond: Expected pred to be bool or single-element tensor/);
    expect(() => torch.cond(p, 3 as never, (a: T) => a, [x])).toThrow(/cond: true_fn must be callable/);
    expect(() =>
      torch.cond(
        p,
        (a: T) => a,
        (a: T) => a,
        x as never,
      ),
    ).toThrow(/cond: operands must be a tuple/);
    expect(() =>
      torch.cond(
        p,
        (_a: T) => 1 as never,
        (a: T) => a,
        [x],
      ),
    ).toThrow(/cond: true_fn must return a tensor/);
    // a data-dependent host read inside a branch cannot be traced
    expect(() =>
      torch.cond(
        p,
        (a: T) => (Number(a.sum().item()) > 0 ? a : a.neg()),
        (a: T) => a,
        [x],
      ),
    ).toThrow(/cond: .*host/);
    // random draws inside a traced function would be made once, at the trace
    expect(() =>
      torch.cond(
        p,
        (a: T) => a.add(torch.rand_like(a)),
        (a: T) => a,
        [x],
      ),
    ).toThrow(/cond: random numbers/);
    expect(() =>
      torch.cond(
        p,
        (a: T) => torch.nn.functional.dropout(a, 0.5),
        (a: T) => a,
        [x],
      ),
    ).toThrow(/cond: random numbers/);
    expect(() =>
      torch.while_loop(
        (i: T) => i.lt(3),
        (i: T) => [i.add(torch.randint(0, 2, [], { device }))],
        [torch.tensor(0, { device })],
      ),
    ).toThrow(/while_loop: random numbers/);
    const i0 = torch.tensor(0, { device });
    expect(() =>
      torch.while_loop(
        (i: T) => i.lt(3),
        (i: T, y: T) => [i.add(1), y.sum()],
        [i0, x],
      ),
    ).toThrow(/while_loop: body_fn must return the carried values .*float32\[2, 3\].*float32\[\]/);
    expect(() =>
      torch.while_loop(
        (i: T) => i.add(3),
        (i: T, y: T) => [i.add(1), y],
        [i0, x],
      ),
    ).toThrow(/while_loop: cond_fn must return a bool scalar/);
    const g = torch.ones(2, { device, requires_grad: true });
    expect(() =>
      torch.while_loop(
        (i: T) => i.lt(3),
        (i: T, y: T) => [i.add(1), y.mul(2)],
        [i0, g],
      ),
    ).toThrow(/Autograd not implemented for while_loop/);
    expect(() =>
      torch.while_loop(
        (i: T) => i.lt(3),
        (i: T, y: T) => [i.add(1), y.mul(g)],
        [i0, torch.ones(2, { device })],
      ),
    ).toThrow(/Autograd not implemented for while_loop/);
    // ... but no_grad loops over weights are fine
    const [, y] = torch.no_grad(() =>
      torch.while_loop(
        (i: T) => i.lt(3),
        (i: T, y: T) => [i.add(1), y.mul(g)],
        [i0, torch.ones(2, { device }).mul(3)],
      ),
    );
    expect(y!.tolist()).toEqual([3, 3]);
  });
});

describe("torch.while_loop / torch.cond on xla: one stablehlo op, compiled once", () => {
  pinFused();

  it("different trip counts run the same executable", () => {
    const x = torch.full([5], 0.01, { device: "xla" });
    torch.xla.sync(x);
    const trips: number[] = [];
    let compiles = -1;
    for (const limit of [1, 10, 100, 1000, 5]) {
      const [i] = whileCase(x, limit);
      trips.push(Number(i!.item()));
      if (compiles < 0) compiles = torch.xla.metrics().uncachedCompiles;
    }
    expect(trips).toEqual([1, 4, 10, 15, 3]);
    expect(torch.xla.metrics().uncachedCompiles).toBe(compiles);
  });

  it("the module holds one stablehlo.while with the body inside, not unrolled", () => {
    const [i, y] = whileCase(torch.full([5], 0.01, { device: "xla" }), 1000);
    const text = torch.xla.get_stablehlo(i!, y!);
    expect(text.match(/"stablehlo\.while"/g)?.length).toBe(1);
    // the body's x * 1.5 once, inside the while (after its line), not once per trip
    expect(text.match(/stablehlo\.multiply/g)?.length).toBe(1);
    expect(text.indexOf("stablehlo.multiply")).toBeGreaterThan(text.indexOf('"stablehlo.while"'));
    expect(Number(i!.item())).toBe(15);
  });

  it("torch.compile of a function with a cond: one capture, whose replays take either branch", () => {
    const w = torch.tensor([0.5, 1, 2], { device: "xla" });
    const fn = (x: T) =>
      torch.cond(
        x.sum().gt(0),
        (a: T) => a.mul(w),
        (a: T) => a.sub(w),
        [x],
      ) as T;
    const f = torch.compile(fn);
    const before = torch.xla.metrics();
    const [captures, replays] = [before.compiledCaptures, before.compiledReplays];
    for (const s of [1, -1, 1, -1]) {
      const x = torch.tensor([1, 2, 3], { dtype: torch.float32, device: "xla" }).mul(s);
      expect(f(x).tolist()).toEqual(s > 0 ? [0.5, 2, 6] : [-1.5, -3, -5]);
    }
    expect(torch.xla.metrics().compiledCaptures - captures).toBe(1);
    expect(torch.xla.metrics().compiledReplays - replays).toBe(2);
  });

  it("cond is one stablehlo.case, its gradient another", () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, device: "xla", requires_grad: true });
    const y = torch.cond(
      x.sum().gt(0),
      (a: T) => a.sin().sum(),
      (a: T) => a.cos().sum(),
      [x],
    ) as T;
    expect(torch.xla.get_stablehlo(y).match(/"stablehlo\.case"/g)?.length).toBe(1);
    const [g] = torch.autograd.grad([y], [x]);
    // the backward: one case over the branches' VJPs (the forward's results are not needed)
    expect(torch.xla.get_stablehlo(g!).match(/"stablehlo\.case"/g)?.length).toBe(1);
    expect(g!.tolist()).toEqual([Math.fround(Math.cos(1)), Math.fround(Math.cos(2))]);
  });
});

describe("nn.RNN / LSTM / GRU on xla without gradients: the time loop is one stablehlo.while", () => {
  pinFused();
  const models: [string, () => torch.nn.Module, number][] = [
    ["2-layer bidirectional LSTM", () => new torch.nn.LSTM(3, 4, { num_layers: 2, bidirectional: true }), 4],
    ["LSTM with proj_size", () => new torch.nn.LSTM(3, 4, { proj_size: 2, batch_first: true }), 1],
    ["GRU", () => new torch.nn.GRU(3, 4), 1],
    ["relu RNN", () => new torch.nn.RNN(3, 4, { nonlinearity: "relu", num_layers: 2 }), 2],
  ];
  for (const [name, make, whiles] of models)
    it(`${name}: cpu's values (unrolled there), ${whiles} while(s), the same executable for another input`, () => {
      torch.manual_seed(0);
      const m = make();
      const run = (mod: torch.nn.Module, x: T) => (torch.no_grad(() => (mod as unknown as (x: T) => [T, unknown])(x)) as [T, unknown])[0];
      const xs = [torch.randn(5, 2, 3), torch.randn(5, 2, 3)];
      const want = xs.map((x) => run(m, x));
      m.to("xla");
      let compiles = -1;
      xs.forEach((x, k) => {
        const y = run(m, x.to("xla"));
        if (k === 0) {
          const text = torch.xla.get_stablehlo(y);
          expect(text.match(/"stablehlo\.while"/g)?.length).toBe(whiles);
          // per layer and direction: the input projection and the step's products (h @ W_hh^T, the projection), not one per time step
          expect(text.match(/stablehlo\.dot_general/g)!.length).toBeLessThanOrEqual(3 * whiles);
        }
        expect(y.cpu().sub(want[k]!).abs().max().item()).toBeLessThan(1e-6);
        if (k === 0) compiles = torch.xla.metrics().uncachedCompiles;
      });
      expect(torch.xla.metrics().uncachedCompiles).toBe(compiles);
    });

  it("with gradients the loop stays unrolled (while_loop has no autograd)", () => {
    const m = new torch.nn.GRU(3, 4).to("xla");
    const [y] = (m as unknown as (x: T) => [T])(torch.randn(4, 1, 3).to("xla"));
    expect(torch.xla.get_stablehlo(y!)).not.toContain("stablehlo.while");
    y!.sum().backward();
    expect([...m.parameters()][0]!.grad).not.toBeNull();
  });
});

describe("the CPU runtime on stablehlo.while / stablehlo.case text (translate_control.ts)", () => {
  // a loop with a constant carried init and a bound read from @main inside cond, a case
  // whose regions use a value of @main, and an out-of-range index (the last branch)
  const text = `module @m {
  func.func public @main(%arg0: tensor<3xf32>, %arg1: tensor<i64>, %arg2: tensor<i32>) -> (tensor<i64>, tensor<3xf32>, tensor<3xf32>) {
    %c = stablehlo.constant dense<0> : tensor<i64>
    %3, %4 = "stablehlo.while"(%c, %arg0) ({
    ^bb0(%8: tensor<i64>, %10: tensor<3xf32>):
      %19 = stablehlo.compare LT, %8, %arg1, SIGNED : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %19 : tensor<i1>
    }, {
    ^bb0(%20: tensor<i64>, %22: tensor<3xf32>):
      %one = stablehlo.constant dense<1> : tensor<i64>
      %n = stablehlo.add %20, %one : tensor<i64>
      %d = stablehlo.add %22, %22 : tensor<3xf32>
      stablehlo.return %n, %d : tensor<i64>, tensor<3xf32>
    }) : (tensor<i64>, tensor<3xf32>) -> (tensor<i64>, tensor<3xf32>)
    %5 = "stablehlo.case"(%arg2) ({
      %6 = stablehlo.negate %4 : tensor<3xf32>
      stablehlo.return %6 : tensor<3xf32>
    }, {
      stablehlo.return %4 : tensor<3xf32>
    }) : (tensor<i32>) -> tensor<3xf32>
    return %3, %4, %5 : tensor<i64>, tensor<3xf32>, tensor<3xf32>
  }
}`;
  it.each([
    [0, 3, [-8, -16, -24]],
    [1, 3, [8, 16, 24]],
    [7, 0, [1, 2, 3]],
  ])("index %d, %d trips", (k, trips, last) => {
    const x = torch.tensor([1, 2, 3], { dtype: torch.float32 });
    const [i, y, z] = torch.xla.run_stablehlo(text, x, torch.tensor(trips), torch.tensor(k, { dtype: torch.int32 }));
    expect(i!.item()).toBe(trips);
    expect(y!.tolist()).toEqual(x.mul(2 ** trips).tolist());
    expect(z!.tolist()).toEqual(last);
  });
});
