// The CIFAR-10 tutorial's network ("Training a classifier"), for the xla loop benchmark.
import * as torch from "xlatorch";

const { nn } = torch;
const F = nn.functional;

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(3, 6, 5);
  pool = new nn.MaxPool2d(2, 2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    x = this.pool(F.relu(this.conv1(x)));
    x = this.pool(F.relu(this.conv2(x)));
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    return this.fc3(x);
  }
}
