// torch.linalg and the torch.* linear-algebra functions against PyTorch 1.13
// (tests/fixtures/linalg.json, written by gen_linalg.py), on cpu and on the xla
// device (fused mode: cholesky/triangular_solve lowered, qr/eigh/svd/lu through
// the CPU fallback): forward values, float64 gradients, keyword forms (also of
// the torch.* functions and their Tensor methods), errors.
// Eigenvectors and singular vectors are compared after a sign normalisation
// (their signs are not unique); gradients through them use sign-invariant losses.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, decodeValue, type Json, type TensorJson } from "./harness/fixtures";
import data from "./fixtures/linalg.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json[];
  modes: string[];
  rtol?: number;
  grad?: { transforms: (string | null)[]; weights: (Json | null)[]; grads: (Json | null)[] };
}
interface ErrorCase {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  error: string;
}
const cases = (data as unknown as { cases: Case[] }).cases;
const errors = (data as unknown as { errors: ErrorCase[] }).errors;
const T = torch as Any;
const fnOf = (name: string): Any => (name.startsWith("linalg.") ? T.linalg[name.slice(7)] : T[name]);
/** fn(...args, kwargs?): "linalg.X", "X" (torch.X) or "Tensor.X" (the method of args[0]). */
const call = (name: string, args: Any[], kwargs: Record<string, unknown>): Any => {
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  return name.startsWith("Tensor.") ? args[0][name.slice(7)](...args.slice(1), ...tail) : fnOf(name)(...args, ...tail);
};
const tol = (dtype: string, c: Case) =>
  dtype === "float32" ? { rtol: c.rtol ?? 1e-4, atol: 1e-5 } : { rtol: c.rtol ?? 1e-8, atol: 1e-10 };

/** Each column (colsign) or row (rowsign) of each matrix multiplied by the sign of its largest-magnitude entry. */
function signNormalised(flat: number[], shape: readonly number[], mode: string): number[] {
  const out = flat.slice();
  const r = shape[shape.length - 2]!,
    c = shape[shape.length - 1]!;
  for (let off = 0; off < out.length; off += r * c) {
    const lines = mode === "colsign" ? c : r,
      len = mode === "colsign" ? r : c;
    for (let l = 0; l < lines; l++) {
      const at = (i: number) => off + (mode === "colsign" ? i * c + l : l * c + i);
      let best = 0;
      for (let i = 1; i < len; i++) if (Math.abs(out[at(i)]!) > Math.abs(out[at(best)]!) + 1e-12) best = i;
      if (out[at(best)]! < 0) for (let i = 0; i < len; i++) out[at(i)] = -out[at(i)]!;
    }
  }
  return out;
}
const flatOf = (x: Any): number[] => (x.ndim === 0 ? [x.item()] : (x.reshape(-1).tolist() as number[]));

function compareOutput(actual: Any, expected: Json, mode: string, c: Case, path: string): void {
  if (mode === "skip") return;
  const e = (expected as unknown as { t: TensorJson }).t;
  if (mode === "value") {
    compareValue(actual, expected, tol(e.dtype, c), path);
    return;
  }
  expect(actual.shape, path).toEqual(e.shape);
  const a = signNormalised(flatOf(actual.cpu()), e.shape, mode);
  const x = signNormalised(e.data as number[], e.shape, mode);
  const t = tol(e.dtype, c);
  a.forEach((v, i) => {
    if (Math.abs(v - x[i]!) > t.atol + t.rtol * Math.abs(x[i]!)) throw new Error(`${path}[${i}]: ${v} != ${x[i]} (${mode})`);
  });
}

const outs = (r: Any): Any[] => (Array.isArray(r) ? r : [r]);

