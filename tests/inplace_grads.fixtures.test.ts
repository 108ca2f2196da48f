// In-place ops whose other operand requires grad, against PyTorch 1.13
// (tests/fixtures/gen_inplace_grads.py): the op saves the target's value from
// before the write, so backward is valid (values and float64 gradients of
// every leaf, positional and keyword forms, cpu and xla); and backward still
// fails, with PyTorch's message, where a tensor saved for backward was
// written after it was saved.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

type T = torch.Tensor;
type L = Record<string, T>;
interface Case {
  case: string;
  value: unknown;
  grads: Record<string, unknown>;
}
interface ErrorCase {
  case: string;
  message: string;
  exact: boolean;
}
interface DoubleCase {
  case: string;
  first: Record<string, unknown>;
  second: Record<string, unknown>;
}
const data = JSON.parse(readFileSync(new URL("./fixtures/inplace_grads.json", import.meta.url), "utf8")) as {
  cases: Case[];
  errors: ErrorCase[];
  double: DoubleCase[];
};

const D = torch.float64;
function leaves(device: string): L {
  const t = (v: unknown) => torch.tensor(v as number[], { dtype: D, device, requires_grad: true });
  return {
    a: t([1.5, -2, 3]),
    A: t([
      [1, -2],
      [3, 0.5],
      [-1, 2],
    ]),
    w: t([2]),
    w0: torch.tensor(2.5, { dtype: D, device, requires_grad: true }),
    w3: t([0.5, -1.5, 4]),
    t1: t([0.5, -1, 2]),
    t2: t([3, 1, -0.5]),
    m: t([2.5, 0, 4]),
  };
}

type Run = (L: L, kw: boolean, device: string) => T;
/** f on y = ones(3) (no history of its own), on y = a * 2, on y = a * a (positive). */
const fresh =
  (f: (y: T, L: L, kw: boolean) => unknown): Run =>
  (L, kw, device) => {
    const y = torch.ones(3, { dtype: D, device });
    f(y, L, kw);
    return y;
  };
const two =
  (f: (y: T, L: L, kw: boolean) => unknown): Run =>
  (L, kw) => {
    const y = L.a!.mul(2);
    f(y, L, kw);
    return y;
  };
const pos =
  (f: (y: T, L: L, kw: boolean) => unknown): Run =>
  (L, kw) => {
    const y = L.a!.mul(L.a!);
    f(y, L, kw);
    return y;
  };
const mul = (v: T, w: T, kw: boolean) => (kw ? v.mul_({ other: w }) : v.mul_(w));

const CASES: Record<string, Run> = {
  mul_: fresh((y, L, kw) => mul(y, L.w!, kw)),
  "mul_ 0-d": fresh((y, L, kw) => mul(y, L.w0!, kw)),
  "select.mul_": (L, kw, device) => {
    const y = torch.ones(3, 2, { dtype: D, device });
    mul(y.select(1, 0), L.w!, kw);
    return y;
  },
  "select.mul_ (history)": (L, kw) => {
    const y = L.A!.mul(2);
    mul(y.select(1, 0), L.w!, kw);
    return y;
  },
  "mul_ (history)": two((y, L, kw) => mul(y, L.w!, kw)),
  add_: two((y, L, kw) => (kw ? y.add_({ other: L.w3!, alpha: 2 }) : y.add_(L.w3!, { alpha: 2 }))),
  sub_: two((y, L, kw) => (kw ? y.sub_({ other: L.w!, alpha: 3 }) : y.sub_(L.w!, { alpha: 3 }))),
  div_: two((y, L, kw) => (kw ? y.div_({ other: L.w3! }) : y.div_(L.w3!))),
  "div_ fresh": fresh((y, L, kw) => (kw ? y.div_({ other: L.w3! }) : y.div_(L.w3!))),
  addcmul_: two((y, L, kw) => (kw ? y.addcmul_({ tensor1: L.t1!, tensor2: L.t2!, value: 0.5 }) : y.addcmul_(L.t1!, L.t2!, { value: 0.5 }))),
  addcdiv_: two((y, L, kw) => (kw ? y.addcdiv_({ tensor1: L.t1!, tensor2: L.t2!, value: 0.5 }) : y.addcdiv_(L.t1!, L.t2!, { value: 0.5 }))),
  copy_: fresh((y, L, kw) => (kw ? y.copy_(L.w3!, { non_blocking: false }) : y.copy_(L.w3!))),
  "select.copy_": (L, kw, device) => {
    const y = torch.ones(3, 2, { dtype: D, device });
    const v = y.select(1, 1);
    if (kw) v.copy_(L.w3!, { non_blocking: false });
    else v.copy_(L.w3!);
    return y;
  },
  masked_fill_: two((y, L, kw) => {
    const mask = torch.tensor([true, false, true], { device: y.device });
    return kw ? y.masked_fill_({ mask, value: L.w0! }) : y.masked_fill_(mask, L.w0!);
  }),
  clamp_: two((y, L, kw) => (kw ? y.clamp_({ min: L.m! }) : y.clamp_(L.m!))),
  "clamp_ max": two((y, L, kw) => (kw ? y.clamp_({ max: L.m! }) : y.clamp_(null, L.m!))),
  pow_: two((y, _L, kw) => (kw ? y.pow_({ exponent: 2 }) : y.pow_(2))),
  "pow_ tensor": pos((y, L, kw) => (kw ? y.pow_({ exponent: L.t2! }) : y.pow_(L.t2!))),
  "div_ then mul_": two((y, L, kw) => mul(y.div_(L.w3!), torch.tensor(2, { dtype: D, device: y.device }), kw)),
  "pow_ then mul_": two((y, L, kw) => mul(y.pow_(2), L.w!, kw)),
  "mul_ twice": two((y, L, kw) => mul(mul(y, L.w!, false), L.w3!, kw)),
};

