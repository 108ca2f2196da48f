// torch.linalg.eig/eigvals and torch.geqrf/ormqr/orgqr against PyTorch 1.13
// (tests/fixtures/linalg_eig.json, written by gen_linalg_eig.py), on cpu and on
// the xla device (eig and geqrf through the CPU fallback): forward values,
// float64/complex128 gradients, keyword forms, Tensor methods, errors.
// Eigenvalues are compared as sets (their order is unspecified) and each
// eigenvector up to a unit complex factor; the gradient loss is invariant under
// both choices (gen_linalg_eig.py's header).
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, decodeValue, type Json, type TensorJson } from "./harness/fixtures";
import data from "./fixtures/linalg_eig.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json[];
  modes?: string[];
  grad?: { loss: "sym" | "weighted"; grads: (Json | null)[] };
  error?: { type: string; message: string };
  backward_error?: { type: string; message: string };
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;
const fnOf = (name: string): Any => (name.startsWith("linalg.") ? T.linalg[name.slice(7)] : T[name]);
const call = (name: string, args: Any[], kwargs: Record<string, unknown>): Any => {
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  return name.startsWith("Tensor.") ? args[0][name.slice(7)](...args.slice(1), ...tail) : fnOf(name)(...args, ...tail);
};
const outs = (r: Any): Any[] => (Array.isArray(r) ? r : [r]);
const tensorJson = (j: Json): TensorJson => (j as unknown as { t: TensorJson }).t;
const isCx = (j: Json): j is Json & { cx: Json } => typeof j === "object" && j !== null && "cx" in (j as object);
const tolOf = (dtype: string) => (dtype === "float32" ? { rtol: 1e-4, atol: 2e-5 } : { rtol: 1e-8, atol: 1e-10 });

/** An argument: complex tensors come as their real pairs ({"cx": ...}); requires_grad args become leaves. */
function decodeArg(j: Json, device: "cpu" | "xla"): Any {
  const rg = typeof j === "object" && j !== null && (j as { requires_grad?: boolean }).requires_grad === true;
  let x: Any;
  if (isCx(j)) x = T.view_as_complex(decodeValue(j.cx, device, { torch }));
  else {
    const plain = rg ? { ...(j as object), requires_grad: false } : j;
    x = decodeValue(plain as Json, device, { torch });
  }
  return rg ? x.detach().requires_grad_(true) : x;
}

