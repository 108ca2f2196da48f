// Defects found by PyTorch's OpInfo samples (tests/fixtures/gen_defects_b.py
// writes defects_b.json from PyTorch 1.13): circular F.pad with negative pads,
// torch.normal with broadcast mean/std, integer avg_pool1d/2d/3d, embedding's
// 2-D weight check, scatter(..., reduce=) and unique/unique_consecutive with
// dim, on every target. Call cases may name a dotted function below torch
// ("nn.functional.pad"); program cases run through the shared harness.
import { expect, it } from "vitest";
import { decodeValue, loadCases, loadTorch, runOpCase, type CallCase, type GradCase, type Json, type OpCase } from "./harness/fixtures";
import { callCase, checkCallCase, checkErrorCase, checkGradCase, torchErrorClass } from "./harness/fixture_suite";
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

onEveryTarget("defects b: ops vs PyTorch on %s", (device) => {
  for (const c of opCases) {
    it(c.name, async () => {
      if ("program" in c) return runOpCase(c, device);
      return checkCallCase(c as CallCase, device);
    });
  }
});

onEveryTarget("defects b: gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) it(c.name, () => checkGradCase(c, device, { sameOutputCount: true }));
});

onEveryTarget("defects b: errors vs PyTorch on %s", (device) => {
  for (const c of errCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      // an in-place op that refuses must leave its target as it was
      const args = decodeValue(c.args, device, { torch }) as any[];
      const target = c.fn.endsWith("_") ? args[0] : null;
      const before = target ? { values: JSON.stringify(target.tolist()), version: target._version } : null;
      await checkErrorCase(c, device);
      if (target) expect({ values: JSON.stringify(target.tolist()), version: target._version }).toEqual(before);
    });
  }
  for (const c of bwdCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const out = await callCase(c, device, []);
      const y = Array.isArray(out) ? out[0] : out;
      expect(y.grad_fn?.name).toBe(c.grad_fn);
      let thrown: unknown;
      try {
        y.sum().backward();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `backward should throw ${c.error.message}`).toBeInstanceOf(torchErrorClass(torch, c.error.type) ?? Error);
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
