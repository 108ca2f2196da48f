// nanoGPT (model.py and train.py's loop) at a tiny size, ported line by line
// from tests/fixtures/gen_programs.py's nanogpt() twice: positional form and
// keyword form (every argument PyTorch code could pass by keyword).
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;
export interface Config {
  block_size: number;
  vocab_size: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
  dropout: number;
  bias: boolean;
}

// ---------------------------------------------------------------------------
// positional form

class CausalSelfAttention extends nn.Module {
  c_attn: torch.nn.Linear;
  c_proj: torch.nn.Linear;
  attn_dropout: torch.nn.Dropout;
  resid_dropout: torch.nn.Dropout;
  n_head: number;
  n_embd: number;
  declare bias: Tensor;
  constructor(config: Config) {
    super();
    this.c_attn = new nn.Linear(config.n_embd, 3 * config.n_embd, config.bias);
    this.c_proj = new nn.Linear(config.n_embd, config.n_embd, config.bias);
    this.attn_dropout = new nn.Dropout(config.dropout);
    this.resid_dropout = new nn.Dropout(config.dropout);
    this.n_head = config.n_head;
    this.n_embd = config.n_embd;
    const bs = config.block_size;
    this.register_buffer("bias", torch.tril(torch.ones(bs, bs)).view(1, 1, bs, bs));
  }
  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.size() as [number, number, number];
    let [q, k, v] = this.c_attn(x).split(this.n_embd, 2) as [Tensor, Tensor, Tensor];
    k = k.view(B, T, this.n_head, C / this.n_head).transpose(1, 2);
    q = q.view(B, T, this.n_head, C / this.n_head).transpose(1, 2);
    v = v.view(B, T, this.n_head, C / this.n_head).transpose(1, 2);
    let att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(k.size(-1)));
    att = att.masked_fill(this.bias.getitem(":", ":", `:${T}`, `:${T}`).eq(0), -Infinity);
    att = F.softmax(att, -1);
    att = this.attn_dropout(att);
    let y = att.matmul(v);
    y = y.transpose(1, 2).contiguous().view(B, T, C);
    y = this.resid_dropout(this.c_proj(y));
    return y;
  }
}

class MLP extends nn.Module {
  c_fc: torch.nn.Linear;
  gelu: torch.nn.GELU;
  c_proj: torch.nn.Linear;
  dropout: torch.nn.Dropout;
  constructor(config: Config) {
    super();
    this.c_fc = new nn.Linear(config.n_embd, 4 * config.n_embd, config.bias);
    this.gelu = new nn.GELU();
    this.c_proj = new nn.Linear(4 * config.n_embd, config.n_embd, config.bias);
    this.dropout = new nn.Dropout(config.dropout);
  }
  override forward(x: Tensor): Tensor {
    return this.dropout(this.c_proj(this.gelu(this.c_fc(x))));
  }
}

class Block extends nn.Module {
  ln_1: torch.nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: torch.nn.LayerNorm;
  mlp: MLP;
  constructor(config: Config) {
    super();
    this.ln_1 = new nn.LayerNorm(config.n_embd);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new nn.LayerNorm(config.n_embd);
    this.mlp = new MLP(config);
  }
  override forward(x: Tensor): Tensor {
    x = x.add(this.attn(this.ln_1(x)));
    x = x.add(this.mlp(this.ln_2(x)));
    return x;
  }
}

interface Trunk {
  wte: torch.nn.Embedding;
  wpe: torch.nn.Embedding;
  drop: torch.nn.Dropout;
  h: torch.nn.ModuleList;
  ln_f: torch.nn.LayerNorm;
}