/** Flat [re, im] pairs of a tensor (real: im 0). */
function pairs(x: Any): [number, number][] {
  const c = x.cpu();
  if (!c.dtype.is_complex) return (c.reshape(-1).tolist() as number[]).map((v) => [v, 0]);
  const flat = T.view_as_real(c).reshape(-1).tolist() as number[];
  const out: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
function expectedPairs(j: Json): { pairs: [number, number][]; shape: number[]; dtype: string } {
  if (isCx(j)) {
    const t = tensorJson(j.cx);
    const d = t.data as number[];
    const p: [number, number][] = [];
    for (let i = 0; i < d.length; i += 2) p.push([d[i]!, d[i + 1]!]);
    return { pairs: p, shape: t.shape.slice(0, -1), dtype: t.dtype };
  }
  const t = tensorJson(j);
  return { pairs: (t.data as number[]).map((v) => [v, 0]), shape: t.shape, dtype: t.dtype };
}
const dist = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** For each batch, the permutation matching expected eigenvalues to ours (nearest first); checks the values. */
function matchEigenvalues(actual: Any, expected: Json, path: string): number[][] {
  const e = expectedPairs(expected);
  expect([...actual.shape], path).toEqual(e.shape);
  const a = pairs(actual);
  const n = e.shape.at(-1)!;
  const t = tolOf(e.dtype);
  const perms: number[][] = [];
  for (let off = 0; off < a.length; off += n) {
    const free = new Set([...Array(n).keys()]);
    const perm: number[] = [];
    for (let i = 0; i < n; i++) {
      const want = e.pairs[off + i]!;
      let best = -1;
      for (const j of free) if (best < 0 || dist(a[off + j]!, want) < dist(a[off + best]!, want)) best = j;
      free.delete(best);
      perm.push(best);
      const scale = Math.hypot(want[0], want[1]);
      if (dist(a[off + best]!, want) > t.atol + 10 * t.rtol * Math.max(1, scale))
        throw new Error(`${path}: eigenvalue ${want} not found (nearest ${a[off + best]})`);
    }
    perms.push(perm);
  }
  return perms;
}

/** Eigenvector columns compared up to a unit complex factor, column i of the expected with column perm[i] of ours. */
function compareEigenvectors(actual: Any, expected: Json, perms: number[][], path: string): void {
  const e = expectedPairs(expected);
  expect([...actual.shape], path).toEqual(e.shape);
  const a = pairs(actual);
  const n = e.shape.at(-1)!;
  const t = tolOf(e.dtype);
  perms.forEach((perm, b) => {
    const off = b * n * n;
    for (let i = 0; i < n; i++) {
      const col = (src: [number, number][], c: number) => [...Array(n).keys()].map((r) => src[off + r * n + c]!);
      const x = col(e.pairs, i),
        y = col(a, perm[i]!);
      // phase = <y, x> / |<y, x>|
      let pr = 0,
        pi = 0;
      for (let r = 0; r < n; r++) {
        pr += y[r]![0] * x[r]![0] + y[r]![1] * x[r]![1];
        pi += y[r]![0] * x[r]![1] - y[r]![1] * x[r]![0];
      }
      const m = Math.hypot(pr, pi) || 1;
      const [cr, ci] = [pr / m, pi / m];
      for (let r = 0; r < n; r++) {
        const yr = y[r]![0] * cr - y[r]![1] * ci,
          yi = y[r]![0] * ci + y[r]![1] * cr;
        if (dist([yr, yi], x[r]!) > 10 * (t.atol + t.rtol)) throw new Error(`${path}: eigenvector ${i} entry ${r}: ${[yr, yi]} != ${x[r]}`);
      }
    }
  });
}

function symLoss(fn: string, r: Any[]): Any {
  const L = r[0];
  let loss = T.real(L).pow(3).sum().add(T.imag(L).pow(2).sum());
  if (fn === "linalg.eig") {
    const V = r[1];
    loss = loss.add(T.real(V).pow(2).add(T.imag(V).pow(2)).pow(2).sum());
  }
  return loss;
}

function compareGrad(g: Any, expected: Json, path: string): void {
  if (isCx(expected)) compareValue(T.view_as_real(g.cpu()), expected.cx, { rtol: 1e-7, atol: 1e-9 }, path);
  else compareValue(g, expected, { rtol: 1e-7, atol: 1e-9 }, path);
}

for (const device of ["cpu", "xla"] as const) {
  describe(`linalg.eig, geqrf, ormqr, orgqr on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const args = c.args.map((a) => decodeArg(a, device));
        const kwargs = decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
        if (c.error) {
          expect(() => call(c.fn, args, kwargs)).toThrow(c.error.message);
          return;
        }
        if (c.backward_error) {
          const y = outs(call(c.fn, args, kwargs))[0];
          expect(() => y.sum().backward()).toThrow(c.backward_error.message);
          return;
        }
        const r = outs(call(c.fn, args, kwargs));
        expect(r.length).toBe(c.out!.length);
        let perms: number[][] = [];
        r.forEach((y, i) => {
          const mode = c.modes![i]!,
            path = `${c.name} output ${i}`;
          if (mode === "eigvals") perms = matchEigenvalues(y, c.out![i]!, path);
          else if (mode === "eigvecs") compareEigenvectors(y, c.out![i]!, perms, path);
          else compareValue(y, c.out![i]!, tolOf(tensorJson(c.out![i]!).dtype), path);
        });
        if (!c.grad) return;
        let loss: Any;
        if (c.grad.loss === "sym") loss = symLoss(c.fn, r);
        else
          for (const y of r) {
            if (y.dtype !== torch.float64) continue;
            const n = y.numel();
            const w = T.arange(n, { dtype: torch.float64, device: y.device }).mul(7).remainder(11).div(10).add(0.5).reshape(y.shape);
            const term = y.mul(w).sum();
            loss = loss ? loss.add(term) : term;
          }
        loss.backward();
        c.grad.grads.forEach((g, i) => {
          if (g === null) return;
          compareGrad(args[i].grad, g, `${c.name} grad ${i}`);
        });
      });
    }
  });
}
