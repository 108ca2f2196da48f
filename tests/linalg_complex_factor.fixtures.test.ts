// Complex inputs of torch.linalg's factorizations (cholesky, qr, geqrf,
// householder_product, ormqr, eigh/eigvalsh, svd/svdvals, pinv, matrix_rank,
// lstsq, cond, matrix_norm, ldl_factor/ldl_solve) against PyTorch 1.13
// (tests/fixtures/linalg_complex_factor.json, written by
// gen_linalg_complex_factor.py), on cpu and on the xla device (qr, geqrf, eigh,
// svd and ldl through the CPU fallback, cholesky as stablehlo.cholesky): forward
// values, the real float64 gradients of the same functions, complex gradients
// of cholesky/qr/eigh/svd/pinv (losses that do not depend on the vectors' phases), keyword
// and positional forms, errors.
//
// Where PyTorch's output is defined only up to a unit complex factor, the
// factor is taken out before comparing: eigh's eigenvectors ("phase": each of
// our columns times the unit d / |d|, d = <ours, recorded>) and the SVD's
// singular vectors ("svdU"/"svdVh": U's column j and Vh's row j share one
// factor, u_j e^{it} and e^{-it} vh_j, found from U and applied to both, so the
// pair must still reconstruct the same matrix). Nothing else is adjusted; the
// one output not compared ("skip") is cholesky_ex's L after a failed
// factorization (LAPACK's partly updated workspace; only info is defined).
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, cotangentPattern, decodeValue, type Json } from "./harness/fixtures";
import data from "./fixtures/linalg_complex_factor.json";

type Any = any;
type Mode = "value" | "skip" | "phase" | "svdU" | "svdVh";
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json[];
  modes?: Mode[];
  grad?: (Json | null)[];
  cgrad?: (Json | null)[];
  error?: { type: string; message: string };
  backward_error?: { output: number; type: string; message: string };
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;

/**
 * decodeValue plus complex tensors ({"complex_t": view_as_real of it}); float64 tensors (complex128 ones with
 * `complexLeaves`) become leaves when asked.
 */
function decode(v: Json, device: "cpu" | "xla", leaves?: Any[], complexLeaves = false): Any {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && "complex_t" in v) {
    const z = T.view_as_complex(decodeValue((v as Any).complex_t, device, { torch }));
    if (leaves && complexLeaves && z.dtype === T.complex128) {
      const leaf = z.detach().requires_grad_(true);
      leaves.push(leaf);
      return leaf;
    }
    leaves?.push(null);
    return z;
  }
  if (Array.isArray(v)) return v.map((e) => decode(e, device));
  const x = decodeValue(v, device, { torch });
  if (leaves && !complexLeaves && x instanceof T.Tensor && x.dtype === T.float64) {
    const leaf = x.detach().requires_grad_(true);
    leaves.push(leaf);
    return leaf;
  }
  leaves?.push(null);
  return x;
}
const fnOf = (name: string): Any => (name.startsWith("linalg.") ? T.linalg[name.slice(7)] : T[name]);
function call(c: Case, device: "cpu" | "xla", leaves?: Any[], complexLeaves = false): Any[] {
  const args = c.args.map((a) => decode(a, device, leaves, complexLeaves));
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v, device)]));
  const r = fnOf(c.fn)(...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
  return Array.isArray(r) ? [...r] : [r];
}
const tol = (dtype: string) => (dtype === "float32" || dtype === "complex64" ? { rtol: 1e-4, atol: 2e-5 } : { rtol: 1e-8, atol: 1e-10 });
const expectedTensor = (e: Any, device: "cpu" | "xla"): Any => decode(e, device);

/** Per column of complex Q [..., r, c], the unit d / |d|, d = sum over the column of conj(Q) * W (1 where d = 0): [..., 1, c]. */
function columnPhases(Q: Any, W: Any): Any {
  const d = Q.cpu().to(T.complex128).conj().mul(W.cpu().to(T.complex128)).sum(-2, { keepdim: true });
  const m = d.abs();
  return T.where(m.eq(0), T.ones_like(d), d.div(T.where(m.eq(0), 1, m)));
}

for (const device of ["cpu", "xla"] as const) {
  describe(`complex linalg factorizations on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        if (c.backward_error) {
          // PyTorch's check that the loss does not depend on the singular vectors' or eigenvectors' phases
          const out = call(c, device, [], true)[c.backward_error.output];
          expect(() => out.real.sum().backward()).toThrow(c.backward_error.message);
          return;
        }
        if (c.error) {
          let err: Any = null;
          try {
            call(c, device);
          } catch (e) {
            err = e;
          }
          expect(err, `${c.name}: throws`).not.toBeNull();
          // PyTorch's text (it names the op)
          expect(String(err.message)).toContain(c.error.message);
          if (c.error.type === "_LinAlgError") expect(err.name).toBe("LinAlgError");
          return;
        }
        const r = call(c, device);
        expect(r.length).toBe(c.out!.length);
        const modes = c.modes ?? [];
        // the SVD's per-triplet factor, from U (output 0)
        let svdPhase: Any = null;
        if (modes[0] === "svdU") svdPhase = columnPhases(r[0], expectedTensor(c.out![0], "cpu"));
        r.forEach((y0, i) => {
          const e = c.out![i] as Any;
          const path = `${c.name} output ${i} [${device}]`;
          expect(String(y0.device)).toContain(device);
          let y = y0.cpu();
          const mode = modes[i] ?? "value";
          if (mode === "skip") return;
          if (mode === "phase") y = y.mul(columnPhases(y, expectedTensor(e, "cpu")).to(y.dtype));
          else if (mode === "svdU") y = y.mul(svdPhase.to(y.dtype));
          else if (mode === "svdVh") y = y.mul(svdPhase.mT.conj().to(y.dtype));
          if ("complex_t" in e) {
            expect(y.dtype.is_complex, `${path}: a complex result`).toBe(true);
            compareValue(T.view_as_real(y.resolve_conj()), e.complex_t, tol(e.complex_t.t.dtype), path);
          } else compareValue(y, e, tol(e.t.dtype), path);
        });
        if (c.cgrad) {
          // sum(y * w) over the float64 outputs plus sum(|y|^2 * w) over the complex ones
          const leaves: Any[] = [];
          let loss: Any = null;
          for (const y of call(c, device, leaves, true)) {
            const term = y.is_complex()
              ? y.abs().pow(2).mul(cotangentPattern(torch, y.real)).sum()
              : y.mul(cotangentPattern(torch, y)).sum();
            loss = loss ? loss.add(term) : term;
          }
          loss.backward();
          c.cgrad.forEach((g, i) => {
            if (g !== null)
              compareValue(
                T.view_as_real(leaves[i].grad.cpu()),
                (g as Any).complex_t,
                tol("float64"),
                `${c.name} complex grad ${i} [${device}]`,
              );
          });
        }
        if (!c.grad) return;
        const leaves: Any[] = [];
        let loss: Any = null;
        for (const y of call(c, device, leaves)) {
          if (y.dtype !== T.float64) continue;
          const term = y.mul(cotangentPattern(torch, y)).sum();
          loss = loss ? loss.add(term) : term;
        }
        loss.backward();
        c.grad.forEach((g, i) => {
          if (g !== null) compareValue(leaves[i].grad, g, tol("float64"), `${c.name} grad ${i} [${device}]`);
        });
      });
    }
  });
}
