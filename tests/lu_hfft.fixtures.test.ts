// torch.lu / torch.lu_solve (and Tensor.lu / Tensor.lu_solve) and
// torch.fft.hfft2/hfftn/ihfft2/ihfftn against PyTorch 1.13
// (tests/fixtures/lu_hfft.json, written by gen_lu_hfft.py), on cpu and on the
// xla device: forward values, float64 gradients, positional and keyword forms,
// errors. Complex inputs travel as their real [..., 2] view (view_as_complex
// here, as in the generator) and complex outputs are compared as view_as_real.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, cotangentPattern, decodeArgsWithLeaves, decodeValue, type Json, type TensorJson } from "./harness/fixtures";
import data from "./fixtures/lu_hfft.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json[];
  grad?: { grads: (Json | null)[] };
  error?: { type: string; message: string };
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;

function call(c: Case, args: Any[], kwargs: Record<string, unknown>): Any {
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.fn.endsWith(" complex")) return T.fft[c.fn.slice(4, -8)](T.view_as_complex(args[0]), ...args.slice(1), ...tail);
  if (c.fn.startsWith("fft.")) return T.fft[c.fn.slice(4)](...args, ...tail);
  if (c.fn.startsWith("Tensor.")) return args[0][c.fn.slice(7)](...args.slice(1), ...tail);
  return T[c.fn](...args, ...tail);
}
const outs = (r: Any): Any[] => (Array.isArray(r) ? r : [r]).map((y: Any) => (y.dtype.is_complex ? T.view_as_real(y) : y));
const tensorJson = (j: Json): TensorJson => (j as unknown as { t: TensorJson }).t;
const tolOf = (dtype: string) => (dtype === "float32" ? { rtol: 1e-4, atol: 2e-5 } : { rtol: 1e-8, atol: 1e-10 });

const pattern = (y: Any): Any => cotangentPattern(torch, y);

const decodeArgs = (c: Case, device: "cpu" | "xla", leaves?: Any[]): Any[] => decodeArgsWithLeaves(torch, c.args as Json, device, leaves);

for (const device of ["cpu", "xla"] as const) {
  describe(`torch.lu/lu_solve, fft.hfft2/hfftn/ihfft2/ihfftn on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const kwargs = decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
        if (c.error) {
          // PyTorch refuses LU without pivoting on its CPU; the lu primitive always pivots, so xla refuses too
          const message =
            device === "xla" && c.name === "lu pivot=False on cpu" ? "LU without pivoting is not implemented" : c.error.message;
          expect(() => call(c, decodeArgs(c, device), kwargs)).toThrow(message);
          return;
        }
        const r = outs(call(c, decodeArgs(c, device), kwargs));
        expect(r.length).toBe(c.out!.length);
        r.forEach((y, i) => compareValue(y, c.out![i]!, tolOf(tensorJson(c.out![i]!).dtype), `${c.name} output ${i}`));
        if (!c.grad) return;
        const leaves: Any[] = [];
        let loss: Any = null;
        for (const y of outs(call(c, decodeArgs(c, device, leaves), kwargs))) {
          if (y.dtype !== torch.float64) continue;
          const term = y.mul(pattern(y)).sum();
          loss = loss ? loss.add(term) : term;
        }
        loss.backward();
        c.grad.grads.forEach((g, i) => {
          if (g === null) return;
          compareValue(leaves[i].grad, g, tolOf("float64"), `${c.name} grad ${i}`);
        });
      });
    }
  });
}

// PyTorch has an unpivoted LU only on CUDA; the one LU kernel here pivots, so
// pivot=False is refused on every device rather than answered with a pivoted LU.
describe("LU without pivoting", () => {
  for (const device of ["cpu", "xla"] as const)
    it(`linalg.lu_factor(_ex) / linalg.lu refuse pivot=False on ${device}`, () => {
      const A = torch.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: torch.float64, device },
      );
      for (const f of [
        () => T.linalg.lu_factor(A, { pivot: false }),
        () => T.linalg.lu_factor_ex(A, { pivot: false }),
        () => T.linalg.lu(A, { pivot: false }),
      ])
        expect(f).toThrow(/LU without pivoting is not implemented/);
    });
});
