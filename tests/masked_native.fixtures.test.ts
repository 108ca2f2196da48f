// torch.masked.*, torch.native_layer_norm / native_batch_norm, channel_shuffle
// (F, torch, nn.ChannelShuffle), ctc_loss with int-list lengths and torch.rrelu
// with a generator against PyTorch 1.13 (tests/fixtures/gen_masked_native.py
// writes masked_native.json; its docstring gives the format), on cpu and xla:
// forward values in positional and keyword forms, float64 gradients, running
// statistics updated in place, and PyTorch's refusals.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareValue, decodeValue, loadTorch, modeHooks, type Device, type Json } from "./harness/fixtures";

interface Case {
  name: string;
  fn: string;
  ctor?: Json[];
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  after?: [number, Json][];
  grads?: (Json | null)[];
}
interface ErrorCase {
  name: string;
  fn: string;
  ctor?: Json[];
  args: Json[];
  kwargs: Record<string, Json>;
  type: "RuntimeError" | "TypeError" | "IndexError" | "ValueError";
  message: string;
  must: string[];
}
const file = fileURLToPath(new URL("./fixtures/masked_native.json", import.meta.url));
const { cases, errors } = JSON.parse(readFileSync(file, "utf8")) as { cases: Case[]; errors: ErrorCase[] };

/** {"generator": seed} -> a fresh torch.Generator seeded so (a program variable for decodeValue). */
function withGenerators(torch: any, v: Json, env: Record<string, unknown>): Json {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => withGenerators(torch, e, env));
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === "generator" && typeof v.generator === "number") {
    const name = `g${Object.keys(env).length}`;
    env[name] = new torch.Generator().manual_seed(v.generator);
    return { var: name };
  }
  if ("t" in v) return v;
  return Object.fromEntries(keys.map((k) => [k, withGenerators(torch, v[k]!, env)]));
}

/** torch.<dotted path>, or a new nn module built from `ctor` (its forward is then called). */
function callable(torch: any, c: { fn: string; ctor?: Json[] }, device: Device): (...a: unknown[]) => unknown {
  let f: any = torch;
  for (const part of c.fn.split(".")) f = f?.[part];
  if (typeof f !== "function") throw new Error(`torch.${c.fn} is not a function`);
  if (!c.ctor) return f;
  // (a trailing options object in ctor is the constructor's keyword form, decoded as one)
  const m = new f(...(decodeValue(c.ctor, device, { torch }) as unknown[]));
  return (...a: unknown[]) => m.forward(...a);
}

function decodeCall(torch: any, c: { args: Json[]; kwargs: Record<string, Json> }, device: Device, leaves?: any[]) {
  const env: Record<string, unknown> = {};
  const args = decodeValue(withGenerators(torch, c.args, env), device, { torch, env, leaves }) as unknown[];
  const kwargs = decodeValue(withGenerators(torch, c.kwargs, env), device, { torch, env, leaves }) as Record<string, unknown>;
  return [...args, ...(Object.keys(kwargs).length ? [kwargs] : [])];
}

const flatTensors = (torch: any, v: unknown): any[] =>
  v instanceof torch.Tensor ? [v] : Array.isArray(v) ? v.flatMap((e) => flatTensors(torch, e)) : [];

/** The fixtures' cotangent: w[i] = 0.5 + ((7 i) % 11) / 10 over y's flat index. */
function cotangent(torch: any, y: any): any {
  const n = y.numel();
  const w = Array.from({ length: n }, (_, i) => 0.5 + ((7 * i) % 11) / 10);
  return torch
    .tensor(w, { dtype: y.dtype })
    .reshape([...y.shape])
    .to(y.device);
}

const ERROR_CLASS = { RuntimeError: "TorchError", ValueError: "TorchError", TypeError: "TorchTypeError", IndexError: "TorchIndexError" };

describe.each(["cpu", "xla"] as const)("masked / native norms / channel_shuffle / ctc_loss / rrelu vs PyTorch on %s", (target) => {
  const device: Device = target;
  const hooks = modeHooks(target);
  beforeAll(hooks.before);
  afterAll(hooks.after);

  for (const c of cases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const args = decodeCall(torch, c, device);
      const out = callable(torch, c, device)(...args);
      compareValue(out, c.out, { device }, `${c.name} [${device}] out`);
      for (const [i, expected] of c.after ?? []) compareValue(args[i], expected, { device }, `${c.name} [${device}] argument ${i} after`);
      if (!c.grads) return;
      const leaves: any[] = [];
      const y = callable(torch, c, device)(...decodeCall(torch, c, device, leaves));
      const ys = flatTensors(torch, y).filter((t) => t.dtype.is_floating_point && t.requires_grad);
      let loss: any = null;
      for (const t of ys) {
        const term = t.mul(cotangent(torch, t)).sum();
        loss = loss === null ? term : loss.add(term);
      }
      expect(leaves.length, `${c.name}: leaves`).toBe(c.grads.length);
      if (loss === null) {
        // no output carries a gradient here (vector_norm with ord=0 is piecewise constant): PyTorch's must be zeros
        for (const g of c.grads)
          if (g !== null) compareValue(torch.zeros_like(leaves[0]), g, { device }, `${c.name} [${device}] zero grad`);
        return;
      }
      loss.backward();
      c.grads.forEach((g, i) => {
        if (g === null) expect(leaves[i].grad ?? null, `${c.name}: grad of leaf ${i}`).toBeNull();
        else compareValue(leaves[i].grad, g, { device }, `${c.name} [${device}] grad of leaf ${i}`);
      });
    });

  for (const e of errors)
    it(`refuses: ${e.name}`, async () => {
      const torch = await loadTorch();
      let thrown: unknown;
      try {
        callable(torch, e, device)(...decodeCall(torch, e, device));
      } catch (err) {
        thrown = err;
      }
      expect(thrown, `no error thrown (PyTorch: ${e.type}: ${e.message})`).toBeInstanceOf(Error);
      const err = thrown as Error;
      expect(err, `PyTorch raises ${e.type}: ${e.message}; got ${err.name}: ${err.message}`).toBeInstanceOf(torch[ERROR_CLASS[e.type]]);
      for (const m of e.must) expect(err.message).toContain(m);
    });

  it("native_batch_norm refuses evaluation without running statistics (PyTorch 1.13 crashes there)", async () => {
    const torch = await loadTorch();
    const x = torch.ones([2, 3]).to(device);
    expect(() => torch.native_batch_norm(x, null, null, null, null, false, 0.1, 1e-5)).toThrow(/native_batch_norm.*running_mean/);
  });

  it("nn.ChannelShuffle's repr", async () => {
    const torch = await loadTorch();
    expect(String(new torch.nn.ChannelShuffle(3))).toBe("ChannelShuffle(groups=3)");
  });
});
