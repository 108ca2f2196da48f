// A module call takes the keyword form by PyTorch's signature of the module's
// forward (recorded by tests/fixtures/gen_signatures.py from PyTorch 1.13):
// `lin({ input: x })` is `lin(input=x)`, `gru(x, { hx })` is `gru(x, hx=h)`,
// and wrong calls raise Python's TypeErrors (messages as PyTorch 1.13 on
// Python 3.11 prints them) instead of failing inside forward. User modules'
// forwards have no recorded signature and get their arguments unchanged.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
const DEVICES = ["cpu", "xla"];

const nn = torch.nn;

describe.each(DEVICES)("module calls in the keyword form on %s", (dev) => {
  const x = () => torch.randn([2, 4]).to(dev);
  it("equal the positional form", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(4, 3).to(dev);
    const a = x();
    expect(lin({ input: a }).cpu().tolist()).toEqual(lin(a).cpu().tolist());
    const ce = new nn.CrossEntropyLoss();
    const t = torch.tensor([0, 2]).to(dev);
    const logits = lin(a);
    expect(ce({ input: logits, target: t }).item()).toBe(ce(logits, t).item());
    expect(ce(logits, { target: t }).item()).toBe(ce(logits, t).item());
    const gru = new nn.GRU(4, 5).to(dev);
    const seq = torch.randn([3, 1, 4]).to(dev);
    const h = torch.randn([1, 1, 5]).to(dev);
    const [o1, h1] = gru(seq, { hx: h });
    const [o2, h2] = gru(seq, h);
    expect(o1.cpu().tolist()).toEqual(o2.cpu().tolist());
    expect(h1.cpu().tolist()).toEqual(h2.cpu().tolist());
    const q = torch.randn([3, 2, 8]).to(dev);
    const mha = new nn.MultiheadAttention(8, 2).to(dev);
    const [m1] = mha({ query: q, key: q, value: q, need_weights: false });
    const [m2] = mha(q, q, q, { need_weights: false });
    expect(m1.cpu().tolist()).toEqual(m2.cpu().tolist());
  });
  it("raise PyTorch's TypeErrors for bad calls", () => {
    const lin = new nn.Linear(4, 3).to(dev);
    const a = x();
    expect(() => lin({ foo: a } as never)).toThrow("Linear.forward() got an unexpected keyword argument 'foo'");
    expect(() => (lin as unknown as (...a: unknown[]) => unknown)(a, { input: a })).toThrow(
      "Linear.forward() got multiple values for argument 'input'",
    );
    expect(() => (lin as unknown as () => unknown)()).toThrow("Linear.forward() missing 1 required positional argument: 'input'");
    expect(() => (lin as unknown as (...a: unknown[]) => unknown)(a, a)).toThrow(
      "Linear.forward() takes 2 positional arguments but 3 were given",
    );
    const gru = new nn.GRU(4, 5);
    expect(() => (gru as unknown as (...a: unknown[]) => unknown)(torch.randn([3, 1, 4]), { hx: torch.zeros([1, 1, 5]), bar: 1 })).toThrow(
      "GRU.forward() got an unexpected keyword argument 'bar'",
    );
  });
  it("leave user modules' arguments alone", () => {
    class Scale extends nn.Module {
      override forward(t: torch.Tensor, o: { by: number }) {
        return t.mul(o.by);
      }
    }
    expect(
      new Scale()(torch.ones([2]).to(dev), { by: 3 })
        .cpu()
        .tolist(),
    ).toEqual([3, 3]);
  });
});
