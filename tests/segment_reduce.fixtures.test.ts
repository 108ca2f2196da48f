// torch.segment_reduce against PyTorch 1.13 (tests/fixtures/segment_reduce.json, written by
// gen_segment_reduce.py from OpInfo's segment_reduce.lengths / .offsets samples and edge cases), on cpu
// and on the xla device: forward values, float64 gradients of data (loss sum(y * w) over the finite
// results, as the generator computes it), the keyword form (everything after `reduce` is keyword-only in
// PyTorch) and the same call with `reduce` passed by keyword, and errors (PyTorch's text, naming the op).
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, decodeValue, type Json } from "./harness/fixtures";
import data from "./fixtures/segment_reduce.json";

type Any = any;
interface Case {
  name: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json[];
  grad?: Json[];
  error?: { type: string; message: string };
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;

const pattern = (y: Any): Any =>
  T.arange(y.numel(), { dtype: torch.float64, device: y.device }).mul(7).remainder(11).div(10).add(0.5).reshape(y.shape);
const tolOf = (dtype: string) => (dtype === "float32" ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-10, atol: 1e-12 });
const dtypeOf = (j: Json): string => (j as unknown as { t: { dtype: string } }).t.dtype;

for (const device of ["cpu", "xla"] as const) {
  describe(`segment_reduce on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const kwargs = decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
        const [x, reduce, ...rest] = decodeValue(c.args as Json, device, { torch }) as [Any, string, ...Any[]];
        if (c.error) {
          expect(() => T.segment_reduce(x, reduce, ...rest, kwargs)).toThrow(c.error.message);
          expect(() => T.segment_reduce(x, reduce, ...rest, kwargs)).toThrow(/segment_reduce/);
          return;
        }
        const tol = tolOf(dtypeOf(c.out![0]!));
        compareValue(T.segment_reduce(x, reduce, kwargs), c.out![0]!, tol, `${c.name} output`);
        // `reduce` by keyword too (PyTorch's data and reduce are positional-or-keyword)
        compareValue(T.segment_reduce(x, { reduce, ...kwargs }), c.out![0]!, tol, `${c.name} output, reduce by keyword`);
        if (!c.grad) return;
        const leaf = x.detach().requires_grad_(true);
        const y = T.segment_reduce(leaf, reduce, kwargs);
        const finite = y.isfinite();
        T.where(finite, y, 0)
          .mul(T.where(finite, pattern(y), 0))
          .sum()
          .backward();
        compareValue(leaf.grad, c.grad[0]!, tolOf("float64"), `${c.name} grad`);
      });
    }
  });
}
