// Defects found by PyTorch's OpInfo samples (tests/fixtures/gen_defects_b.py
// writes defects_b.json from PyTorch 1.13): circular F.pad with negative pads,
// torch.normal with broadcast mean/std, integer avg_pool1d/2d/3d, embedding's
// 2-D weight check, scatter(..., reduce=) and unique/unique_consecutive with
// dim, on every target. Call cases may name a dotted function below torch
// ("nn.functional.pad"); program cases run through the shared harness.
import { expect, it } from "vitest";
import {
  compareValue,
  decodeValue,
  loadCases,
  loadTorch,
  runOpCase,
  type CallCase,
  type Device,
  type GradCase,
  type Json,
  type OpCase,
} from "./harness/fixtures";
import { onEveryTarget, type ErrorCase } from "./harness/suites";

interface BackwardErrorCase {
  name: string;
  kind: "backward_error";
  fn: string;
  call: "method" | "function";
  args: Json[];
  kwargs: Record<string, Json>;
  grad_fn: string;
  error: { type: string; message: string };
}

type AnyCase = OpCase | ErrorCase | BackwardErrorCase | (GradCase & { kind: "grad" });
const all = loadCases<AnyCase>("defects_b.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const opCases = all.filter((c): c is OpCase => kindOf(c) === undefined);
const errCases = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const bwdCases = all.filter((c): c is BackwardErrorCase => kindOf(c) === "backward_error");
const gradCases = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");

function resolve(torch: any, path: string): (...a: unknown[]) => any {
  let f: any = torch;
  for (const part of path.split(".")) {
    f = f?.[part];
    if (f === undefined) throw new Error(`torch.${path} is not defined`);
  }
  if (typeof f !== "function") throw new Error(`torch.${path} is not a function`);
  return f;
}

/** Decodes and runs a call case; `leaves` collects the requires_grad inputs. */
async function call(
  c: { fn: string; call: "method" | "function"; args: Json[]; kwargs: Record<string, Json> },
  device: Device,
  leaves?: any[],
): Promise<any> {
  const torch = await loadTorch();
  const args = decodeValue(c.args, device, { torch, leaves }) as any[];
  const kwargs = decodeValue(c.kwargs ?? {}, device, { torch, leaves }) as Record<string, unknown>;
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.call === "function") return resolve(torch, c.fn)(...args, ...tail);
  const m = args[0]?.[c.fn];
  if (typeof m !== "function") throw new Error(`Tensor.${c.fn} is not a function`);
  return m.apply(args[0], [...args.slice(1), ...tail]);
}

const flat = (v: unknown, out: any[] = []): any[] => {
  if (Array.isArray(v)) for (const e of v) flat(e, out);
  else if (v && typeof v === "object" && "grad_fn" in (v as object)) out.push(v);
  return out;
};

const ERROR_CLASS = (torch: any, type: string) =>
  ({
    RuntimeError: torch.TorchError,
    ValueError: torch.TorchError,
    NotImplementedError: torch.TorchError,
    TypeError: torch.TorchTypeError,
    IndexError: torch.TorchIndexError,
  })[type];

onEveryTarget("defects b: ops vs PyTorch on %s", (device) => {
  for (const c of opCases) {
    it(c.name, async () => {
      if ("program" in c) return runOpCase(c, device);
      const cc = c as CallCase;
      const out = await call(cc, device);
      compareValue(out, cc.out, { rtol: cc.rtol, atol: cc.atol, shapeOnly: cc.shape_only, device }, `${cc.name} [${device}] out`);
    });
  }
});

onEveryTarget("defects b: gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const leaves: any[] = [];
      const out = await call(c, device, leaves);
      const path = `${c.name} [${device}]`;
      compareValue(out, c.out, { rtol: c.rtol, atol: c.atol, device }, `${path} forward out`);
      expect(leaves.length).toBe(c.grads.length);
      const outs = flat(out);
      expect(outs.length).toBe(c.weights.length);
      let loss: any = null;
      outs.forEach((y, i) => {
        const wj = c.weights[i];
        if (wj === null || wj === undefined) return;
        const term = y.mul(decodeValue(wj, device, { torch })).sum();
        loss = loss === null ? term : loss.add(term);
      });
      loss.backward();
      c.grads.forEach((g, i) => compareValue(leaves[i].grad, g, { rtol: c.rtol, atol: c.atol, device }, `${path} grad of input #${i}`));
    });
  }
});

onEveryTarget("defects b: errors vs PyTorch on %s", (device) => {
  for (const c of errCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const args = decodeValue(c.args, device, { torch }) as any[];
      const target = c.fn.endsWith("_") ? args[0] : null;
      const before = target ? { values: JSON.stringify(target.tolist()), version: target._version } : null;
      let thrown: unknown;
      try {
        await call(c, device);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `no error thrown (PyTorch: ${c.error.type}: ${c.error.message})`).toBeInstanceOf(Error);
      const e = thrown as Error;
      expect(e, `PyTorch raises ${c.error.type}: ${c.error.message}; got ${e.name}: ${e.message}`).toBeInstanceOf(
        ERROR_CLASS(torch, c.error.type),
      );
      for (const m of c.must) expect(e.message).toContain(m);
      if (target) expect({ values: JSON.stringify(target.tolist()), version: target._version }).toEqual(before);
    });
  }
  for (const c of bwdCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const out = await call(c, device, []);
      const y = Array.isArray(out) ? out[0] : out;
      expect(y.grad_fn?.name).toBe(c.grad_fn);
      let thrown: unknown;
      try {
        y.sum().backward();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `backward should throw ${c.error.message}`).toBeInstanceOf(ERROR_CLASS(torch, c.error.type) ?? Error);
      expect((thrown as Error).message).toBe(c.error.message);
    });
  }
});

onEveryTarget("defects b: nn.Embedding with a weight that is not 2-D on %s", (device) => {
  it("a 1-D weight set on the module fails in forward as PyTorch's embedding does", async () => {
    const torch = await loadTorch();
    const emb = new torch.nn.Embedding(3, 2);
    emb.to(device);
    emb.weight = new torch.nn.Parameter(torch.randn(3).to(device));
    // PyTorch 1.13: RuntimeError: 'weight' must be 2-D
    expect(() => emb.forward(torch.tensor([0, 1]).to(device))).toThrow(/'weight' must be 2-D/);
  });
  it("from_pretrained and _weight reject a 1-D weight (PyTorch's AssertionErrors)", async () => {
    const torch = await loadTorch();
    expect(() => torch.nn.Embedding.from_pretrained(torch.randn(3).to(device))).toThrow(
      "Embeddings parameter is expected to be 2-dimensional",
    );
    expect(() => new torch.nn.Embedding(3, 2, { _weight: torch.randn(3).to(device) })).toThrow(
      "Shape of weight does not match num_embeddings and embedding_dim",
    );
  });
});
