// Uncached compiles of natural loops on the xla device (fused mode, no sync
// calls): each pattern runs STEPS steps, each ending in a host read, and the
// compiles it caused are counted. An eager-first device compiles a loop's
// step once or twice, whatever its step count; a pattern whose count grows
// with the steps puts something that changes every step into its graph key.
//   XLATORCH_QUIET=1 XLATORCH_CACHE_DIR=off npx tsx --tsconfig tsconfig.json bench/recompile_patterns.ts [--steps 30]
import * as torch from "xlatorch";
import { embeddingWindows } from "../tests/xla/loops.js";
import { cliArg } from "./lib/program_case.js";

const STEPS = Number(cliArg("steps", "30"));
torch.xla.set_execution_mode("fused");
const X = "xla";

function mlp(): torch.nn.Module {
  torch.manual_seed(0);
  return new torch.nn.Sequential(new torch.nn.Linear(8, 16), new torch.nn.ReLU(), new torch.nn.Dropout(0.1), new torch.nn.Linear(16, 4)).to(
    X,
  );
}
function train(opt: (m: torch.nn.Module) => torch.optim.Optimizer, sched?: (o: torch.optim.Optimizer) => { step(): void }, scale = false) {
  return () => {
    const m = mlp();
    const o = opt(m);
    const s = sched?.(o);
    const x = torch.randn([5, 8]).to(X),
      y = torch.randint(4, [5]).to(X);
    for (let i = 0; i < STEPS; i++) {
      let l = torch.nn.functional.cross_entropy(m.forward(x), y);
      if (scale) l = l.mul(1 + i * 0.1);
      o.zero_grad();
      l.backward();
      if (scale) torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0);
      o.step();
      s?.step();
      l.item();
    }
  };
}

const patterns: [string, () => void][] = [
  [
    "Adam + StepLR",
    train(
      (m) => new torch.optim.Adam(m.parameters(), 0.01),
      (o) => new torch.optim.lr_scheduler.StepLR(o, 3, 0.5),
    ),
  ],
  [
    "SGD momentum + CosineAnnealingLR",
    train(
      (m) => new torch.optim.SGD(m.parameters(), 0.1, 0.9),
      (o) => new torch.optim.lr_scheduler.CosineAnnealingLR(o, STEPS),
    ),
  ],
  ["AdamW, loss scaled by a changing float, clip_grad_norm_", train((m) => new torch.optim.AdamW(m.parameters(), 0.01), undefined, true)],
  ["dataset on the device, window data[:, i:i+10] (word-language-model batching)", () => void embeddingWindows(X, STEPS)],
  [
    "dataset on the device, strided window data[i:i+8:2]",
    () => {
      const data = torch.randn([2 * STEPS + 8, 8]).to(X);
      for (let i = 0; i < STEPS; i++)
        data
          .getitem(torch.slice(i, i + 8, 2))
          .sum()
          .item();
    },
  ],
  [
    "dataset on the device, row data[i]",
    () => {
      const data = torch.randn([STEPS, 8]).to(X);
      for (let i = 0; i < STEPS; i++) data.getitem(i).sum().item();
    },
  ],
  [
    "cache written at a moving column, cache[:, t] = x",
    () => {
      const cache = torch.zeros([4, STEPS]).to(X);
      const x = torch.ones([4]).to(X);
      for (let t = 0; t < STEPS; t++) {
        cache.setitem(":", t, x);
        cache.sum().item();
      }
    },
  ],
  [
    "window of a value computed in the step, y.narrow(1, i, 3)",
    () => {
      const a = torch.zeros([4, STEPS + 3]).to(X);
      for (let i = 0; i < STEPS; i++) a.add(1).narrow(1, i, 3).sum().item();
    },
  ],
  [
    "window of a parameter with its gradient, W[i:i+4]",
    () => {
      const W = torch
        .randn([STEPS + 4, 8])
        .to(X)
        .requires_grad_();
      for (let i = 0; i < STEPS; i++) {
        const l = W.getitem(torch.slice(i, i + 4))
          .pow(2)
          .sum();
        l.backward();
        l.item();
      }
    },
  ],
  [
    "sampling with a changing temperature (softmax, multinomial)",
    () => {
      const logits = torch.randn([1, 10]).to(X);
      for (let i = 0; i < STEPS; i++) torch.multinomial(torch.softmax(logits.div(1 + i * 0.01), -1), 1).item();
    },
  ],
];

console.log(`# uncached compiles of natural loops on the xla device, ${STEPS} steps each (${new Date().toISOString()})`);
console.log("| pattern | compiles |\n| --- | ---: |");
for (const [name, run] of patterns) {
  const before = torch.xla.metrics().uncachedCompiles;
  run();
  console.log(`| ${name} | ${torch.xla.metrics().uncachedCompiles - before} |`);
}
