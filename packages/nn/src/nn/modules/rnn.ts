// Recurrent layers (PyTorch 1.13): RNN, LSTM, GRU and their cells.
//
// Everything is a composition of existing ops (linear, sigmoid/tanh/relu,
// chunk, stack, cat, dropout), following ATen's CPU implementation
// (aten/src/ATen/native/RNN.cpp, _rnn_impl): per layer and direction the input
// projection x @ W_ih^T + b_ih is computed for the whole sequence at once, then
// each time step adds h @ W_hh^T + b_hh and applies the cell; the reverse
// direction walks the steps backwards and writes outputs at their own time
// index; between layers (training only) the time-major output goes through
// dropout. So the layers run on the lazy `xla` device as one graph per step
// and get their gradients from ordinary autograd.
import { Tensor, TorchError, TorchTypeError, cat, empty, stack, zeros, type DType, type DeviceLike } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat, pyRepr } from "../repr.js";
import { factory, type Factory } from "./linear.js";
import { runLayerWhile, timeLoopAsWhile } from "./rnn_loop.js";

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

/** One layer-direction's weights (ATen's CellParams). */
interface CellParams {
  w_ih: Tensor;
  w_hh: Tensor;
  b_ih: Tensor | null;
  b_hh: Tensor | null;
  w_hr: Tensor | null;
}

const linear = (x: Tensor, w: Tensor, b: Tensor | null) => F.linear(x, w, b);

// ---- cells on precomputed input gates (xi = x @ W_ih^T + b_ih) -------------------------
// h, c: [B, H]; xi: [B, G]. ATen's SimpleCell / LSTMCell / GRUCell.

function simpleStep(xi: Tensor, h: Tensor, p: CellParams, relu: boolean): Tensor {
  const pre = linear(h, p.w_hh, p.b_hh).add(xi);
  return relu ? pre.relu() : pre.tanh();
}

function lstmStep(xi: Tensor, h: Tensor, c: Tensor, p: CellParams): [Tensor, Tensor] {
  const gates = linear(h, p.w_hh, p.b_hh).add(xi);
  const [i, f, g, o] = gates.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const cy = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
  let hy = o.sigmoid().mul(cy.tanh());
  if (p.w_hr) hy = hy.matmul(p.w_hr.t());
  return [hy, cy];
}

function gruStep(xi: Tensor, h: Tensor, p: CellParams): Tensor {
  const [ir, iz, inn] = xi.chunk(3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = linear(h, p.w_hh, p.b_hh).chunk(3, 1) as [Tensor, Tensor, Tensor];
  const r = hr.add(ir).sigmoid();
  const z = hz.add(iz).sigmoid();
  const n = inn.add(hn.mul(r)).tanh();
  // h' = (1 - z) * n + z * h, written as ATen computes it.
  return h.sub(n).mul(z).add(n);
}

/**
 * One direction of one layer over a time-major sequence [T, B, I]: returns the
 * outputs [T, B, H_out] and the final (h, c). ATen's FullLayer / ReversedFullLayer.
 */
function runLayer(
  mode: Mode,
  input: Tensor,
  h0: Tensor,
  c0: Tensor | null,
  p: CellParams,
  reverse: boolean,
): [Tensor, Tensor, Tensor | null] {
  // on xla without gradients: one stablehlo.while over time (rnn_loop.ts)
  if (timeLoopAsWhile(input, [h0, c0, p.w_ih, p.w_hh, p.b_ih, p.b_hh, p.w_hr]))
    return runLayerWhile(linear(input, p.w_ih, p.b_ih), h0, c0, reverse, (xi, h, c) =>
      mode === "LSTM" ? lstmStep(xi, h, c!, p) : [mode === "GRU" ? gruStep(xi, h, p) : simpleStep(xi, h, p, mode === "RNN_RELU"), null],
    );
  const steps = linear(input, p.w_ih, p.b_ih).unbind(0);
  const T = steps.length;
  const outs: Tensor[] = new Array(T);
  let h = h0,
    c = c0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const xi = steps[t]!;
    if (mode === "LSTM") [h, c] = lstmStep(xi, h, c!, p);
    else if (mode === "GRU") h = gruStep(xi, h, p);
    else h = simpleStep(xi, h, p, mode === "RNN_RELU");
    outs[t] = h;
  }
  return [stack(outs, 0), h, c];
}

