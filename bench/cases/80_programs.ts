// Whole training steps of programs ported from PyTorch (issue 11's targets):
// the CIFAR-10 tutorial CNN ("Training a classifier": conv 3->6 k5, maxpool 2,
// conv 6->16 k5, maxpool 2, fc 400-120-84-10, CrossEntropyLoss, SGD lr 0.001
// momentum 0.9) at batch 16 and 64, and nanoGPT tiny (bench/programs/tiny_gpt.ts:
// 2 layers, 4 heads, 64 wide, block 32, AdamW, batch 8). One repetition is one
// step: zero_grad, forward, loss, backward, optimizer step.
//
// Every peer starts from the same weights: each parameter is a case input (the
// harness's deterministic f32 files), copied into the model by name, and the
// token ids / labels are inputs too (floored to int64), so outputs agree across
// peers. The checked output is the first step's loss followed by one
// parameter's gradient from that step (conv1.weight / lm_head.weight), so the
// backward is cross-checked too; the timed repetitions return the loss.
import { readOne, xlatorchInputs } from "../lib/impl.js";
import type { Case, HostInputs, Impl, InputSpec, PeerCtx } from "../lib/types.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** Parameters as (PyTorch name, shape, init bound or fixed value). */
type ParamSpec = [name: string, shape: number[], range: [number, number]];

const u = (fanIn: number): [number, number] => [-1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)];

// PyTorch's default init bounds (kaiming-uniform a=sqrt(5): 1/sqrt(fan_in)).
const CNN_PARAMS: ParamSpec[] = [
  ["conv1.weight", [6, 3, 5, 5], u(75)],
  ["conv1.bias", [6], u(75)],
  ["conv2.weight", [16, 6, 5, 5], u(150)],
  ["conv2.bias", [16], u(150)],
  ["fc1.weight", [120, 400], u(400)],
  ["fc1.bias", [120], u(400)],
  ["fc2.weight", [84, 120], u(120)],
  ["fc2.bias", [84], u(120)],
  ["fc3.weight", [10, 84], u(84)],
  ["fc3.bias", [10], u(84)],
];

const GPT = { vocab: 65, block: 32, layers: 2, heads: 4, embd: 64, batch: 8 };
const GPT_PARAMS: ParamSpec[] = (() => {
  const E = GPT.embd;
  const ps: ParamSpec[] = [
    ["wte.weight", [GPT.vocab, E], [-1, 1]],
    ["wpe.weight", [GPT.block, E], [-1, 1]],
  ];
  for (let l = 0; l < GPT.layers; l++) {
    const h = `h.${l}.`;
    ps.push(
      [`${h}ln_1.weight`, [E], [1, 1]],
      [`${h}ln_1.bias`, [E], [0, 0]],
      [`${h}attn.c_attn.weight`, [3 * E, E], u(E)],
      [`${h}attn.c_attn.bias`, [3 * E], u(E)],
      [`${h}attn.c_proj.weight`, [E, E], u(E)],
      [`${h}attn.c_proj.bias`, [E], u(E)],
      [`${h}ln_2.weight`, [E], [1, 1]],
      [`${h}ln_2.bias`, [E], [0, 0]],
      [`${h}c_fc.weight`, [4 * E, E], u(E)],
      [`${h}c_fc.bias`, [4 * E], u(E)],
      [`${h}c_proj.weight`, [E, 4 * E], u(4 * E)],
      [`${h}c_proj.bias`, [E], u(4 * E)],
    );
  }
  ps.push(["ln_f.weight", [E], [1, 1]], ["ln_f.bias", [E], [0, 0]], ["lm_head.weight", [GPT.vocab, E], u(E)]);
  return ps;
})();

const paramInputs = (ps: ParamSpec[]): InputSpec[] => ps.map(([name, shape, range]) => ({ name: `p.${name}`, shape, range }));

/** Copies the case's parameter inputs into `model` by name (every parameter must be given). */
function loadParams(torch: Any, model: Any, byName: Map<string, Any>): void {
  torch.no_grad(() => {
    for (const [name, p] of model.named_parameters()) {
      const src = byName.get(`p.${name}`);
      if (!src) throw new Error(`80_programs: no input for parameter ${name}`);
      p.copy_(src);
    }
  });
}

