// A sequence classifier on nn.TransformerEncoder (the "language modeling with
// nn.Transformer" tutorial's PositionalEncoding and encoder stack, pooled over
// the tokens a src_key_padding_mask keeps): dropout on, model.train() /
// model.eval() switching with torch.no_grad() evaluation every 4 steps,
// CrossEntropyLoss with label smoothing, clip_grad_norm_, a StepLR or
// OneCycleLR schedule and the loss printed every step; ported line by line
// from tests/fixtures/gen_programs.py's encoder(), in the positional and the
// keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn, optim } = torch;
type Tensor = torch.Tensor;
type Schedule = "step" | "onecycle";

/** print(): the lines a run printed (kept, not written, so the test output stays quiet). */
export const printed: string[] = [];
const print = (s: string) => {
  printed.push(s);
};

class PositionalEncoding extends nn.Module {
  dropout: torch.nn.Dropout;
  declare pe: Tensor;
  constructor(d_model: number, dropout = 0.1, max_len = 32, keyword = false) {
    super();
    this.dropout = keyword ? new nn.Dropout({ p: dropout }) : new nn.Dropout(dropout);
    const position = keyword ? torch.arange({ end: max_len }).unsqueeze({ dim: 1 }) : torch.arange(max_len).unsqueeze(1);
    const div_term = keyword
      ? torch.exp(torch.arange({ start: 0, end: d_model, step: 2 }).mul(-Math.log(10000.0) / d_model))
      : torch.exp(torch.arange(0, d_model, 2).mul(-Math.log(10000.0) / d_model));
    const pe = keyword ? torch.zeros({ size: [1, max_len, d_model] }) : torch.zeros(1, max_len, d_model);
    pe.setitem(0, ":", "0::2", torch.sin(position.mul(div_term)));
    pe.setitem(0, ":", "1::2", torch.cos(position.mul(div_term)));
    this.register_buffer("pe", pe);
  }
  override forward(x: Tensor): Tensor {
    x = x.add(this.pe.getitem(":", `:${x.size(1)}`));
    return this.dropout(x);
  }
}

class TransformerClassifier extends nn.Module {
  embedding: torch.nn.Embedding;
  pos_encoder: PositionalEncoding;
  transformer_encoder: torch.nn.TransformerEncoder;
  classifier: torch.nn.Linear;
  constructor(
    ntoken: number,
    readonly d_model: number,
    nhead: number,
    d_hid: number,
    nlayers: number,
    nclass: number,
    dropout = 0.1,
    readonly keyword = false,
  ) {
    super();
    if (!keyword) {
      this.embedding = new nn.Embedding(ntoken, d_model, 0);
      this.pos_encoder = new PositionalEncoding(d_model, dropout);
      const encoder_layers = new nn.TransformerEncoderLayer(d_model, nhead, d_hid, dropout, "relu", 1e-5, true);
      this.transformer_encoder = new nn.TransformerEncoder(encoder_layers, nlayers);
      this.classifier = new nn.Linear(d_model, nclass);
    } else {
      this.embedding = new nn.Embedding(ntoken, d_model, { padding_idx: 0 });
      this.pos_encoder = new PositionalEncoding(d_model, dropout, 32, true);
      const encoder_layers = new nn.TransformerEncoderLayer({ d_model, nhead, dim_feedforward: d_hid, dropout, batch_first: true });
      this.transformer_encoder = new nn.TransformerEncoder(encoder_layers, { num_layers: nlayers });
      this.classifier = new nn.Linear({ in_features: d_model, out_features: nclass });
    }
  }
  override forward(src: Tensor, src_key_padding_mask: Tensor): Tensor {
    src = this.embedding(src).mul(Math.sqrt(this.d_model));
    src = this.pos_encoder(src);
    const output = this.keyword
      ? this.transformer_encoder(src, { src_key_padding_mask })
      : this.transformer_encoder(src, null, src_key_padding_mask);
    const keep = this.keyword
      ? src_key_padding_mask.logical_not().unsqueeze({ dim: -1 }).float()
      : src_key_padding_mask.logical_not().unsqueeze(-1).float();
    const pooled = this.keyword
      ? output
          .mul(keep)
          .sum({ dim: 1 })
          .div({ other: keep.sum({ dim: 1 }) })
      : output.mul(keep).sum(1).div(keep.sum(1));
    return this.classifier(pooled);
  }
}

/** The positional form's sizes: the test's by default (bench/lib/ported.ts runs larger ones too; seq at most 32, the positional table's length). */
export interface EncoderSize {
  ntoken: number;
  n: number;
  seq: number;
  d_model: number;
  nhead: number;
  d_hid: number;
  batch: number;
}
const ENCODER_TEST: EncoderSize = { ntoken: 20, n: 32, seq: 10, d_model: 16, nhead: 2, d_hid: 32, batch: 8 };

