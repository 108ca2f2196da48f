// torch.special and its torch.* / Tensor names against PyTorch 1.13
// (tests/fixtures/special.json, written by gen_special.py), on cpu and on the
// xla device: forward values (float64 to ~1e-12, float32, integer inputs
// promoted), float64 gradients, keyword forms, errors. On xla lgamma, digamma,
// polygamma and zeta lower to CHLO; the Bessel functions, ndtri, erfcx and the
// incomplete gamma functions run through the counted CPU fallback.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, decodeValue, type Json } from "./harness/fixtures";
import data from "./fixtures/special.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  rtol?: number;
  atol?: number;
  rtol32?: number;
  grad?: { weights: Json; grads: (Json | null)[] };
}
interface ErrorCase {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  error: string;
}
const { cases, errors } = data as unknown as { cases: Case[]; errors: ErrorCase[] };
const T = torch as Any;
function call(fn: string, args: Any[], kwargs: Record<string, unknown>): Any {
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (fn.startsWith("special.")) return T.special[fn.slice(8)](...args, ...tail);
  if (fn.startsWith("Tensor.")) return args[0][fn.slice(7)](...args.slice(1), ...tail);
  return T[fn](...args, ...tail);
}
const tol = (dtype: string, c: Case) =>
  dtype === "float64"
    ? { rtol: c.rtol ?? 1e-12, atol: c.atol ?? 1e-14 }
    : { rtol: c.rtol32 ?? Math.max(c.rtol ?? 0, 4e-6), atol: Math.max(c.atol ?? 0, 1e-6) };
const outDtype = (c: Case) => (c.out as unknown as { t: { dtype: string } }).t.dtype;

for (const device of ["cpu", "xla"] as const) {
  describe(`torch.special fixtures on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const leaves: Any[] = [];
        const args = decodeValue(c.args as Json, device, { torch, leaves }) as Any[];
        const kwargs = decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
        const y = call(c.fn, args, kwargs);
        compareValue(y, c.out, tol(outDtype(c), c), c.name);
        if (!c.grad) return;
        y.mul(decodeValue(c.grad.weights, device, { torch }))
          .sum()
          .backward();
        const expected = c.grad.grads.filter((g) => g !== null);
        expect(leaves.length).toBe(expected.length);
        leaves.forEach((leaf, i) => compareValue(leaf.grad, expected[i]!, { rtol: 1e-10, atol: 1e-12 }, `${c.name} grad ${i}`));
      });
    }
    for (const e of errors) {
      it(`error: ${e.name}`, () => {
        const args = decodeValue(e.args as Json, device, { torch }) as Any[];
        const kwargs = decodeValue(e.kwargs as Json, device, { torch }) as Record<string, unknown>;
        expect(() => call(e.fn, args, kwargs)).toThrow(e.error);
      });
    }
    it("has no derivative of zeta in x nor of the incomplete gamma functions in a (PyTorch's words)", () => {
      const x = torch.tensor([2.0, 3.0], { dtype: torch.float64, device, requires_grad: true });
      const q = torch.tensor([1.0, 2.0], { dtype: torch.float64, device });
      expect(() => T.special.zeta(x, q).sum().backward()).toThrow("the derivative for 'zeta' is not implemented.");
      const a = torch.tensor([2.0, 3.0], { dtype: torch.float64, device, requires_grad: true });
      expect(() => T.special.gammainc(a, q).sum().backward()).toThrow("the derivative for 'igamma: input' is not implemented.");
      expect(() => T.igammac(a, q).sum().backward()).toThrow("the derivative for 'igammac: input' is not implemented.");
    });
    it("leaves the Bessel functions and polynomials PyTorch does not differentiate without grad_fn", () => {
      const x = torch.tensor([0.5, 2.0], { dtype: torch.float64, device, requires_grad: true });
      for (const n of [
        "bessel_j0",
        "bessel_y1",
        "modified_bessel_i0",
        "modified_bessel_k1",
        "scaled_modified_bessel_k0",
        "spherical_bessel_j0",
      ])
        expect(T.special[n](x).requires_grad, n).toBe(false);
      expect(T.special.chebyshev_polynomial_t(x, 3).requires_grad).toBe(false);
      expect(T.special.i0e(x).requires_grad).toBe(true);
    });
  });
}

describe("torch.special on the xla device", () => {
  it("runs the Bessel functions through the counted CPU fallback and lgamma in the graph", () => {
    const before = { ...torch.xla.metrics().cpuFallbacks };
    const x = torch.tensor([0.5, 2.0, 7.0], { dtype: torch.float64 }).to("xla");
    const y = T.special
      .bessel_j0(x)
      .add(T.lgamma(x))
      .add(T.special.zeta(x.add(1), x));
    const want = T.special
      .bessel_j0(x.cpu())
      .add(T.lgamma(x.cpu()))
      .add(T.special.zeta(x.cpu().add(1), x.cpu()));
    expect(y.cpu().sub(want).abs().max().item()).toBeLessThan(1e-14);
    const after = torch.xla.metrics().cpuFallbacks;
    const n = (p: string) => (after[p] ?? 0) - (before[p] ?? 0);
    expect([n("bessel_j0"), n("lgamma"), n("zeta")]).toEqual([1, 0, 0]);
  });
});