class GPT extends nn.Module {
  config: Config;
  transformer: torch.nn.ModuleDict & Trunk;
  lm_head: torch.nn.Linear;
  constructor(config: Config) {
    super();
    this.config = config;
    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocab_size, config.n_embd),
      wpe: new nn.Embedding(config.block_size, config.n_embd),
      drop: new nn.Dropout(config.dropout),
      h: new nn.ModuleList(Array.from({ length: config.n_layer }, () => new Block(config))),
      ln_f: new nn.LayerNorm(config.n_embd),
    }) as torch.nn.ModuleDict & Trunk;
    this.lm_head = new nn.Linear(config.n_embd, config.vocab_size, false);
    this.transformer.wte.weight = this.lm_head.weight; // weight tying
    this.apply((m) => this._init_weights(m));
    for (const [pn, p] of this.named_parameters()) {
      if (pn.endsWith("c_proj.weight")) nn.init.normal_(p, 0.0, 0.02 / Math.sqrt(2 * config.n_layer));
    }
  }
  _init_weights(module: torch.nn.Module): void {
    if (module instanceof nn.Linear) {
      nn.init.normal_(module.weight, 0.0, 0.02);
      if (module.bias !== null) nn.init.zeros_(module.bias);
    } else if (module instanceof nn.Embedding) {
      nn.init.normal_(module.weight, 0.0, 0.02);
    }
  }
  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const [, t] = idx.size() as [number, number];
    const pos = torch.arange(0, t, { dtype: torch.long, device: idx.device });
    const tok_emb = this.transformer.wte(idx);
    const pos_emb = this.transformer.wpe(pos);
    let x = this.transformer.drop(tok_emb.add(pos_emb));
    for (const block of this.transformer.h) x = (block as Block)(x);
    x = this.transformer.ln_f(x);
    let logits: Tensor, loss: Tensor | null;
    if (targets !== null) {
      logits = this.lm_head(x);
      loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), null, null, -1);
    } else {
      logits = this.lm_head(x.getitem(":", [-1], ":")); // inference: only the last position
      loss = null;
    }
    return [logits, loss];
  }
  generate(idx: Tensor, max_new_tokens: number, temperature = 1.0, top_k: number | null = null): Tensor {
    return torch.no_grad(() => {
      for (let i = 0; i < max_new_tokens; i++) {
        const idx_cond = idx.size(1) <= this.config.block_size ? idx : idx.getitem(":", `${-this.config.block_size}:`);
        let [logits] = (this as GPT)(idx_cond);
        logits = logits.getitem(":", -1, ":").div(temperature);
        if (top_k !== null) {
          const [v] = torch.topk(logits, Math.min(top_k, logits.size(-1)));
          logits.setitem(logits.lt(v.getitem(":", [-1])), -Infinity);
        }
        const probs = F.softmax(logits, -1);
        const idx_next = torch.multinomial(probs, 1);
        idx = torch.cat([idx, idx_next], 1);
      }
      return idx;
    });
  }
  configure_optimizers(weight_decay: number, learning_rate: number, betas: [number, number]): torch.optim.AdamW {
    const param_dict = new Map(this.named_parameters().filter(([, p]) => p.requires_grad));
    const decay_params = [...param_dict.values()].filter((p) => p.dim() >= 2);
    const nodecay_params = [...param_dict.values()].filter((p) => p.dim() < 2);
    const optim_groups = [
      { params: decay_params, weight_decay },
      { params: nodecay_params, weight_decay: 0.0 },
    ];
    return new torch.optim.AdamW(optim_groups, learning_rate, betas);
  }
}

const CONFIG: Config = { block_size: 8, vocab_size: 16, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0.1, bias: true };
const [learning_rate, min_lr, warmup_iters, lr_decay_iters] = [6e-3, 6e-4, 3, 12];
function get_lr(it: number): number {
  if (it < warmup_iters) return (learning_rate * it) / warmup_iters;
  if (it > lr_decay_iters) return min_lr;
  const decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters);
  const coeff = 0.5 * (1.0 + Math.cos(Math.PI * decay_ratio));
  return min_lr + coeff * (learning_rate - min_lr);
}

/** The positional form's model and batch: the test's by default (bench/lib/ported.ts runs larger ones too). */
export interface NanogptSize {
  config: Config;
  batch_size: number;
}
const NANOGPT_TEST: NanogptSize = { config: CONFIG, batch_size: 4 };