/** The case's inputs as xlatorch tensors on the peer's device, by input name. */
function inputsByName(ctx: PeerCtx, inputs: HostInputs): Map<string, Any> {
  const ts = xlatorchInputs(ctx, inputs);
  return new Map(Object.keys(inputs).map((k, i) => [k, ts[i]]));
}

function stepImpl(ctx: PeerCtx, step: () => Any, checked: () => Any): Impl {
  const torch = ctx.lib;
  return {
    run: () => readOne(ctx, step()),
    output: () => {
      const loss = step();
      const out = torch.cat([loss.reshape(1), checked().reshape(-1)]);
      return Float32Array.from(out.to("cpu")._host());
    },
  };
}

function cnnImpl() {
  return async (ctx: PeerCtx, inputs: HostInputs): Promise<Impl> => {
    const torch = ctx.lib;
    const dev = ctx.extra.device ?? "cpu";
    const { Net } = await import("../programs/cifar_cnn.js");
    const t = inputsByName(ctx, inputs);
    const net = new Net().to(dev);
    loadParams(torch, net, t);
    const x = t.get("x");
    const labels = t.get("labels").floor().to(torch.int64);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    const lossFn = new torch.nn.CrossEntropyLoss();
    const step = () => {
      opt.zero_grad();
      const loss = lossFn(net(x), labels);
      loss.backward();
      opt.step();
      return loss.detach();
    };
    return stepImpl(ctx, step, () => net.conv1.weight.grad);
  };
}

async function gptImpl(ctx: PeerCtx, inputs: HostInputs): Promise<Impl> {
  const torch = ctx.lib;
  const dev = ctx.extra.device ?? "cpu";
  const { GPT: Model, TINY } = await import("../programs/tiny_gpt.js");
  const t = inputsByName(ctx, inputs);
  const model = new Model(TINY).to(dev);
  loadParams(torch, model, t);
  const idx = t.get("idx").floor().to(torch.int64);
  const targets = t.get("targets").floor().to(torch.int64);
  const opt = new torch.optim.AdamW(model.parameters(), { lr: 1e-3 });
  const step = () => {
    opt.zero_grad();
    const loss = model(idx, targets)[1]!;
    loss.backward();
    opt.step();
    return loss.detach();
  };
  return stepImpl(ctx, step, () => model.lm_head.weight.grad);
}

// The same programs in PyTorch (the tutorial's Net; nanoGPT's model.py at the
// tiny size, as bench/programs/tiny_gpt.ts writes it: no dropout, untied
// lm_head). `P` maps parameter names to the case's input tensors.
const TORCH_COMMON = [
  "import math",
  "nn = torch.nn",
  "F = torch.nn.functional",
  "P = {k[2:]: v for k, v in globals().items() if k.startswith('p.')}",
  "def load(model):",
  "    sd = model.state_dict()",
  "    for name, _ in model.named_parameters():",
  "        sd[name].copy_(P[name])",
  "calls = [0]",
  "def run_step(model, opt, loss_of, checked):",
  "    opt.zero_grad()",
  "    with torch.enable_grad():",
  "        loss = loss_of()",
  "        loss.backward()",
  "    opt.step()",
  "    calls[0] += 1",
  "    if calls[0] == 1:",
  "        return torch.cat([loss.detach().reshape(1), checked().grad.reshape(-1)])",
  "    return loss.detach()",
];

const TORCH_CNN = [
  ...TORCH_COMMON,
  "class Net(nn.Module):",
  "    def __init__(self):",
  "        super().__init__()",
  "        self.conv1 = nn.Conv2d(3, 6, 5)",
  "        self.pool = nn.MaxPool2d(2, 2)",
  "        self.conv2 = nn.Conv2d(6, 16, 5)",
  "        self.fc1 = nn.Linear(16 * 5 * 5, 120)",
  "        self.fc2 = nn.Linear(120, 84)",
  "        self.fc3 = nn.Linear(84, 10)",
  "    def forward(self, x):",
  "        x = self.pool(F.relu(self.conv1(x)))",
  "        x = self.pool(F.relu(self.conv2(x)))",
  "        x = torch.flatten(x, 1)",
  "        x = F.relu(self.fc1(x))",
  "        x = F.relu(self.fc2(x))",
  "        return self.fc3(x)",
  "net = Net()",
  "load(net)",
  "y = labels.floor().long()",
  "criterion = nn.CrossEntropyLoss()",
  "opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)",
  "step = lambda: run_step(net, opt, lambda: criterion(net(x), y), lambda: net.conv1.weight)",
].join("\n");

