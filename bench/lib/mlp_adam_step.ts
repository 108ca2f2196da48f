// The MLP 784-256-10 training step (CrossEntropyLoss, Adam lr 1e-3, batch 128, inputs already on the
// device, no reads) that issue 12's target names, as the compile benches run it: seeded, eager or
// torch.compile'd, on the cpu or xla device. Shared by bench/compile_step_overhead.ts,
// bench/compiled_step_profile.ts and bench/donation_ab.ts.
import * as torch from "xlatorch";

const { nn, optim } = torch;

/** One call of the step (returns the loss tensor, unread). */
export function mlpAdamStep(compiled: boolean, device: string): () => unknown {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randn(128, 784).to(device),
    y = torch.randint(0, 10, [128]).to(device);
  const step = (xb: torch.Tensor, yb: torch.Tensor) => {
    opt.zero_grad();
    const loss = lossFn(model(xb), yb);
    loss.backward();
    opt.step();
    return loss;
  };
  const f = compiled ? torch.compile(step) : step;
  return () => f(x, y);
}