export function nanogptPositional(device: string, onStep?: OnStep, iters = 16, size: NanogptSize = NANOGPT_TEST): ProgramRun {
  torch.manual_seed(1337);
  const config = size.config;
  const data = torch.randint(config.vocab_size, [Math.max(256, 4 * config.block_size)]);
  const [batch_size, block_size] = [size.batch_size, config.block_size];
  const get_batch = (): [Tensor, Tensor] => {
    const ix = torch.randint(data.size(0) - block_size, [batch_size]);
    const x = torch.stack((ix.tolist() as number[]).map((i) => data.getitem(`${i}:${i + block_size}`)));
    const y = torch.stack((ix.tolist() as number[]).map((i) => data.getitem(`${i + 1}:${i + 1 + block_size}`)));
    return [x.to(device), y.to(device)];
  };
  const model = new GPT(config).to(device);
  const optimizer = model.configure_optimizers(0.1, learning_rate, [0.9, 0.95]);
  const losses: number[] = [],
    lrs: number[] = [],
    norms: number[] = [],
    evals: number[] = [];
  model.train();
  for (let it = 0; it < iters; it++) {
    const lr = get_lr(it);
    for (const param_group of optimizer.param_groups) param_group.lr = lr;
    const [X, Y] = get_batch();
    const [, loss] = model(X, Y) as [Tensor, Tensor];
    loss.backward();
    const norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0);
    optimizer.step();
    optimizer.zero_grad(true);
    losses.push(loss.item() as number);
    norms.push(norm.item() as number);
    lrs.push(lr);
    if (it % 5 === 4) {
      model.eval();
      torch.no_grad(() => {
        const [X, Y] = get_batch();
        const [, l] = model(X, Y) as [Tensor, Tensor];
        evals.push(l.item() as number);
      });
      model.train();
    }
    onStep?.(it);
  }
  // sample.py: top-k sampling from the trained model
  model.eval();
  const start = torch.zeros([2, 1], { dtype: torch.long }).to(device);
  const generated = model.generate(start, 12, 0.8, 5).getitem(":", "1:").flatten().tolist() as number[];
  return { losses, lrs, norms, evals, generated, params: checksums(model) };
}

// ---------------------------------------------------------------------------
// keyword form: the same program with every argument PyTorch takes by keyword
// passed in a trailing options object. (Tensor.size's declared type has no
// keyword form yet, though the parser takes one: `as unknown as number`.
// `.contiguous()` goes without memory_format: xlatorch has no
// torch.contiguous_format.)

class CausalSelfAttentionK extends nn.Module {
  c_attn: torch.nn.Linear;
  c_proj: torch.nn.Linear;
  attn_dropout: torch.nn.Dropout;
  resid_dropout: torch.nn.Dropout;
  n_head: number;
  n_embd: number;
  declare bias: Tensor;
  constructor(config: Config) {
    super();
    this.c_attn = new nn.Linear(config.n_embd, 3 * config.n_embd, { bias: config.bias });
    this.c_proj = new nn.Linear({ in_features: config.n_embd, out_features: config.n_embd, bias: config.bias });
    this.attn_dropout = new nn.Dropout({ p: config.dropout });
    this.resid_dropout = new nn.Dropout({ p: config.dropout, inplace: false });
    this.n_head = config.n_head;
    this.n_embd = config.n_embd;
    const bs = config.block_size;
    this.register_buffer("bias", torch.tril(torch.ones([bs, bs])).view(1, 1, bs, bs), { persistent: true });
  }
  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.size() as [number, number, number];
    let [q, k, v] = this.c_attn({ input: x }).split(this.n_embd, { dim: 2 }) as [Tensor, Tensor, Tensor];
    k = k.view(B, T, this.n_head, C / this.n_head).transpose({ dim0: 1, dim1: 2 });
    q = q.view(B, T, this.n_head, C / this.n_head).transpose(1, { dim1: 2 });
    v = v.view(B, T, this.n_head, C / this.n_head).transpose({ dim0: 1, dim1: 2 });
    let att = q.matmul(k.transpose({ dim0: -2, dim1: -1 })).mul(1.0 / Math.sqrt(k.size({ dim: -1 } as unknown as number)));
    att = att.masked_fill({ mask: this.bias.getitem(":", ":", `:${T}`, `:${T}`).eq(0), value: -Infinity });
    att = F.softmax(att, { dim: -1 });
    att = this.attn_dropout({ input: att });
    let y = att.matmul(v);
    y = y.transpose({ dim0: 1, dim1: 2 }).contiguous().view(B, T, C);
    y = this.resid_dropout(this.c_proj({ input: y }));
    return y;
  }
}

