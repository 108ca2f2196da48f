// nanoGPT's model at a tiny size (2 layers, 4 heads, 64 wide, block 32),
// written as nanoGPT's model.py is, for the xla loop benchmark.
import * as torch from "xlatorch";

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

export interface GptConfig {
  vocab_size: number;
  block_size: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
}
export const TINY: GptConfig = { vocab_size: 65, block_size: 32, n_layer: 2, n_head: 4, n_embd: 64 };

class CausalSelfAttention extends nn.Module {
  c_attn: torch.nn.Linear;
  c_proj: torch.nn.Linear;
  declare bias: Tensor;
  constructor(readonly cfg: GptConfig) {
    super();
    this.c_attn = new nn.Linear(cfg.n_embd, 3 * cfg.n_embd);
    this.c_proj = new nn.Linear(cfg.n_embd, cfg.n_embd);
    this.register_buffer("bias", torch.tril(torch.ones(cfg.block_size, cfg.block_size)).view(1, 1, cfg.block_size, cfg.block_size));
  }
  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.cfg.n_head;
    const [q, k, v] = this.c_attn(x).split(this.cfg.n_embd, 2) as [Tensor, Tensor, Tensor];
    const heads = (t: Tensor) => t.view(B, T, nh, C / nh).transpose(1, 2);
    let att = heads(q)
      .matmul(heads(k).transpose(-2, -1))
      .mul(1 / Math.sqrt(C / nh));
    att = att.masked_fill(this.bias.getitem(":", ":", `:${T}`, `:${T}`).eq(0), -Infinity);
    att = F.softmax(att, -1);
    const y = att.matmul(heads(v)).transpose(1, 2).contiguous().view(B, T, C);
    return this.c_proj(y);
  }
}

class Block extends nn.Module {
  ln_1: torch.nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: torch.nn.LayerNorm;
  c_fc: torch.nn.Linear;
  c_proj: torch.nn.Linear;
  constructor(cfg: GptConfig) {
    super();
    this.ln_1 = new nn.LayerNorm(cfg.n_embd);
    this.attn = new CausalSelfAttention(cfg);
    this.ln_2 = new nn.LayerNorm(cfg.n_embd);
    this.c_fc = new nn.Linear(cfg.n_embd, 4 * cfg.n_embd);
    this.c_proj = new nn.Linear(4 * cfg.n_embd, cfg.n_embd);
  }
  override forward(x: Tensor): Tensor {
    x = x.add(this.attn(this.ln_1(x)));
    return x.add(this.c_proj(F.gelu(this.c_fc(this.ln_2(x)))));
  }
}

export class GPT extends nn.Module {
  wte: torch.nn.Embedding;
  wpe: torch.nn.Embedding;
  h: torch.nn.ModuleList;
  ln_f: torch.nn.LayerNorm;
  lm_head: torch.nn.Linear;
  constructor(readonly cfg: GptConfig) {
    super();
    this.wte = new nn.Embedding(cfg.vocab_size, cfg.n_embd);
    this.wpe = new nn.Embedding(cfg.block_size, cfg.n_embd);
    this.h = new nn.ModuleList(Array.from({ length: cfg.n_layer }, () => new Block(cfg)));
    this.ln_f = new nn.LayerNorm(cfg.n_embd);
    this.lm_head = new nn.Linear(cfg.n_embd, cfg.vocab_size, { bias: false });
  }
  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const T = idx.shape[1]!;
    const pos = torch.arange(0, T, { dtype: torch.int64, device: idx.device });
    let x = this.wte(idx).add(this.wpe(pos));
    for (const block of this.h) x = (block as Block)(x);
    const logits = this.lm_head(this.ln_f(x));
    const loss = targets ? F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1)) : null;
    return [logits, loss];
  }
}