type RNNKw = { num_layers?: number; bias?: boolean; batch_first?: boolean; dropout?: number; bidirectional?: boolean } & Factory;
type RNNPos = [num_layers: number, bias: boolean, batch_first: boolean, dropout: number, bidirectional: boolean];
type LSTMKw = RNNKw & { proj_size?: number };
type LSTMPos = [...RNNPos, proj_size: number];

const NAMES = ["num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size", "device", "dtype"] as const;

const quiet = () => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.XLATORCH_QUIET;
/** A module's parameters by name (plain properties). */
const attrs = (m: Module) => m as unknown as Record<string, unknown>;

type Dir = "" | "_reverse";
/** The per-layer parameters (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0, ...), registered by name at construction. */
export interface RNNBase {
  [name: `weight_ih_l${number}${Dir}` | `weight_hh_l${number}${Dir}` | `weight_hr_l${number}${Dir}`]: Parameter;
  [name: `bias_ih_l${number}${Dir}` | `bias_hh_l${number}${Dir}`]: Parameter;
}

/** PyTorch's RNNBase: parameters, checks and the multi-layer loop shared by RNN, LSTM and GRU. */
export class RNNBase extends Module {
  mode: Mode;
  input_size: number;
  hidden_size: number;
  num_layers: number;
  bias: boolean;
  batch_first: boolean;
  dropout: number;
  bidirectional: boolean;
  proj_size: number;
  /** Parameter names in registration order, and grouped per layer-direction. */
  _flat_weights_names: string[];
  _all_weights: string[][];

  constructor(mode: Mode, input_size: number, hidden_size: number, ...args: Args<LSTMPos, LSTMKw>) {
    super();
    // PyTorch's RNNBase(mode, input_size, hidden_size, num_layers, bias, ...): the subclasses pass their parsed options
    const o = parseRNN("RNNBase", args);
    this.mode = mode;
    this.input_size = input_size;
    this.hidden_size = hidden_size;
    this.num_layers = o.num_layers;
    this.bias = o.bias;
    this.batch_first = o.batch_first;
    this.dropout = Number(o.dropout);
    this.bidirectional = o.bidirectional;
    this.proj_size = o.proj_size;
    const dropout = o.dropout;
    if (typeof dropout !== "number" || !(dropout >= 0 && dropout <= 1)) {
      throw new TorchError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    }
    if (dropout > 0 && o.num_layers === 1 && !quiet()) {
      console.warn(
        `UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${pyFloat(dropout)} and num_layers=${o.num_layers}`,
      );
    }
    if (o.proj_size < 0) throw new TorchError("proj_size should be a positive integer or zero to disable projections");
    if (o.proj_size >= hidden_size) throw new TorchError("proj_size has to be smaller than hidden_size");
    const gate = mode === "LSTM" ? 4 * hidden_size : mode === "GRU" ? 3 * hidden_size : hidden_size;
    const D = o.bidirectional ? 2 : 1;
    const f = factory(o);
    this._flat_weights_names = [];
    this._all_weights = [];
    for (let layer = 0; layer < o.num_layers; layer++) {
      for (let dir = 0; dir < D; dir++) {
        const real = o.proj_size > 0 ? o.proj_size : hidden_size;
        const layerIn = layer === 0 ? input_size : real * D;
        const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const params: [string, number[]][] = [
          [`weight_ih${sfx}`, [gate, layerIn]],
          [`weight_hh${sfx}`, [gate, real]],
        ];
        if (o.bias) params.push([`bias_ih${sfx}`, [gate]], [`bias_hh${sfx}`, [gate]]);
        if (o.proj_size > 0) params.push([`weight_hr${sfx}`, [o.proj_size, hidden_size]]);
        for (const [name, shape] of params) attrs(this)[name] = new Parameter(empty(shape, f));
        const names = params.map(([n]) => n);
        this._flat_weights_names.push(...names);
        this._all_weights.push(names);
      }
    }
    this.reset_parameters();
  }

