// Trains a 2-layer MLP on the 8x8 digits with autograd on the lazy `xla`
// device: every step records forward, backward and the SGD update, and
// torch.xla.sync() runs them as one compiled computation. After the first
// steps every step hits the graph cache; the metrics report shows it.
import * as torch from "xlatorch";
import { loadDigits } from "./digits.js";
import { runIfMain } from "./main.js";

export function run(log: (s: string) => void = console.log, device = "xla", epochs = 15) {
  torch.manual_seed(0);
  const { images, labels } = loadDigits();
  const nTrain = 1536, batch = 128;
  const trainX = images.getitem(`:${nTrain}`), trainY = labels.getitem(`:${nTrain}`);
  const testX = images.getitem(`${nTrain}:`).to(device), testY = labels.getitem(`${nTrain}:`).to(device);

  // nn.Linear's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
  const param = (shape: number[], fanIn: number) =>
    torch.empty(shape).uniform_(-1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)).to(device).requires_grad_();
  const w1 = param([64, 64], 64), b1 = param([64], 64), w2 = param([64, 10], 64), b2 = param([10], 64);
  const params = [w1, b1, w2, b2];
  const forward = (x: torch.Tensor) => x.matmul(w1).add(b1).relu().matmul(w2).add(b2);

  const lr = 0.5;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const perm = torch.randperm(nTrain);
    for (let i = 0; i + batch <= nTrain; i += batch) {
      const idx = perm.getitem(`${i}:${i + batch}`);
      const x = trainX.index_select(0, idx).to(device), y = trainY.index_select(0, idx).to(device);
      // cross entropy from log_softmax and gather
      const logp = forward(x).log_softmax(1);
      const loss = logp.gather(1, y.unsqueeze(1)).mean().neg();
      loss.backward();
      torch.no_grad(() => {
        for (const p of params) { p.sub_(p.grad!.mul(lr)); p.grad!.zero_(); }
      });
      torch.xla.sync(loss);
      if (step % 30 === 0) log(`step ${step}  loss ${(loss.item() as number).toFixed(4)}`);
      step++;
    }
  }
  const acc = torch.no_grad(() => forward(testX).argmax(1).eq(testY).float().mean().item()) as number;
  log(`test accuracy ${(acc * 100).toFixed(1)}% on ${testY.numel()} held-out digits`);
  log(torch.xla.metrics_report());
  return { accuracy: acc, metrics: torch.xla.metrics() };
}

runIfMain(import.meta, () => run(console.log, process.argv[2] ?? "xla"));
