// The torch functions and Tensor methods of signatures.json that no call case of
// ops.json / more_ops.json covers, called in every split of their arguments into
// a positional prefix and a keyword remainder that PyTorch accepts
// (tests/fixtures/keyword_rest.json, written by tests/fixtures/gen_keyword_rest.py;
// see its docstring for the format), each form compared with PyTorch's values on
// cpu and xla (fused): the result, the receiver after an in-place method, and a
// follow-up (the RNG stream after manual_seed, the default dtype after
// set_default_dtype, gradients after backward).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTensor } from "./harness/compare";
import {
  compareValue,
  decodeTensor,
  decodeValue,
  deviceOf,
  loadCases,
  loadTorch,
  modeHooks,
  type CallCase,
  type Device,
  type Json,
  type OpCase,
  type Target,
} from "./harness/fixtures";
import { keywordCovered } from "./harness/keyword_coverage";

interface Case {
  name: string;
  call: "function" | "method";
  fn: string;
  self?: Json;
  params: [string, Json][];
  kw: Record<string, Json>;
  forms: number[];
  seed?: number;
  out: Json;
  self_after?: Json;
  post?: { name: string; out: Json };
  shape_only?: boolean;
  cpu_only?: string;
}

const FILE = fileURLToPath(new URL("./fixtures/keyword_rest.json", import.meta.url));
const data = JSON.parse(readFileSync(FILE, "utf8")) as { cases: Case[] };
const SIGNATURES = JSON.parse(readFileSync(fileURLToPath(new URL("../packages/core/src/signatures.json", import.meta.url)), "utf8")) as {
  table: Record<"torch" | "tensor", Record<string, unknown>>;
};
/** Callables the fixture leaves out: xlatorch has no NumPy (Tensor.numpy throws by design). */
const NOT_IMPLEMENTED = new Set(["tensor.numpy"]);
/**
 * C functions that take no keywords in PyTorch (torch.set_num_threads(num=2) is a TypeError; the
 * signature generator probes for it) have no keyword form to cover: tests/cpu_threads.test.ts checks
 * that the keyword form is refused with PyTorch's message.
 */
const positionalOnly = (g: "torch" | "tensor", n: string): boolean =>
  (SIGNATURES.table[g][n] as { positional_only?: boolean }[]).every((o) => o.positional_only);
/** Factories: {device} joins their keywords off cpu. */
const CREATION = new Set(["rand", "randn", "randint", "randperm", "normal"]);
/** Arguments that stay on the host (an RNG state is a cpu ByteTensor). */
const HOST = new Set(["set_rng_state"]);
/** Results on the host whatever the device: an RNG state, Tensor.cpu(). */
const HOST_OUT = new Set(["get_rng_state", "cpu"]);
/** The generator's FNS. */
const FNS: Record<string, (g: any) => any> = { double: (g) => g.mul(2) };

let torch: any;

/** Fixture JSON -> value on `device`: leaves and y = x * x of a fresh leaf (kept in env.leaf), hooks, else the harness's decoding. */
function dec(v: Json, device: Device, env: Record<string, any>): any {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    if ("square_leaf" in v || "leaf" in v) {
      const t = decodeTensor({ ...((v.square_leaf ?? v.leaf) as any), requires_grad: true }, device, { torch });
      env.leaf = t;
      return "square_leaf" in v ? t.mul(t) : t;
    }
    if ("fn" in v && Object.keys(v).length === 1) return FNS[v.fn as string];
  }
  if (Array.isArray(v)) return v.map((e) => dec(e, device, env));
  return decodeValue(v, device, { torch });
}

/** compareValue, with dtypes ({"dtype": name}) compared by name, also inside lists. */
function cmp(actual: any, expected: Json, opts: { device: Device; shapeOnly?: boolean }, path: string): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected) && "dtype" in expected && !("t" in expected)) {
    expect(String(actual), path).toBe(`torch.${expected.dtype}`);
    return;
  }
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected) && "object" in expected) {
    // a Generator (manual_seed) or a hook's handle: an object, which for a Generator is torch's
    expect(typeof actual, path).toBe("object");
    expect(actual, path).not.toBeNull();
    if (expected.object === "Generator") expect(actual, path).toBeInstanceOf(torch.Generator);
    return;
  }
  if (Array.isArray(expected) && !isTensor(actual) && actual !== null && typeof actual?.length === "number") {
    expect(actual.length, `${path}: length`).toBe(expected.length);
    expected.forEach((e, i) => cmp(actual[i], e, opts, `${path}[${i}]`));
    return;
  }
  compareValue(actual, expected, opts, path);
}

