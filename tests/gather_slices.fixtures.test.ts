// index_select, F.embedding, torch.gather, take_along_dim, index_add(_),
// index_copy(_), scatter/scatter_add, take, put and x[index_tensor] against
// PyTorch 1.13 (tests/fixtures/gather_slices.json, written by
// gen_gather_slices.py), on cpu and on the xla device in every execution
// mode: forward values, float64 gradients, positional and
// keyword forms, repeated and empty indices, and out-of-range indices refused
// with PyTorch's text and the op's name. These ops are the windowed
// gather_slices / scatter_slices primitives (core's prims_gather.ts).
import { expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareValue, cotangentPattern, decodeArgsWithLeaves, decodeValue, type Json, type TensorJson } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";
import data from "./fixtures/gather_slices.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json[];
  grad?: { grads: (Json | null)[] };
  error?: { type: string; message: string };
  op?: string;
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;
const ERROR_CLASS: Record<string, string> = { IndexError: "TorchIndexError", RuntimeError: "TorchError", TypeError: "TorchTypeError" };

function call(c: Case, args: Any[], kwargs: Record<string, unknown>): Any {
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.fn.startsWith("Tensor.")) return args[0][c.fn.slice(7)](...args.slice(1), ...tail);
  if (c.fn.startsWith("F.")) return T.nn.functional[c.fn.slice(2)](...args, ...tail);
  if (c.fn === "getitem") return args[0].getitem(args[1]);
  if (c.fn === "setitem") {
    const y = args[0].clone();
    y.setitem(args[1], args[2]);
    return y;
  }
  return T[c.fn](...args, ...tail);
}
const outs = (r: Any): Any[] => (Array.isArray(r) ? r : [r]);
const tensorJson = (j: Json): TensorJson => (j as unknown as { t: TensorJson }).t;
const tolOf = (dtype: string) => (dtype === "float32" ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-10, atol: 1e-12 });

// cpu, and the xla device in each execution mode (fused, debug, strict, lazy)
onEveryTarget("windowed gather/scatter ops vs PyTorch on %s", (device) => {
  for (const c of cases) {
    it(c.name, () => {
      const kwargs = () => decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
      if (c.error) {
        let thrown: Any = null;
        try {
          call(c, decodeArgsWithLeaves(torch, c.args as Json, device), kwargs());
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `PyTorch raises ${c.error.type}: ${c.error.message}`).toBeInstanceOf(Error);
        expect(thrown.name).toBe(ERROR_CLASS[c.error.type]);
        expect(thrown.message).toContain(c.error.message);
        expect(thrown.message).toContain(c.op!);
        return;
      }
      const r = outs(call(c, decodeArgsWithLeaves(torch, c.args as Json, device), kwargs()));
      expect(r.length).toBe(c.out!.length);
      r.forEach((y, i) => compareValue(y, c.out![i]!, tolOf(tensorJson(c.out![i]!).dtype), `${c.name} output ${i}`));
      if (!c.grad) return;
      const leaves: Any[] = [];
      // keyword tensors are not leaves here: the float64 positional ones are (as the generator's)
      let loss: Any = null;
      for (const y of outs(call(c, decodeArgsWithLeaves(torch, c.args as Json, device, leaves), kwargs()))) {
        if (y.dtype !== torch.float64) continue;
        const term = y.mul(cotangentPattern(torch, y)).sum();
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