  /** Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in registration order. */
  reset_parameters(): void {
    const stdv = this.hidden_size > 0 ? 1.0 / Math.sqrt(this.hidden_size) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  get all_weights(): Parameter[][] {
    return this._all_weights.map((ws) => ws.map((w) => attrs(this)[w] as Parameter));
  }
  get _flat_weights(): (Parameter | null)[] {
    return this._flat_weights_names.map((w) => (attrs(this)[w] as Parameter) ?? null);
  }
  /** A no-op, as on PyTorch's CPU (it only repacks cuDNN weights). */
  flatten_parameters(): void {}

  check_input(input: Tensor): void {
    if (input.dim() !== 3) throw new TorchError(`input must have 3 dimensions, got ${input.dim()}`);
    if (this.input_size !== input.size(-1)) {
      throw new TorchError(`input.size(-1) must be equal to input_size. Expected ${this.input_size}, got ${input.size(-1)}`);
    }
  }
  get_expected_hidden_size(input: Tensor): [number, number, number] {
    const mini = input.size(this.batch_first ? 0 : 1);
    const D = this.bidirectional ? 2 : 1;
    return [this.num_layers * D, mini, this.proj_size > 0 ? this.proj_size : this.hidden_size];
  }
  check_hidden_size(hx: Tensor, expected: [number, number, number], msg = "Expected hidden size"): void {
    if (hx.shape.join() !== expected.join()) throw new TorchError(`${msg} (${expected.join(", ")}), got [${hx.shape.join(", ")}]`);
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.proj_size !== 0) s += `, proj_size=${this.proj_size}`;
    if (this.num_layers !== 1) s += `, num_layers=${this.num_layers}`;
    if (this.bias !== true) s += `, bias=${pyRepr(this.bias)}`;
    if (this.batch_first !== false) s += `, batch_first=${pyRepr(this.batch_first)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional !== false) s += `, bidirectional=${pyRepr(this.bidirectional)}`;
    return s;
  }

  /**
   * The multi-layer, optionally bidirectional recurrence (ATen's _rnn_impl) on a
   * checked 3-D input. hx: [L*D, B, H_out] (and cx: [L*D, B, H] for LSTM).
   * Returns output in the input's layout and the stacked final states.
   */
  _run(input: Tensor, hx: Tensor, cx: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const D = this.bidirectional ? 2 : 1;
    let x = this.batch_first ? input.transpose(0, 1) : input;
    const h0 = hx.unbind(0),
      c0 = cx ? cx.unbind(0) : null;
    const hn: Tensor[] = [],
      cn: Tensor[] = [];
    for (let layer = 0; layer < this.num_layers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < D; dir++) {
        const idx = layer * D + dir;
        const ws = this._all_weights[idx]!.map((n) => attrs(this)[n] as Tensor);
        const p: CellParams = this.bias
          ? { w_ih: ws[0]!, w_hh: ws[1]!, b_ih: ws[2]!, b_hh: ws[3]!, w_hr: ws[4] ?? null }
          : { w_ih: ws[0]!, w_hh: ws[1]!, b_ih: null, b_hh: null, w_hr: ws[2] ?? null };
        const [out, h, c] = runLayer(this.mode, x, h0[idx]!, c0 ? c0[idx]! : null, p, dir === 1);
        outs.push(out);
        hn.push(h);
        if (c) cn.push(c);
      }
      x = D === 1 ? outs[0]! : cat(outs, 2);
      if (this.dropout !== 0 && this.training && layer < this.num_layers - 1) x = F.dropout(x, this.dropout, true);
    }
    const output = this.batch_first ? x.transpose(0, 1) : x;
    return [output, stack(hn, 0), cx ? stack(cn, 0) : null];
  }
}

/** Shared front half of RNN/GRU.forward: unbatched input, default hx, checks. */
function prepareSingle(
  m: RNNBase,
  input: Tensor,
  hx: Tensor | null | undefined,
): { input: Tensor; hx: Tensor; batched: boolean; batchDim: number } {
  const batched = input.dim() === 3;
  const batchDim = m.batch_first ? 0 : 1;
  let h = hx ?? null;
  if (!batched) {
    input = input.unsqueeze(batchDim);
    if (h !== null) {
      if (h.dim() !== 2) throw new TorchError(`For unbatched 2-D input, hx should also be 2-D but got ${h.dim()}-D tensor`);
      h = h.unsqueeze(1);
    }
  } else if (h !== null && h.dim() !== 3) {
    throw new TorchError(`For batched 3-D input, hx should also be 3-D but got ${h.dim()}-D tensor`);
  }
  if (h === null) {
    const B = input.size(m.batch_first ? 0 : 1);
    h = zeros([m.num_layers * (m.bidirectional ? 2 : 1), B, m.hidden_size], { dtype: input.dtype, device: input.device });
  }
  m.check_input(input);
  m.check_hidden_size(h, m.get_expected_hidden_size(input));
  return { input, hx: h, batched, batchDim };
}

function singleForward(m: RNNBase, input: Tensor, hx: Tensor | null | undefined): [Tensor, Tensor] {
  const s = prepareSingle(m, input, hx);
  let [output, hidden] = m._run(s.input, s.hx, null);
  if (!s.batched) {
    output = output.squeeze(s.batchDim);
    hidden = hidden.squeeze(1);
  }
  return [output, hidden];
}

/**
 * RNN, LSTM and GRU take PyTorch's (*args, **kwargs): input_size and hidden_size
 * may come positionally or in the options object. Returns them and the rest.
 */
function sizeArgs(op: string, raw: readonly unknown[]): [number, number, unknown[]] {
  const pos = [...raw];
  while (pos.length && pos[pos.length - 1] === undefined) pos.pop();
  const last = pos[pos.length - 1];
  const kw =
    last && typeof last === "object" && !Array.isArray(last) && !(last instanceof Tensor)
      ? { ...(pos.pop() as Record<string, unknown>) }
      : null;
  const take = (i: number, name: string): number => {
    if (i < pos.length) {
      if (kw && name in kw) throw new TorchTypeError(`${op}() got multiple values for argument '${name}'`);
      return pos[i] as number;
    }
    if (kw && name in kw) {
      const v = kw[name];
      delete kw[name];
      return v as number;
    }
    throw new TorchTypeError(`${op}() missing 1 required positional argument: '${name}'`);
  };
  const input_size = take(0, "input_size"),
    hidden_size = take(1, "hidden_size");
  const rest = pos.slice(2);
  return [input_size, hidden_size, kw && Object.keys(kw).length ? [...rest, kw] : rest];
}

function rejectProj(kw: unknown): void {
  if (kw && typeof kw === "object" && !Array.isArray(kw) && !(kw instanceof Tensor) && "proj_size" in kw) {
    throw new TorchError("proj_size argument is only supported for LSTM, not RNN or GRU");
  }
}
const lastKw = (args: readonly unknown[]) => args[args.length - 1];

/**
 * Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).
 * `new nn.RNN(input_size, hidden_size, num_layers?, bias?, batch_first?, dropout?, bidirectional?, { nonlinearity, ... })`;
 * `rnn(input, h_0?)` returns `[output, h_n]`.
 */
export class RNN extends RNNBase {
  nonlinearity: "tanh" | "relu";
  constructor(input_size: number, hidden_size: number, ...given: Args<RNNPos, RNNKw & { nonlinearity?: "tanh" | "relu" }>) {
    const [i, h, args] = sizeArgs("RNN", [input_size, hidden_size, ...given]);
    rejectProj(lastKw(args));
    const kw = lastKw(args);
    let nonlinearity: string = "tanh";
    let rest: unknown[] = args;
    if (kw && typeof kw === "object" && !(kw instanceof Tensor) && "nonlinearity" in kw) {
      const { nonlinearity: nl, ...others } = kw as { nonlinearity: string };
      nonlinearity = nl;
      rest = [...args.slice(0, -1), others];
    }
    let mode: Mode;
    if (nonlinearity === "tanh") mode = "RNN_TANH";
    else if (nonlinearity === "relu") mode = "RNN_RELU";
    else throw new TorchError(`Unknown nonlinearity '${nonlinearity}'`);
    super(mode, i, h, parseRNN("RNN", rest));
    this.nonlinearity = nonlinearity as "tanh" | "relu";
  }
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    return singleForward(this, input, hx);
  }
}

/**
 * Gated recurrent unit: r, z, n gates in that order,
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.
 * `gru(input, h_0?)` returns `[output, h_n]`.
 */
export class GRU extends RNNBase {
  constructor(input_size: number, hidden_size: number, ...given: Args<RNNPos, RNNKw>) {
    const [i, h, args] = sizeArgs("GRU", [input_size, hidden_size, ...given]);
    rejectProj(lastKw(args));
    super("GRU", i, h, parseRNN("GRU", args));
  }
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    return singleForward(this, input, hx);
  }
}

/**
 * Long short-term memory: gates i, f, g, o in that order; with proj_size > 0
 * the hidden state is projected by weight_hr. `lstm(input, [h_0, c_0]?)`
 * returns `[output, [h_n, c_n]]`.
 */
export class LSTM extends RNNBase {
  constructor(input_size: number, hidden_size: number, ...given: Args<LSTMPos, LSTMKw>) {
    const [i, h, args] = sizeArgs("LSTM", [input_size, hidden_size, ...given]);
    super("LSTM", i, h, parseRNN("LSTM", args));
  }

  get_expected_cell_size(input: Tensor): [number, number, number] {
    const mini = input.size(this.batch_first ? 0 : 1);
    return [this.num_layers * (this.bidirectional ? 2 : 1), mini, this.hidden_size];
  }

  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const batched = input.dim() === 3;
    const batchDim = this.batch_first ? 0 : 1;
    if (!batched) input = input.unsqueeze(batchDim);
    let h: Tensor, c: Tensor;
    if (hx === null || hx === undefined) {
      const L = this.num_layers * (this.bidirectional ? 2 : 1),
        B = input.size(batchDim);
      const o = { dtype: input.dtype, device: input.device };
      h = zeros([L, B, this.proj_size > 0 ? this.proj_size : this.hidden_size], o);
      c = zeros([L, B, this.hidden_size], o);
    } else {
      if (!Array.isArray(hx) || hx.length !== 2) throw new TorchTypeError("LSTM: hx must be a pair [h_0, c_0] of Tensors");
      [h, c] = hx as [Tensor, Tensor];
      if (batched) {
        if (h.dim() !== 3 || c.dim() !== 3)
          throw new TorchError(`For batched 3-D input, hx and cx should also be 3-D but got (${h.dim()}-D, ${c.dim()}-D) tensors`);
      } else {
        if (h.dim() !== 2 || c.dim() !== 2)
          throw new TorchError(`For unbatched 2-D input, hx and cx should also be 2-D but got (${h.dim()}-D, ${c.dim()}-D) tensors`);
        h = h.unsqueeze(1);
        c = c.unsqueeze(1);
      }
    }
    this.check_input(input);
    this.check_hidden_size(h, this.get_expected_hidden_size(input), "Expected hidden[0] size");
    this.check_hidden_size(c, this.get_expected_cell_size(input), "Expected hidden[1] size");
    let [output, hn, cn] = this._run(input, h, c) as [Tensor, Tensor, Tensor];
    if (!batched) {
      output = output.squeeze(batchDim);
      hn = hn.squeeze(1);
      cn = cn.squeeze(1);
    }
    return [output, [hn, cn]];
  }
}

function parseRNN(op: string, args: readonly unknown[]) {
  const o = parseArgs(op, args, NAMES, { num_layers: 1, bias: true, batch_first: false, dropout: 0, bidirectional: false, proj_size: 0 });
  if (!Number.isInteger(o.num_layers) || o.num_layers < 1) {
    throw new TorchTypeError(`${op}(): num_layers must be a positive int, got ${String(o.num_layers)}`);
  }
  return o as {
    num_layers: number;
    bias: boolean;
    batch_first: boolean;
    dropout: number;
    bidirectional: boolean;
    proj_size: number;
    device?: DeviceLike | null;
    dtype?: DType | null;
  };
}

// ---- cells ------------------------------------------------------------------------------

/** PyTorch's RNNCellBase: weight_ih [k*H, I], weight_hh [k*H, H], bias_ih, bias_hh [k*H] (or null). */
export class RNNCellBase extends Module {
  input_size: number;
  hidden_size: number;
  bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(input_size: number, hidden_size: number, bias: boolean, num_chunks: number, f: Factory = {}) {
    super();
    this.input_size = input_size;
    this.hidden_size = hidden_size;
    this.bias = bias;
    const fk = factory(f);
    this.weight_ih = new Parameter(empty([num_chunks * hidden_size, input_size], fk));
    this.weight_hh = new Parameter(empty([num_chunks * hidden_size, hidden_size], fk));
    this.bias_ih = bias ? new Parameter(empty([num_chunks * hidden_size], fk)) : null;
    this.bias_hh = bias ? new Parameter(empty([num_chunks * hidden_size], fk)) : null;
    this.reset_parameters();
  }

  reset_parameters(): void {
    const stdv = this.hidden_size > 0 ? 1.0 / Math.sqrt(this.hidden_size) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.bias !== true) s += `, bias=${pyRepr(this.bias)}`;
    const nl = attrs(this).nonlinearity;
    if (nl !== undefined && nl !== "tanh") s += `, nonlinearity=${nl}`;
    return s;
  }

  /** 1-D or 2-D input; returns the batched input and whether to squeeze the result. */
  protected _batch(name: string, input: Tensor): [Tensor, boolean] {
    if (input.dim() !== 1 && input.dim() !== 2)
      throw new TorchError(`${name}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`);
    return input.dim() === 2 ? [input, true] : [input.unsqueeze(0), false];
  }
  protected _zeros(input: Tensor): Tensor {
    return zeros([input.size(0), this.hidden_size], { dtype: input.dtype, device: input.device });
  }
  /** ATen's check_rnn_cell_forward_input / _hidden. */
  protected _check(input: Tensor, hx: Tensor, name: number): void {
    if (input.size(1) !== this.input_size)
      throw new TorchError(`input has inconsistent input_size: got ${input.size(1)} expected ${this.input_size}`);
    if (hx.dim() !== 2 || input.size(0) !== hx.size(0))
      throw new TorchError(`Input batch size ${input.size(0)} doesn't match hidden${name} batch size ${hx.dim() >= 1 ? hx.size(0) : 1}`);
    if (hx.size(1) !== this.hidden_size)
      throw new TorchError(`hidden${name} has inconsistent hidden_size: got ${hx.size(1)}, expected ${this.hidden_size}`);
  }
  protected get _params(): CellParams {
    return { w_ih: this.weight_ih, w_hh: this.weight_hh, b_ih: this.bias_ih, b_hh: this.bias_hh, w_hr: null };
  }
}