class MLPK extends nn.Module {
  c_fc: torch.nn.Linear;
  gelu: torch.nn.GELU;
  c_proj: torch.nn.Linear;
  dropout: torch.nn.Dropout;
  constructor(config: Config) {
    super();
    this.c_fc = new nn.Linear(config.n_embd, 4 * config.n_embd, { bias: config.bias });
    this.gelu = new nn.GELU({ approximate: "none" });
    this.c_proj = new nn.Linear(4 * config.n_embd, config.n_embd, { bias: config.bias });
    this.dropout = new nn.Dropout({ p: config.dropout });
  }
  override forward(x: Tensor): Tensor {
    return this.dropout({ input: this.c_proj({ input: this.gelu({ input: this.c_fc({ input: x }) }) }) });
  }
}

class BlockK extends nn.Module {
  ln_1: torch.nn.LayerNorm;
  attn: CausalSelfAttentionK;
  ln_2: torch.nn.LayerNorm;
  mlp: MLPK;
  constructor(config: Config) {
    super();
    this.ln_1 = new nn.LayerNorm({ normalized_shape: config.n_embd });
    this.attn = new CausalSelfAttentionK(config);
    this.ln_2 = new nn.LayerNorm(config.n_embd, { eps: 1e-5, elementwise_affine: true });
    this.mlp = new MLPK(config);
  }
  override forward(x: Tensor): Tensor {
    x = x.add({ other: this.attn(this.ln_1({ input: x })) });
    x = x.add(this.mlp(this.ln_2({ input: x })), { alpha: 1 });
    return x;
  }
}

class GPTK extends nn.Module {
  config: Config;
  transformer: torch.nn.ModuleDict & Trunk;
  lm_head: torch.nn.Linear;
  constructor(config: Config) {
    super();
    this.config = config;
    this.transformer = new nn.ModuleDict({
      modules: {
        wte: new nn.Embedding({ num_embeddings: config.vocab_size, embedding_dim: config.n_embd }),
        wpe: new nn.Embedding(config.block_size, { embedding_dim: config.n_embd }),
        drop: new nn.Dropout({ p: config.dropout }),
        h: new nn.ModuleList({ modules: Array.from({ length: config.n_layer }, () => new BlockK(config)) }),
        ln_f: new nn.LayerNorm({ normalized_shape: config.n_embd }),
      },
    }) as torch.nn.ModuleDict & Trunk;
    this.lm_head = new nn.Linear(config.n_embd, config.vocab_size, { bias: false });
    this.transformer.wte.weight = this.lm_head.weight; // weight tying
    this.apply((m) => this._init_weights(m));
    for (const [pn, p] of this.named_parameters({ prefix: "", recurse: true })) {
      if (pn.endsWith("c_proj.weight")) nn.init.normal_(p, { mean: 0.0, std: 0.02 / Math.sqrt(2 * config.n_layer) });
    }
  }
  _init_weights(module: torch.nn.Module): void {
    if (module instanceof nn.Linear) {
      nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) nn.init.zeros_({ tensor: module.bias });
    } else if (module instanceof nn.Embedding) {
      nn.init.normal_({ tensor: module.weight, mean: 0.0, std: 0.02 });
    }
  }
  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const [, t] = idx.size() as [number, number];
    const pos = torch.arange(0, t, { dtype: torch.long, device: idx.device });
    const tok_emb = this.transformer.wte({ input: idx });
    const pos_emb = this.transformer.wpe({ input: pos });
    let x = this.transformer.drop(tok_emb.add(pos_emb));
    for (const block of this.transformer.h) x = (block as BlockK)(x);
    x = this.transformer.ln_f({ input: x });
    let logits: Tensor, loss: Tensor | null;
    if (targets !== null) {
      logits = this.lm_head({ input: x });
      loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignore_index: -1 });
    } else {
      logits = this.lm_head({ input: x.getitem(":", [-1], ":") }); // inference: only the last position
      loss = null;
    }
    return [logits, loss];
  }
  generate(idx: Tensor, max_new_tokens: number, temperature = 1.0, top_k: number | null = null): Tensor {
    return torch.no_grad(() => {
      for (let i = 0; i < max_new_tokens; i++) {
        const idx_cond =
          idx.size({ dim: 1 } as unknown as number) <= this.config.block_size
            ? idx
            : idx.getitem(":", torch.slice(-this.config.block_size, null));
        let [logits] = (this as GPTK)(idx_cond);
        logits = logits.getitem(":", -1, ":").div({ other: temperature });
        if (top_k !== null) {
          const { values: v } = torch.topk(logits, { k: Math.min(top_k, logits.size(-1)) });
          logits.setitem(logits.lt({ other: v.getitem(":", [-1]) }), -Infinity);
        }
        const probs = F.softmax(logits, { dim: -1 });
        const idx_next = torch.multinomial(probs, { num_samples: 1 });
        idx = torch.cat({ tensors: [idx, idx_next], dim: 1 });
      }
      return idx;
    });
  }
  configure_optimizers(weight_decay: number, learning_rate: number, betas: [number, number]): torch.optim.AdamW {
    const param_dict = new Map(this.named_parameters().filter(([, p]) => p.requires_grad));
    const decay_params = [...param_dict.values()].filter((p) => p.dim() >= 2);
    const nodecay_params = [...param_dict.values()].filter((p) => p.dim() < 2);
    const optim_groups = [
      { params: decay_params, weight_decay },
      { params: nodecay_params, weight_decay: 0.0 },
    ];
    return new torch.optim.AdamW(optim_groups, { lr: learning_rate, betas });
  }
}

