// One training step of a 64-64-64-10 MLP with CrossEntropyLoss and Adam,
// batch 32, on the xla device with no sync (about 234 recorded ops): the
// host-overhead benchmarks' workload.
import * as torch from "xlatorch";

export function mlpAdamStep(): () => void {
  torch.manual_seed(0);
  const { nn, optim } = torch;
  const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10)).to("xla");
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const xs = torch.randn(32, 64), ys = torch.randint(0, 10, [32]);
  return () => {
    const loss = lossFn(model(xs.to("xla")), ys.to("xla"));
    opt.zero_grad();
    loss.backward();
    opt.step();
  };
}
