// pytorch/examples dcgan/main.py at 16x16 on random images: ConvTranspose2d,
// BatchNorm2d, LeakyReLU(0.2, inplace=True), Tanh, Sigmoid, BCELoss, two Adam
// optimizers with betas (0.5, 0.999), weights_init by module.apply with
// nn.init.normal_/constant_, fake.detach(), label.fill_(); ported line by line
// from tests/fixtures/gen_programs2.py's dcgan(), in the positional and the keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn, optim } = torch;
type Tensor = torch.Tensor;
const [nz, ngf, ndf, nc] = [8, 8, 8, 3];

function weights_init(m: torch.nn.Module): void {
  const classname = m.constructor.name;
  const w = (m as unknown as { weight: Tensor }).weight;
  if (classname.indexOf("Conv") !== -1) {
    nn.init.normal_(w.data, 0.0, 0.02);
  } else if (classname.indexOf("BatchNorm") !== -1) {
    nn.init.normal_(w.data, 1.0, 0.02);
    nn.init.constant_((m as unknown as { bias: Tensor }).bias.data, 0);
  }
}

function weights_init_kw(m: torch.nn.Module): void {
  const classname = m.constructor.name;
  const w = (m as unknown as { weight: Tensor }).weight;
  if (classname.indexOf("Conv") !== -1) {
    nn.init.normal_({ tensor: w.data, mean: 0.0, std: 0.02 });
  } else if (classname.indexOf("BatchNorm") !== -1) {
    nn.init.normal_(w.data, { mean: 1.0, std: 0.02 });
    nn.init.constant_({ tensor: (m as unknown as { bias: Tensor }).bias.data, val: 0 });
  }
}

class Generator extends nn.Module {
  main: torch.nn.Sequential;
  constructor(keyword: boolean) {
    super();
    this.main = keyword
      ? new nn.Sequential(
          new nn.ConvTranspose2d({ in_channels: nz, out_channels: ngf * 4, kernel_size: 4, stride: 1, padding: 0, bias: false }),
          new nn.BatchNorm2d({ num_features: ngf * 4 }),
          new nn.ReLU({ inplace: true }),
          new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, { stride: 2, padding: 1, bias: false }),
          new nn.BatchNorm2d(ngf * 2, { eps: 1e-5, momentum: 0.1 }),
          new nn.ReLU(true),
          new nn.ConvTranspose2d(ngf * 2, nc, { kernel_size: 4, stride: 2, padding: 1, output_padding: 0, bias: false }),
          new nn.Tanh(),
        )
      : new nn.Sequential(
          new nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, 0, 1, false),
          new nn.BatchNorm2d(ngf * 4),
          new nn.ReLU(true),
          new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, 0, 1, false),
          new nn.BatchNorm2d(ngf * 2),
          new nn.ReLU(true),
          new nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, 0, 1, false),
          new nn.Tanh(),
        );
  }
  override forward(input: Tensor): Tensor {
    return this.main(input);
  }
}

class Discriminator extends nn.Module {
  main: torch.nn.Sequential;
  constructor(keyword: boolean) {
    super();
    this.main = keyword
      ? new nn.Sequential(
          new nn.Conv2d({ in_channels: nc, out_channels: ndf, kernel_size: 4, stride: 2, padding: 1, bias: false }),
          new nn.LeakyReLU({ negative_slope: 0.2, inplace: true }),
          new nn.Conv2d(ndf, ndf * 2, 4, { stride: 2, padding: 1, bias: false }),
          new nn.BatchNorm2d({ num_features: ndf * 2, affine: true, track_running_stats: true }),
          new nn.LeakyReLU(0.2, { inplace: true }),
          new nn.Conv2d(ndf * 2, 1, 4, { stride: 1, padding: 0, bias: false }),
          new nn.Sigmoid(),
        )
      : new nn.Sequential(
          new nn.Conv2d(nc, ndf, 4, 2, 1, 1, 1, false),
          new nn.LeakyReLU(0.2, true),
          new nn.Conv2d(ndf, ndf * 2, 4, 2, 1, 1, 1, false),
          new nn.BatchNorm2d(ndf * 2),
          new nn.LeakyReLU(0.2, true),
          new nn.Conv2d(ndf * 2, 1, 4, 1, 0, 1, 1, false),
          new nn.Sigmoid(),
        );
  }
  override forward(input: Tensor): Tensor {
    const output = this.main(input);
    return output.view(-1, 1).squeeze(1);
  }
}

function result(netG: Generator, netD: Discriminator, losses: number[], evals: number[]): ProgramRun {
  const params = checksums(netG);
  for (const [k, v] of Object.entries(checksums(netD))) params[`D.${k}`] = v;
  return { losses, evals, params };
}

