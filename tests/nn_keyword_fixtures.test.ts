// nn modules, nn.functional, nn.init, nn.utils, optimizers and lr schedulers
// called in every split of their arguments into a positional prefix and a
// keyword remainder that PyTorch accepts (tests/fixtures/nn_keyword.json,
// written by tests/fixtures/gen_nn_keyword.py; see its docstring for the
// format), each form compared with PyTorch's values on cpu and xla; and
// PyTorch's TypeErrors for unknown, repeated and missing arguments, too many
// positional arguments and wrong kinds, whose text after the callable's name
// must be PyTorch's (or, where PyTorch's aten op names the argument otherwise,
// hold the parts of it that the fixture lists).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareValue, decodeTensor, deviceOf, loadTorch, modeHooks, type Device, type Json, type Target } from "./harness/fixtures";
import { keywordCovered } from "./harness/keyword_coverage";

type Family = "modules" | "functional" | "init" | "nn_utils" | "optim" | "lr_scheduler";
interface Case {
  family: Family;
  name: string;
  callable: string;
  seed?: number;
  params: [string, Json][];
  kw: Record<string, Json>;
  forms: number[];
  [k: string]: any;
}
interface ErrorCase {
  name: string;
  family: Family;
  callable: string;
  args: Json[];
  kwargs: Record<string, Json>;
  error: { type: string; message: string };
  must: string[];
  exact: boolean;
}

const FILE = fileURLToPath(new URL("./fixtures/nn_keyword.json", import.meta.url));
const data = JSON.parse(readFileSync(FILE, "utf8")) as { cases: Case[]; errors: ErrorCase[] };

/** PyTorch float32 results computed in another order (losses, grads through several ops). */
const TOL = { rtol: 1e-4, atol: 1e-5 };
/** The Python callables of the generator's FNS. */
const FNS: Record<string, (e: number) => number> = { pow09: (e) => 0.9 ** e, mult095: () => 0.95 };

let torch: any;
const nn = () => torch.nn;

/** The callable under test: a class (constructed with `new`) or a function. */
function target(family: Family, name: string): { fn: any; isClass: boolean } {
  const ns: Record<Family, any> = {
    modules: nn(),
    functional: nn().functional,
    init: nn().init,
    nn_utils: nn().utils,
    optim: torch.optim,
    lr_scheduler: torch.optim.lr_scheduler,
  };
  const fn = ns[family][name];
  if (typeof fn !== "function") throw new Error(`${family}.${name} is not implemented`);
  return { fn, isClass: family === "modules" || family === "optim" || family === "lr_scheduler" };
}

function invoke(family: Family, name: string, args: unknown[], kwargs: Record<string, unknown>): any {
  const { fn, isClass } = target(family, name);
  const all = Object.keys(kwargs).length ? [...args, kwargs] : args;
  return isClass ? new fn(...all) : fn(...all);
}

/** Fixture JSON -> value: tensors on `device` (requires_grad leaves pushed to `leaves`), modules, functions, env variables. */
function dec(v: Json, device: Device, env: Record<string, unknown>, leaves?: any[]): any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => dec(e, device, env, leaves));
  if ("t" in v) return decodeTensor(v as any, device, { torch, leaves });
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const k = keys[0]!;
    const e = (v as any)[k];
    if (k === "module") return new (nn()[e.name])(...dec(e.args, device, env));
    if (k === "fn") return FNS[e];
    if (k === "var") {
      if (!(e in env)) throw new Error(`no variable ${e}`);
      return env[e];
    }
    if (k === "dtype") return torch[e];
    if (k === "f") return e === "inf" ? Infinity : e === "-inf" ? -Infinity : NaN;
  }
  return Object.fromEntries(keys.map((k) => [k, dec((v as any)[k], device, env, leaves)]));
}

/** The case's arguments in form k: the first k params positional, the rest (and keyword-only ones) in the options object. */
function split(c: Case, k: number, values: unknown[]): { args: unknown[]; kwargs: Record<string, unknown> } {
  const kwargs: Record<string, unknown> = {};
  c.params.forEach(([n], i) => {
    if (i >= k) kwargs[n] = values[i];
  });
  return { args: values.slice(0, k), kwargs: { ...kwargs, ...(c.kwDecoded as Record<string, unknown>) } };
}

function flatTensors(v: unknown, out: any[]): any[] {
  if (v instanceof torch.Tensor) out.push(v);
  else if (Array.isArray(v)) for (const e of v) flatTensors(e, out);
  return out;
}

function weightedBackward(y: unknown, weights: (Json | null)[], device: Device): void {
  const outs = flatTensors(y, []);
  expect(outs.length).toBe(weights.length);
  let loss: any = null;
  outs.forEach((o, i) => {
    if (weights[i] === null) return;
    const t = o.mul(dec(weights[i]!, device, {})).sum();
    loss = loss === null ? t : loss.add(t);
  });
  loss.backward();
}

