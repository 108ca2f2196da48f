// On the lazy `xla` device, optimizers update parameters in place: the same
// Parameter objects stay xla tensors, and training matches PyTorch's cpu run.
import { describe, expect, it } from "vitest";
import * as xlatorch from "xlatorch";
import { nn, optim } from "../src/index.js";
import { CLOSE, build, compareState, compareValue, decode, fixtures, torch } from "./fixtures.js";

void xlatorch; // registers the xla device
const cases = ["SGD momentum", "Adam", "AdamW", "RMSprop centered momentum", "Dropout MLP SGD momentum"];

describe("training on xla", () => {
  for (const name of cases) {
    it(name, () => {
      const c = fixtures.training.find((t: any) => t.name === name);
      torch.manual_seed(c.seed);
      const model = build(c.spec) as nn.Module;
      model.to("xla");
      const params = model.parameters();
      const opt = new (optim as any)[c.optim](params, c.optim_kwargs) as optim.Optimizer;
      const lossFn = build(c.loss) as nn.Module;
      const X = (decode(c.X) as torch.Tensor).to("xla"),
        y = (decode(c.y) as torch.Tensor).to("xla");
      const losses: number[] = [];
      for (let i = 0; i < c.steps; i++) {
        opt.zero_grad();
        const loss = lossFn(model(X), y) as torch.Tensor;
        loss.backward();
        opt.step();
        losses.push(loss.item() as number);
      }
      expect(model.parameters().every((p, i) => p === params[i] && p.device.type === "xla")).toBe(true);
      for (const s of opt.state.values())
        for (const v of Object.values(s)) if (v instanceof torch.Tensor && v.ndim > 0) expect(v.device.type).toBe("xla");
      compareValue(losses, c.losses, { rtol: 1e-5, atol: 1e-6 }, `${name} losses`);
      const cpuState = Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, v.cpu()]));
      compareState(cpuState, c.state, CLOSE, `${name} parameters`);
    });
  }
});
