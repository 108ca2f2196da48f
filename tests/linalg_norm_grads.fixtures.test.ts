// Norms at zero and linalg edge cases against PyTorch 1.13 (tests/fixtures/linalg_norm_grads.json, written by
// gen_linalg_norm_grads.py), on cpu and on the xla device: values, whether each result requires grad, float64
// gradients (null where PyTorch's is None: the leaf's .grad must stay null), the keyword forms, and errors (the
// message names the op or gives PyTorch's text). eigh's eigenvectors are compared up to each column's sign.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { compareColumnsUpToSign, compareValue, cotangentPattern, decodeValue, type Json, type TensorJson } from "./harness/fixtures";
import data from "./fixtures/linalg_norm_grads.json";

type Any = any;
interface Case {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json[];
  modes?: ("value" | "colsign")[];
  leaves?: number[];
  requires_grad?: boolean[];
  grad?: { loss: "weighted" | "eigh"; grads: (Json | null)[] };
  error?: { type: string; message: string };
}
const cases = (data as unknown as { cases: Case[] }).cases;
const T = torch as Any;

function call(c: Case, args: Any[], kwargs: Record<string, unknown>): Any {
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  const f = c.fn.startsWith("linalg.") ? T.linalg[c.fn.slice(7)] : c.fn.startsWith("F.") ? T.nn.functional[c.fn.slice(2)] : T[c.fn];
  return f(...args, ...tail);
}
const outs = (r: Any): Any[] => (Array.isArray(r) ? Array.from(r) : [r]);
const tensorJson = (j: Json): TensorJson => (j as unknown as { t: TensorJson }).t;
const tolOf = (dtype: string) => (dtype === "float32" ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-9, atol: 1e-12 });

/** The args on `device`, float64 tensors (those at `c.leaves` when given) made fresh leaves requiring grad. */
function decodeArgs(c: Case, device: "cpu" | "xla", leaves?: Any[]): Any[] {
  const decoded = decodeValue(c.args as Json, device, { torch }) as Any[];
  if (!leaves) return decoded;
  return decoded.map((a, i) => {
    const leaf = a instanceof T.Tensor && a.dtype === T.float64 && (!c.leaves || c.leaves.includes(i));
    leaves.push(leaf ? a.detach().requires_grad_(true) : null);
    return leaf ? leaves[i] : a;
  });
}

function lossOf(kind: "weighted" | "eigh", ys: Any[]): Any {
  if (kind === "eigh") {
    const [L, Q] = ys;
    return L.mul(cotangentPattern(torch, L))
      .sum()
      .add(Q.mul(Q).mul(cotangentPattern(torch, Q)).sum());
  }
  let loss: Any = null;
  for (const y of ys) {
    if (y.dtype !== T.float64 || !y.requires_grad) continue;
    const term = y.mul(cotangentPattern(torch, y)).sum();
    loss = loss ? loss.add(term) : term;
  }
  return loss;
}

for (const device of ["cpu", "xla"] as const) {
  describe(`norms at zero, cdist/pdist, det/matrix_power/householder_product/vander/pinv/lstsq/eigh edge cases on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const kwargs = decodeValue(c.kwargs as Json, device, { torch }) as Record<string, unknown>;
        if (c.error) {
          let thrown: Error | undefined;
          try {
            call(c, decodeArgs(c, device), kwargs);
          } catch (e) {
            thrown = e as Error;
          }
          expect(thrown, `${c.name}: PyTorch raises ${c.error.type}: ${c.error.message}`).toBeDefined();
          const op = c.fn.replace(/^(linalg|F)\./, "");
          const msg = thrown!.message;
          expect(msg.includes(c.error.message) || msg.includes(op), `${c.name}: "${msg}" names neither ${op} nor PyTorch's text`).toBe(
            true,
          );
          return;
        }
        const r = outs(call(c, decodeArgs(c, device), kwargs));
        expect(r.length).toBe(c.out!.length);
        r.forEach((y, i) => {
          const e = c.out![i]!,
            path = `${c.name} output ${i}`;
          if (c.modes?.[i] === "colsign") compareColumnsUpToSign(T, y, e, tolOf(tensorJson(e).dtype), path);
          else compareValue(y, e, tolOf(tensorJson(e).dtype), path);
        });
        if (!c.requires_grad) return;
        const leaves: Any[] = [];
        const ys = outs(call(c, decodeArgs(c, device, leaves), kwargs));
        expect(
          ys.map((y) => y.requires_grad),
          `${c.name}: which results require grad`,
        ).toEqual(c.requires_grad);
        if (!c.grad) return;
        lossOf(c.grad.loss, ys).backward();
        c.grad.grads.forEach((g, i) => {
          if (!leaves[i]) return;
          if (g === null) expect(leaves[i].grad, `${c.name} grad ${i}: PyTorch's is None`).toBeNull();
          else compareValue(leaves[i].grad, g, tolOf("float64"), `${c.name} grad ${i}`);
        });
      });
    }
  });
}
