// Host time of one fused training step on the xla device, on a runtime that
// executes nothing (only xlatorch's own work is timed): a 64-64-64-10 MLP with
// CrossEntropyLoss and Adam, batch 32, ~234 recorded ops per step, no sync.
// Target (issue "An eager-first xla device"): <= 0.3 ms for a 300-op step.
//   npx tsx --tsconfig tsconfig.json bench/train_step_overhead.ts   (add --cpu-prof to node for a profile)
import * as torch from "xlatorch";
import { setRuntime } from "@xlatorch/lazy";
class NullRuntime { platform = "null"; devices = ["null:0"];
  compile(m: any) { const outs = m.funcs[0].returns.map((v: any) => ({ dtype: v.type.element, shape: v.type.shape })); return { numOutputs: outs.length, outs }; }
  toDevice(_d: any, dtype: any, shape: any) { return { dtype, shape }; }
  execute(exe: any) { return exe.outs.map((b: any) => ({ ...b })); }
  toHost() { return new Float32Array(1); } dispose() {} }
setRuntime(new NullRuntime() as any);
torch.manual_seed(0);
const { nn, optim } = torch;
const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10)).to("xla");
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const lossFn = new nn.CrossEntropyLoss();
const xs = torch.randn(32, 64), ys = torch.randint(0, 10, [32]);
const step = () => { const loss = lossFn(model(xs.to("xla")), ys.to("xla")); opt.zero_grad(); loss.backward(); opt.step(); };
for (let i = 0; i < 200; i++) step();
const t0 = performance.now();
for (let i = 0; i < 3000; i++) step();
console.log("ms/step", (performance.now() - t0) / 3000, torch.xla.metrics().opsRecorded / 3200);
