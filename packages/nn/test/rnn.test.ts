// nn.RNN / LSTM / GRU and the cells against PyTorch 1.13 (tests/fixtures/rnn.json
// from tests/fixtures/gen_rnn.py): seeded initialization bit for bit, forward
// outputs and final states, and float64 gradients of the input, the initial
// states and every parameter, on cpu and on the lazy xla device.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as xlatorch from "xlatorch";
import { nn } from "../src/index.js";
import { EXACT, build, compareState, compareValue, decode, torch } from "./fixtures.js";

void xlatorch; // registers the xla device
const FILE = fileURLToPath(new URL("../../../tests/fixtures/rnn.json", import.meta.url));
const fx: { init: any[]; cases: any[] } = JSON.parse(readFileSync(FILE, "utf8"));

const F64 = { rtol: 1e-9, atol: 1e-12 };
const F32 = { rtol: 1e-5, atol: 1e-6 };

describe("seeded construction matches PyTorch bit for bit", () => {
  for (const c of fx.init) {
    it(c.name, () => {
      torch.manual_seed(c.seed);
      const m = build(c.spec) as nn.Module;
      expect(m.named_parameters().map(([n]) => n)).toEqual(c.names);
      compareState(m.state_dict(), c.state, EXACT, c.name);
      expect(String(m)).toBe(c.repr);
    });
  }
});

type T = torch.Tensor;
const onDevice = (v: any, device: string): any =>
  v === null || v === undefined ? v : Array.isArray(v) ? v.map((e) => onDevice(e, device)) : (v as T).to(device);
const cpu = (t: T | null | undefined) => (t ? t.cpu() : t);

function runCase(c: any, device: string): void {
  const grads = c.dtype === "float64";
  const tol = grads ? F64 : F32;
  const m = build(c.spec) as nn.Module;
  if (grads) m.double();
  m.load_state_dict(decode(c.state));
  m.train(c.train);
  m.to(device);
  const x = (decode(c.input) as T).to(device).requires_grad_(grads);
  const hxIn = onDevice(decode(c.hx), device);
  const hx = hxIn === null ? null : Array.isArray(hxIn) ? hxIn.map((h: T) => h.requires_grad_(grads)) : (hxIn as T).requires_grad_(grads);
  if (c.fwd_seed !== undefined) torch.manual_seed(c.fwd_seed);
  const y = hx === null ? m(x) : m(x, hx);
  const cell = (c.spec.ctor as string).endsWith("Cell");
  const results: T[] = cell ? (Array.isArray(y) ? y : [y]) : [y[0], ...(Array.isArray(y[1]) ? y[1] : [y[1]])];
  for (const r of results) expect(r.device.type).toBe(device);
  compareValue(cpu(results[0]), c.out, tol, `${c.name} output`);
  if (cell) {
    if (c.c_n) compareValue(cpu(results[1]), c.c_n, tol, `${c.name} c'`);
  } else {
    compareValue(cpu(results[1]), c.h_n, tol, `${c.name} h_n`);
    if (c.c_n) compareValue(cpu(results[2]), c.c_n, tol, `${c.name} c_n`);
  }
  expect(results.length).toBe(1 + (cell ? 0 : 1) + (c.c_n ? 1 : 0));
  if (!grads) return;
  const W = (decode(c.W) as T[]).map((w) => w.to(device));
  results
    .map((r, i) => r.mul(W[i]!).sum())
    .reduce((a, b) => a.add(b))
    .backward();
  compareValue(cpu(x.grad), c.grads.input, tol, `${c.name} grad of input`);
  if (c.grads.hx) compareValue(cpu(Array.isArray(hx) ? hx[0].grad : (hx as T).grad), c.grads.hx, tol, `${c.name} grad of hx`);
  if (c.grads.cx) compareValue(cpu((hx as T[])[1]!.grad), c.grads.cx, tol, `${c.name} grad of cx`);
  const params = Object.fromEntries(m.named_parameters());
  expect(Object.keys(params)).toEqual(Object.keys(c.grads.params));
  for (const [name, g] of Object.entries(c.grads.params)) compareValue(cpu(params[name]!.grad), g as any, tol, `${c.name} grad of ${name}`);
}

for (const device of ["cpu", "xla"]) {
  describe(`forward and gradients vs PyTorch (${device})`, () => {
    for (const c of fx.cases) it(c.name, () => runCase(c, device));
  });
}

