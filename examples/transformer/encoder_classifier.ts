// A Transformer-encoder sequence classifier on synthetic token sequences,
// written as the PyTorch version would be (tests/fixtures/gen_encoder_classifier.py
// is that version, line for line): nn.Embedding scaled by sqrt(d_model) plus a
// learned positional embedding, nn.TransformerEncoder (batch_first, dropout),
// mean pooling, nn.Linear; CrossEntropyLoss, AdamW and OneCycleLR.
//
// The task: a sequence of SEQ_LEN tokens from VOCAB; its class is the most
// frequent of the tokens 0..N_CLASSES-1 in it (the lowest on ties), so the
// model has to count across positions, which is what attention is for.
// Everything is seeded (weights, batches, dropout), so the per-step losses are
// PyTorch's, on cpu and on xla.
//
//   npx tsx --tsconfig tsconfig.json examples/transformer/encoder_classifier.ts [steps] [device]
import * as torch from "xlatorch";
import { runIfMain } from "../main.js";

const { nn, optim } = torch;
type Tensor = torch.Tensor;

export interface EncoderClassifierOptions {
  device?: string;
  steps?: number;
  batch_size?: number;
  seq_len?: number;
  vocab?: number;
  n_classes?: number;
  d_model?: number;
  nhead?: number;
  dim_feedforward?: number;
  num_layers?: number;
  dropout?: number;
  max_lr?: number;
  weight_decay?: number;
  log_every?: number;
  seed?: number;
}

export class EncoderClassifier extends nn.Module {
  d_model: number;
  embed: InstanceType<typeof nn.Embedding>;
  pos: InstanceType<typeof nn.Parameter>;
  encoder: InstanceType<typeof nn.TransformerEncoder>;
  head: InstanceType<typeof nn.Linear>;

  constructor(o: Required<EncoderClassifierOptions>) {
    super();
    this.d_model = o.d_model;
    this.embed = new nn.Embedding(o.vocab, o.d_model);
    this.pos = new nn.Parameter(torch.randn(1, o.seq_len, o.d_model).mul(0.02));
    const layer = new nn.TransformerEncoderLayer(o.d_model, o.nhead, {
      dim_feedforward: o.dim_feedforward,
      dropout: o.dropout,
      batch_first: true,
    });
    this.encoder = new nn.TransformerEncoder(layer, o.num_layers, { enable_nested_tensor: false });
    this.head = new nn.Linear(o.d_model, o.n_classes);
  }

  /** x: [B, T] token ids -> logits [B, n_classes]. */
  override forward(x: Tensor): Tensor {
    const h = this.embed(x).mul(Math.sqrt(this.d_model)).add(this.pos);
    return this.head(this.encoder(h).mean(1));
  }
}

/** A batch of token sequences [B, T] and their classes [B] (the most frequent of tokens 0..C-1, lowest on ties). */
export function makeBatch(batch_size: number, seq_len: number, vocab: number, n_classes: number): [Tensor, Tensor] {
  const x = torch.randint(0, vocab, [batch_size, seq_len]);
  const counts = x.unsqueeze(-1).eq(torch.arange(n_classes)).sum(1); // [B, C]
  return [x, counts.argmax(1)];
}

export function run(log: (s: string) => void = console.log, opts: EncoderClassifierOptions = {}) {
  const o: Required<EncoderClassifierOptions> = {
    device: "cpu",
    steps: 40,
    batch_size: 32,
    seq_len: 12,
    vocab: 8,
    n_classes: 4,
    d_model: 32,
    nhead: 4,
    dim_feedforward: 64,
    num_layers: 2,
    dropout: 0.1,
    max_lr: 3e-3,
    weight_decay: 0.01,
    log_every: 5,
    seed: 0,
    ...opts,
  };
  torch.manual_seed(o.seed);
  const model = new EncoderClassifier(o).to(o.device);
  const optimizer = new optim.AdamW(model.parameters(), { lr: o.max_lr, weight_decay: o.weight_decay });
  const scheduler = new optim.lr_scheduler.OneCycleLR(optimizer, { max_lr: o.max_lr, total_steps: o.steps });
  const loss_fn = new nn.CrossEntropyLoss();

  const losses: number[] = [];
  const lrs: number[] = [];
  model.train();
  for (let step = 0; step < o.steps; step++) {
    const [xb, yb] = makeBatch(o.batch_size, o.seq_len, o.vocab, o.n_classes);
    const [x, y] = [xb.to(o.device), yb.to(o.device)];
    optimizer.zero_grad();
    const loss = loss_fn(model(x), y);
    loss.backward();
    optimizer.step();
    scheduler.step();
    losses.push(loss.item() as number);
    lrs.push(scheduler.get_last_lr()[0]!);
    if (step % o.log_every === 0 || step === o.steps - 1) log(`step ${String(step).padStart(3)}  loss ${losses[step]!.toFixed(4)}`);
  }

  // accuracy on a fresh batch, without dropout
  model.eval();
  const [xe, ye] = makeBatch(256, o.seq_len, o.vocab, o.n_classes);
  const accuracy = torch.no_grad(() => model(xe.to(o.device)).argmax(1).cpu().eq(ye).float().mean().item() as number);
  log(`accuracy on 256 fresh sequences: ${(accuracy * 100).toFixed(1)}%`);
  return { losses, lrs, accuracy };
}

runIfMain(import.meta, () =>
  run(console.log, {
    ...(process.argv[2] ? { steps: Number(process.argv[2]) } : {}),
    ...(process.argv[3] ? { device: process.argv[3] } : {}),
  }),
);
