// Seeded initialization matches PyTorch 1.13 bit for bit (RNG streams and init arithmetic).
import { describe, expect, it } from "vitest";
import { nn } from "../src/index.js";
import { EXACT, build, compareState, compareValue, fixtures, torch } from "./fixtures.js";

describe("seeded module initialization", () => {
  for (const c of fixtures.init) {
    it(c.name, () => {
      torch.manual_seed(c.seed);
      const m = build(c.spec);
      compareState(m.state_dict(), c.state, EXACT, c.name);
    });
  }
});

describe("nn.init functions", () => {
  for (const c of fixtures.init_fns) {
    it(c.name, () => {
      torch.manual_seed(c.seed);
      const t = torch.empty(c.shape);
      const fn = (nn.init as any)[c.fn];
      const r = Object.keys(c.kwargs).length ? fn(t, ...c.args, c.kwargs) : fn(t, ...c.args);
      expect(r).toBe(t);
      compareValue(t, c.out, EXACT, c.name);
      if (c.fans) expect(nn.init._calculate_fan_in_and_fan_out(t)).toEqual(c.fans);
    });
  }

  it("calculate_gain", () => {
    for (const g of fixtures.gains) expect(nn.init.calculate_gain(g.nonlinearity, g.param)).toBe(g.value);
    expect(() => nn.init.calculate_gain("softsign" as any)).toThrow(/Unsupported nonlinearity softsign/);
  });

  it("fan in/out needs 2 dims; unknown modes and options throw", () => {
    expect(() => nn.init.xavier_uniform_(torch.empty(3))).toThrow(/fewer than 2 dimensions/);
    expect(() => nn.init.kaiming_uniform_(torch.empty(2, 2), { mode: "fan_avg" as any })).toThrow(/Mode fan_avg not supported/);
    expect(() => nn.init.uniform_(torch.empty(2), { low: 0 } as any)).toThrow(/unexpected keyword argument 'low'/);
  });

  it("init runs under no_grad on parameters", () => {
    const p = new nn.Parameter(torch.zeros(2, 3));
    nn.init.normal_(p);
    expect(p.requires_grad).toBe(true);
    expect(p.grad_fn).toBe(null);
  });
});
