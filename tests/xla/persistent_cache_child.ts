// Child process of persistent_cache.test.ts: a few seeded training steps of a
// small MLP on the xla device (compiled or loaded from XLATORCH_CACHE_DIR), the
// same steps eagerly on cpu, and the metrics, as one JSON line on stdout.
import * as torch from "xlatorch";

const { nn, optim } = torch;

function train(device: string): number[] {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(12, 16), new nn.Tanh(), new nn.Linear(16, 3)).to(device);
  const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randn([32, 12]).to(device);
  const y = torch.randint(0, 3, [32]).to(device);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    const loss = lossFn(model(x), y);
    opt.zero_grad();
    loss.backward();
    opt.step();
    losses.push(loss.item() as number);
  }
  return losses;
}

const xla = train("xla");
const cpu = train("cpu");
const m = torch.xla.metrics();
console.log(
  JSON.stringify({
    xla,
    cpu,
    uncachedCompiles: m.uncachedCompiles,
    hits: m.persistentCacheHits,
    misses: m.persistentCacheMisses,
  }),
);
