// Autograd behaviour beyond the gradient fixtures: accumulation, retain_graph,
// autograd.grad (with create_graph), hooks, grad_fn names, no_grad, custom
// Functions, gradcheck, and PyTorch's errors for misuse; on cpu and xla.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const f64 = torch.float64;

describe.each(["cpu", "xla"])("autograd on %s", (device) => {
  const leaf = (v: number[] | number) => torch.tensor(v, { dtype: f64, device, requires_grad: true });

  it(".grad accumulates across backward calls; retain_graph allows a second pass", () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(x).sum();
    y.backward({ retain_graph: true });
    y.backward();
    expect(x.grad!.tolist()).toEqual([4, 8, 12]);
  });

  it("backward(gradient) on a non-scalar output", () => {
    const x = leaf([1, 2]);
    x.mul(3).backward(torch.tensor([1, 10], { dtype: f64, device }));
    expect(x.grad!.tolist()).toEqual([3, 30]);
  });

  it("autograd.grad returns gradients without touching .grad, and create_graph gives second derivatives", () => {
    const x = leaf([2, -1]);
    const y = x.pow(3).sum();
    const [g] = torch.autograd.grad(y, x, { create_graph: true });
    expect(g!.tolist()).toEqual([12, 3]);
    expect(x.grad).toBeNull();
    const [h] = torch.autograd.grad(g!.sum(), x);
    expect(h!.tolist()).toEqual([12, -6]);
  });

  it("hooks see and may replace gradients; retain_grad keeps a non-leaf's grad", () => {
    const x = leaf([1, 2]);
    const seen: number[][] = [];
    x.register_hook((g) => {
      seen.push(g.tolist() as number[]);
      return g.mul(2);
    });
    const h = x.mul(3);
    h.retain_grad();
    h.sum().backward();
    expect(seen).toEqual([[3, 3]]);
    expect(x.grad!.tolist()).toEqual([6, 6]);
    expect(h.grad!.tolist()).toEqual([1, 1]);
  });

  it("grad_fn names follow PyTorch; leaves and detach", () => {
    const x = leaf([1, 2]);
    expect(x.is_leaf).toBe(true);
    expect(x.mul(2).grad_fn!.name).toBe("MulBackward0");
    expect(x.sum().grad_fn!.name).toBe("SumBackward0");
    expect(x.exp().grad_fn!.name).toBe("ExpBackward0");
    const d = x.mul(2).detach();
    expect(d.requires_grad).toBe(false);
    expect(d.grad_fn).toBeNull();
    const y = x.mul(2);
    y.detach_();
    expect(y.is_leaf).toBe(true);
  });

  it("no_grad and enable_grad", () => {
    const x = leaf([1]);
    const y = torch.no_grad(() => x.mul(2));
    expect(y.requires_grad).toBe(false);
    const z = torch.no_grad(() => torch.enable_grad(() => x.mul(2)));
    expect(z.requires_grad).toBe(true);
  });

  it("gradients flow through in-place writes on views", () => {
    const x = leaf([1, 2, 3, 4]);
    const y = x.mul(1);
    y.narrow(0, 1, 2).mul_(10);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 10, 10, 1]);
    expect(y.tolist()).toEqual([1, 20, 30, 4]);
  });

  it("a custom autograd.Function", () => {
    class Cube extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
        ctx.save_for_backward(x);
        return x.pow(3);
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
        const [x] = ctx.saved_tensors;
        return g.mul(x!.pow(2).mul(3));
      }
    }
    const x = leaf([1, -2]);
    (Cube.apply(x) as torch.Tensor).sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 12]);
  });

  it("misuse raises PyTorch's errors", () => {
    const x = leaf([1, 2]);
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/Trying to backward through the graph a second time/);
    expect(() => x.mul(2).backward()).toThrow(/grad can be implicitly created only for scalar outputs/);
    const c = torch.tensor([1, 2], { dtype: f64, device });
    expect(() => torch.autograd.grad(c.sum(), c)).toThrow(/does not require grad/);
    expect(() => x.add_(1)).toThrow(/a leaf Variable that requires grad is being used in an in-place operation/);
    expect(x.tolist()).toEqual([1, 2]);
    const a = leaf([1, 2]);
    const e = a.exp();
    const s = e.sum().mul(e.sum());
    e.add_(1);
    void s;
    const p = a.mul(1);
    const q = p.sigmoid();
    p.mul_(2);
    expect(() => q.sum().backward()).not.toThrow();
    const r = a.mul(1);
    const t = r.mul(r);
    r.add_(1);
    expect(() => t.sum().backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation/,
    );
  });
});

describe("gradcheck", () => {
  it("agrees with finite differences for composite functions (float64)", () => {
    const x = torch.tensor(
      [
        [0.3, -1.2],
        [2.0, 0.7],
      ],
      { dtype: f64, requires_grad: true },
    );
    const w = torch.tensor(
      [
        [0.5, 1.5],
        [-0.3, 0.8],
      ],
      { dtype: f64, requires_grad: true },
    );
    expect(torch.autograd.gradcheck((a, b) => a.matmul(b).tanh().log_softmax(1), [x, w])).toBe(true);
    expect(torch.autograd.gradcheck((a) => a.pow(2).cumsum(0).logsumexp(1), [x])).toBe(true);
  });
  it("reports a wrong analytical gradient", () => {
    class Wrong extends torch.autograd.Function {
      static override forward(_c: torch.autograd.FunctionCtx, x: torch.Tensor) {
        return x.mul(2);
      }
      static override backward(_c: torch.autograd.FunctionCtx, g: torch.Tensor) {
        return g.mul(3);
      }
    }
    const x = torch.tensor([1.0, 2.5], { dtype: f64, requires_grad: true });
    expect(() => torch.autograd.gradcheck((a) => Wrong.apply(a), [x])).toThrow(/Jacobian mismatch/);
  });
});
