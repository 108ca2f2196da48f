// "Learning PyTorch with Examples": fit y = sin(x) with a third-order
// polynomial using raw tensors and hand-written gradients. Seeded, so the
// result equals PyTorch's run of the same program (tests/fixtures/gen_examples.py).
import * as torch from "xlatorch";
import { runIfMain } from "../main.js";

export function run(log: (s: string) => void = console.log, device = "cpu") {
  torch.manual_seed(0);
  const dtype = torch.float;
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { device, dtype });
  const y = torch.sin(x);

  // Randomly initialize weights
  const a = torch.randn([], { device, dtype });
  const b = torch.randn([], { device, dtype });
  const c = torch.randn([], { device, dtype });
  const d = torch.randn([], { device, dtype });

  const learning_rate = 1e-6;
  let loss = 0;
  for (let t = 0; t < 2000; t++) {
    // Forward pass: compute predicted y
    const y_pred = a
      .add(b.mul(x))
      .add(c.mul(x.pow(2)))
      .add(d.mul(x.pow(3)));
    // Compute and print loss
    loss = y_pred.sub(y).pow(2).sum().item() as number;
    if (t % 100 === 99) log(`${t} ${loss}`);
    // Backprop to compute gradients of a, b, c, d with respect to loss
    const grad_y_pred = y_pred.sub(y).mul(2.0);
    const grad_a = grad_y_pred.sum();
    const grad_b = grad_y_pred.mul(x).sum();
    const grad_c = grad_y_pred.mul(x.pow(2)).sum();
    const grad_d = grad_y_pred.mul(x.pow(3)).sum();
    // Update weights using gradient descent
    a.sub_(grad_a.mul(learning_rate));
    b.sub_(grad_b.mul(learning_rate));
    c.sub_(grad_c.mul(learning_rate));
    d.sub_(grad_d.mul(learning_rate));
  }
  const coef = [a, b, c, d].map((t) => t.item() as number);
  log(`Result: y = ${coef[0]} + ${coef[1]} x + ${coef[2]} x^2 + ${coef[3]} x^3`);
  return { loss, coef };
}

runIfMain(import.meta, () => run());