export function dcganPositional(device: string, onStep?: OnStep, epochs = 2): ProgramRun {
  torch.manual_seed(999);
  const images = torch.rand(24, nc, 16, 16).mul(2).sub(1);
  const netG = new Generator(false).to(device);
  netG.apply(weights_init);
  const netD = new Discriminator(false).to(device);
  netD.apply(weights_init);
  const criterion = new nn.BCELoss();
  const fixed_noise = torch.randn(4, nz, 1, 1).to(device);
  const real_label = 1.0;
  const fake_label = 0.0;
  const optimizerD = new optim.Adam(netD.parameters(), 0.0002, [0.5, 0.999]);
  const optimizerG = new optim.Adam(netG.parameters(), 0.0002, [0.5, 0.999]);
  const losses: number[] = [],
    evals: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < 4; i++) {
      const real_cpu = images.getitem(`${i * 6}:${(i + 1) * 6}`).to(device);
      // (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
      netD.zero_grad();
      const batch_size = real_cpu.size(0);
      const label = torch.full([batch_size], real_label, { dtype: real_cpu.dtype, device });
      let output = netD(real_cpu);
      const errD_real = criterion(output, label);
      errD_real.backward();
      const D_x = output.mean().item() as number;
      const noise = torch.randn(batch_size, nz, 1, 1).to(device);
      const fake = netG(noise);
      label.fill_(fake_label);
      output = netD(fake.detach());
      const errD_fake = criterion(output, label);
      errD_fake.backward();
      const D_G_z1 = output.mean().item() as number;
      const errD = errD_real.add(errD_fake);
      optimizerD.step();
      // (2) Update G network: maximize log(D(G(z)))
      netG.zero_grad();
      label.fill_(real_label);
      output = netD(fake);
      const errG = criterion(output, label);
      errG.backward();
      const D_G_z2 = output.mean().item() as number;
      optimizerG.step();
      losses.push(errD.item() as number, errG.item() as number);
      evals.push(D_x, D_G_z1, D_G_z2);
      onStep?.(step++);
    }
    const fake = netG(fixed_noise).detach();
    evals.push(fake.double().abs().sum().item() as number);
  }
  return result(netG, netD, losses, evals);
}

export function dcganKeyword(device: string, onStep?: OnStep, epochs = 2): ProgramRun {
  torch.manual_seed({ seed: 999 });
  const images = torch
    .rand({ size: [24, nc, 16, 16] })
    .mul({ other: 2 })
    .sub({ other: 1 });
  const netG = new Generator(true).to({ device });
  netG.apply({ fn: weights_init_kw });
  const netD = new Discriminator(true).to({ device });
  netD.apply({ fn: weights_init_kw });
  const criterion = new nn.BCELoss({ reduction: "mean" });
  const fixed_noise = torch.randn([4, nz, 1, 1], { device });
  const real_label = 1.0;
  const fake_label = 0.0;
  const optimizerD = new optim.Adam(netD.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
  const optimizerG = new optim.Adam({ params: netG.parameters(), lr: 0.0002, betas: [0.5, 0.999] });
  const losses: number[] = [],
    evals: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < 4; i++) {
      const real_cpu = images.getitem(torch.slice(i * 6, (i + 1) * 6)).to({ device });
      netD.zero_grad({ set_to_none: false });
      const batch_size = real_cpu.size(0);
      const label = torch.full({ size: [batch_size], fill_value: real_label, dtype: real_cpu.dtype, device });
      // (a module of our own takes its forward arguments positionally: its forward has no signature the parser could read)
      let output = netD(real_cpu);
      const errD_real = criterion({ input: output, target: label });
      errD_real.backward();
      const D_x = output.mean({ dtype: torch.float32 }).item() as number;
      const noise = torch.randn([batch_size, nz, 1, 1], { device });
      const fake = netG(noise);
      label.fill_({ value: fake_label });
      output = netD(fake.detach());
      const errD_fake = criterion(output, { target: label });
      errD_fake.backward();
      const D_G_z1 = output.mean().item() as number;
      const errD = errD_real.add({ other: errD_fake });
      optimizerD.step();
      netG.zero_grad({ set_to_none: true });
      label.fill_({ value: real_label });
      output = netD(fake);
      const errG = criterion({ input: output, target: label });
      errG.backward();
      const D_G_z2 = output.mean().item() as number;
      optimizerG.step();
      losses.push(errD.item() as number, errG.item() as number);
      evals.push(D_x, D_G_z1, D_G_z2);
      onStep?.(step++);
    }
    const fake = netG(fixed_noise).detach();
    evals.push(fake.double().abs().sum({ dtype: torch.float64 }).item() as number);
  }
  return result(netG, netD, losses, evals);
}
