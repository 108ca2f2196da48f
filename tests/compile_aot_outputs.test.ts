// torch.compile's replays must hand back each output from the right result,
// whatever the mix: a compiled forward whose output needs grad (aot.ts: a
// forward and a backward executable) and a compiled call without grad
// (capture.ts), each returning several outputs of different shapes and dtypes
// (float64, float32, int64), some aliasing state the call writes (a buffer
// returned after an in-place update, a view of it, a detached alias), some
// values from before the write, an argument written in place and returned,
// an argument returned as is. Every call is compared with the eager call,
// outputs, gradients and state, on cpu and xla (capture.ts once matched
// results to outputs in another order when donation reordered them).
import { beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const xla = torch.xla;

interface State {
  w: torch.Tensor;
  buf: torch.Tensor;
  cnt: torch.Tensor;
}
const makeState = (dev: string): State => ({
  w: torch.tensor([1.0, 2.0, 3.0], { dtype: torch.float64 }).to(dev).requires_grad_(),
  buf: torch.tensor([1.0, 1.0, 1.0], { dtype: torch.float64 }).to(dev),
  cnt: torch.zeros([2], { dtype: torch.int64 }).to(dev),
});

/** The body: writes buf, cnt and the argument x2; returns outputs aliased and not, of three dtypes and four shapes. */
const body = (s: State) => (x: torch.Tensor, x2: torch.Tensor) => {
  const y = s.w.mul(x).mul(x.add(s.buf));
  const old = s.buf.mul(1);
  const v = s.buf.view([3]);
  const d = s.buf.detach();
  const x2old = x2.mul(1);
  x2.mul_(2);
  s.buf.add_(1);
  s.cnt.add_(1);
  const z = s.w.sum().reshape([1, 1]);
  return [y, z, s.cnt.clone(), x.to(torch.float32).mul(2), s.buf, old, v, s.cnt, x, s.w, d, x2old, x2];
};

const text = (t: torch.Tensor) => `${t.dtype.name}[${t.shape.join(",")}] ${JSON.stringify(t.detach().cpu().tolist())}`;

beforeEach(() => {
  torch._dynamo.reset();
  xla.reset_metrics();
});

describe.each(["cpu", "xla"])("compiled outputs are matched to the right results (%s)", (dev) => {
  it.each([
    ["a forward with a compiled backward (aot.ts)", true],
    ["a call without grad (capture.ts)", false],
  ])("%s: 6 calls give the eager outputs, gradients and state", (_name, withGrad) => {
    const A = makeState(dev);
    const B = makeState(dev);
    const f = torch.compile(body(A));
    const g = body(B);
    for (let i = 0; i < 6; i++) {
      const x = torch
        .tensor([1.0, 2.0, 3.0], { dtype: torch.float64 })
        .to(dev)
        .mul(i + 1);
      const xa = torch.ones([2, 2]).to(dev);
      const xb = torch.ones([2, 2]).to(dev);
      const run = (fn: typeof g, x2: torch.Tensor) => (withGrad ? fn(x, x2) : torch.no_grad(() => fn(x, x2)));
      const got = run(f, xa) as torch.Tensor[];
      const want = run(g, xb) as torch.Tensor[];
      expect(got.map(text), `call ${i}`).toEqual(want.map(text));
      // outputs returned as they are stay the same tensors
      expect(got[8], `call ${i}: x`).toBe(x);
      expect(got[12], `call ${i}: x2`).toBe(xa);
      if (withGrad) {
        got[0]!.sum().add(got[1]!.sum().mul(2)).backward();
        want[0]!.sum().add(want[1]!.sum().mul(2)).backward();
        expect(text(A.w.grad!), `call ${i}: w.grad`).toBe(text(B.w.grad!));
      }
      expect([text(A.buf), text(A.cnt), text(xa)], `call ${i}: state`).toEqual([text(B.buf), text(B.cnt), text(xb)]);
    }
    expect(xla.metrics().compiledCaptures).toBe(1);
    expect(xla.metrics().compiledReplays).toBe(4);
  });
});

describe.each(["cpu", "xla"])("a replay writes the call's own arguments (%s)", (dev) => {
  it("an argument written in place and an argument leaf's .grad from a backward inside reach each call's arguments", () => {
    torch.manual_seed(0);
    const w = torch.randn([3, 2], { dtype: torch.float64 }).to(dev);
    const body = (x: torch.Tensor, acc: torch.Tensor) => {
      const loss = x.matmul(w).tanh().sum();
      loss.backward();
      acc.add_(x.grad!);
      return loss;
    };
    const f = torch.compile(body);
    for (let i = 0; i < 5; i++) {
      const mk = () =>
        torch
          .arange(6, { dtype: torch.float64 })
          .reshape([2, 3])
          .mul(0.1 * (i + 1))
          .to(dev)
          .requires_grad_();
      const [xa, xb] = [mk(), mk()];
      const [acca, accb] = [torch.ones([2, 3], { dtype: torch.float64 }).to(dev), torch.ones([2, 3], { dtype: torch.float64 }).to(dev)];
      expect(text(f(xa, acca) as torch.Tensor), `call ${i}: loss`).toBe(text(body(xb, accb)));
      expect(text(xa.grad!), `call ${i}: x.grad`).toBe(text(xb.grad!));
      expect(text(acca), `call ${i}: acc`).toBe(text(accb));
    }
    expect(xla.metrics().compiledReplays).toBe(3);
  });
});