export function encoderPositional(schedule: Schedule) {
  return (device: string, onStep?: OnStep, size: EncoderSize = ENCODER_TEST): ProgramRun => {
    torch.manual_seed(5);
    const { ntoken, n, seq } = size;
    const lengths = torch.randint(3, seq + 1, [n]);
    let tokens = torch.randint(1, ntoken, [n, seq]);
    let mask = torch.arange(seq).unsqueeze(0).ge(lengths.unsqueeze(1));
    tokens = tokens.masked_fill(mask, 0);
    let labels = tokens.sum(1).remainder(3).long();
    [tokens, mask, labels] = [tokens.to(device), mask.to(device), labels.to(device)];
    const model = new TransformerClassifier(ntoken, size.d_model, size.nhead, size.d_hid, 2, 3).to(device);
    const criterion = new nn.CrossEntropyLoss(null, null, -100, null, "mean", 0.1);
    const optimizer = new optim.Adam(model.parameters(), 5e-3);
    const steps = 16;
    const scheduler =
      schedule === "step" ? new optim.lr_scheduler.StepLR(optimizer, 4, 0.5) : new optim.lr_scheduler.OneCycleLR(optimizer, 1e-2, steps);
    const losses: number[] = [],
      evals: number[] = [],
      lrs: number[] = [];
    for (let step = 0; step < steps; step++) {
      model.train();
      const idx = torch.randperm(n).getitem(`:${size.batch}`);
      optimizer.zero_grad();
      const out = model(tokens.getitem(idx), mask.getitem(idx));
      const loss = criterion(out, labels.getitem(idx));
      loss.backward();
      nn.utils.clip_grad_norm_(model.parameters(), 0.5);
      optimizer.step();
      scheduler.step();
      lrs.push(scheduler.get_last_lr()[0]!);
      print(`step ${step} loss ${(loss.item() as number).toFixed(4)}`);
      losses.push(loss.item() as number);
      if (step % 4 === 3) {
        model.eval();
        torch.no_grad(() => {
          const out = model(tokens, mask);
          evals.push(criterion(out, labels).item() as number);
          evals.push(out.argmax(1).eq(labels).float().mean().item() as number);
        });
      }
      onStep?.(step);
    }
    return { losses, evals, lrs, params: checksums(model) };
  };
}

export function encoderKeyword(schedule: Schedule) {
  return (device: string, onStep?: OnStep): ProgramRun => {
    torch.manual_seed({ seed: 5 });
    const [ntoken, n, seq] = [20, 32, 10];
    const lengths = torch.randint({ low: 3, high: seq + 1, size: [n] });
    let tokens = torch.randint(1, ntoken, { size: [n, seq] });
    let mask = torch
      .arange(seq)
      .unsqueeze(0)
      .ge({ other: lengths.unsqueeze(1) });
    tokens = tokens.masked_fill({ mask, value: 0 });
    let labels = tokens.sum({ dim: 1 }).remainder({ other: 3 }).long();
    [tokens, mask, labels] = [tokens.to({ device }), mask.to({ device }), labels.to({ device })];
    const model = new TransformerClassifier(ntoken, 16, 2, 32, 2, 3, 0.1, true).to({ device });
    const criterion = new nn.CrossEntropyLoss({ label_smoothing: 0.1 });
    const optimizer = new optim.Adam(model.parameters(), { lr: 5e-3 });
    const steps = 16;
    const scheduler =
      schedule === "step"
        ? new optim.lr_scheduler.StepLR(optimizer, { step_size: 4, gamma: 0.5 })
        : new optim.lr_scheduler.OneCycleLR(optimizer, { max_lr: 1e-2, total_steps: steps });
    const losses: number[] = [],
      evals: number[] = [],
      lrs: number[] = [];
    for (let step = 0; step < steps; step++) {
      model.train({ mode: true });
      const idx = torch.randperm({ n }).getitem(torch.slice(null, 8));
      optimizer.zero_grad({ set_to_none: false });
      const out = model(tokens.getitem(idx), mask.getitem(idx));
      const loss = criterion({ input: out, target: labels.getitem(idx) });
      loss.backward();
      nn.utils.clip_grad_norm_({ parameters: model.parameters(), max_norm: 0.5 });
      optimizer.step({ closure: null });
      scheduler.step();
      lrs.push(scheduler.get_last_lr()[0]!);
      print(`step ${step} loss ${(loss.item() as number).toFixed(4)}`);
      losses.push(loss.item() as number);
      if (step % 4 === 3) {
        model.eval();
        torch.no_grad(() => {
          const out = model(tokens, mask);
          evals.push(criterion(out, { target: labels }).item() as number);
          evals.push(out.argmax({ dim: 1 }).eq(labels).float().mean({ dtype: torch.float32 }).item() as number);
        });
      }
      onStep?.(step);
    }
    return { losses, evals, lrs, params: checksums(model) };
  };
}
