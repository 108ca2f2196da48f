// A ResNet of torchvision's BasicBlocks (conv3x3, BatchNorm2d, ReLU(inplace),
// `out += identity`, a downsample Sequential of a 1x1 conv and BatchNorm2d),
// AdaptiveAvgPool2d, kaiming_normal_(mode="fan_out") init, SGD with nesterov
// momentum and weight_decay, CosineAnnealingLR, evaluation in model.eval()
// (BatchNorm's running stats) under no_grad; ported line by line from
// tests/fixtures/gen_programs2.py's resnet(), in the positional and the keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn, optim } = torch;
type Tensor = torch.Tensor;

function conv3x3(in_planes: number, out_planes: number, stride = 1, kw = false): torch.nn.Conv2d {
  if (kw) return new nn.Conv2d({ in_channels: in_planes, out_channels: out_planes, kernel_size: 3, stride, padding: 1, bias: false });
  return new nn.Conv2d(in_planes, out_planes, 3, stride, 1, 1, 1, false);
}

class BasicBlock extends nn.Module {
  static expansion = 1;
  conv1: torch.nn.Conv2d;
  bn1: torch.nn.BatchNorm2d;
  relu: torch.nn.ReLU;
  conv2: torch.nn.Conv2d;
  bn2: torch.nn.BatchNorm2d;
  downsample: torch.nn.Sequential | null;
  constructor(
    inplanes: number,
    planes: number,
    readonly stride = 1,
    downsample: torch.nn.Sequential | null = null,
    readonly kw = false,
  ) {
    super();
    this.conv1 = conv3x3(inplanes, planes, stride, kw);
    this.bn1 = kw ? new nn.BatchNorm2d({ num_features: planes }) : new nn.BatchNorm2d(planes);
    this.relu = kw ? new nn.ReLU({ inplace: true }) : new nn.ReLU(true);
    this.conv2 = conv3x3(planes, planes, 1, kw);
    this.bn2 = kw ? new nn.BatchNorm2d(planes, { eps: 1e-5, momentum: 0.1, affine: true }) : new nn.BatchNorm2d(planes);
    this.downsample = downsample;
  }
  override forward(x: Tensor): Tensor {
    let identity = x;
    let out = this.conv1(x);
    out = this.bn1(out);
    out = this.relu(out);
    out = this.conv2(out);
    out = this.bn2(out);
    if (this.downsample !== null) identity = this.downsample(x);
    if (this.kw) out.add_({ other: identity });
    else out.add_(identity);
    out = this.relu(out);
    return out;
  }
}

