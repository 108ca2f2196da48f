// nn.RNN/LSTM/GRU in the keyword form, typed: PyTorch declares their constructors as (*args, **kwargs), so the
// generated nn/classes.ts now declares RNNBase's parameters for them (gen_signatures.py rnn_overloads). Built
// under the same seed, the keyword form gives the same parameters and the same outputs as the positional form,
// on cpu and xla; a misspelt keyword is refused by the declared types (the @ts-expect-error lines fail the
// typecheck if the types accept it) and by the parser at run time.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const nn = torch.nn;

/** The module built by `make` under seed 0, moved to `device`, and its output for a fixed input. */
function run(make: () => torch.nn.Module, device: string, shape: number[]) {
  torch.manual_seed(0);
  const m = make().to(device);
  const x = torch.randn(shape, { generator: new torch.Generator().manual_seed(7) }).to(device);
  const out = (m as unknown as (x: torch.Tensor) => [torch.Tensor, unknown])(x)[0];
  return { state: m.state_dict(), out };
}

function expectSame(a: ReturnType<typeof run>, b: ReturnType<typeof run>) {
  expect(Object.keys(a.state)).toEqual(Object.keys(b.state));
  for (const k of Object.keys(a.state)) expect(torch.equal(a.state[k]!.cpu(), b.state[k]!.cpu())).toBe(true);
  expect([...a.out.shape]).toEqual([...b.out.shape]);
  expect(torch.equal(a.out.cpu(), b.out.cpu())).toBe(true);
}

describe.each(["cpu", "xla"])("RNN/LSTM/GRU keyword form on %s", (device) => {
  it("LSTM: all keywords, and positionals followed by keywords, equal the positional form", () => {
    const pos = run(() => new nn.LSTM(4, 8, 2, true, true, 0, false, 3), device, [2, 5, 4]);
    const kw = run(() => new nn.LSTM({ input_size: 4, hidden_size: 8, num_layers: 2, batch_first: true, proj_size: 3 }), device, [2, 5, 4]);
    const mixed = run(() => new nn.LSTM(4, { hidden_size: 8, num_layers: 2, batch_first: true, proj_size: 3 }), device, [2, 5, 4]);
    expectSame(pos, kw);
    expectSame(pos, mixed);
    expect([...kw.out.shape]).toEqual([2, 5, 3]);
    const m = new nn.LSTM({ input_size: 4, hidden_size: 8, batch_first: true });
    expect(m.batch_first).toBe(true);
    expect(m.hidden_size).toBe(8);
  });

  it("RNN: keywords (nonlinearity is keyword-only, as PyTorch pops it from **kwargs) equal positionals", () => {
    const pos = run(() => new nn.RNN(3, 5, 1, false, false, 0, true, { nonlinearity: "relu" }), device, [4, 2, 3]);
    const kw = run(
      () => new nn.RNN({ input_size: 3, hidden_size: 5, nonlinearity: "relu", bias: false, bidirectional: true }),
      device,
      [4, 2, 3],
    );
    expectSame(pos, kw);
    expect([...kw.out.shape]).toEqual([4, 2, 10]);
    const tanh = run(() => new nn.RNN({ input_size: 3, hidden_size: 5, bias: false, bidirectional: true }), device, [4, 2, 3]);
    // same parameters (same seed), other nonlinearity: the outputs must differ, or the keyword was not read
    expect(torch.equal(tanh.out.cpu(), kw.out.cpu())).toBe(false);
  });

  it("GRU: keywords equal positionals", () => {
    const pos = run(() => new nn.GRU(3, 6, 2, true, true), device, [2, 4, 3]);
    const kw = run(() => new nn.GRU({ input_size: 3, hidden_size: 6, num_layers: 2, batch_first: true }), device, [2, 4, 3]);
    expectSame(pos, kw);
    expect([...kw.out.shape]).toEqual([2, 4, 6]);
  });
});

describe("RNN/LSTM/GRU declared constructor types", () => {
  it("a misspelt or misplaced keyword is a type error and a run-time TypeError", () => {
    // @ts-expect-error: hiden_size is not a parameter of LSTM
    expect(() => new nn.LSTM({ input_size: 4, hiden_size: 8 })).toThrow(/unexpected keyword argument 'hiden_size'|hidden_size/);
    // @ts-expect-error: proj_size is LSTM's only (GRU refuses it)
    expect(() => new nn.GRU({ input_size: 4, hidden_size: 8, proj_size: 2 })).toThrow(/proj_size/);
    // @ts-expect-error: nonlinearity is RNN's only
    expect(() => new nn.LSTM({ input_size: 4, hidden_size: 8, nonlinearity: "relu" })).toThrow(/nonlinearity/);
    // @ts-expect-error: nonlinearity is "tanh" or "relu"
    expect(() => new nn.RNN({ input_size: 4, hidden_size: 8, nonlinearity: "sigmoid" })).toThrow(/sigmoid/);
  });
});