function post(name: string, self: any, env: Record<string, any>): unknown {
  switch (name) {
    case "rand3":
      return torch.rand(3);
    case "default_dtype": {
      const r = [torch.get_default_dtype(), torch.tensor([1.5]).dtype];
      torch.set_default_dtype(torch.float32);
      return r;
    }
    case "printoptions": {
      const r = String(torch.tensor([1.123456789, 2.5]));
      torch.set_printoptions({ profile: "default" });
      return r;
    }
    case "requires_grad":
      return self.requires_grad;
    case "leaf_grad":
      return env.leaf.grad;
    case "sum_backward":
      self.sum().backward();
      return [env.leaf.grad, self.grad];
  }
  throw new Error(`unknown post recipe ${name}`);
}

function runCase(c: Case, k: number, device: Device): void {
  const path = `${c.name} form ${k} [${device}]`;
  const on: Device = HOST.has(c.fn) ? "cpu" : device;
  const env: Record<string, any> = {};
  const self = c.call === "method" ? dec(c.self!, on, env) : undefined;
  const values = c.params.map(([, v]) => dec(v, on, env));
  const kwargs: Record<string, unknown> = {};
  c.params.forEach(([n], i) => {
    if (i >= k) kwargs[n] = values[i];
  });
  for (const [n, v] of Object.entries(c.kw)) kwargs[n] = dec(v, on, env);
  if (c.call === "function" && CREATION.has(c.fn) && !c.params.some(([, v]) => isTensor(dec(v, "cpu", {}))) && device !== "cpu")
    kwargs.device = device;
  const args = [...values.slice(0, k), ...(Object.keys(kwargs).length ? [kwargs] : [])];
  if (c.seed !== undefined) torch.manual_seed(c.seed);
  const f = c.call === "method" ? self[c.fn] : torch[c.fn];
  if (typeof f !== "function") throw new Error(`${c.call === "method" ? "Tensor" : "torch"}.${c.fn} is not a function`);
  const r = f.apply(c.call === "method" ? self : torch, args);
  const opts = { device, shapeOnly: c.shape_only };
  if (c.out === "int" && c.fn === "seed") expect(["number", "bigint"]).toContain(typeof r);
  else cmp(r, c.out, HOST_OUT.has(c.fn) ? { ...opts, device: "cpu" } : opts, `${path} out`);
  if (c.self_after !== undefined) cmp(self, c.self_after, opts, `${path} self after the call`);
  if (c.post)
    cmp(post(c.post.name, self, env), c.post.out, c.post.name === "rand3" ? { ...opts, device: "cpu" } : opts, `${path} ${c.post.name}`);
}

describe("keyword fixtures of the remaining torch functions and Tensor methods", async () => {
  torch = await loadTorch();
  it("with ops.json and more_ops.json, cover every torch function and Tensor method signature", () => {
    const covered = new Set(data.cases.map((c) => `${c.call === "method" ? "tensor" : "torch"}.${c.fn}`));
    const isCall = (c: OpCase): c is CallCase => "fn" in c && !("kind" in c);
    for (const c of [...loadCases<OpCase>("ops.json"), ...loadCases<OpCase>("more_ops.json")].filter(isCall))
      covered.add(`${c.call === "method" ? "tensor" : "torch"}.${c.fn}`);
    // and the callables whose keyword forms the other fixture suites check (linalg, special, torch_more, ...)
    for (const n of keywordCovered()) covered.add(n);
    const missing: string[] = [];
    for (const g of ["torch", "tensor"] as const)
      for (const n of Object.keys(SIGNATURES.table[g]))
        if (!covered.has(`${g}.${n}`) && !NOT_IMPLEMENTED.has(`${g}.${n}`) && !positionalOnly(g, n)) missing.push(`${g}.${n}`);
    expect(missing).toEqual([]);
  });
  describe.each(["cpu", "xla"] as Target[])("on %s", (t) => {
    const hooks = modeHooks(t);
    beforeAll(hooks.before);
    afterAll(hooks.after);
    const device = deviceOf(t);
    for (const c of data.cases)
      for (const k of c.forms) {
        const title = `${c.name} (${k} positional)`;
        if (c.cpu_only && device !== "cpu") it.skip(`${title}: skipped off cpu: ${c.cpu_only}`, () => {});
        else it(title, () => runCase(c, k, device));
      }
  });
});
