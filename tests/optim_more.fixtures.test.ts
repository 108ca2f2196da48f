// Optimizers (Adagrad, Adadelta, Adamax, NAdam, RAdam, LBFGS), lr schedulers
// (OneCycleLR, CyclicLR, MultiStepLR, LinearLR, ConstantLR, PolynomialLR,
// CosineAnnealingWarmRestarts, SequentialLR, ChainedScheduler,
// ReduceLROnPlateau, and step(epoch) of the older ones), nn.init
// (trunc_normal_, orthogonal_, sparse_, dirac_, eye_), samplers/datasets and
// torch.autograd helpers against PyTorch 1.13's values
// (tests/fixtures/optim_more.json, written by tests/fixtures/gen_optim_more.py;
// its docstring gives the format). Optimizers and init run on cpu and xla,
// each in the positional, keyword and mixed forms, with state_dict round trips
// halfway through a trajectory.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compareValue,
  decodeTensor,
  decodeValue,
  deviceOf,
  loadTorch,
  modeHooks,
  type Device,
  type Json,
  type Target,
} from "./harness/fixtures";

const FILE = fileURLToPath(new URL("./fixtures/optim_more.json", import.meta.url));
const data = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, any[]>;

let torch: any;
type Form = "positional" | "keyword" | "mixed";
const FORMS: Form[] = ["positional", "keyword", "mixed"];
const ON: Target[] = ["cpu", "xla"];
const F32 = { rtol: 1e-5, atol: 1e-6 };
const F64 = { rtol: 1e-10, atol: 1e-12 };

/** The generator's FNS and FUNCS, mirrored. */
const FNS: Record<string, (x: number) => number> = { decay15: (x) => 1 / 1.5 ** (x - 1), halfpow: (x) => 0.5 ** x };
type T = any;
const FUNCS: Record<string, (...xs: T[]) => T> = {
  cube_sin: (x) => x.pow(3).add(x.sin()),
  mat_tanh: (x, y) => x.matmul(y).tanh(),
  mat_sin: (x, y) => x.matmul(y).sin(),
  two_out: (x, y) => [x.mul(y), x.exp().sum()],
  scal: (x) =>
    x
      .pow(3)
      .sum()
      .add(x.getitem(0).mul(x.getitem(1)).mul(x.sum())),
  scal2: (x, y) => x.sin().mul(y).sum().add(x.mul(y).mul(y).sum()),
};

/** new cls(...head, ...) with [name, value] params in one of the three forms (keyword: every argument named). */
function construct(cls: T, head: [string, unknown][], params: [string, unknown][], kwonly: Record<string, unknown>, form: Form): T {
  const all = [...head, ...params];
  if (form === "keyword") return new cls({ ...Object.fromEntries(all), ...kwonly });
  const kw = Object.keys(kwonly).length ? [kwonly] : [];
  if (form === "positional") return new cls(...all.map(([, v]) => v), ...kw);
  // mixed: the head and the first parameter positional, the rest named
  const [first, ...rest] = params;
  const named = { ...Object.fromEntries(rest), ...kwonly };
  return new cls(...head.map(([, v]) => v), ...(first ? [first[1]] : []), ...(Object.keys(named).length ? [named] : []));
}

// ---------------------------------------------------------------------------
// optimizers

function newParams(c: T, device: Device): T[] {
  return c.init.map((t: Json) => decodeTensor(t as never, device).requires_grad_(true));
}

function makeOptim(c: T, ps: T[], device: Device, form: Form): T {
  const spec = c.groups
    ? c.groups.map((g: T) => {
        const { idx, ...opts } = g;
        return { ...opts, params: idx.map((i: number) => ps[i]) };
      })
    : ps;
  const params = (c.params as [string, Json][]).map(([k, v]) => [k, decodeValue(v, device)] as [string, unknown]);
  return construct(torch.optim[c.cls], [["params", spec]], params, decodeValue(c.kwonly, device), form);
}

