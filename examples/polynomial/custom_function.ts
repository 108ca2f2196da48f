// "Learning PyTorch with Examples": a custom autograd Function (the Legendre
// polynomial P3) in the shape of torch.autograd.Function.
import * as torch from "xlatorch";
import { runIfMain } from "../main.js";

class LegendrePolynomial3 extends torch.autograd.Function {
  // In the forward pass we receive a Tensor containing the input and return a
  // Tensor containing the output; ctx stashes what backward needs.
  static override forward(ctx: torch.autograd.FunctionCtx, input: torch.Tensor): torch.Tensor {
    ctx.save_for_backward(input);
    return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
  }
  // In the backward pass we receive the gradient of the loss with respect to
  // the output, and compute the gradient with respect to the input.
  static override backward(ctx: torch.autograd.FunctionCtx, grad_output: torch.Tensor): torch.Tensor {
    const [input] = ctx.saved_tensors;
    return grad_output.mul(input!.pow(2).mul(5).sub(1).mul(1.5));
  }
}

export function run(log: (s: string) => void = console.log, device = "cpu") {
  torch.manual_seed(0);
  const dtype = torch.float;
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { dtype, device });
  const y = torch.sin(x);

  // Weights initialised not too far from the right result, so it converges.
  const a = torch.full([], 0.0, { dtype, device, requires_grad: true });
  const b = torch.full([], -1.0, { dtype, device, requires_grad: true });
  const c = torch.full([], 0.0, { dtype, device, requires_grad: true });
  const d = torch.full([], 0.3, { dtype, device, requires_grad: true });

  const learning_rate = 5e-6;
  let loss = 0;
  for (let t = 0; t < 2000; t++) {
    // To apply our Function, we use Function.apply.
    const P3 = (v: torch.Tensor): torch.Tensor => LegendrePolynomial3.apply(v);
    const y_pred = a.add(b.mul(P3(c.add(d.mul(x)))));
    const l = y_pred.sub(y).pow(2).sum();
    if (t % 100 === 99) log(`${t} ${l.item()}`);
    l.backward();
    torch.no_grad(() => {
      for (const p of [a, b, c, d]) {
        p.sub_(p.grad!.mul(learning_rate));
        p.grad = null;
      }
    });
    if (t === 1999) loss = l.item() as number;
  }
  const coef = [a, b, c, d].map((t) => t.item() as number);
  log(`Result: y = ${coef[0]} + ${coef[1]} * P3(${coef[2]} + ${coef[3]} x)`);
  return { loss, coef };
}

runIfMain(import.meta, () => run());
