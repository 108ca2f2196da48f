// Training and inference loops written as a PyTorch user writes them (no
// sync calls unless the loop is the guide's), shared by the steady-state tests
// and bench/. Each returns a per-step probe so a caller can watch compiles,
// executions and memory as the loop runs.
import * as torch from "xlatorch";

const { nn, optim } = torch;
const F = nn.functional;

export interface LoopProbe {
  step: number;
  loss: number | null;
}
export type Loop = (steps: number, onStep: (p: LoopProbe) => void) => void;

/** Deterministic inputs from a host formula (no RNG): batch `i` of a regression task. */
function batch(i: number, n: number, inF: number, outF: number, device: string): [torch.Tensor, torch.Tensor] {
  const xs = Float32Array.from({ length: n * inF }, (_, k) => Math.sin((i % 17) * 0.37 + k * 0.11));
  const ys = Float32Array.from({ length: n * outF }, (_, k) => Math.cos((i % 17) * 0.23 + k * 0.07));
  return [torch.tensor(xs).reshape(n, inF).to(device), torch.tensor(ys).reshape(n, outF).to(device)];
}

/**
 * An embedding regression over windows of a token tensor held on `device` (word_language_model's batching,
 * `data[:, i:i+10]`: a slice at a moving start), `steps` steps, reading each loss; the losses.
 */
export function embeddingWindows(device: string, steps: number): number[] {
  torch.manual_seed(3);
  const data = torch.randint(20, [3, 10 * steps + 1]).to(device);
  const emb = new torch.nn.Embedding(20, 4).to(device);
  const opt = new torch.optim.SGD(emb.parameters(), 0.05);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const x = data.getitem(":", torch.slice(10 * i, 10 * i + 10));
    const y = data.getitem(":", torch.slice(10 * i + 1, 10 * i + 11));
    const loss = emb.forward(x).sum(-1).sub(y.float()).pow(2).mean();
    opt.zero_grad();
    loss.backward();
    opt.step();
    losses.push(loss.item() as number);
  }
  return losses;
}

/** A 2-layer MLP with Adam; `loss.item()` every `every` steps; with `sync`, the guide's mark_step loop. */
export function mlpAdam(device: string, { every = 10, sync = false } = {}): Loop {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 4)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  return (steps, onStep) => {
    for (let i = 0; i < steps; i++) {
      const [x, y] = batch(i, 16, 8, 4, device);
      const loss = F.mse_loss(model(x), y);
      opt.zero_grad();
      loss.backward();
      opt.step();
      if (sync) torch.xla.sync();
      onStep({ step: i, loss: i % every === 0 ? (loss.item() as number) : null });
    }
  };
}

/** State carried across steps without in-place writes: an EMA and an RNN-style hidden state. */
export function carriedState(device: string, { every = 0 } = {}): Loop {
  torch.manual_seed(0);
  const w = torch.randn(16, 16).mul(0.1).to(device);
  return (steps, onStep) => {
    let h = torch.zeros(4, 16).to(device);
    let ema = torch.zeros(16).to(device);
    for (let i = 0; i < steps; i++) {
      const [x] = batch(i, 4, 16, 1, device);
      h = h.matmul(w).add(x).tanh();
      ema = ema.mul(0.9).add(h.mean(0).mul(0.1));
      onStep({ step: i, loss: every && i % every === 0 ? (ema.sum().item() as number) : null });
    }
    onStep({ step: steps, loss: ema.sum().item() as number });
  };
}

/** Autoregressive sampling from a small model: the token history grows each step. */
export function sampling(device: string, tokens = 200): { run: () => number[] } {
  torch.manual_seed(0);
  const vocab = 11,
    block = 8;
  const emb = new nn.Embedding(vocab, 16).to(device);
  const head = new nn.Linear(16, vocab).to(device);
  return {
    run: () =>
      torch.no_grad(() => {
        let idx = torch.zeros([1, 1], { dtype: torch.int64 }).to(device);
        for (let t = 0; t < tokens; t++) {
          const ctx = idx.shape[1]! > block ? idx.getitem(":", `-${block}:`) : idx;
          const logits = head(emb(ctx).mean(1));
          const next = logits.argmax(-1, { keepdim: true });
          idx = torch.cat([idx, next], 1);
        }
        return (idx.tolist() as number[][])[0]!;
      }),
  };
}