function runOptim(c: T, device: Device, form: Form): void {
  const tol = c.dtype === "float64" ? F64 : F32;
  let ps = newParams(c, device);
  let opt = makeOptim(c, ps, device, form);
  c.grads.forEach((step: Json[], s: number) => {
    ps.forEach((p, i) => {
      p.grad = decodeTensor(step[i] as never, device);
    });
    opt.step();
    compareValue(ps, c.traj[s], { ...tol, device }, `${c.name} step ${s + 1}`);
    if (s + 1 === c.round_at) {
      // a fresh optimizer over fresh parameters takes the state_dict and goes on identically
      const sd = opt.state_dict();
      // PyTorch's layout (the fixture's, recorded without a reload: loading casts state to each parameter's dtype)
      checkLayout(c, sd);
      ps = ps.map((p) => p.detach().clone().requires_grad_(true));
      opt = makeOptim(c, ps, device, form);
      opt.load_state_dict(sd);
    }
  });
}

/** A state_dict's layout as the generator records it (tensor kinds, param_groups' values). */
function layoutOf(sd: T): T {
  const kind = (v: T): string => {
    if (v instanceof torch.Tensor) return `tensor:${String(v.dtype).replace("torch.", "")}:[${(v.shape as number[]).join(", ")}]`;
    if (Array.isArray(v)) return "list";
    if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
    return typeof v;
  };
  const state: Record<string, Record<string, string>> = {};
  for (const [k, s] of Object.entries(sd.state as Record<string, Record<string, unknown>>))
    state[k] = Object.fromEntries(Object.entries(s).map(([kk, vv]) => [kk, kind(vv)]));
  return { state, param_groups: sd.param_groups };
}

function checkLayout(c: T, sd: T): void {
  const got = layoutOf(sd);
  const want = c.layout;
  // same parameter indices and state keys; tensor state with PyTorch's dtype and shape; numbers as numbers
  expect(Object.keys(got.state).sort()).toEqual(Object.keys(want.state).sort());
  for (const [k, s] of Object.entries(want.state as Record<string, Record<string, string>>)) {
    expect(Object.keys(got.state[k]).sort(), `state[${k}] keys`).toEqual(Object.keys(s).sort());
    for (const [kk, kind] of Object.entries(s)) {
      const g = got.state[k][kk] as string;
      if (kind.startsWith("tensor")) expect(g, `state[${k}].${kk}`).toBe(kind);
      else if (kind === "int" || kind === "float") expect(["int", "float"], `state[${k}].${kk}`).toContain(g);
    }
  }
  expect(got.param_groups.length).toBe(want.param_groups.length);
  want.param_groups.forEach((wg: Record<string, Json>, i: number) => {
    const gg = got.param_groups[i];
    expect(Object.keys(gg).sort(), `param_groups[${i}] keys`).toEqual(Object.keys(wg).sort());
    for (const [k, v] of Object.entries(wg)) compareValue(gg[k], v, F64, `param_groups[${i}].${k}`);
  });
}

function runLbfgs(c: T, device: Device, form: Form): void {
  const tol = c.dtype === "float64" ? { rtol: 1e-8, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-5 };
  const ps = newParams(c, device);
  const A = decodeTensor(c.loss.A, device),
    y = decodeTensor(c.loss.y, device);
  const opt = makeOptim(c, ps, device, form);
  const closure = () => {
    opt.zero_grad();
    const x = torch.cat([ps[0].reshape(-1), ps[1].reshape(-1)]);
    const loss = A.matmul(x).sub(y).pow(2).sum().add(x.pow(4).sum().mul(0.1));
    loss.backward();
    return loss;
  };
  c.traj.forEach((want: Json[], s: number) => {
    const loss = opt.step(closure);
    compareValue([...ps, loss.item()], want, { ...tol, device }, `${c.name} step ${s + 1}`);
  });
  const st = opt.state.get(ps[0]);
  expect(st.func_evals).toBe(c.func_evals);
  expect(st.n_iter).toBe(c.n_iter);
  checkLayout(c, opt.state_dict());
}

// ---------------------------------------------------------------------------
// lr schedulers

function buildSched(opt: T, spec: T, form: Form): T {
  const val = (v: T): unknown => {
    if (v && typeof v === "object" && "sched" in v) return buildSched(opt, v.sched, form);
    if (v && typeof v === "object" && "fn" in v) return FNS[v.fn];
    if (Array.isArray(v)) return v.map(val);
    return v;
  };
  const params = (spec.params as [string, Json][]).map(([k, v]) => [k, val(v)] as [string, unknown]);
  const head: [string, unknown][] = spec.cls === "ChainedScheduler" ? [] : [["optimizer", opt]];
  // a case whose parameters are not a prefix of the signature has no positional form
  const f = form === "positional" && !spec.prefix ? "keyword" : form;
  return construct(torch.optim.lr_scheduler[spec.cls], head, params, {}, f);
}

