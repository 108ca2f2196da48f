// torch.linalg.ldl_factor(_ex)/ldl_solve, torch.svd_lowrank/pca_lowrank, F.celu's
// float64 gradient and F.group_norm / nn.GroupNorm on empty input against PyTorch
// 1.13 (tests/fixtures/linalg_ldl.json, written by gen_linalg_ldl.py), on cpu and
// on the xla device (ldl and ldl_solve through the CPU fallback): forward values,
// float64 gradients (or PyTorch's "not implemented" backward error), keyword
// forms, errors. svd_lowrank/pca_lowrank draw the same randn as PyTorch after the
// same manual_seed; their U and V are compared up to each column's sign (the SVD's
// sign convention differs here) and their gradient loss is sign-invariant.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import {
  compareColumnsUpToSign,
  compareValue,
  cotangentPattern,
  decodeArgsWithLeaves,
  decodeValue,
  type Json,
  type TensorJson,
} from "./harness/fixtures";
import data from "./fixtures/linalg_ldl.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  seed?: number;
  out?: Json[];
  modes?: ("value" | "colsign")[];
  grad?: { loss: "weighted" | "lowrank"; grads: (Json | null)[] };
  error?: { type: string; message: string };
  backward_error?: { type: string; message: string };
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;

function call(c: Case, args: Any[], kwargs: Record<string, unknown>): Any {
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.seed !== undefined) T.manual_seed(c.seed);
  if (c.fn === "celu_ on a non-leaf") return T.nn.functional.celu(args[0].mul(1), args[1], true);
  if (c.fn.startsWith("nn.")) {
    const Cls = T.nn[c.fn.slice(3)];
    return new Cls(...args[0]).to(args[1].device)(args[1]);
  }
  const f = c.fn.startsWith("linalg.") ? T.linalg[c.fn.slice(7)] : c.fn.startsWith("F.") ? T.nn.functional[c.fn.slice(2)] : T[c.fn];
  return f(...args, ...tail);
}
const outs = (r: Any): Any[] => (Array.isArray(r) ? r : [r]);
const tensorJson = (j: Json): TensorJson => (j as unknown as { t: TensorJson }).t;
// celu's gradient was 1e-8 off in float64: its cases are held to a few ulps
const tolOf = (c: Case, dtype: string) =>
  dtype === "float32" ? { rtol: 1e-4, atol: 2e-5 } : c.fn.includes("celu") ? { rtol: 1e-14, atol: 1e-15 } : { rtol: 1e-8, atol: 1e-10 };

const pattern = (y: Any): Any => cotangentPattern(torch, y);
function lossOf(kind: "weighted" | "lowrank", r: Any[]): Any {
  if (kind === "lowrank") {
    const [U, S, V] = r;
    return S.mul(pattern(S))
      .sum()
      .add(U.mul(U).mul(pattern(U)).sum())
      .add(V.mul(V).mul(pattern(V)).sum());
  }
  let loss: Any = null;
  for (const y of r) {
    if (y.dtype !== torch.float64) continue;
    const term = y.mul(pattern(y)).sum();
    loss = loss ? loss.add(term) : term;
  }
  return loss;
}

const decodeArgs = (c: Case, device: "cpu" | "xla", leaves?: Any[]): Any[] => decodeArgsWithLeaves(torch, c.args as Json, device, leaves);

for (const device of ["cpu", "xla"] as const) {
  describe(`linalg.ldl_factor/ldl_solve, svd/pca_lowrank, celu, group_norm on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const kwargs = decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
        if (c.error) {
          expect(() => call(c, decodeArgs(c, device), kwargs)).toThrow(c.error.message);
          return;
        }
        if (c.backward_error) {
          const leaves: Any[] = [];
          const y = outs(call(c, decodeArgs(c, device, leaves), kwargs))[0];
          expect(y.grad_fn, "a result of a differentiable input records a node").not.toBeNull();
          expect(() => y.sum().backward()).toThrow(c.backward_error.message);
          return;
        }
        const r = outs(call(c, decodeArgs(c, device), kwargs));
        expect(r.length).toBe(c.out!.length);
        r.forEach((y, i) => {
          const e = c.out![i]!,
            path = `${c.name} output ${i}`;
          const tol = tolOf(c, tensorJson(e).dtype);
          if (c.modes?.[i] === "colsign") compareColumnsUpToSign(T, y, e, tol, path);
          else compareValue(y, e, tol, path);
        });
        if (!c.grad) return;
        const leaves: Any[] = [];
        lossOf(c.grad.loss, outs(call(c, decodeArgs(c, device, leaves), kwargs))).backward();
        c.grad.grads.forEach((g, i) => {
          if (g === null) return;
          compareValue(leaves[i].grad, g, tolOf(c, "float64"), `${c.name} grad ${i}`);
        });
      });
    }
  });
}
