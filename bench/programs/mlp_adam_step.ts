// One training step of an MLP (64 inputs, `hidden` hidden layers of 64 with
// ReLU, 10 outputs) with CrossEntropyLoss and Adam, batch 32, on the xla
// device with no sync: the host-overhead benchmarks' workload. With 2 hidden
// layers a step records 171 ops; with 5, 300 (the issue's "300-op training
// step"); with 6, 343.
import * as torch from "xlatorch";

export function mlpAdamStep(hidden = 2): () => void {
  torch.manual_seed(0);
  const { nn, optim } = torch;
  const layers: InstanceType<typeof nn.Module>[] = [new nn.Linear(64, 64), new nn.ReLU()];
  for (let i = 1; i < hidden; i++) layers.push(new nn.Linear(64, 64), new nn.ReLU());
  layers.push(new nn.Linear(64, 10));
  const model = new nn.Sequential(...layers).to("xla");
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const xs = torch.randn(32, 64),
    ys = torch.randint(0, 10, [32]);
  return () => {
    const loss = lossFn(model(xs.to("xla")), ys.to("xla"));
    opt.zero_grad();
    loss.backward();
    opt.step();
  };
}
