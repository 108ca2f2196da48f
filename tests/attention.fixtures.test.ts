// Attention and the Transformer family against PyTorch (tests/fixtures/attention.json, written by
// tests/fixtures/gen_attention.py; its docstring describes the sections): F.scaled_dot_product_attention
// (PyTorch 2's documented formula), F.multi_head_attention_forward, nn.MultiheadAttention,
// nn.Transformer*, F.embedding_bag / nn.EmbeddingBag, nn.ParameterList / nn.ParameterDict. Forward values
// and float64 gradients on cpu and on xla in every execution mode, the keyword forms, seeded construction
// (PyTorch's weights, state_dict keys, reprs) and PyTorch's errors.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compareValue, decodeValue, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

type Any = any;
const data = JSON.parse(readFileSync(new URL("./fixtures/attention.json", import.meta.url), "utf8")) as Record<string, Any>;

let torch: Any;
beforeAll(async () => {
  torch = await loadTorch();
});

/** Float64 values through several matmuls and a softmax, summed in another order than PyTorch's. */
const F64 = { rtol: 1e-9, atol: 1e-11 };
/** float32 results (and float32 weights from the seeded constructions). */
const F32 = { rtol: 1e-5, atol: 1e-6 };
const tolOf = (expected: Json): { rtol: number; atol: number } => (JSON.stringify(expected).includes('"float32"') ? F32 : F64);

/** Fixture value -> JS value: {"module": spec} built, {"fn": name} nn.functional's function, tensors on `device`. */
function dec(v: Json, device: Device, leaves?: Any[]): Any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => dec(e, device, leaves));
  if ("module" in v) return build(v.module as Any, device);
  if ("fn" in v) return torch.nn.functional[v.fn as string];
  if ("t" in v) return decodeValue(v, device, { torch, leaves });
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, dec(e, device, leaves)]));
}