class ResNet extends nn.Module {
  inplanes = 8;
  conv1: torch.nn.Conv2d;
  bn1: torch.nn.BatchNorm2d;
  relu: torch.nn.ReLU;
  layer1: torch.nn.Sequential;
  layer2: torch.nn.Sequential;
  avgpool: torch.nn.AdaptiveAvgPool2d;
  fc: torch.nn.Linear;
  constructor(
    layers: number[],
    num_classes = 10,
    readonly kw = false,
  ) {
    super();
    if (kw) {
      this.conv1 = new nn.Conv2d(3, 8, { kernel_size: 3, stride: 1, padding: 1, bias: false });
      this.bn1 = new nn.BatchNorm2d({ num_features: 8 });
      this.relu = new nn.ReLU({ inplace: true });
      this.layer1 = this._make_layer(8, layers[0]!);
      this.layer2 = this._make_layer(16, layers[1]!, 2);
      this.avgpool = new nn.AdaptiveAvgPool2d({ output_size: [1, 1] });
      this.fc = new nn.Linear({ in_features: 16, out_features: num_classes });
    } else {
      this.conv1 = new nn.Conv2d(3, 8, 3, 1, 1, 1, 1, false);
      this.bn1 = new nn.BatchNorm2d(8);
      this.relu = new nn.ReLU(true);
      this.layer1 = this._make_layer(8, layers[0]!);
      this.layer2 = this._make_layer(16, layers[1]!, 2);
      this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
      this.fc = new nn.Linear(16, num_classes);
    }
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        if (kw) nn.init.kaiming_normal_({ tensor: m.weight, mode: "fan_out", nonlinearity: "relu" });
        else nn.init.kaiming_normal_(m.weight, 0, "fan_out", "relu");
      } else if (m instanceof nn.BatchNorm2d) {
        if (kw) {
          nn.init.constant_({ tensor: m.weight!, val: 1 });
          nn.init.constant_(m.bias!, { val: 0 });
        } else {
          nn.init.constant_(m.weight!, 1);
          nn.init.constant_(m.bias!, 0);
        }
      }
    }
  }
  _make_layer(planes: number, blocks: number, stride = 1): torch.nn.Sequential {
    let downsample: torch.nn.Sequential | null = null;
    if (stride !== 1 || this.inplanes !== planes) {
      downsample = this.kw
        ? new nn.Sequential(
            new nn.Conv2d({ in_channels: this.inplanes, out_channels: planes, kernel_size: 1, stride, bias: false }),
            new nn.BatchNorm2d({ num_features: planes }),
          )
        : new nn.Sequential(new nn.Conv2d(this.inplanes, planes, 1, stride, 0, 1, 1, false), new nn.BatchNorm2d(planes));
    }
    const layers = [new BasicBlock(this.inplanes, planes, stride, downsample, this.kw)];
    this.inplanes = planes;
    for (let i = 1; i < blocks; i++) layers.push(new BasicBlock(this.inplanes, planes, 1, null, this.kw));
    return new nn.Sequential(...layers);
  }
  override forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = this.bn1(x);
    x = this.relu(x);
    x = this.layer1(x);
    x = this.layer2(x);
    x = this.avgpool(x);
    x = this.kw ? torch.flatten(x, { start_dim: 1 }) : torch.flatten(x, 1);
    x = this.fc(x);
    return x;
  }
}

export function resnet(kw: boolean) {
  return (device: string, onStep?: OnStep, epochs = 3): ProgramRun => {
    torch.manual_seed(7);
    const [train_x, train_y] = kw
      ? [torch.randn([24, 3, 8, 8]), torch.randint({ low: 0, high: 10, size: [24] })]
      : [torch.randn(24, 3, 8, 8), torch.randint(0, 10, [24])];
    const [test_x, test_y] = [torch.randn(8, 3, 8, 8).to(device), torch.randint(0, 10, [8]).to(device)];
    const model = new ResNet([1, 1], 10, kw).to(device);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = kw
      ? new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weight_decay: 5e-4, nesterov: true })
      : new optim.SGD(model.parameters(), 0.1, 0.9, 0, 5e-4, true);
    const scheduler = kw
      ? new optim.lr_scheduler.CosineAnnealingLR(optimizer, { T_max: 6 })
      : new optim.lr_scheduler.CosineAnnealingLR(optimizer, 6);
    const losses: number[] = [],
      evals: number[] = [],
      lrs: number[] = [];
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      const perm = kw ? torch.randperm({ n: 24 }) : torch.randperm(24);
      for (let i = 0; i < 3; i++) {
        const idx = perm.getitem(kw ? torch.slice(i * 8, (i + 1) * 8) : `${i * 8}:${(i + 1) * 8}`);
        const [inputs, targets] = [train_x.getitem(idx).to(device), train_y.getitem(idx).to(device)];
        optimizer.zero_grad();
        const outputs = model(inputs);
        const loss = kw ? criterion({ input: outputs, target: targets }) : criterion(outputs, targets);
        loss.backward();
        optimizer.step();
        losses.push(loss.item() as number);
        onStep?.(step++);
      }
      scheduler.step();
      lrs.push(scheduler.get_last_lr()[0]!);
      model.eval();
      let test_loss = 0,
        correct = 0;
      torch.no_grad(() => {
        const outputs = model(test_x);
        test_loss += criterion(outputs, test_y).item() as number;
        const [, predicted] = kw ? outputs.max({ dim: 1 }) : outputs.max(1);
        correct += predicted.eq(test_y).sum().item() as number;
      });
      evals.push(test_loss, correct);
    }
    return { losses, evals, lrs, params: checksums(model) };
  };
}
export const resnetPositional = resnet(false);
export const resnetKeyword = resnet(true);
