// "Learning PyTorch with Examples": the polynomial fit with autograd.
// Run on the xla device with: tsx examples/polynomial/autograd.ts xla
import * as torch from "xlatorch";
import { runIfMain } from "../main.js";

export function run(log: (s: string) => void = console.log, device = "cpu") {
  torch.manual_seed(0);
  const dtype = torch.float;
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { dtype, device });
  const y = torch.sin(x);

  // Tensors with requires_grad: true get gradients in backward().
  const a = torch.randn([], { dtype, device, requires_grad: true });
  const b = torch.randn([], { dtype, device, requires_grad: true });
  const c = torch.randn([], { dtype, device, requires_grad: true });
  const d = torch.randn([], { dtype, device, requires_grad: true });

  const learning_rate = 1e-6;
  let loss = 0;
  for (let t = 0; t < 2000; t++) {
    const y_pred = a
      .add(b.mul(x))
      .add(c.mul(x.pow(2)))
      .add(d.mul(x.pow(3)));
    const l = y_pred.sub(y).pow(2).sum();
    if (t % 100 === 99) log(`${t} ${l.item()}`);
    l.backward();
    // with torch.no_grad(): update weights, then zero the gradients
    torch.no_grad(() => {
      for (const p of [a, b, c, d]) {
        p.sub_(p.grad!.mul(learning_rate));
        p.grad = null;
      }
    });
    // Optional on xla: the fused mode cuts each step where the next update
    // begins anyway. sync() (PyTorch/XLA's mark_step) cuts here by hand; with
    // it or without, each step is one compiled graph.
    if (device === "xla") torch.xla.sync();
    if (t === 1999) loss = l.item() as number;
  }
  const coef = [a, b, c, d].map((t) => t.item() as number);
  log(`Result: y = ${coef[0]} + ${coef[1]} x + ${coef[2]} x^2 + ${coef[3]} x^3`);
  if (device === "xla") log(torch.xla.metrics_report());
  return { loss, coef };
}

runIfMain(import.meta, () => run(console.log, process.argv[2] ?? "cpu"));