describe("RNN module behaviour", () => {
  it("LSTM(10, 20, 2) after manual_seed(0): PyTorch's weights, shapes and all_weights", () => {
    torch.manual_seed(0);
    const lstm = new nn.LSTM(10, 20, 2);
    expect(lstm.all_weights.map((ws) => ws.map((w) => w.shape.join("x")))).toEqual([
      ["80x10", "80x20", "80", "80"],
      ["80x20", "80x20", "80", "80"],
    ]);
    expect(lstm._flat_weights_names).toEqual([
      "weight_ih_l0",
      "weight_hh_l0",
      "bias_ih_l0",
      "bias_hh_l0",
      "weight_ih_l1",
      "weight_hh_l1",
      "bias_ih_l1",
      "bias_hh_l1",
    ]);
  });

  it("keyword and positional arguments", () => {
    const a = new nn.GRU(3, 4, { num_layers: 2, batch_first: true });
    const b = new nn.GRU(3, 4, 2, true, true);
    expect([a.num_layers, a.batch_first, b.num_layers, b.batch_first, b.bias]).toEqual([2, true, 2, true, true]);
    expect(new nn.RNN(2, 3, { nonlinearity: "relu" }).nonlinearity).toBe("relu");
    expect(String(new nn.LSTM(2, 3, { dtype: torch.float64 }).weight_hh_l0.dtype)).toBe("torch.float64");
    expect(() => new nn.GRU(3, 4, { proj_size: 2 } as any)).toThrow("proj_size argument is only supported for LSTM, not RNN or GRU");
    expect(() => new nn.RNN(3, 4, { nonlinearity: "gelu" as any })).toThrow("Unknown nonlinearity 'gelu'");
    expect(() => new nn.LSTM(3, 4, { proj_size: 4 })).toThrow("proj_size has to be smaller than hidden_size");
    expect(() => new nn.LSTM(3, 4, { dropout: 1.5 })).toThrow("dropout should be a number in range [0, 1]");
    expect(() => new nn.LSTM(3, 4, { hidden: 2 } as any)).toThrow("unexpected keyword argument 'hidden'");
  });

  it("errors as PyTorch raises them", () => {
    const lstm = new nn.LSTM(3, 4, 2);
    const x = torch.randn(5, 2, 3);
    expect(() => lstm(torch.randn(5, 2, 4))).toThrow("input.size(-1) must be equal to input_size. Expected 3, got 4");
    expect(() => lstm(torch.randn(1, 5, 2, 3))).toThrow("input must have 3 dimensions, got 5");
    expect(() => lstm(x, [torch.zeros(2, 3, 4), torch.zeros(2, 2, 4)])).toThrow("Expected hidden[0] size (2, 2, 4), got [2, 3, 4]");
    expect(() => lstm(x, [torch.zeros(2, 2, 4), torch.zeros(2, 4)])).toThrow(
      "For batched 3-D input, hx and cx should also be 3-D but got (3-D, 2-D) tensors",
    );
    const gru = new nn.GRU(3, 4);
    expect(() => gru(x, torch.zeros(2, 4))).toThrow("For batched 3-D input, hx should also be 3-D but got 2-D tensor");
    expect(() => gru(torch.randn(5, 3), torch.zeros(1, 1, 4))).toThrow("For unbatched 2-D input, hx should also be 2-D but got 3-D tensor");
    expect(() => gru(x, torch.zeros(1, 3, 4))).toThrow("Expected hidden size (1, 2, 4), got [1, 3, 4]");
    const cell = new nn.LSTMCell(3, 4);
    expect(() => cell(torch.randn(2, 2, 3))).toThrow("LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor");
    expect(() => cell(torch.randn(2, 5))).toThrow("input has inconsistent input_size: got 5 expected 3");
    expect(() => cell(torch.randn(2, 3), [torch.zeros(3, 4), torch.zeros(2, 4)])).toThrow(
      "Input batch size 2 doesn't match hidden0 batch size 3",
    );
    expect(() => cell(torch.randn(2, 3), [torch.zeros(2, 4), torch.zeros(2, 5)])).toThrow(
      "hidden1 has inconsistent hidden_size: got 5, expected 4",
    );
  });

  it("dropout applies in training mode only", () => {
    torch.manual_seed(0);
    const gru = new nn.GRU(3, 4, 2, { dropout: 0.5 });
    const x = torch.randn(4, 2, 3);
    const [a] = gru.eval()(x),
      [b] = gru(x);
    expect(a.sub(b).abs().max().item()).toBe(0);
    const [c] = gru.train()(x);
    expect(c.sub(a).abs().max().item()).toBeGreaterThan(0);
  });

  it("parameters stay the same objects on xla and train there", () => {
    torch.manual_seed(1);
    const lstm = new nn.LSTM(3, 4);
    const params = lstm.parameters();
    lstm.to("xla");
    expect(lstm.parameters().every((p, i) => p === params[i] && p.device.type === "xla")).toBe(true);
    const x = torch.randn(6, 2, 3).to("xla");
    const [out, [h]] = lstm(x);
    out.sum().add(h.sum()).backward();
    expect(params.every((p) => p.grad !== null && p.grad!.device.type === "xla")).toBe(true);
  });
});