function compareState(actual: Record<string, unknown>, expected: Record<string, Json>, path: string, device: Device): void {
  expect(Object.keys(actual), `${path}: state_dict keys`).toEqual(Object.keys(expected));
  for (const [k, e] of Object.entries(expected)) compareValue(actual[k], e, { ...TOL, device }, `${path} ${k}`);
}

/** A Linear(3, 2) seeded as in the generator's model_env, on `device`. */
function tinyModel(device: Device): { model: any; env: Record<string, unknown> } {
  torch.manual_seed(0);
  const model = new (nn().Linear)(3, 2).to(device);
  return { model, env: { params: model.parameters(), weight: model.weight, bias: model.bias } };
}

function trainStep(model: any, opt: any, x: any, t: any): number {
  opt.zero_grad();
  const loss = nn().functional.mse_loss(model(x), t);
  loss.backward();
  opt.step();
  return loss.item();
}

function runCase(c: Case, k: number, device: Device): void {
  const path = `${c.name} form ${k} [${device}]`;
  const tol = { ...TOL, device };
  switch (c.family) {
    case "modules": {
      if (c.parameter) {
        const values = c.params.map(([, v]) => dec(v, device, {}));
        const { args, kwargs } = split(c, k, values);
        const p = invoke("modules", c.callable, args, kwargs);
        expect(p, `${path}: a Parameter`).toBeInstanceOf(nn().Parameter);
        compareValue(p, c.out, tol, `${path} values`);
        expect(p.requires_grad, `${path} requires_grad`).toBe(c.requires_grad);
        return;
      }
      const values = c.params.map(([, v]) => dec(v, "cpu", {}));
      c.kwDecoded = dec(c.kw, "cpu", {});
      const { args, kwargs } = split(c, k, values);
      torch.manual_seed(c.seed);
      const m = invoke("modules", c.callable, args, kwargs);
      m.to(device);
      m.train();
      if (c.inputs) {
        const leaves: any[] = [];
        const xs = dec(c.inputs, device, {}, leaves);
        const y = m(...xs);
        compareValue(y, c.out, tol, `${path} out`);
        weightedBackward(y, c.weights, device);
        const params = Object.fromEntries(m.named_parameters());
        const gradLeaves = (c.inputs as Json[]).map((v, i) => [String(i), v] as const).filter(([, v]) => (v as any)?.requires_grad);
        for (const [name, g] of Object.entries(c.grads as Record<string, Json>)) {
          const actual = name.startsWith("input ")
            ? leaves[gradLeaves.findIndex(([i]) => `input ${i}` === name)]?.grad
            : params[name]?.grad;
          compareValue(actual, g, tol, `${path} grad of ${name}`);
        }
      }
      compareState(m.state_dict(), c.state, `${path} state`, device);
      return;
    }
    case "functional": {
      const leaves: Record<string, any[]> = {};
      const values = c.params.map(([n, v]) => dec(v, device, {}, (leaves[n] = [])));
      c.kwDecoded = Object.fromEntries(Object.entries(c.kw).map(([n, v]) => [n, dec(v, device, {}, (leaves[n] = []))]));
      const { args, kwargs } = split(c, k, values);
      torch.manual_seed(c.seed);
      const y = invoke("functional", c.callable, args, kwargs);
      compareValue(y, c.out, tol, `${path} out`);
      c.params.forEach(([n], i) => {
        if (n in c.after) compareValue(values[i], c.after[n], tol, `${path} ${n} after the call`);
      });
      if (Object.keys(c.grads).length) {
        weightedBackward(y, c.weights, device);
        for (const [n, g] of Object.entries(c.grads as Record<string, Json>))
          compareValue(leaves[n]![0].grad, g, tol, `${path} grad of ${n}`);
      }
      return;
    }
    case "init": {
      const values = c.params.map(([, v]) => dec(v, device, {}));
      c.kwDecoded = {};
      const { args, kwargs } = split(c, k, values);
      torch.manual_seed(c.seed);
      const r = invoke("init", c.callable, args, kwargs);
      if (c.out !== null) {
        compareValue(values[0], c.out, { rtol: 1e-6, atol: 1e-6, device }, `${path} tensor after`);
        expect(r, `${path}: returns its tensor`).toBe(values[0]);
      } else compareValue(r, c.ret, tol, `${path} result`);
      return;
    }
    case "nn_utils": {
      const ps = (dec(c.setup.params, device, {}) as any[]).map((t) => new (nn().Parameter)(t));
      (dec(c.setup.grads, device, {}) as any[]).forEach((g, i) => {
        ps[i].grad = g;
      });
      const values = c.params.map(([, v]) => dec(v, device, { params: ps }));
      c.kwDecoded = {};
      const { args, kwargs } = split(c, k, values);
      const r = invoke("nn_utils", c.callable, args, kwargs);
      compareValue(r, c.ret, tol, `${path} result`);
      compareValue(ps, c.out_params, tol, `${path} parameters after`);
      compareValue(
        ps.map((p) => p.grad),
        c.out_grads,
        tol,
        `${path} grads after`,
      );
      return;
    }
    case "optim": {
      const { model, env } = tinyModel(device);
      const values = c.params.map(([, v]) => dec(v, device, env));
      c.kwDecoded = dec(c.kw, device, env);
      const { args, kwargs } = split(c, k, values);
      const opt = invoke("optim", c.callable, args, kwargs);
      const x = dec(c.x, device, {}),
        t = dec(c.target, device, {});
      const losses = [0, 1, 2].map(() => trainStep(model, opt, x, t));
      compareValue(losses, c.losses, tol, `${path} losses`);
      compareState(model.state_dict(), c.state, `${path} parameters`, device);
      compareValue(
        opt.param_groups.map((g: any) => g.lr),
        c.lrs,
        tol,
        `${path} lrs`,
      );
      return;
    }
    case "lr_scheduler": {
      const { model, env } = tinyModel(device);
      const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      env.opt = opt;
      const values = c.params.map(([, v]) => dec(v, device, env));
      c.kwDecoded = {};
      const { args, kwargs } = split(c, k, values);
      const s = invoke("lr_scheduler", c.callable, args, kwargs);
      const x = dec(c.x, device, {}),
        t = dec(c.target, device, {});
      const lrs = [[...s.get_last_lr()]];
      for (let i = 0; i < 5; i++) {
        trainStep(model, opt, x, t);
        s.step();
        lrs.push([...s.get_last_lr()]);
      }
      compareValue(lrs, c.lrs, { rtol: 1e-12, atol: 1e-15, device }, `${path} lrs`);
      compareState(model.state_dict(), c.state, `${path} parameters`, device);
      return;
    }
  }
}

