// A character-level language model on the book of Genesis (King James
// Version, examples/data/kjv_genesis.txt), written as the PyTorch version
// would be: nn.Embedding -> nn.LSTM -> nn.Linear, CrossEntropyLoss, Adam, on
// the lazy `xla` device.
//
// The loop is PyTorch's, unchanged: no torch.xla.sync() calls. Every training
// step has the same shapes (fixed batch size and sequence length), so after
// the first steps each step is one cached graph: forward, backward and the
// Adam update run as one compiled computation, and reading the loss runs
// nothing new. At the end the model continues a prompt, sampling one
// character at a time (seeded, so the text is reproducible), and the metrics
// report shows the compiles and cache hits.
//
//   npx tsx --tsconfig tsconfig.json examples/char_lm/train.ts [steps] [device]
//
// (the root tsconfig maps "xlatorch" to the sources; examples/tsconfig.json
// uses the built package, after `pnpm run build`).
import { readFileSync } from "node:fs";
import * as torch from "xlatorch";
import { runIfMain } from "../main.js";

const { nn, optim } = torch;
type Tensor = torch.Tensor;
type State = [Tensor, Tensor];

export interface CharLMOptions {
  device?: string;
  steps?: number;
  batch_size?: number;
  seq_len?: number;
  embed_dim?: number;
  hidden_size?: number;
  lr?: number;
  log_every?: number;
  sample_len?: number;
  prompt?: string;
  temperature?: number;
  seed?: number;
}

/** The text and its character vocabulary (sorted), as int64 ids. */
export function loadGenesis(): { text: string; chars: string[]; data: Tensor } {
  const text = readFileSync(new URL("../data/kjv_genesis.txt", import.meta.url), "utf8");
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  const data = torch.tensor(
    [...text].map((c) => index.get(c)!),
    { dtype: torch.int64 },
  );
  return { text, chars, data };
}

export class CharLM extends nn.Module {
  embed: InstanceType<typeof nn.Embedding>;
  lstm: InstanceType<typeof nn.LSTM>;
  head: InstanceType<typeof nn.Linear>;
  constructor(vocab_size: number, embed_dim: number, hidden_size: number) {
    super();
    this.embed = new nn.Embedding(vocab_size, embed_dim);
    this.lstm = new nn.LSTM(embed_dim, hidden_size, { batch_first: true });
    this.head = new nn.Linear(hidden_size, vocab_size);
  }
  /** x: [B, T] character ids -> logits [B, T, vocab] and the final LSTM state. */
  override forward(x: Tensor, state: State | null = null): [Tensor, State] {
    const [out, next] = this.lstm(this.embed(x), state);
    return [this.head(out), next];
  }
}

export function run(log: (s: string) => void = console.log, opts: CharLMOptions = {}) {
  const o = {
    device: "xla",
    steps: 250,
    batch_size: 32,
    seq_len: 32,
    embed_dim: 32,
    hidden_size: 64,
    lr: 0.01,
    log_every: 25,
    sample_len: 200,
    prompt: "And God said",
    temperature: 0.5,
    seed: 0,
    ...opts,
  };
  torch.manual_seed(o.seed);
  const { chars, data } = loadGenesis();
  const V = chars.length;
  const model = new CharLM(V, o.embed_dim, o.hidden_size).to(o.device);
  const optimizer = new optim.Adam(model.parameters(), { lr: o.lr });
  const loss_fn = new nn.CrossEntropyLoss();
  const offsets = torch.arange(o.seq_len + 1);

  /** A batch of random windows: inputs [B, T] and the next characters [B, T]. */
  function batch(): [Tensor, Tensor] {
    const starts = torch.randint(0, data.numel() - o.seq_len - 1, [o.batch_size]);
    const win = data.getitem(starts.unsqueeze(1).add(offsets)); // [B, T + 1]
    return [win.getitem(":", ":-1").to(o.device), win.getitem(":", "1:").to(o.device)];
  }

  const t0 = performance.now();
  const losses: number[] = [];
  /** Uncached compiles so far, after each step: flat once the step graph is cached. */
  const compiles: number[] = [];
  for (let step = 0; step < o.steps; step++) {
    const [x, y] = batch();
    const [logits] = model(x);
    const loss = loss_fn(logits.reshape(-1, V), y.reshape(-1));
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    const l = loss.item() as number;
    losses.push(l);
    compiles.push(torch.xla.metrics().uncachedCompiles);
    if (step % o.log_every === 0 || step === o.steps - 1) {
      log(`step ${String(step).padStart(4)}  loss ${l.toFixed(4)}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  const trainSeconds = (performance.now() - t0) / 1000;

  // Continue the prompt: feed it once, then one sampled character at a time,
  // carrying the LSTM state (reading probs each step cuts there, so the graphs
  // are the prompt's and one step's, each compiled once).
  const sample = torch.no_grad(() => {
    model.eval();
    const ids = [...o.prompt].map((c) => chars.indexOf(c));
    let [logits, state] = model(torch.tensor([ids], { dtype: torch.int64 }).to(o.device));
    let text = o.prompt;
    for (let i = 0; i < o.sample_len; i++) {
      const probs = logits.getitem(0, -1).div(o.temperature).softmax(-1);
      const next = torch.multinomial(probs.cpu(), 1).item() as number;
      text += chars[next];
      [logits, state] = model(torch.tensor([[next]], { dtype: torch.int64 }).to(o.device), state);
    }
    return text;
  });
  log(`\nsample (temperature ${o.temperature}):\n${sample}\n`);
  log(`trained ${o.steps} steps in ${trainSeconds.toFixed(1)} s`);
  log(torch.xla.metrics_report());
  return { losses, compiles, sample, trainSeconds, metrics: torch.xla.metrics() };
}

runIfMain(import.meta, () =>
  run(console.log, {
    ...(process.argv[2] ? { steps: Number(process.argv[2]) } : {}),
    ...(process.argv[3] ? { device: process.argv[3] } : {}),
  }),
);
