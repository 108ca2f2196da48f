// A char-RNN (pytorch/examples word_language_model's loop: truncated BPTT,
// hidden state carried across batches and detached by repackage_hidden,
// clip_grad_norm_) with a 2-layer nn.LSTM or nn.GRU (dropout between layers),
// ported line by line from tests/fixtures/gen_programs.py's char_rnn(), in the
// positional and the keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn } = torch;
type Tensor = torch.Tensor;
type Cell = "lstm" | "gru";
type Hidden = Tensor | [Tensor, Tensor];

class CharRNN extends nn.Module {
  encoder: torch.nn.Embedding;
  rnn: torch.nn.LSTM | torch.nn.GRU;
  decoder: torch.nn.Linear;
  constructor(
    vocab: number,
    readonly hidden: number,
    readonly cell: Cell,
    readonly num_layers: number,
    dropout: number,
    keyword: boolean,
  ) {
    super();
    if (!keyword) {
      this.encoder = new nn.Embedding(vocab, hidden);
      const rnn = cell === "lstm" ? nn.LSTM : nn.GRU;
      this.rnn = new rnn(hidden, hidden, num_layers, true, true, dropout);
      this.decoder = new nn.Linear(hidden, vocab);
    } else {
      this.encoder = new nn.Embedding({ num_embeddings: vocab, embedding_dim: hidden });
      const rnn = cell === "lstm" ? nn.LSTM : nn.GRU;
      this.rnn = new rnn(hidden, hidden, num_layers, { dropout, batch_first: true });
      this.decoder = new nn.Linear(hidden, { out_features: vocab });
    }
  }
  override forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    const emb = this.encoder(input);
    const [output, h] = this.rnn(emb, hidden as never) as [Tensor, Hidden];
    return [this.decoder(output), h];
  }
  init_hidden(bsz: number): Hidden {
    const weight = this.parameters()[0]!;
    if (this.cell === "lstm")
      return [weight.new_zeros(this.num_layers, bsz, this.hidden), weight.new_zeros(this.num_layers, bsz, this.hidden)];
    return weight.new_zeros(this.num_layers, bsz, this.hidden);
  }
  init_hidden_kw(bsz: number): Hidden {
    const weight = this.parameters()[0]!;
    const size = [this.num_layers, bsz, this.hidden];
    if (this.cell === "lstm") return [weight.new_zeros(size, { dtype: weight.dtype }), weight.new_zeros({ size })];
    return weight.new_zeros({ size, device: weight.device });
  }
}

function repackage_hidden(h: Hidden): Hidden {
  if (h instanceof torch.Tensor) return h.detach();
  return h.map((v) => repackage_hidden(v)) as [Tensor, Tensor];
}

/** The positional form's sizes: the test's by default (bench/lib/ported.ts runs larger ones too). */
export interface CharRnnSize {
  vocab: number;
  hidden: number;
  bsz: number;
  bptt: number;
}
const CHAR_RNN_TEST: CharRnnSize = { vocab: 12, hidden: 16, bsz: 4, bptt: 6 };

export function charRnnPositional(cell: Cell) {
  return (device: string, onStep?: OnStep, epochs = 3, size: CharRnnSize = CHAR_RNN_TEST): ProgramRun => {
    torch.manual_seed(3);
    const { vocab, hidden, bsz, bptt } = size;
    const data = torch.randint(vocab, [bsz, 6 * bptt + 1]).to(device);
    const model = new CharRNN(vocab, hidden, cell, 2, 0.2, false).to(device);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new torch.optim.Adam(model.parameters(), 0.01);
    const losses: number[] = [];
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      let hidden_state = model.init_hidden(bsz);
      for (let i = 0; i < 6 * bptt; i += bptt) {
        const inp = data.getitem(":", `${i}:${i + bptt}`);
        const target = data.getitem(":", `${i + 1}:${i + 1 + bptt}`);
        hidden_state = repackage_hidden(hidden_state);
        model.zero_grad();
        let output: Tensor;
        [output, hidden_state] = model(inp, hidden_state);
        const loss = criterion(output.reshape(-1, vocab), target.reshape(-1));
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), 0.25);
        optimizer.step();
        losses.push(loss.item() as number);
        onStep?.(step++);
      }
    }
    model.eval();
    const ev = torch.no_grad(() => {
      const [output] = model(data.getitem(":", `:${bptt}`), model.init_hidden(bsz));
      return criterion(output.reshape(-1, vocab), data.getitem(":", `1:${bptt + 1}`).reshape(-1)).item() as number;
    });
    return { losses, evals: [ev], params: checksums(model) };
  };
}

export function charRnnKeyword(cell: Cell) {
  return (device: string, onStep?: OnStep, epochs = 3): ProgramRun => {
    torch.manual_seed({ seed: 3 });
    const [vocab, hidden, bsz, bptt] = [12, 16, 4, 6];
    const data = torch.randint({ high: vocab, size: [bsz, 6 * bptt + 1] }).to({ device });
    const model = new CharRNN(vocab, hidden, cell, 2, 0.2, true).to({ device });
    const criterion = new nn.CrossEntropyLoss({ ignore_index: -100, reduction: "mean" });
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
    const losses: number[] = [];
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train({ mode: true });
      let hidden_state = model.init_hidden_kw(bsz);
      for (let i = 0; i < 6 * bptt; i += bptt) {
        const inp = data.getitem(":", torch.slice(i, i + bptt));
        const target = data.getitem(":", torch.slice(i + 1, i + 1 + bptt));
        hidden_state = repackage_hidden(hidden_state);
        model.zero_grad({ set_to_none: false });
        let output: Tensor;
        [output, hidden_state] = model(inp, hidden_state);
        const loss = criterion({ input: output.reshape([-1, vocab]), target: target.reshape({ shape: [-1] }) });
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), { max_norm: 0.25 });
        optimizer.step();
        losses.push(loss.item() as number);
        onStep?.(step++);
      }
    }
    model.eval();
    const ev = torch.no_grad(() => {
      const [output] = model(data.getitem(":", torch.slice(null, bptt)), model.init_hidden_kw(bsz));
      return criterion(output.reshape(-1, vocab), { target: data.getitem(":", torch.slice(1, bptt + 1)).reshape(-1) }).item() as number;
    });
    return { losses, evals: [ev], params: checksums(model) };
  };
}
