// The CIFAR-10 tutorial's CNN ("Training a Classifier") on random images,
// ported line by line from tests/fixtures/gen_programs.py's cifar_cnn(), in the
// positional and the keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn, optim } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

class Net extends nn.Module {
  conv1 = new nn.Conv2d(3, 6, 5);
  pool = new nn.MaxPool2d(2, 2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  override forward(x: Tensor): Tensor {
    x = this.pool(F.relu(this.conv1(x)));
    x = this.pool(F.relu(this.conv2(x)));
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    x = this.fc3(x);
    return x;
  }
}

export function cifarPositional(device: string, onStep?: OnStep, epochs = 3): ProgramRun {
  torch.manual_seed(0);
  const images = torch.randn(16, 3, 32, 32);
  const targets = torch.randint(0, 10, [16]);
  const net = new Net().to(device);
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), 0.01, 0.9);
  const losses: number[] = [],
    evals: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const perm = torch.randperm(16);
    for (let i = 0; i < 4; i++) {
      const idx = perm.getitem(`${i * 4}:${(i + 1) * 4}`);
      const [inputs, labels] = [images.getitem(idx).to(device), targets.getitem(idx).to(device)];
      optimizer.zero_grad();
      const outputs = net(inputs);
      const loss = criterion(outputs, labels);
      loss.backward();
      optimizer.step();
      losses.push(loss.item() as number);
      onStep?.(step++);
    }
    let correct = 0;
    torch.no_grad(() => {
      const outputs = net(images.to(device));
      const [, predicted] = torch.max(outputs.data, 1);
      correct += predicted.eq(targets.to(device)).sum().item() as number;
    });
    evals.push(correct);
  }
  return { losses, evals, params: checksums(net) };
}

class NetK extends nn.Module {
  conv1 = new nn.Conv2d({ in_channels: 3, out_channels: 6, kernel_size: 5 });
  pool = new nn.MaxPool2d({ kernel_size: 2, stride: 2 });
  conv2 = new nn.Conv2d(6, 16, { kernel_size: 5, stride: 1, padding: 0, bias: true });
  fc1 = new nn.Linear({ in_features: 16 * 5 * 5, out_features: 120 });
  fc2 = new nn.Linear(120, 84, { bias: true });
  fc3 = new nn.Linear(84, { out_features: 10 });
  override forward(x: Tensor): Tensor {
    x = this.pool({ input: F.relu({ input: this.conv1({ input: x }) }) });
    x = this.pool(F.relu(this.conv2(x), { inplace: false }));
    x = torch.flatten(x, { start_dim: 1 });
    x = F.relu({ input: this.fc1(x) });
    x = F.relu(this.fc2({ input: x }));
    x = this.fc3({ input: x });
    return x;
  }
}

export function cifarKeyword(device: string, onStep?: OnStep, epochs = 3): ProgramRun {
  torch.manual_seed({ seed: 0 });
  const images = torch.randn([16, 3, 32, 32], { dtype: torch.float32 });
  const targets = torch.randint({ low: 0, high: 10, size: [16] });
  const net = new NetK().to({ device });
  const criterion = new nn.CrossEntropyLoss({ reduction: "mean" });
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const losses: number[] = [],
    evals: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const perm = torch.randperm({ n: 16 });
    for (let i = 0; i < 4; i++) {
      const idx = perm.getitem(torch.slice(i * 4, (i + 1) * 4));
      const [inputs, labels] = [images.getitem(idx).to({ device }), targets.getitem(idx).to({ device })];
      optimizer.zero_grad({ set_to_none: false });
      const outputs = net(inputs);
      const loss = criterion({ input: outputs, target: labels });
      loss.backward();
      optimizer.step();
      losses.push(loss.item() as number);
      onStep?.(step++);
    }
    let correct = 0;
    torch.no_grad(() => {
      const outputs = net(images.to({ device }));
      const { indices: predicted } = torch.max(outputs.data, { dim: 1 });
      correct += predicted
        .eq({ other: targets.to({ device }) })
        .sum({ dtype: torch.int64 })
        .item() as number;
    });
    evals.push(correct);
  }
  return { losses, evals, params: checksums(net) };
}
