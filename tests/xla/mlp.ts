// A 2-layer MLP trained with autograd and manual SGD, used by the cache tests
// and the lazy-vs-eager benchmark. Inputs come from a fixed host formula so the
// program needs no RNG.
import * as torch from "xlatorch";

export interface Mlp {
  w1: torch.Tensor;
  b1: torch.Tensor;
  w2: torch.Tensor;
  b2: torch.Tensor;
}

const det = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.5);

export function makeMlp(device: string, inF = 8, hidden = 16, outF = 4): Mlp {
  const p = (shape: number[], seed: number) =>
    torch
      .tensor(
        det(
          shape.reduce((a, b) => a * b, 1),
          seed,
        ),
        { dtype: torch.float32 },
      )
      .reshape(shape)
      .to(device)
      .requires_grad_();
  return { w1: p([inF, hidden], 1), b1: p([hidden], 2), w2: p([hidden, outF], 3), b2: p([outF], 4) };
}

export function batch(device: string, step: number, n: number, inF = 8, outF = 4): [torch.Tensor, torch.Tensor] {
  const x = torch
    .tensor(det(n * inF, 100 + step), { dtype: torch.float32 })
    .reshape(n, inF)
    .to(device);
  const y = torch
    .tensor(det(n * outF, 200 + step), { dtype: torch.float32 })
    .reshape(n, outF)
    .to(device);
  return [x, y];
}

/** One training step; returns the loss tensor (not read, so nothing syncs here). */
export function trainStep(m: Mlp, x: torch.Tensor, y: torch.Tensor, lr: number): torch.Tensor {
  const h = x.matmul(m.w1).add(m.b1).relu();
  const out = h.matmul(m.w2).add(m.b2);
  const loss = out.sub(y).pow(2).mean();
  loss.backward();
  torch.no_grad(() => {
    for (const p of [m.w1, m.b1, m.w2, m.b2]) {
      p.sub_(p.grad!.mul(lr));
      p.grad!.zero_();
    }
  });
  return loss;
}