const ERRORS: Record<string, Run> = {
  "sigmoid then mul_": (L, kw) => {
    const y = L.a!.sigmoid();
    return kw ? y.mul_({ other: 2 }) : y.mul_(2);
  },
  "sigmoid_ then mul_": (L, kw) => {
    const y = L.a!.mul(1);
    y.sigmoid_();
    return kw ? y.mul_({ other: 2 }) : y.mul_(2);
  },
  "exp then mul_": (L, kw) => mul(L.a!.exp(), L.w!, kw),
  "exp_ then add_": two((y, L, kw) => (kw ? y.exp_().add_({ other: L.w3! }) : y.exp_().add_(L.w3!))),
  "tanh_ then mul_": (L, kw) => {
    const y = L.a!.mul(1);
    y.tanh_();
    return mul(y, L.w!, kw);
  },
  "mul_ by itself": (L, kw) => {
    const y = L.a!.mul(1);
    return mul(y, y, kw);
  },
  "view saved then base mul_": (L, kw) => {
    const y = L.a!.mul(1);
    const z = y.narrow(0, 0, 2).mul(L.w!);
    if (kw) y.mul_({ other: 3 });
    else y.mul_(3);
    return z;
  },
};

function close(got: T, want: unknown, what: string): void {
  const e = torch.tensor(want as number[], { dtype: D });
  expect(
    torch.allclose(got.cpu(), e, { rtol: 1e-12, atol: 1e-12 }),
    `${what}: ${JSON.stringify(got.tolist())} vs ${JSON.stringify(want)}`,
  ).toBe(true);
}

const loss = (y: T) => y.mul(torch.arange(1, y.numel() + 1, { dtype: D, device: y.device }).reshape(y.shape)).sum();

describe.each(["cpu", "xla"])("in-place ops with operands requiring grad on %s", (device) => {
  it.each(data.cases.map((c) => [c.case, c] as const))("%s", (_n, c) => {
    const run = CASES[c.case];
    expect(run, `case ${c.case} has no runner`).toBeDefined();
    for (const kw of [false, true]) {
      const L = leaves(device);
      const y = run!(L, kw, device);
      loss(y).backward();
      expect(y.tolist(), `${c.case} value (kw=${kw})`).toEqual(c.value);
      const got: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(L)) if (v.grad) got[k] = v.grad.tolist();
      expect(Object.keys(got).sort(), `${c.case} leaves with grads`).toEqual(Object.keys(c.grads).sort());
      for (const k of Object.keys(c.grads)) {
        const g = got[k] as number[],
          e = c.grads[k] as number[];
        expect(g.length, `${c.case} grad ${k}`).toBe(e.length);
        expect(
          torch.allclose(torch.tensor(g, { dtype: D }), torch.tensor(e, { dtype: D }), { rtol: 1e-12, atol: 1e-12 }),
          `${c.case} grad ${k}: ${JSON.stringify(g)} vs ${JSON.stringify(e)}`,
        ).toBe(true);
      }
    }
  });
  it.each(data.double.map((c) => [c.case, c] as const))("double backward: %s", (_n, c) => {
    const L = leaves(device);
    const y = CASES[c.case]!(L, false, device);
    const ks = Object.keys(L);
    const gs = torch.autograd.grad(
      y.mul(y).sum(),
      ks.map((k) => L[k]!),
      { create_graph: true, allow_unused: true },
    );
    const first: Record<string, T> = {};
    ks.forEach((k, i) => {
      if (gs[i]) first[k] = gs[i]!;
    });
    expect(Object.keys(first).sort()).toEqual(Object.keys(c.first).sort());
    Object.values(first)
      .map((g) => g.sum())
      .reduce((s, g) => s.add(g))
      .backward();
    for (const k of Object.keys(c.first)) close(first[k]!, c.first[k], `${c.case} first ${k}`);
    const second = Object.keys(L).filter((k) => L[k]!.grad);
    expect(second.sort()).toEqual(Object.keys(c.second).sort());
    for (const k of second) close(L[k]!.grad!, c.second[k], `${c.case} second ${k}`);
  });
  it.each(data.errors.map((c) => [c.case, c] as const))("refused: %s", (_n, c) => {
    const run = ERRORS[c.case];
    expect(run, `case ${c.case} has no runner`).toBeDefined();
    for (const kw of [false, true]) {
      const y = run!(leaves(device), kw, device);
      let msg = "";
      try {
        loss(y).backward();
      } catch (e) {
        msg = (e as Error).message;
      }
      if (c.exact) expect(msg).toBe(c.message);
      else {
        expect(msg).toContain(c.message.split(", which is")[0]);
        expect(msg).toContain(c.message.slice(c.message.indexOf(", is at version")));
      }
    }
  });
});
