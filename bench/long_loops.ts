// Long training loops on the xla device, ported from PyTorch without sync
// calls: nanoGPT (tests/programs/nanogpt.ts: AdamW with weight-decay groups,
// clip_grad_norm_, the cosine lr set by hand, dropout, an evaluation every 5
// steps) and the char-RNN with a 2-layer LSTM (tests/programs/char_rnn.ts:
// hidden state carried and detached, zero_grad() in place, clip_grad_norm_,
// Adam), the DCGAN (tests/programs/dcgan.ts: transposed convolutions,
// BatchNorm in train mode, two Adam optimizers, BCELoss, a fixed-noise sample
// each epoch), the CIFAR-10 tutorial's CNN (tests/programs/cifar_cnn.ts: SGD momentum, an evaluation
// each epoch) and the MNIST example (tests/programs/mnist.ts: Adadelta, StepLR
// each epoch, dropout, an evaluation each epoch), each for --steps steps
// (default 2000) in the default fused mode.
// Every --every steps (default 500) it prints the uncached compiles, the
// executions per step since the last sample, the process RSS and the JS heap
// after two full GCs; memory must stay flat and compiles must stop after
// warm-up.
// --form keyword runs the same programs ported in PyTorch's keyword form
// (nanogptKeyword, charRnnKeyword), which go through the argument parser's
// keyword path at every call. --device cpu runs them eagerly instead (the
// xla columns then stay 0): memory must be flat there too.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/long_loops.ts [--steps N] [--every N] [--program nanogpt|char_lstm|dcgan|cifar_cnn|mnist] [--form positional|keyword] [--device xla|cpu]
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import * as torch from "xlatorch";
import { charRnnKeyword, charRnnPositional } from "../tests/programs/char_rnn.js";
import { cifarKeyword, cifarPositional } from "../tests/programs/cifar_cnn.js";
import { dcganKeyword, dcganPositional } from "../tests/programs/dcgan.js";
import { mnistKeyword, mnistPositional } from "../tests/programs/mnist.js";
import { nanogptKeyword, nanogptPositional } from "../tests/programs/nanogpt.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const STEPS = Number(arg("steps") ?? 2000);
const EVERY = Number(arg("every") ?? 500);
const ONLY = arg("program");
const FORM = arg("form") ?? "positional";
const DEVICE = arg("device") ?? "xla";
if (DEVICE !== "xla" && DEVICE !== "cpu") throw new Error(`--device must be xla or cpu, got ${DEVICE}`);
if (FORM !== "positional" && FORM !== "keyword") throw new Error(`--form must be positional or keyword, got ${FORM}`);
const nanogpt = FORM === "keyword" ? nanogptKeyword : nanogptPositional;
const charRnn = FORM === "keyword" ? charRnnKeyword : charRnnPositional;
const dcgan = FORM === "keyword" ? dcganKeyword : dcganPositional;
const cifar = FORM === "keyword" ? cifarKeyword : cifarPositional;
const mnist = FORM === "keyword" ? mnistKeyword : mnistPositional;
const MiB = (b: number) => (b / 2 ** 20).toFixed(1);

/** Runs `steps` steps of a program; `run(onStep)` calls onStep(step) after each. */
const PROGRAMS: Record<string, { title: string; run: (onStep: (s: number) => void) => void }> = {
  nanogpt: {
    title: "nanoGPT (2 layers, 2 heads, 16 wide, block 8, batch 4, dropout 0.1), AdamW, clip_grad_norm_, eval every 5 steps",
    run: (onStep) => nanogpt(DEVICE, onStep, STEPS),
  },
  char_lstm: {
    title: "char-RNN, 2-layer LSTM (16 hidden, dropout 0.2), BPTT 6 x batch 4, hidden state detached, Adam, clip_grad_norm_",
    // 6 BPTT windows per epoch
    run: (onStep) => charRnn("lstm")(DEVICE, onStep, Math.ceil(STEPS / 6)),
  },
  dcgan: {
    title: "DCGAN (16x16 images, batch 6), D and G steps with two Adam optimizers, BatchNorm, BCELoss, a sample each epoch of 4 steps",
    run: (onStep) => dcgan(DEVICE, onStep, Math.ceil(STEPS / 4)),
  },
  cifar_cnn: {
    title: "CIFAR-10 tutorial CNN (batch 4 of 16 images), SGD momentum, an evaluation on all 16 each epoch of 4 steps",
    run: (onStep) => cifar(DEVICE, onStep, Math.ceil(STEPS / 4)),
  },
  mnist: {
    title: "MNIST example (12x12 inputs, batch 8), Adadelta, StepLR each epoch of 4 steps, dropout, an evaluation each epoch",
    run: (onStep) => mnist(DEVICE, onStep, Math.ceil(STEPS / 4)),
  },
};

console.log(
  `# long loops on ${DEVICE === "xla" ? "xla (fused, no sync)" : "eager cpu"}, ${FORM} form: ${STEPS} steps, sampled every ${EVERY}`,
);
console.log(
  `node ${process.version}, ${os.cpus().length} cpus, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
for (const [name, p] of Object.entries(PROGRAMS)) {
  if (ONLY && ONLY !== name) continue;
  torch.xla.set_execution_mode("fused");
  torch.xla.reset_metrics();
  console.log(`\n## ${name}: ${p.title}\n`);
  console.log(
    "| step | uncached compiles | executions/step (since last) | ms/step (since last) | RSS MiB | heap after gc MiB | recomputes |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  let lastExec = 0,
    lastStep = -1,
    lastT = performance.now();
  const sample = (s: number) => {
    const m = torch.xla.metrics();
    const t = performance.now();
    gc();
    gc();
    const mem = process.memoryUsage();
    const n = s - lastStep;
    console.log(
      `| ${s + 1} | ${m.uncachedCompiles} | ${((m.executions - lastExec) / n).toFixed(2)} | ${((t - lastT) / n).toFixed(2)} | ${MiB(mem.rss)} | ${MiB(mem.heapUsed)} | ${m.recomputes} |`,
    );
    lastExec = m.executions;
    lastStep = s;
    lastT = performance.now();
  };
  p.run((s) => {
    if (s === 9 || (s + 1) % EVERY === 0) sample(s);
  });
  const m = torch.xla.metrics();
  console.log(`\noptimizer steps ${m.steps}, executions ${m.executions}, compiles ${m.uncachedCompiles}, cuts ${JSON.stringify(m.cuts)}`);
}