/** new nn[ctor](...args, kwargs), nested specs built first, left to right (as Python evaluates them). */
function build(spec: { ctor: string; args: Json[]; kwargs: Record<string, Json> }, device: Device = "cpu"): Any {
  const args = dec(spec.args, device);
  const kwargs = dec(spec.kwargs, device);
  return new torch.nn[spec.ctor](...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
}

function flat(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

/** loss = sum_i (y_i * W_i).sum() over the non-null weights, then backward. */
function backward(ys: unknown[], W: Json[], device: Device): void {
  let loss: Any = null;
  ys.forEach((y: Any, i) => {
    if (W[i] === null) return;
    const t = y.mul(dec(W[i]!, device)).sum();
    loss = loss === null ? t : loss.add(t);
  });
  loss.backward();
}

const SDPA_POS = ["query", "key", "value", "attn_mask", "dropout_p", "is_causal"];

onEveryTarget("scaled_dot_product_attention (PyTorch 2's formula) [%s]", (device) => {
  for (const c of data.sdpa) {
    it(c.name, () => {
      for (const k of c.forms as number[]) {
        const leaves: Any[] = [];
        const values = dec(c.args, device, leaves) as Any[];
        const kw: Record<string, unknown> = { ...dec(c.kwargs, device) };
        values.forEach((v, i) => {
          if (i >= k) kw[SDPA_POS[i]!] = v;
        });
        const tail = Object.keys(kw).length ? [kw] : [];
        if (c.seed !== undefined) torch.manual_seed(c.seed);
        const y = torch.nn.functional.scaled_dot_product_attention(...values.slice(0, k), ...tail);
        const path = `${c.name} form ${k} [${device}]`;
        compareValue(y, c.out, { ...tolOf(c.out), device }, `${path} out`);
        if (c.grads) {
          backward([y], [c.W], device);
          c.grads.forEach((g: Json, i: number) => compareValue(leaves[i].grad, g, { ...F64, device }, `${path} grad ${SDPA_POS[i]}`));
        }
      }
    });
  }
});

onEveryTarget("F.multi_head_attention_forward [%s]", (device) => {
  for (const c of data.mha_fn) {
    it(c.name, () => {
      // form 13: the 13 required arguments positionally; form 3: query, key, value positionally, the rest by keyword
      for (const k of [13, 3]) {
        const leaves: Any[] = [];
        const args = (c.args as Json[]).map((a, i) => (typeof a === "string" && a.startsWith("same:") ? a : dec(a, device, leaves)));
        args.forEach((a, i) => {
          if (typeof a === "string" && a.startsWith("same:")) args[i] = args[Number(a.slice(5))];
        });
        const kwargs = dec(c.kwargs, device, leaves);
        const names = [
          "query",
          "key",
          "value",
          "embed_dim_to_check",
          "num_heads",
          "in_proj_weight",
          "in_proj_bias",
          "bias_k",
          "bias_v",
          "add_zero_attn",
          "dropout_p",
          "out_proj_weight",
          "out_proj_bias",
        ];
        const kw = { ...Object.fromEntries(names.slice(k).map((n, i) => [n, args[k + i]])), ...kwargs };
        if (c.seed !== undefined) torch.manual_seed(c.seed);
        const y = torch.nn.functional.multi_head_attention_forward(...args.slice(0, k), ...(Object.keys(kw).length ? [kw] : []));
        const path = `${c.name} form ${k} [${device}]`;
        compareValue(y, c.out, { ...tolOf(c.out), device }, `${path} out`);
        if (c.grads) {
          backward(flat(y), c.W, device);
          expect(leaves.length, `${path}: requires_grad inputs`).toBe(c.grads.length);
          c.grads.forEach((g: Json, i: number) => compareValue(leaves[i].grad, g, { ...F64, device }, `${path} grad #${i}`));
        }
      }
    });
  }
});

describe("seeded construction gives PyTorch's weights, names and repr", () => {
  for (const c of data.init) {
    it(c.name, () => {
      torch.manual_seed(c.seed);
      const m = build(c.spec);
      const state = m.state_dict();
      expect(Object.keys(state)).toEqual(Object.keys(c.state));
      for (const [k, e] of Object.entries(c.state as Record<string, Json>))
        compareValue(state[k], e, { ...F32, device: "cpu" }, `${c.name} ${k}`);
      expect(m.named_parameters().map(([n]: [string]) => n)).toEqual(c.names);
      expect(String(m)).toBe(c.repr);
      // PyTorch's state_dict loads into a differently seeded module
      torch.manual_seed(c.seed + 100);
      const other = build(c.spec);
      const r = other.load_state_dict(dec(c.state, "cpu"));
      expect(r).toEqual({ missing_keys: [], unexpected_keys: [] });
      for (const [k, e] of Object.entries(c.state as Record<string, Json>))
        compareValue(other.state_dict()[k], e, { ...F32, device: "cpu" }, `${c.name} loaded ${k}`);
    });
  }
});

onEveryTarget("modules: forward and float64 gradients [%s]", (device) => {
  for (const c of data.cases) {
    it(c.name, () => {
      torch.manual_seed(c.seed);
      const m = build(c.spec).double();
      m.train(c.train);
      m.to(device);
      const inputs: Any[] = [];
      const leaves: Any[] = [];
      (c.inputs as Json[]).forEach((v, i) => {
        const j = c.identity[String(i)];
        if (j !== undefined) {
          inputs.push(inputs[j]);
          return;
        }
        const t = dec(v, device);
        if (t.is_floating_point()) {
          t.requires_grad_(true);
          leaves.push(t);
        }
        inputs.push(t);
      });
      const kwargs = dec(c.kwargs, device);
      if (c.fwd_seed !== undefined) torch.manual_seed(c.fwd_seed);
      const y = m(...inputs, ...(Object.keys(kwargs).length ? [kwargs] : []));
      const ys = flat(y);
      const path = `${c.name} [${device}]`;
      compareValue(ys, c.out, { ...F64, device }, `${path} out`);
      backward(ys, c.W, device);
      c.grads.inputs.forEach((g: Json, i: number) => compareValue(leaves[i].grad, g, { ...F64, device }, `${path} grad input #${i}`));
      const params = Object.fromEntries(m.named_parameters());
      expect(Object.keys(params)).toEqual(Object.keys(c.grads.params));
      for (const [k, g] of Object.entries(c.grads.params as Record<string, Json>))
        compareValue(params[k].grad, g, { ...F64, device }, `${path} grad ${k}`);
    });
  }
});

onEveryTarget("F.embedding_bag [%s]", (device) => {
  for (const c of data.bag) {
    it(c.name, () => {
      for (const form of ["keywords", "positional"]) {
        const leaves: Any[] = [];
        const [input, weight] = dec(c.args, device, leaves);
        const kw = dec(c.kwargs, device, leaves);
        const names = [
          "offsets",
          "max_norm",
          "norm_type",
          "scale_grad_by_freq",
          "mode",
          "sparse",
          "per_sample_weights",
          "include_last_offset",
          "padding_idx",
        ];
        const defaults: unknown[] = [null, null, 2, false, "mean", false, null, false, null];
        const y =
          form === "keywords"
            ? torch.nn.functional.embedding_bag(input, weight, kw)
            : torch.nn.functional.embedding_bag(input, weight, ...names.map((n, i) => (n in kw ? kw[n] : defaults[i])));
        const path = `${c.name} ${form} [${device}]`;
        compareValue(y, c.out, { ...tolOf(c.out), device }, `${path} out`);
        if (c.grads) {
          backward([y], [c.W], device);
          c.grads.forEach((g: Json, i: number) => compareValue(leaves[i].grad, g, { ...F64, device }, `${path} grad #${i}`));
        }
      }
    });
  }
  it("nn.EmbeddingBag seeded forward", () => {
    const b = data.bag_module;
    torch.manual_seed(b.seed);
    const m = build(b.spec).to(device);
    expect(String(m)).toBe(b.repr);
    compareValue(m(dec(b.input, device), dec(b.offsets, device)), b.out, { ...F32, device }, `EmbeddingBag [${device}]`);
  });
  it("Transformer.generate_square_subsequent_mask", () => {
    for (const c of data.mask) {
      const mask = torch.nn.Transformer.generate_square_subsequent_mask(c.sz, device === "cpu" ? undefined : { device });
      compareValue(mask, c.out, { device }, `mask ${c.sz} [${device}]`);
    }
  });
});

describe("ParameterList and ParameterDict", () => {
  it("ParameterList registers its entries as 0, 1, ... (plain tensors wrapped)", () => {
    const c = data.containers[0];
    torch.manual_seed(c.seed);
    const nn = torch.nn;
    const pl = new nn.ParameterList([new nn.Parameter(torch.randn(2, 3)), torch.randn(3)]);
    pl.append(torch.randn(1, 2));
    expect(pl.named_parameters().map(([n]: [string]) => n)).toEqual(c.names);
    const state = pl.state_dict();
    for (const [k, e] of Object.entries(c.state as Record<string, Json>)) compareValue(state[k], e, { ...F32, device: "cpu" }, k);
    expect(String(pl)).toBe(c.repr);
    expect(pl.length).toBe(c.len);
    expect(pl.getitem(-1)).toBe(pl.getitem(2));
    expect(pl.getitem(1)).toBeInstanceOf(nn.Parameter);
    expect([...pl].length).toBe(3);
    expect(pl.getitem("1:").length).toBe(2);
    expect(() => pl.getitem(3)).toThrow("index 3 is out of range");
    expect(() => pl(torch.ones(1))).toThrow("ParameterList should not be called.");
  });
  it("ParameterDict: a plain object is taken in sorted key order, as PyTorch's dict", () => {
    const c = data.containers[1];
    torch.manual_seed(c.seed);
    const nn = torch.nn;
    const pd = new nn.ParameterDict({ b: new nn.Parameter(torch.randn(2)), a: torch.randn(3, 1) });
    pd.setitem("c", torch.randn(1));
    expect(pd.named_parameters().map(([n]: [string]) => n)).toEqual(c.names);
    expect(pd.keys()).toEqual(c.keys);
    const state = pd.state_dict();
    for (const [k, e] of Object.entries(c.state as Record<string, Json>)) compareValue(state[k], e, { ...F32, device: "cpu" }, k);
    expect(String(pd)).toBe(c.repr);
    expect(pd.length).toBe(c.len);
    expect(pd.has("a")).toBe(true);
    const [k, v] = pd.popitem();
    expect(k).toBe("c");
    expect(v).toBeInstanceOf(nn.Parameter);
    expect(pd.keys()).toEqual(["a", "b"]);
    expect(() => pd.getitem("zz")).toThrow("KeyError: 'zz'");
    expect(() => pd(torch.ones(1))).toThrow("ParameterDict should not be called.");
    const m = new Map([
      ["y", torch.zeros(1)],
      ["x", torch.zeros(2)],
    ]);
    expect(new nn.ParameterDict(m).keys()).toEqual(["y", "x"]);
  });
});

onEveryTarget("PyTorch's errors [%s]", (device) => {
  for (const c of data.errors) {
    // value checks (offsets[0] == 0) run where the values are on the host
    it.skipIf(c.cpu_only && device !== "cpu")(c.name, () => {
      let thrown: unknown;
      try {
        if (c.what === "ctor") build(c.call);
        else if (c.what === "module") {
          const [spec, args, kwargs] = c.call;
          const m = build(spec).double().to(device);
          const kw = dec(kwargs, device);
          m(...dec(args, device), ...(Object.keys(kw).length ? [kw] : []));
        } else {
          const [fname, args, kwargs] = c.call;
          const kw = dec(kwargs, device);
          torch.nn.functional[fname](...dec(args, device), ...(Object.keys(kw).length ? [kw] : []));
        }
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `no error thrown (PyTorch: ${c.type}: ${c.message})`).toBeInstanceOf(Error);
      const e = thrown as Error;
      expect(e).toBeInstanceOf(c.type === "TypeError" ? torch.TorchTypeError : torch.TorchError);
      for (const m of c.must) expect(e.message).toContain(m);
    });
  }
});
