// Trains an MLP on the 8x8 digits on the `xla` device, written as the PyTorch
// tutorial is: nn.Sequential, CrossEntropyLoss, optim.SGD and a DataLoader,
// with no sync calls. In the default (fused) execution mode each step's
// forward, backward and optimizer update run as one compiled computation, cut
// where the next step's update begins; after the first steps every step hits
// the graph cache, as the metrics report shows.
import * as torch from "xlatorch";
import { loadDigits } from "./digits.js";
import { runIfMain } from "./main.js";

const { nn, optim } = torch;
const { DataLoader, TensorDataset } = torch.utils.data;

export function run(log: (s: string) => void = console.log, device = "xla", epochs = 15) {
  torch.manual_seed(0);
  const { images, labels } = loadDigits();
  const nTrain = 1536;
  const train = new TensorDataset(images.getitem(`:${nTrain}`), labels.getitem(`:${nTrain}`));
  const loader = new DataLoader(train, { batch_size: 128, shuffle: true, drop_last: true });
  const testX = images.getitem(`${nTrain}:`).to(device),
    testY = labels.getitem(`${nTrain}:`).to(device);

  const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10)).to(device);
  const loss_fn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.5 });

  let step = 0;
  /** Uncached compiles so far, after each step: flat once the step graph is cached. */
  const compiles: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [x, y] of loader) {
      const loss = loss_fn(model(x.to(device)), y.to(device));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      if (step % 30 === 0) log(`step ${step}  loss ${(loss.item() as number).toFixed(4)}`);
      compiles.push(torch.xla.metrics().uncachedCompiles);
      step++;
    }
  }
  const acc = torch.no_grad(() => model(testX).argmax(1).eq(testY).float().mean().item()) as number;
  log(`test accuracy ${(acc * 100).toFixed(1)}% on ${testY.numel()} held-out digits`);
  log(torch.xla.metrics_report());
  return { accuracy: acc, compiles, metrics: torch.xla.metrics() };
}

runIfMain(import.meta, () => run(console.log, process.argv[2] ?? "xla"));