export function nanogptKeyword(device: string, onStep?: OnStep, iters = 16): ProgramRun {
  torch.manual_seed({ seed: 1337 });
  const config = CONFIG;
  const data = torch.randint({ high: config.vocab_size, size: [256] });
  const [batch_size, block_size] = [4, config.block_size];
  const get_batch = (): [Tensor, Tensor] => {
    const ix = torch.randint(data.size({ dim: 0 } as unknown as number) - block_size, { size: [batch_size] });
    const x = torch.stack({ tensors: (ix.tolist() as number[]).map((i) => data.getitem(`${i}:${i + block_size}`)) });
    const y = torch.stack(
      (ix.tolist() as number[]).map((i) => data.getitem(`${i + 1}:${i + 1 + block_size}`)),
      { dim: 0 },
    );
    return [x.to({ device }), y.to({ device, non_blocking: false })];
  };
  const model = new GPTK(config).to({ device });
  const optimizer = model.configure_optimizers(0.1, learning_rate, [0.9, 0.95]);
  const losses: number[] = [],
    lrs: number[] = [],
    norms: number[] = [],
    evals: number[] = [];
  model.train({ mode: true });
  for (let it = 0; it < iters; it++) {
    const lr = get_lr(it);
    for (const param_group of optimizer.param_groups) param_group.lr = lr;
    const [X, Y] = get_batch();
    const [, loss] = model(X, Y) as [Tensor, Tensor];
    loss.backward({ retain_graph: false });
    const norm = nn.utils.clip_grad_norm_({ parameters: model.parameters(), max_norm: 1.0, norm_type: 2.0 });
    optimizer.step({ closure: null });
    optimizer.zero_grad({ set_to_none: true });
    losses.push(loss.item() as number);
    norms.push(norm.item() as number);
    lrs.push(lr);
    if (it % 5 === 4) {
      model.eval();
      torch.no_grad(() => {
        const [X, Y] = get_batch();
        const [, l] = model(X, Y) as [Tensor, Tensor];
        evals.push(l.item() as number);
      });
      model.train();
    }
    onStep?.(it);
  }
  // sample.py: top-k sampling from the trained model
  model.eval();
  const start = torch.zeros([2, 1], { dtype: torch.long, device });
  const generated = model.generate(start, 12, 0.8, 5).getitem(":", torch.slice(1, null)).flatten().tolist() as number[];
  return { losses, lrs, norms, evals, generated, params: checksums(model) };
}