for (const device of ["cpu", "xla"] as const) {
  describe(`linalg fixtures on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const leaves: Any[] = [];
        const args = decodeValue(c.args as Json, device, { torch, leaves }) as Any[];
        const kwargs = decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
        const r = outs(call(c.fn, args, kwargs));
        expect(r.length, c.name).toBe(c.out.length);
        r.forEach((y, i) => compareOutput(y, c.out[i]!, c.modes[i]!, c, `${c.name} output ${i}`));
        if (!c.grad) return;
        let loss: Any = null;
        c.grad.transforms.forEach((tr, i) => {
          const w = c.grad!.weights[i];
          if (!tr || !w) return;
          const y = r[i];
          const term = (tr === "lin" ? y : y.mul(y)).mul(decodeValue(w, device, { torch })).sum();
          loss = loss ? loss.add(term) : term;
        });
        loss.backward();
        const expected = c.grad.grads.filter((g) => g !== null);
        expect(leaves.length).toBe(expected.length);
        leaves.forEach((leaf, i) => compareValue(leaf.grad, expected[i]!, tol("float64", c), `${c.name} grad ${i}`));
      });
    }
    for (const e of errors) {
      it(`error: ${e.name}`, () => {
        const args = decodeValue(e.args as Json, device, { torch }) as Any[];
        const kwargs = decodeValue(e.kwargs as Json, device, { torch }) as Record<string, unknown>;
        expect(() => call(e.fn, args, kwargs)).toThrow(e.error);
      });
    }
  });
}

describe("linalg on the xla device", () => {
  it("computes qr/eigh/svd/lu through the counted CPU fallback and cholesky in the graph", () => {
    const before = { ...torch.xla.metrics().cpuFallbacks };
    const A = torch.randn(4, 4, { dtype: torch.float64 }).to("xla");
    const S = A.matmul(A.transpose(0, 1)).add(torch.eye(4, { dtype: torch.float64, device: "xla" }));
    const [Q, R] = T.linalg.qr(A);
    T.linalg.eigh(S);
    T.linalg.svdvals(A);
    T.linalg.det(A);
    const L = T.linalg.cholesky(S);
    const after = torch.xla.metrics().cpuFallbacks;
    const n = (p: string) => (after[p] ?? 0) - (before[p] ?? 0);
    expect([n("qr"), n("eigh"), n("svd"), n("lu"), n("cholesky")]).toEqual([1, 1, 1, 1, 0]);
    expect(Q.matmul(R).sub(A).abs().max().item()).toBeLessThan(1e-12);
    expect(L.matmul(L.transpose(0, 1)).sub(S).abs().max().item()).toBeLessThan(1e-12);
  });

  it("differentiates through the fallback in every execution mode", () => {
    const x = torch.randn(3, 3, { dtype: torch.float64 });
    const want = (() => {
      const a = x.clone().requires_grad_(true);
      T.linalg.svdvals(a).sum().backward();
      return (a.grad as Any).tolist() as number[][];
    })();
    for (const mode of ["debug", "strict", "fused", "lazy"] as const) {
      torch.xla.execution_mode(mode, () => {
        const a = x.to("xla").requires_grad_(true);
        T.linalg.svdvals(a).sum().backward();
        const g = (a.grad as Any).cpu().tolist() as number[][];
        g.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i]!, 10));
      });
    }
  });
});

describe("linalg keyword form", () => {
  it("takes every parameter by name", () => {
    const A = torch.tensor(
      [
        [4, 1],
        [1, 3],
      ],
      { dtype: torch.float64 },
    );
    const B = torch.tensor([[1], [2]], { dtype: torch.float64 });
    const X = T.linalg.solve({ A, B });
    expect(X.tolist()).toEqual(T.linalg.solve(A, B).tolist());
    expect(T.linalg.cholesky({ input: A, upper: true }).tolist()).toEqual(T.linalg.cholesky(A, { upper: true }).tolist());
    expect(T.linalg.matrix_norm(A, { ord: "nuc", keepdim: true }).shape).toEqual([1, 1]);
    expect(() => T.linalg.qr(A, { mod: "r" })).toThrow("linalg_qr() got an unexpected keyword argument 'mod'");
  });
});