function makeSchedOpt(c: T): T {
  const ps = [torch.zeros(2, { requires_grad: true }), torch.zeros(3, { requires_grad: true })];
  const lr0 = Object.fromEntries(c.opt.params).lr;
  const spec = c.groups === 2 ? [{ params: [ps[0]] }, { params: [ps[1]], lr: lr0 / 2 }] : ps;
  return construct(torch.optim[c.opt.cls], [["params", spec]], c.opt.params, {}, "positional");
}

const moms = (opt: T) => opt.param_groups.map((g: T) => (g.betas ? g.betas[0] : (g.momentum ?? null)));

function runSched(c: T, form: Form): void {
  let opt = makeSchedOpt(c);
  let sched = buildSched(opt, c.sched, form);
  const check = (i: number) => {
    const want = c.trace[i];
    const at = `${c.name} trace[${i}]`;
    compareValue(
      opt.param_groups.map((g: T) => g.lr),
      want.lr,
      F64,
      `${at}.lr`,
    );
    compareValue(moms(opt), want.mom, F64, `${at}.mom`);
    if (want.last !== null) compareValue(sched._last_lr, want.last, F64, `${at}.last`);
  };
  check(0);
  c.steps.forEach((a: number | null, s: number) => {
    opt.step();
    if (c.kind === "metric") sched.step(a);
    else if (a === null) sched.step();
    else sched.step(a);
    check(s + 1);
    if (s + 1 === c.round_at) {
      // fresh optimizer and scheduler restored from state_dict()s continue the same schedule
      const osd = opt.state_dict();
      const ssd = structuredClone(sched.state_dict());
      opt = makeSchedOpt(c);
      sched = buildSched(opt, c.sched, form);
      opt.load_state_dict(osd);
      sched.load_state_dict(ssd);
      if (c.kind !== "metric") expect(sched.get_last_lr()).toEqual(c.trace[s + 1].last);
    }
  });
}

// ---------------------------------------------------------------------------
// nn.init, samplers and datasets, autograd

function runInit(c: T, device: Device, form: Form): void {
  torch.manual_seed(c.seed);
  const t = torch.empty(c.shape, { dtype: torch[c.dtype] }).to(device);
  const fn = torch.nn.init[c.fn];
  const params = c.params as [string, unknown][];
  let r: T;
  if (form === "keyword") r = fn({ tensor: t, ...Object.fromEntries(params) });
  else if (form === "positional") r = fn(t, ...params.map(([, v]) => v));
  else r = params.length ? fn(t, params[0]![1], Object.fromEntries(params.slice(1))) : fn(t);
  expect(r).toBe(t);
  compareValue(t, c.out, { ...(c.dtype === "float64" ? F64 : F32), device }, `${c.name} out`);
  // the generator is left where PyTorch leaves it
  compareValue(torch.rand(3, { dtype: torch.float64 }), c.rng_after, F64, `${c.name} rng_after`);
}

class Range {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}
function rangeDataset(start: number, end: number): T {
  const base = torch.utils.data.IterableDataset;
  class R extends base {
    r = new Range(start, end);
    *__iter__() {
      for (let i = this.r.start; i < this.r.end; i++) yield i;
    }
    __len__() {
      return this.r.end - this.r.start;
    }
  }
  return new R();
}

function runSampler(c: T): void {
  const data = torch.utils.data;
  if (c.kind === "weighted") {
    torch.manual_seed(c.seed);
    const [weights, num_samples, ...rest] = c.args;
    const kw = c.gen_seed !== null ? { generator: new torch.Generator().manual_seed(c.gen_seed) } : {};
    const s = new data.WeightedRandomSampler(weights, num_samples, ...rest, ...(Object.keys(kw).length ? [kw] : []));
    expect(s.__len__()).toBe(c.len);
    expect([[...s], [...s]]).toEqual(c.out);
  } else if (c.kind === "iterable") {
    const [[a, b]] = c.ranges;
    const dl = new data.DataLoader(rangeDataset(a, b), { batch_size: c.batch_size, drop_last: c.drop_last });
    expect([...dl].map((x: T) => x.tolist())).toEqual(c.out);
  } else if (c.kind === "chain") {
    const chain = new data.ChainDataset(c.ranges.map(([a, b]: number[]) => rangeDataset(a!, b!)));
    expect([...chain]).toEqual(c.out);
    expect([...new data.DataLoader(chain, { batch_size: 2 })].map((x: T) => x.tolist())).toEqual(c.batches);
    expect(chain.__len__()).toBe(c.out.length);
  } else {
    const cat = new data.ConcatDataset(c.lists);
    expect(cat.__len__()).toBe(c.len);
    expect(cat.cumulative_sizes).toEqual(c.cumulative_sizes);
    const n = cat.__len__();
    expect([...Array(n).keys()].map((i) => cat.__getitem__(i)).concat([cat.__getitem__(-1), cat.__getitem__(-7)])).toEqual(c.out);
  }
}

