// The keyword form of a call of a user-defined module (PyTorch's
// `encoder(input=x, hidden=h)`, here `encoder({input: x, hidden: h})`), found
// by engineer G porting the seq2seq tutorial: the object was passed as the
// first argument. The trailing object binds by forward's own parameter names
// (core/src/user_forward.ts) when every key names one; any other plain object
// stays an ordinary argument. On cpu and xla, against the positional call.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { parseParams } from "../packages/core/src/user_forward.js";

const { nn } = torch;

class Encoder extends nn.Module {
  embedding: InstanceType<typeof nn.Embedding>;
  gru: InstanceType<typeof nn.GRU>;
  constructor() {
    super();
    this.embedding = new nn.Embedding(10, 4);
    this.gru = new nn.GRU(4, 4);
  }
  override forward(input: torch.Tensor, hidden: torch.Tensor | null = null, scale = 1) {
    const embedded = this.embedding(input).view(1, 1, -1).mul(scale);
    const h = hidden ?? torch.zeros(1, 1, 4, { device: input.device });
    return this.gru(embedded, h);
  }
}

/** A module taking a batch dict: its keys are not forward's parameter names, so the dict is an argument. */
class DictNet extends nn.Module {
  override forward(batch: { x: torch.Tensor; y: torch.Tensor }) {
    return batch.x.add(batch.y);
  }
}

describe.each(["cpu", "xla"])("keyword calls of user modules (%s)", (dev) => {
  const flat = (r: unknown) => (r as torch.Tensor[]).map((t) => t.detach().cpu().tolist());

  it("binds the keywords by forward's parameter names, defaults for the rest", () => {
    torch.manual_seed(0);
    const enc = new Encoder().to(dev);
    // forward's declared type has no parameter names to check keywords against: the keyword form is untyped here
    const call = enc as unknown as (...a: unknown[]) => unknown;
    const x = torch.tensor([3]).to(dev);
    const h = torch.randn(1, 1, 4).to(dev);
    const want = flat(enc(x, h, 2));
    expect(flat(call({ input: x, hidden: h, scale: 2 }))).toEqual(want);
    expect(flat(call(x, { hidden: h, scale: 2 }))).toEqual(want);
    expect(flat(call(x, h, { scale: 2 }))).toEqual(want);
    expect(flat(call({ input: x }))).toEqual(flat(enc(x)));
    expect(flat(call(x, { scale: 2 }))).toEqual(flat(enc(x, null, 2)));
  });

  it("refuses a keyword that repeats a positional argument, in Python's words", () => {
    const enc = new Encoder().to(dev);
    const x = torch.tensor([3]).to(dev);
    expect(() => (enc as unknown as (...a: unknown[]) => unknown)(x, { input: x })).toThrow(
      "forward() got multiple values for argument 'input'",
    );
  });

  it("leaves a plain object that is not keywords as an argument", () => {
    const net = new DictNet();
    const b = { x: torch.ones(2).to(dev), y: torch.full([2], 2).to(dev) };
    expect(net(b).cpu().tolist()).toEqual([3, 3]);
  });
});

describe("parseParams", () => {
  it("reads the parameter names of methods, functions and arrows, as esbuild emits them", () => {
    expect(parseParams("forward(input, hidden = null, scale = 1) {\n return 1; }")).toEqual(["input", "hidden", "scale"]);
    expect(parseParams('forward(x, s = "a,(b", f = (u, v) => [u, v]) { }')).toEqual(["x", "s", "f"]);
    expect(parseParams("function forward() {}")).toEqual([]);
    expect(parseParams("(a, b) => a + b")).toEqual(["a", "b"]);
    expect(parseParams("a => a")).toEqual(["a"]);
    expect(parseParams("forward({ a, b }) {}")).toBeNull();
    expect(parseParams("forward(...args) {}")).toBeNull();
  });
});
