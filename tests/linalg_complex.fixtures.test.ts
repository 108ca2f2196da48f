// Complex inputs of torch.linalg's LU/solve family (lu_factor, lu, lu_unpack, lu_solve, solve, inv, det,
// slogdet, logdet, matrix_power, tensorsolve, triangular_solve, solve_triangular, cholesky_solve,
// cholesky_inverse) and of the norms and std/var, against PyTorch 1.13 (tests/fixtures/linalg_complex.json,
// written by gen_linalg_complex.py), on cpu and on the xla device (lu through the CPU fallback,
// triangular_solve as stablehlo.triangular_solve on the CPU runtime): values (complex ones as view_as_real,
// dtype checked), keyword forms, float64 and complex128 gradients, errors naming the op.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, cotangentPattern, decodeValue, type Json } from "./harness/fixtures";
import data from "./fixtures/linalg_complex.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json[];
  grad?: (Json | null)[];
  error?: { type: string; message: string };
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;

const NON_FINITE: Record<string, number> = { inf: Infinity, "-inf": -Infinity, nan: NaN };
/**
 * decodeValue plus complex tensors ({"complex_t": view_as_real of it}) and the non-finite numbers the
 * generator writes as strings (ord=inf); float64 and complex128 tensors become leaves when asked.
 */
function decode(v: Json, device: "cpu" | "xla", leaves?: Any[]): Any {
  if (typeof v === "string" && v in NON_FINITE) {
    leaves?.push(null);
    return NON_FINITE[v];
  }
  if (Array.isArray(v)) return v.map((e) => decode(e, device));
  const x =
    v !== null && typeof v === "object" && "complex_t" in v
      ? T.view_as_complex(decodeValue((v as Any).complex_t, device, { torch }))
      : decodeValue(v, device, { torch });
  if (leaves && x instanceof T.Tensor && (x.dtype === T.float64 || x.dtype === T.complex128)) {
    const leaf = x.detach().requires_grad_(true);
    leaves.push(leaf);
    return leaf;
  }
  leaves?.push(null);
  return x;
}
function fnOf(name: string): Any {
  if (name.startsWith("linalg.")) return T.linalg[name.slice(7)];
  if (name.startsWith("F.")) return T.nn.functional[name.slice(2)];
  if (name.startsWith("masked.")) return T.masked[name.slice(7)];
  return T[name];
}
function call(c: Case, device: "cpu" | "xla", leaves?: Any[]): Any[] {
  const args = c.args.map((a) => decode(a, device, leaves));
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v, device)]));
  const r = fnOf(c.fn)(...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
  return Array.isArray(r) ? [...r] : [r];
}
const tol = (dtype: string) => (dtype === "float32" || dtype === "complex64" ? { rtol: 1e-4, atol: 2e-5 } : { rtol: 1e-8, atol: 1e-10 });

for (const device of ["cpu", "xla"] as const) {
  describe(`complex linalg (LU/solve family, norms, std/var) on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        if (c.error) {
          expect(() => call(c, device)).toThrow(c.error.message);
          return;
        }
        const r = call(c, device);
        expect(r.length).toBe(c.out!.length);
        r.forEach((y, i) => {
          const e = c.out![i] as Any;
          const path = `${c.name} output ${i} [${device}]`;
          if ("complex_t" in e) {
            expect(y.dtype.is_complex, `${path}: a complex result`).toBe(true);
            compareValue(T.view_as_real(y), e.complex_t, tol(e.complex_t.t.dtype), path);
          } else compareValue(y, e, tol(e.t.dtype), path);
        });
        if (!c.grad) return;
        const leaves: Any[] = [];
        let loss: Any = null;
        // sum(y * w) over the float64 outputs and view_as_real(y) of the complex128 ones (the generator's loss)
        for (const out of call(c, device, leaves)) {
          const y = out.dtype === T.complex128 ? T.view_as_real(out) : out;
          if (y.dtype !== T.float64) continue;
          const term = y.mul(cotangentPattern(torch, y)).sum();
          loss = loss ? loss.add(term) : term;
        }
        loss.backward();
        c.grad.forEach((g, i) => {
          if (g === null) return;
          const path = `${c.name} grad ${i} [${device}]`;
          const gc = g as Any;
          if ("complex_t" in gc) compareValue(T.view_as_real(leaves[i].grad), gc.complex_t, tol("float64"), path);
          else compareValue(leaves[i].grad, g, tol("float64"), path);
        });
      });
    }
  });
}