function errorArgs(c: ErrorCase, device: Device): [unknown[], Record<string, unknown>] {
  const { model, env } = tinyModel(device);
  env.opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
  env.x = torch.zeros([2, 3, 4, 4], { device });
  return [dec(c.args, device, env) as unknown[], dec(c.kwargs, device, env) as Record<string, unknown>];
}

function runError(c: ErrorCase, device: Device): void {
  const [args, kwargs] = errorArgs(c, device);
  let thrown: unknown;
  try {
    invoke(c.family, c.callable, args, kwargs);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `no error thrown (PyTorch: TypeError: ${c.error.message})`).toBeInstanceOf(Error);
  const e = thrown as Error;
  expect(e, `PyTorch raises TypeError: ${c.error.message}; got ${e.name}: ${e.message}`).toBeInstanceOf(torch.TorchTypeError);
  if (c.exact) expect(e.message, `PyTorch: ${c.error.message}`).toBe(`${c.callable}()${c.must[0]}`);
  else for (const m of c.must) expect(e.message, `PyTorch: ${c.error.message}`).toContain(m);
}

const ON: Target[] = ["cpu", "xla"];
const SIGNATURES = JSON.parse(readFileSync(fileURLToPath(new URL("../packages/core/src/signatures.json", import.meta.url)), "utf8")) as {
  table: Record<string, Record<string, unknown>>;
};

describe("nn keyword fixtures", async () => {
  torch = await loadTorch();
  it("cover every nn module, functional, init, utils, optimizer and lr scheduler signature", () => {
    const table = SIGNATURES.table;
    const covered = new Set(data.cases.map((c) => `${c.family}.${c.callable}`));
    // and the callables whose keyword forms the other fixture suites check (optim_more, nn_more, attention, ...)
    for (const n of keywordCovered()) covered.add(n);
    const abstract = new Set(["modules.Module", "optim.Optimizer", "lr_scheduler._LRScheduler"]);
    const missing: string[] = [];
    for (const fam of ["modules", "functional", "init", "nn_utils", "optim", "lr_scheduler"])
      for (const n of Object.keys(table[fam])) if (!covered.has(`${fam}.${n}`) && !abstract.has(`${fam}.${n}`)) missing.push(`${fam}.${n}`);
    expect(missing).toEqual([]);
  });
  describe.each(ON)("on %s", (t) => {
    const hooks = modeHooks(t);
    beforeAll(hooks.before);
    afterAll(hooks.after);
    const device = deviceOf(t);
    for (const c of data.cases) for (const k of c.forms) it(`${c.name} (${k} positional)`, () => runCase(c, k, device));
    describe("PyTorch's TypeErrors", () => {
      for (const c of data.errors) it(c.name, () => runError(c, device));
    });
  });
});