function runAutograd(c: T, device: Device, form: Form): void {
  const ag = torch.autograd;
  const dec = (v: Json) => decodeValue(v, device);
  const tol = { ...F64, device };
  if (c.fn === "backward" || c.fn === "backward2") {
    const x = dec(c.x).requires_grad_(true);
    const z = dec(c.z).requires_grad_(true);
    if (c.fn === "backward") {
      const y = x.mul(x).mul(z);
      if (form === "keyword") ag.backward({ tensors: [y], grad_tensors: [dec(c.gt)], inputs: [x] });
      else ag.backward([y], [dec(c.gt)], { inputs: [x] });
    } else {
      const y = x.mul(x).mul(z).sum();
      if (form === "keyword") ag.backward({ tensors: y, retain_graph: true });
      else ag.backward(y, null, true);
      ag.backward(y);
    }
    compareValue({ x: x.grad, z: z.grad }.x, c.out.x, tol, `${c.name} x.grad`);
    compareValue(z.grad, c.out.z, tol, `${c.name} z.grad`);
    return;
  }
  if (c.fn === "gradgradcheck") {
    const ins = (Array.isArray(c.inputs) ? c.inputs : [c.inputs]).map((t: Json) => dec(t).requires_grad_(true));
    torch.manual_seed(0);
    const ok = form === "keyword" ? ag.gradgradcheck(FUNCS[c.func], ins, { eps: 1e-6, atol: 1e-5 }) : ag.gradgradcheck(FUNCS[c.func], ins);
    expect(ok).toBe(c.out);
    return;
  }
  const inputs = dec(c.inputs);
  const f = ag.functional[c.fn];
  const func = FUNCS[c.func]!;
  const v = c.v === null ? undefined : dec(c.v);
  const kw = { ...(v !== undefined ? { v } : {}), ...c.kwargs };
  let out: T;
  if (form === "keyword") out = f({ func, inputs, ...kw });
  else if (form === "positional" && v !== undefined) out = f(func, inputs, v, ...(Object.keys(c.kwargs).length ? [c.kwargs] : []));
  else out = f(func, inputs, ...(Object.keys(kw).length ? [kw] : []));
  compareValue(out, c.out, tol, `${c.name}`);
}

// ---------------------------------------------------------------------------
// errors: PyTorch's message, raised at the call

