// pytorch/examples word_language_model: model.py's RNNModel (an LSTM, tied
// encoder/decoder weights, dropout) and main.py's batchify/get_batch,
// repackage_hidden, clip_grad_norm_, the manual SGD update
// `p.data.add_(p.grad, alpha=-lr)`, lr annealing on a worse validation loss
// and math.exp(loss) perplexity; the last BPTT window of an epoch is shorter,
// as there. Ported line by line from tests/fixtures/gen_programs2.py's
// word_lm(), in the positional and the keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;
type Hidden = Tensor | [Tensor, Tensor];

class RNNModel extends nn.Module {
  ntoken: number;
  drop: torch.nn.Dropout;
  encoder: torch.nn.Embedding;
  rnn: torch.nn.LSTM | torch.nn.GRU;
  decoder: torch.nn.Linear;
  rnn_type: "LSTM" | "GRU";
  nhid: number;
  nlayers: number;
  constructor(
    rnn_type: "LSTM" | "GRU",
    ntoken: number,
    ninp: number,
    nhid: number,
    nlayers: number,
    dropout = 0.5,
    tie_weights = false,
    readonly keyword = false,
  ) {
    super();
    this.ntoken = ntoken;
    if (!keyword) {
      this.drop = new nn.Dropout(dropout);
      this.encoder = new nn.Embedding(ntoken, ninp);
      this.rnn = new nn[rnn_type](ninp, nhid, nlayers, { dropout });
      this.decoder = new nn.Linear(nhid, ntoken);
    } else {
      this.drop = new nn.Dropout({ p: dropout });
      this.encoder = new nn.Embedding({ num_embeddings: ntoken, embedding_dim: ninp });
      // (nn.LSTM/GRU take keyword sizes at run time, as PyTorch's *args/**kwargs do; their declared constructor types do not yet, hence the casts)
      const RNNk = nn[rnn_type] as unknown as new (kwargs: {
        input_size: number;
        hidden_size: number;
        num_layers: number;
        dropout: number;
      }) => torch.nn.LSTM;
      this.rnn = new RNNk({ input_size: ninp, hidden_size: nhid, num_layers: nlayers, dropout });
      this.decoder = new nn.Linear({ in_features: nhid, out_features: ntoken });
    }
    if (tie_weights) {
      if (nhid !== ninp) throw new Error("When using the tied flag, nhid must be equal to emsize");
      this.decoder.weight = this.encoder.weight;
    }
    this.init_weights();
    this.rnn_type = rnn_type;
    this.nhid = nhid;
    this.nlayers = nlayers;
  }
  init_weights(): void {
    const initrange = 0.1;
    if (!this.keyword) {
      nn.init.uniform_(this.encoder.weight, -initrange, initrange);
      nn.init.zeros_(this.decoder.bias!);
      nn.init.uniform_(this.decoder.weight, -initrange, initrange);
    } else {
      nn.init.uniform_({ tensor: this.encoder.weight, a: -initrange, b: initrange });
      nn.init.zeros_({ tensor: this.decoder.bias! });
      nn.init.uniform_(this.decoder.weight, { a: -initrange, b: initrange });
    }
  }
  override forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    if (this.keyword) {
      const emb = this.drop({ input: this.encoder({ input }) });
      const [output0, h] = this.rnn(emb, hidden as never) as [Tensor, Hidden];
      const output = this.drop({ input: output0 });
      let decoded = this.decoder({ input: output });
      decoded = decoded.view({ size: [-1, this.ntoken] });
      return [F.log_softmax(decoded, { dim: 1 }), h];
    }
    const emb = this.drop(this.encoder(input));
    const [output0, h] = this.rnn(emb, hidden as never) as [Tensor, Hidden];
    const output = this.drop(output0);
    let decoded = this.decoder(output);
    decoded = decoded.view(-1, this.ntoken);
    return [F.log_softmax(decoded, 1), h];
  }
  init_hidden(bsz: number): Hidden {
    const weight = this.parameters()[0]!;
    if (this.rnn_type === "LSTM")
      return this.keyword
        ? [
            weight.new_zeros({ size: [this.nlayers, bsz, this.nhid] }),
            weight.new_zeros([this.nlayers, bsz, this.nhid], { dtype: weight.dtype }),
          ]
        : [weight.new_zeros(this.nlayers, bsz, this.nhid), weight.new_zeros(this.nlayers, bsz, this.nhid)];
    return weight.new_zeros(this.nlayers, bsz, this.nhid);
  }
}