const TORCH_GPT = [
  ...TORCH_COMMON,
  `V, BS, NL, NH, NE = ${GPT.vocab}, ${GPT.block}, ${GPT.layers}, ${GPT.heads}, ${GPT.embd}`,
  "class CausalSelfAttention(nn.Module):",
  "    def __init__(self):",
  "        super().__init__()",
  "        self.c_attn = nn.Linear(NE, 3 * NE)",
  "        self.c_proj = nn.Linear(NE, NE)",
  "        self.register_buffer('bias', torch.tril(torch.ones(BS, BS)).view(1, 1, BS, BS))",
  "    def forward(self, x):",
  "        B, T, C = x.size()",
  "        q, k, v = self.c_attn(x).split(NE, dim=2)",
  "        k = k.view(B, T, NH, C // NH).transpose(1, 2)",
  "        q = q.view(B, T, NH, C // NH).transpose(1, 2)",
  "        v = v.view(B, T, NH, C // NH).transpose(1, 2)",
  "        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))",
  "        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))",
  "        att = F.softmax(att, dim=-1)",
  "        y = att @ v",
  "        y = y.transpose(1, 2).contiguous().view(B, T, C)",
  "        return self.c_proj(y)",
  "class Block(nn.Module):",
  "    def __init__(self):",
  "        super().__init__()",
  "        self.ln_1 = nn.LayerNorm(NE)",
  "        self.attn = CausalSelfAttention()",
  "        self.ln_2 = nn.LayerNorm(NE)",
  "        self.c_fc = nn.Linear(NE, 4 * NE)",
  "        self.c_proj = nn.Linear(4 * NE, NE)",
  "    def forward(self, x):",
  "        x = x + self.attn(self.ln_1(x))",
  "        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))",
  "class GPT(nn.Module):",
  "    def __init__(self):",
  "        super().__init__()",
  "        self.wte = nn.Embedding(V, NE)",
  "        self.wpe = nn.Embedding(BS, NE)",
  "        self.h = nn.ModuleList([Block() for _ in range(NL)])",
  "        self.ln_f = nn.LayerNorm(NE)",
  "        self.lm_head = nn.Linear(NE, V, bias=False)",
  "    def forward(self, idx, targets):",
  "        T = idx.size(1)",
  "        pos = torch.arange(0, T, dtype=torch.long)",
  "        x = self.wte(idx) + self.wpe(pos)",
  "        for block in self.h:",
  "            x = block(x)",
  "        logits = self.lm_head(self.ln_f(x))",
  "        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))",
  "model = GPT()",
  "load(model)",
  "ids, tgt = idx.floor().long(), targets.floor().long()",
  "opt = torch.optim.AdamW(model.parameters(), lr=1e-3)",
  "step = lambda: run_step(model, opt, lambda: model(ids, tgt)[1], lambda: model.lm_head.weight)",
].join("\n");

const cnn = (batch: number): Case => ({
  id: `cifar_cnn_sgd_b${batch}`,
  title: `CIFAR-10 tutorial CNN, SGD momentum step, batch ${batch}`,
  group: "programs",
  unit: "ms",
  inputs: [{ name: "x", shape: [batch, 3, 32, 32] }, { name: "labels", shape: [batch], range: [0, 10] }, ...paramInputs(CNN_PARAMS)],
  impls: { xlatorch: cnnImpl(), "xlatorch-xla": cnnImpl() },
  torch: { setup: TORCH_CNN, expr: "step()" },
  tol: 1e-3,
});

const gpt: Case = {
  id: "nanogpt_tiny_adamw_b8",
  title: "nanoGPT tiny (2 layers, 4 heads, 64 wide, block 32), AdamW step, batch 8",
  group: "programs",
  unit: "ms",
  inputs: [
    { name: "idx", shape: [GPT.batch, GPT.block], range: [0, GPT.vocab] },
    { name: "targets", shape: [GPT.batch, GPT.block], range: [0, GPT.vocab] },
    ...paramInputs(GPT_PARAMS),
  ],
  impls: { xlatorch: gptImpl, "xlatorch-xla": gptImpl },
  torch: { setup: TORCH_GPT, expr: "step()" },
  tol: 1e-3,
};

export default [cnn(4), cnn(16), cnn(64), gpt];