function runError(c: T): void {
  const p = [torch.zeros(2, { requires_grad: true })];
  const opt = new torch.optim.SGD(p, { lr: 0.1 });
  const O = torch.optim,
    L = torch.optim.lr_scheduler,
    I = torch.nn.init,
    D = torch.utils.data;
  const thunks: Record<string, () => unknown> = {
    "Adagrad lr": () => new O.Adagrad(p, { lr: -1 }),
    "Adagrad initial_accumulator_value": () => new O.Adagrad(p, { initial_accumulator_value: -0.5 }),
    "Adadelta rho": () => new O.Adadelta(p, { rho: 1.5 }),
    "Adamax beta": () => new O.Adamax(p, { betas: [1.0, 0.9] }),
    "NAdam momentum_decay": () => new O.NAdam(p, { momentum_decay: -1 }),
    "RAdam eps": () => new O.RAdam(p, { eps: -1 }),
    "LBFGS groups": () => new O.LBFGS([{ params: p }, { params: [torch.zeros(1, { requires_grad: true })] }]),
    "OneCycleLR no total": () => new L.OneCycleLR(opt, 0.1),
    "OneCycleLR total_steps": () => new L.OneCycleLR(opt, 0.1, { total_steps: 0 }),
    "OneCycleLR anneal": () => new L.OneCycleLR(opt, 0.1, 10, { anneal_strategy: "exp" }),
    "OneCycleLR max_lr list": () => new L.OneCycleLR(opt, [0.1, 0.2], 10),
    "OneCycleLR momentum": () => new L.OneCycleLR(new O.Adagrad(p), 0.1, 10),
    "CyclicLR mode": () => new L.CyclicLR(opt, 0.01, 0.1, { mode: "square" }),
    "ConstantLR factor": () => new L.ConstantLR(opt, { factor: 2 }),
    "LinearLR start": () => new L.LinearLR(opt, { start_factor: -0.5 }),
    "CosineAnnealingWarmRestarts T_0": () => new L.CosineAnnealingWarmRestarts(opt, 0),
    "CosineAnnealingWarmRestarts T_mult": () => new L.CosineAnnealingWarmRestarts(opt, 2, 0),
    "ReduceLROnPlateau factor": () => new L.ReduceLROnPlateau(opt, { factor: 1.0 }),
    "ReduceLROnPlateau mode": () => new L.ReduceLROnPlateau(opt, { mode: "avg" }),
    "ReduceLROnPlateau threshold_mode": () => new L.ReduceLROnPlateau(opt, { threshold_mode: "pct" }),
    "SequentialLR milestones": () => new L.SequentialLR(opt, [new L.StepLR(opt, 2)], [3]),
    "orthogonal_ 1d": () => I.orthogonal_(torch.empty(3)),
    "sparse_ 3d": () => I.sparse_(torch.empty(2, 2, 2), 0.1),
    "dirac_ 2d": () => I.dirac_(torch.empty(2, 2)),
    "dirac_ groups": () => I.dirac_(torch.empty(3, 2, 2), 2),
    "eye_ 3d": () => I.eye_(torch.empty(2, 2, 2)),
    "WeightedRandomSampler num_samples": () => new D.WeightedRandomSampler([1.0], 0),
    "WeightedRandomSampler replacement": () => new D.WeightedRandomSampler([1.0], 1, 1),
  };
  const thunk = thunks[c.name];
  if (!thunk) throw new Error(`no thunk for error case ${c.name}`);
  let err: unknown = null;
  try {
    thunk();
  } catch (e) {
    err = e;
  }
  expect(err, `PyTorch: ${c.error.type}: ${c.error.message}`).toBeInstanceOf(Error);
  // ValueError/RuntimeError -> TorchError, TypeError -> TorchTypeError, IndexError -> TorchIndexError
  const want = c.error.type === "TypeError" ? TypeError : c.error.type === "IndexError" ? RangeError : torch.TorchError;
  expect(err).toBeInstanceOf(want);
  for (const m of c.must) expect((err as Error).message, `PyTorch: ${c.error.message}`).toContain(m);
  expect((err as Error).message).toBe(c.error.message);
}

// ---------------------------------------------------------------------------

describe("optim_more fixtures", async () => {
  torch = await loadTorch();

  describe("lr schedulers", () => {
    for (const c of data.sched) for (const form of FORMS) it(`${c.name} (${form})`, () => runSched(c, form));
  });

  describe.each(ON)("on %s", (t) => {
    const hooks = modeHooks(t);
    beforeAll(hooks.before);
    afterAll(hooks.after);
    const device = deviceOf(t);
    // LBFGS reads scalars back at every iteration (a graph per read on xla): its forms are checked on cpu, one on xla
    for (const c of data.optim)
      for (const form of c.cls === "LBFGS" && t !== "cpu" ? (["mixed"] as Form[]) : FORMS)
        it(`optim ${c.name} (${form})`, () => (c.cls === "LBFGS" ? runLbfgs(c, device, form) : runOptim(c, device, form)));
    for (const c of data.init) for (const form of FORMS) it(`init ${c.name} (${form})`, () => runInit(c, device, form));
    for (const c of data.autograd) for (const form of FORMS) it(`autograd ${c.name} (${form})`, () => runAutograd(c, device, form));
  });

  describe("samplers and datasets", () => {
    for (const c of data.sampler) it(c.name, () => runSampler(c));
  });

  describe("errors", () => {
    for (const c of data.errors) it(`${c.family}.${c.callable}: ${c.name}`, () => runError(c));
  });
});