type CellKw = { bias?: boolean } & Factory;

/** h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu). `cell(input, hx?)` returns h'. */
export class RNNCell extends RNNCellBase {
  nonlinearity: string;
  constructor(
    input_size: number,
    hidden_size: number,
    ...args: Args<[bias: boolean, nonlinearity: "tanh" | "relu"], CellKw & { nonlinearity?: "tanh" | "relu" }>
  ) {
    const o = parseArgs("RNNCell", args, ["bias", "nonlinearity", "device", "dtype"], { bias: true, nonlinearity: "tanh" });
    super(input_size, hidden_size, o.bias, 1, o);
    this.nonlinearity = o.nonlinearity;
  }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, batched] = this._batch("RNNCell", input);
    const h = hx === null || hx === undefined ? this._zeros(x) : batched ? hx : hx.unsqueeze(0);
    if (this.nonlinearity !== "tanh" && this.nonlinearity !== "relu") throw new TorchError(`Unknown nonlinearity: ${this.nonlinearity}`);
    this._check(x, h, 0);
    const p = this._params;
    const y = simpleStep(linear(x, p.w_ih, p.b_ih), h, p, this.nonlinearity === "relu");
    return batched ? y : y.squeeze(0);
  }
}

/** One LSTM step (gates i, f, g, o). `cell(input, [h, c]?)` returns `[h', c']`. */
export class LSTMCell extends RNNCellBase {
  constructor(input_size: number, hidden_size: number, ...args: Args<[bias: boolean], CellKw>) {
    const o = parseArgs("LSTMCell", args, ["bias", "device", "dtype"], { bias: true });
    super(input_size, hidden_size, o.bias, 4, o);
  }
  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [x, batched] = this._batch("LSTMCell", input);
    let h: Tensor, c: Tensor;
    if (hx === null || hx === undefined) {
      h = this._zeros(x);
      c = h;
    } else {
      if (!Array.isArray(hx) || hx.length !== 2) throw new TorchTypeError("LSTMCell: hx must be a pair [h, c] of Tensors");
      [h, c] = batched ? (hx as [Tensor, Tensor]) : [hx[0]!.unsqueeze(0), hx[1]!.unsqueeze(0)];
    }
    this._check(x, h, 0);
    this._check(x, c, 1);
    const p = this._params;
    const [hy, cy] = lstmStep(linear(x, p.w_ih, p.b_ih), h, c, p);
    return batched ? [hy, cy] : [hy.squeeze(0), cy.squeeze(0)];
  }
}

/** One GRU step (gates r, z, n). `cell(input, hx?)` returns h'. */
export class GRUCell extends RNNCellBase {
  constructor(input_size: number, hidden_size: number, ...args: Args<[bias: boolean], CellKw>) {
    const o = parseArgs("GRUCell", args, ["bias", "device", "dtype"], { bias: true });
    super(input_size, hidden_size, o.bias, 3, o);
  }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, batched] = this._batch("GRUCell", input);
    const h = hx === null || hx === undefined ? this._zeros(x) : batched ? hx : hx.unsqueeze(0);
    this._check(x, h, 0);
    const p = this._params;
    const y = gruStep(linear(x, p.w_ih, p.b_ih), h, p);
    return batched ? y : y.squeeze(0);
  }
}