function repackage_hidden(h: Hidden): Hidden {
  if (h instanceof torch.Tensor) return h.detach();
  return h.map((v) => repackage_hidden(v)) as [Tensor, Tensor];
}

export function wordLm(keyword: boolean) {
  return (device: string, onStep?: OnStep, epochs = 3): ProgramRun => {
    const kw = keyword;
    torch.manual_seed(1111);
    const [ntokens, emsize, bptt, batch_size, eval_batch_size, clip] = [20, 16, 5, 4, 2, 0.25];
    const batchify = (data: Tensor, bsz: number): Tensor => {
      const nbatch = Math.floor(data.size(0) / bsz);
      if (kw) {
        data = data.narrow({ dim: 0, start: 0, length: nbatch * bsz });
        data = data
          .view({ size: [bsz, -1] })
          .t()
          .contiguous({ memory_format: torch.contiguous_format });
        return data.to({ device });
      }
      data = data.narrow(0, 0, nbatch * bsz);
      data = data.view(bsz, -1).t().contiguous();
      return data.to(device);
    };
    const train_data = batchify(kw ? torch.randint({ high: ntokens, size: [90] }) : torch.randint(ntokens, [90]), batch_size);
    const val_data = batchify(kw ? torch.randint(ntokens, { size: [24] }) : torch.randint(ntokens, [24]), eval_batch_size);
    const model = new RNNModel("LSTM", ntokens, emsize, emsize, 2, 0.2, true, kw).to(device);
    const criterion = kw ? new nn.NLLLoss({ ignore_index: -100, reduction: "mean" }) : new nn.NLLLoss();

    const get_batch = (source: Tensor, i: number): [Tensor, Tensor] => {
      const seq_len = Math.min(bptt, source.size(0) - 1 - i);
      if (kw) {
        const data = source.getitem(torch.slice(i, i + seq_len));
        const target = source.getitem(torch.slice(i + 1, i + 1 + seq_len)).view({ size: [-1] });
        return [data, target];
      }
      const data = source.getitem(`${i}:${i + seq_len}`);
      const target = source.getitem(`${i + 1}:${i + 1 + seq_len}`).view(-1);
      return [data, target];
    };

    const evaluate = (data_source: Tensor): number => {
      model.eval();
      let total_loss = 0.0;
      let hidden = model.init_hidden(eval_batch_size);
      torch.no_grad(() => {
        for (let i = 0; i < data_source.size(0) - 1; i += bptt) {
          const [data, targets] = get_batch(data_source, i);
          let output: Tensor;
          [output, hidden] = model(data, hidden);
          hidden = repackage_hidden(hidden);
          total_loss += data.size(0) * (criterion(output, targets).item() as number);
        }
      });
      return total_loss / (data_source.size(0) - 1);
    };

    const losses: number[] = [],
      evals: number[] = [],
      lrs: number[] = [];
    let lr = 20.0;
    let step = 0;
    const train = (): void => {
      model.train();
      let hidden = model.init_hidden(batch_size);
      for (let i = 0; i < train_data.size(0) - 1; i += bptt) {
        const [data, targets] = get_batch(train_data, i);
        model.zero_grad();
        hidden = repackage_hidden(hidden);
        let output: Tensor;
        [output, hidden] = model(data, hidden);
        const loss = kw ? criterion({ input: output, target: targets }) : criterion(output, targets);
        loss.backward();
        if (kw) nn.utils.clip_grad_norm_({ parameters: model.parameters(), max_norm: clip });
        else nn.utils.clip_grad_norm_(model.parameters(), clip);
        for (const p of model.parameters()) {
          if (kw) p.data.add_({ other: p.grad!, alpha: -lr });
          else p.data.add_(p.grad!, { alpha: -lr });
        }
        losses.push(loss.item() as number);
        onStep?.(step++);
      }
    };

    let best_val_loss: number | null = null;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      train();
      const val_loss = evaluate(val_data);
      evals.push(val_loss, Math.exp(val_loss));
      if (!best_val_loss || val_loss < best_val_loss) {
        best_val_loss = val_loss;
      } else {
        lr /= 4.0;
      }
      lrs.push(lr);
    }
    return { losses, evals, lrs, params: checksums(model) };
  };
}
export const wordLmPositional = wordLm(false);
export const wordLmKeyword = wordLm(true);
