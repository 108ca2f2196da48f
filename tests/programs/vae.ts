// The VAE of pytorch/examples (vae/main.py) on 8x8 random "images":
// reparameterisation with torch.randn_like, BCE + KL loss, Adam, a test pass
// under no_grad and a sample decoded from torch.randn; ported line by line
// from tests/fixtures/gen_programs.py's vae(), in the positional and the
// keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn, optim } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

/** The positional form's sizes: image side, hidden and latent widths, batch (the test's by default; pytorch/examples' are 28, 400, 20, 128). */
export interface VaeSize {
  side: number;
  hidden: number;
  latent: number;
  batch: number;
}
const VAE_TEST: VaeSize = { side: 8, hidden: 32, latent: 4, batch: 6 };

class VAE extends nn.Module {
  fc1: torch.nn.Linear;
  fc21: torch.nn.Linear;
  fc22: torch.nn.Linear;
  fc3: torch.nn.Linear;
  fc4: torch.nn.Linear;
  readonly pixels: number;
  constructor(size: VaeSize = VAE_TEST) {
    super();
    this.pixels = size.side * size.side;
    this.fc1 = new nn.Linear(this.pixels, size.hidden);
    this.fc21 = new nn.Linear(size.hidden, size.latent);
    this.fc22 = new nn.Linear(size.hidden, size.latent);
    this.fc3 = new nn.Linear(size.latent, size.hidden);
    this.fc4 = new nn.Linear(size.hidden, this.pixels);
  }
  encode(x: Tensor): [Tensor, Tensor] {
    const h1 = F.relu(this.fc1(x));
    return [this.fc21(h1), this.fc22(h1)];
  }
  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = torch.exp(logvar.mul(0.5));
    const eps = torch.randn_like(std);
    return mu.add(eps.mul(std));
  }
  decode(z: Tensor): Tensor {
    const h3 = F.relu(this.fc3(z));
    return torch.sigmoid(this.fc4(h3));
  }
  override forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, this.pixels));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

function loss_function(recon_x: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const BCE = F.binary_cross_entropy(recon_x, x.view(-1, recon_x.size(1)), null, null, null, "sum");
  const KLD = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);
  return BCE.add(KLD);
}

export function vaePositional(device: string, onStep?: OnStep, size: VaeSize = VAE_TEST): ProgramRun {
  torch.manual_seed(1);
  const { side, batch } = size;
  const train = torch.rand(4 * batch, 1, side, side);
  const test = torch.rand(8, 1, side, side);
  const model = new VAE(size).to(device);
  const optimizer = new optim.Adam(model.parameters(), 1e-3);
  const losses: number[] = [],
    evals: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch < 4; epoch++) {
    model.train();
    for (let batch_idx = 0; batch_idx < 4; batch_idx++) {
      const data = train.getitem(`${batch_idx * batch}:${(batch_idx + 1) * batch}`).to(device);
      optimizer.zero_grad();
      const [recon_batch, mu, logvar] = model(data);
      const loss = loss_function(recon_batch, data, mu, logvar);
      loss.backward();
      optimizer.step();
      losses.push((loss.item() as number) / data.size(0));
      onStep?.(step++);
    }
    model.eval();
    let test_loss = 0;
    let sample!: Tensor;
    torch.no_grad(() => {
      const data = test.to(device);
      const [recon_batch, mu, logvar] = model(data);
      test_loss += loss_function(recon_batch, data, mu, logvar).item() as number;
      sample = model.decode(torch.randn(4, size.latent).to(device));
    });
    evals.push(test_loss / test.size(0));
    evals.push(sample.sum().item() as number);
  }
  return { losses, evals, params: checksums(model) };
}

class VAEK extends nn.Module {
  fc1 = new nn.Linear({ in_features: 64, out_features: 32 });
  fc21 = new nn.Linear(32, { out_features: 4 });
  fc22 = new nn.Linear(32, 4, { bias: true });
  fc3 = new nn.Linear({ in_features: 4, out_features: 32, bias: true });
  fc4 = new nn.Linear(32, 64, { device: "cpu", dtype: torch.float32 });
  encode(x: Tensor): [Tensor, Tensor] {
    const h1 = F.relu(this.fc1({ input: x }), { inplace: false });
    return [this.fc21({ input: h1 }), this.fc22({ input: h1 })];
  }
  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = torch.exp({ input: logvar.mul({ other: 0.5 }) });
    const eps = torch.randn_like(std, { dtype: std.dtype });
    return mu.add({ other: eps.mul(std) });
  }
  decode(z: Tensor): Tensor {
    const h3 = F.relu({ input: this.fc3(z) });
    return torch.sigmoid({ input: this.fc4({ input: h3 }) });
  }
  override forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view({ size: [-1, 64] }));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

function loss_function_kw(recon_x: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), { reduction: "sum" });
  const KLD = torch
    .sum({
      input: logvar
        .add(1)
        .sub(mu.pow({ exponent: 2 }))
        .sub(logvar.exp()),
    })
    .mul(-0.5);
  return BCE.add(KLD, { alpha: 1 });
}

// (Tensor.size's declared type has no keyword form yet, though the parser takes one: `as unknown as number`.)
export function vaeKeyword(device: string, onStep?: OnStep): ProgramRun {
  torch.manual_seed({ seed: 1 });
  const train = torch.rand([24, 1, 8, 8], { dtype: torch.float32 });
  const test = torch.rand({ size: [8, 1, 8, 8] });
  const model = new VAEK().to({ device });
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  const losses: number[] = [],
    evals: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch < 4; epoch++) {
    model.train();
    for (let batch_idx = 0; batch_idx < 4; batch_idx++) {
      const data = train.getitem(torch.slice(batch_idx * 6, (batch_idx + 1) * 6)).to({ device });
      optimizer.zero_grad({ set_to_none: false });
      const [recon_batch, mu, logvar] = model(data);
      const loss = loss_function_kw(recon_batch, data, mu, logvar);
      loss.backward({ create_graph: false });
      optimizer.step();
      losses.push((loss.item() as number) / data.size({ dim: 0 } as unknown as number));
      onStep?.(step++);
    }
    model.eval();
    let test_loss = 0;
    let sample!: Tensor;
    torch.no_grad(() => {
      const data = test.to({ device });
      const [recon_batch, mu, logvar] = model(data);
      test_loss += loss_function_kw(recon_batch, data, mu, logvar).item() as number;
      sample = model.decode(torch.randn([4, 4], { device: "cpu" }).to({ device }));
    });
    evals.push(test_loss / test.size(0));
    evals.push(sample.sum({ dtype: torch.float32 }).item() as number);
  }
  return { losses, evals, params: checksums(model) };
}
