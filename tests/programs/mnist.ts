// pytorch/examples mnist/main.py on 12x12 random "digits": Conv2d, Dropout
// (train/eval), F.max_pool2d, torch.flatten, F.log_softmax, F.nll_loss (summed
// in test()), Adadelta with StepLR(gamma), the test loop under no_grad with
// argmax/eq/sum().item() accuracy; ported line by line from
// tests/fixtures/gen_programs2.py's mnist(), in the positional and the keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn, optim } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 8, 3, 1);
  conv2 = new nn.Conv2d(8, 16, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(256, 32);
  fc2 = new nn.Linear(32, 10);
  override forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    x = this.conv2(x);
    x = F.relu(x);
    x = F.max_pool2d(x, 2);
    x = this.dropout1(x);
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.dropout2(x);
    x = this.fc2(x);
    const output = F.log_softmax(x, 1);
    return output;
  }
}

export function mnistPositional(device: string, onStep?: OnStep, epochs = 3): ProgramRun {
  torch.manual_seed(1);
  const [train_x, train_y] = [torch.randn(32, 1, 12, 12), torch.randint(0, 10, [32])];
  const [test_x, test_y] = [torch.randn(16, 1, 12, 12), torch.randint(0, 10, [16])];
  const model = new Net().to(device);
  const optimizer = new optim.Adadelta(model.parameters(), 1.0);
  const scheduler = new optim.lr_scheduler.StepLR(optimizer, 1, 0.7);
  const losses: number[] = [],
    evals: number[] = [],
    lrs: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    for (let batch_idx = 0; batch_idx < 4; batch_idx++) {
      const s = `${batch_idx * 8}:${(batch_idx + 1) * 8}`;
      const [data, target] = [train_x.getitem(s).to(device), train_y.getitem(s).to(device)];
      optimizer.zero_grad();
      const output = model(data);
      const loss = F.nll_loss(output, target);
      loss.backward();
      optimizer.step();
      losses.push(loss.item() as number);
      onStep?.(step++);
    }
    model.eval();
    let test_loss = 0;
    let correct = 0;
    torch.no_grad(() => {
      for (let b = 0; b < 2; b++) {
        const s = `${b * 8}:${(b + 1) * 8}`;
        const [data, target] = [test_x.getitem(s).to(device), test_y.getitem(s).to(device)];
        const output = model(data);
        test_loss += F.nll_loss(output, target, null, null, -100, null, "sum").item() as number;
        const pred = output.argmax(1, true);
        correct += pred.eq(target.view_as(pred)).sum().item() as number;
      }
    });
    test_loss /= 16;
    evals.push(test_loss, correct);
    scheduler.step();
    lrs.push(scheduler.get_last_lr()[0]!);
  }
  return { losses, evals, lrs, params: checksums(model) };
}

class NetK extends nn.Module {
  conv1 = new nn.Conv2d({ in_channels: 1, out_channels: 8, kernel_size: 3, stride: 1 });
  conv2 = new nn.Conv2d(8, 16, { kernel_size: 3, stride: 1 });
  dropout1 = new nn.Dropout({ p: 0.25 });
  dropout2 = new nn.Dropout({ p: 0.5, inplace: false });
  fc1 = new nn.Linear({ in_features: 256, out_features: 32 });
  fc2 = new nn.Linear(32, { out_features: 10, bias: true });
  override forward(x: Tensor): Tensor {
    x = this.conv1({ input: x });
    x = F.relu({ input: x });
    x = this.conv2({ input: x });
    x = F.relu(x, { inplace: false });
    // (the keyword form's declared result includes return_indices=True's pair)
    x = F.max_pool2d({ input: x, kernel_size: 2 }) as Tensor;
    x = this.dropout1({ input: x });
    x = torch.flatten(x, { start_dim: 1 });
    x = this.fc1({ input: x });
    x = F.relu({ input: x });
    x = this.dropout2(x);
    x = this.fc2({ input: x });
    const output = F.log_softmax(x, { dim: 1 });
    return output;
  }
}

export function mnistKeyword(device: string, onStep?: OnStep, epochs = 3): ProgramRun {
  torch.manual_seed({ seed: 1 });
  const [train_x, train_y] = [torch.randn([32, 1, 12, 12]), torch.randint({ low: 0, high: 10, size: [32] })];
  const [test_x, test_y] = [torch.randn({ size: [16, 1, 12, 12] }), torch.randint(0, 10, { size: [16] })];
  const model = new NetK().to({ device });
  const optimizer = new optim.Adadelta(model.parameters(), { lr: 1.0 });
  const scheduler = new optim.lr_scheduler.StepLR(optimizer, { step_size: 1, gamma: 0.7 });
  const losses: number[] = [],
    evals: number[] = [],
    lrs: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train({ mode: true });
    for (let batch_idx = 0; batch_idx < 4; batch_idx++) {
      const s = torch.slice(batch_idx * 8, (batch_idx + 1) * 8);
      const [data, target] = [train_x.getitem(s).to({ device }), train_y.getitem(s).to({ device })];
      optimizer.zero_grad({ set_to_none: false });
      const output = model(data);
      const loss = F.nll_loss({ input: output, target });
      loss.backward();
      optimizer.step();
      losses.push(loss.item() as number);
      onStep?.(step++);
    }
    model.eval();
    let test_loss = 0;
    let correct = 0;
    torch.no_grad(() => {
      for (let b = 0; b < 2; b++) {
        const s = torch.slice(b * 8, (b + 1) * 8);
        const [data, target] = [test_x.getitem(s).to({ device }), test_y.getitem(s).to({ device })];
        const output = model(data);
        test_loss += F.nll_loss(output, target, { reduction: "sum" }).item() as number;
        const pred = output.argmax({ dim: 1, keepdim: true });
        correct += pred
          .eq({ other: target.view_as({ other: pred }) })
          .sum()
          .item() as number;
      }
    });
    test_loss /= 16;
    evals.push(test_loss, correct);
    scheduler.step();
    lrs.push(scheduler.get_last_lr()[0]!);
  }
  return { losses, evals, lrs, params: checksums(model) };
}
