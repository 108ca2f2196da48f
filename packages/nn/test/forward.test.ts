// Forward values and gradients of every layer, loss and functional against
// PyTorch 1.13 (tests/fixtures/nn.json, sections "modules" and "functional").
import { describe, it } from "vitest";
import { nn } from "../src/index.js";
import { CLOSE, build, compareState, compareValue, decode, fixtures, torch } from "./fixtures.js";

const F = nn.functional as Record<string, (...a: any[]) => torch.Tensor>;
const tolOf = (c: any) => ({ rtol: c.rtol ?? CLOSE.rtol, atol: c.atol ?? CLOSE.atol });

/** loss = (y * W).sum(); backward. */
function backwardWeighted(y: torch.Tensor, W: any): void {
  y.mul(decode(W)).sum().backward();
}

describe("modules: forward, gradients, state after forward", () => {
  for (const c of fixtures.modules) {
    it(c.name, () => {
      const m = build(c.spec) as nn.Module;
      m.load_state_dict(decode(c.state));
      m.train(c.train);
      const xs = (decode(c.inputs) as torch.Tensor[]).map((x, i) => (c.grad_inputs.includes(i) ? x.requires_grad_(true) : x));
      const y = m(...xs) as torch.Tensor;
      const tol = tolOf(c);
      compareValue(y, c.out, tol, `${c.name} out`);
      if (c.W) {
        backwardWeighted(y, c.W);
        c.grad_inputs.forEach((i: number, k: number) => compareValue(xs[i]!.grad, c.grads[k], tol, `${c.name} grad of input ${i}`));
        const params = Object.fromEntries(m.named_parameters());
        for (const [name, g] of Object.entries(c.param_grads)) compareValue(params[name]!.grad, g as any, tol, `${c.name} grad of ${name}`);
      }
      compareState(m.state_dict(), c.state_after, tol, `${c.name} state after forward`);
    });
  }
});

describe("nn.functional", () => {
  for (const c of fixtures.functional) {
    it(c.name, () => {
      const args = (decode(c.args) as unknown[]).map((a, i) => (c.grad_args.includes(i) ? (a as torch.Tensor).requires_grad_(true) : a));
      const kwargs = decode(c.kwargs);
      const y = Object.keys(kwargs).length ? F[c.fn]!(...args, kwargs) : F[c.fn]!(...args);
      const tol = tolOf(c);
      compareValue(y, c.out, tol, `${c.name} out`);
      if (c.W) {
        backwardWeighted(y, c.W);
        c.grad_args.forEach((i: number, k: number) =>
          compareValue((args[i] as torch.Tensor).grad, c.grads[k], tol, `${c.name} grad of arg ${i}`),
        );
      }
    });
  }
});
