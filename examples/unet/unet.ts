// A small U-Net segmenting synthetic shapes, written as the PyTorch version
// would be (tests/fixtures/gen_unet.py is that version, line for line): two
// encoder stages (Conv2d, GroupNorm, ReLU, max pooling), a bottleneck, one
// decoder stage upsampled by nn.ConvTranspose2d and one by F.interpolate
// (bilinear), skip connections by torch.cat, a 1x1 Conv2d head;
// CrossEntropyLoss over pixels and Adam.
//
// The task: 1xSIZExSIZE images holding a disc and a square at random places
// and sizes on a noisy background; each pixel's class is background (0), disc
// (1) or square (2, drawn over the disc). Everything is seeded (weights,
// shapes, noise), so the per-step losses are PyTorch's, on cpu and on xla.
//
//   npx tsx --tsconfig tsconfig.json examples/unet/unet.ts [steps] [device]
import * as torch from "xlatorch";
import { runIfMain } from "../main.js";

const { nn, optim } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

export interface UNetOptions {
  device?: string;
  steps?: number;
  batch_size?: number;
  size?: number;
  width?: number;
  lr?: number;
  log_every?: number;
  seed?: number;
}

/** Conv2d 3x3 -> GroupNorm -> ReLU. */
class ConvBlock extends nn.Module {
  conv: InstanceType<typeof nn.Conv2d>;
  norm: InstanceType<typeof nn.GroupNorm>;
  constructor(cin: number, cout: number) {
    super();
    this.conv = new nn.Conv2d(cin, cout, 3, { padding: 1 });
    this.norm = new nn.GroupNorm(2, cout);
  }
  override forward(x: Tensor): Tensor {
    return F.relu(this.norm(this.conv(x)));
  }
}

export class UNet extends nn.Module {
  enc1: ConvBlock;
  enc2: ConvBlock;
  mid: ConvBlock;
  up2: InstanceType<typeof nn.ConvTranspose2d>;
  dec2: ConvBlock;
  dec1: ConvBlock;
  head: InstanceType<typeof nn.Conv2d>;

  constructor(width: number, n_classes = 3) {
    super();
    const w = width;
    this.enc1 = new ConvBlock(1, w);
    this.enc2 = new ConvBlock(w, 2 * w);
    this.mid = new ConvBlock(2 * w, 2 * w);
    this.up2 = new nn.ConvTranspose2d(2 * w, 2 * w, 2, { stride: 2 });
    this.dec2 = new ConvBlock(4 * w, w);
    this.dec1 = new ConvBlock(2 * w, w);
    this.head = new nn.Conv2d(w, n_classes, 1);
  }

  /** x: [B, 1, H, W] -> logits [B, n_classes, H, W]. */
  override forward(x: Tensor): Tensor {
    const e1 = this.enc1(x); // H
    const e2 = this.enc2(F.max_pool2d(e1, 2)); // H/2
    const m = this.mid(F.max_pool2d(e2, 2)); // H/4
    const d2 = this.dec2(torch.cat([this.up2(m), e2], 1)); // learned upsampling to H/2
    const up = F.interpolate(d2, { scale_factor: 2, mode: "bilinear", align_corners: false }); // fixed upsampling to H
    return this.head(this.dec1(torch.cat([up, e1], 1)));
  }
}

/** Images [B, 1, S, S] (a disc and a square on noise) and their per-pixel classes [B, S, S]. */
export function makeBatch(batch_size: number, size: number): [Tensor, Tensor] {
  const B = batch_size;
  const coords = torch.arange(size).to(torch.float32);
  const yy = coords.view(1, size, 1);
  const xx = coords.view(1, 1, size);
  const at = (lo: number, hi: number) => torch.randint(lo, hi, [B, 1, 1]).to(torch.float32);
  const [cy, cx, r] = [at(4, size - 4), at(4, size - 4), at(3, 7)];
  const disc = yy.sub(cy).pow(2).add(xx.sub(cx).pow(2)).le(r.pow(2));
  const [sy, sx, h] = [at(3, size - 3), at(3, size - 3), at(2, 5)];
  const square = yy.sub(sy).abs().le(h).logical_and(xx.sub(sx).abs().le(h));
  const labels = torch.where(square, 2, torch.where(disc, 1, 0));
  const images = disc
    .to(torch.float32)
    .mul(0.8)
    .add(square.to(torch.float32).mul(-0.6))
    .add(torch.randn(B, size, size).mul(0.3));
  return [images.unsqueeze(1), labels];
}

export function run(log: (s: string) => void = console.log, opts: UNetOptions = {}) {
  const o: Required<UNetOptions> = {
    device: "cpu",
    steps: 16,
    batch_size: 4,
    size: 32,
    width: 4,
    lr: 1e-2,
    log_every: 5,
    seed: 0,
    ...opts,
  };
  torch.manual_seed(o.seed);
  const model = new UNet(o.width).to(o.device);
  const optimizer = new optim.Adam(model.parameters(), { lr: o.lr });
  const loss_fn = new nn.CrossEntropyLoss();

  const losses: number[] = [];
  model.train();
  for (let step = 0; step < o.steps; step++) {
    const [xb, yb] = makeBatch(o.batch_size, o.size);
    const [x, y] = [xb.to(o.device), yb.to(o.device)];
    optimizer.zero_grad();
    const loss = loss_fn(model(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item() as number);
    if (step % o.log_every === 0 || step === o.steps - 1) log(`step ${String(step).padStart(3)}  loss ${losses[step]!.toFixed(4)}`);
  }

  // pixel accuracy on a fresh batch
  model.eval();
  const [xe, ye] = makeBatch(8, o.size);
  const accuracy = torch.no_grad(() => model(xe.to(o.device)).argmax(1).cpu().eq(ye).float().mean().item() as number);
  log(`pixel accuracy on 8 fresh images: ${(accuracy * 100).toFixed(1)}%`);
  return { losses, accuracy };
}

runIfMain(import.meta, () =>
  run(console.log, {
    ...(process.argv[2] ? { steps: Number(process.argv[2]) } : {}),
    ...(process.argv[3] ? { device: process.argv[3] } : {}),
  }),
);
