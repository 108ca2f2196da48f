// The last torch.nn names of PyTorch 1.13 (tests/fixtures/gen_nn_last.py writes nn_last.json), on cpu and on
// the xla device: nn.LazyBatchNorm1d/2d/3d and nn.LazyInstanceNorm1d/2d/3d (state before the first call,
// train-mode outputs and running stats over several calls, the class they become, an eval call, float64
// gradients; the module is moved to the device before its first call, so its state is materialized there),
// load_state_dict into them, nn.UninitializedBuffer, nn.CrossMapLRN2d (PyTorch's own backward),
// nn.NLLLoss2d, nn.DataParallel, nn.Container, nn.SyncBatchNorm (its state, its refusal of non-GPU input,
// convert_sync_batchnorm), and PyTorch's errors.
import { expect, it } from "vitest";
import { onCpuAndXla } from "./harness/fixture_suite";
import { compareValue, cotangentPattern, decodeValue, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";

type State = Record<string, Json>;
interface LazyCase {
  name: string;
  kind: "lazy";
  cls: string;
  args: Json[];
  kwargs: Record<string, Json>;
  seed: number;
  inputs: Json[];
  eval_input: Json;
  repr_before: string;
  params: string[];
  state_keys: string[];
  uninit: string[];
  uninit_repr: Record<string, string>;
  outs: Json[];
  became: string;
  repr_after: string;
  state_after: State;
  eval_out: Json;
  grads?: Record<string, Json>;
}
interface LoadCase {
  name: string;
  kind: "load";
  cls: string;
  src_state: State;
  input: Json;
  repr_loaded: string;
  out: Json;
  repr_after: string;
  became: string;
}
interface UninitBufferCase {
  name: string;
  kind: "uninit_buffer";
  args: Json[];
  kwargs: Record<string, Json>;
  shape: number[];
  before: { repr: string; requires_grad: boolean; dtype: string };
  after: { cls: string; shape: number[]; dtype: string; requires_grad: boolean };
}
interface ModuleCase {
  name: string;
  kind: "module";
  cls: string;
  args: Json[];
  kwargs: Record<string, Json>;
  seed: number;
  inputs: Json[];
  repr: string;
  state_keys: string[];
  out: Json;
  train: boolean;
  grads?: Json[];
}
interface DataParallelCase {
  name: string;
  kind: "data_parallel";
  seed: number;
  input: Json;
  out: Json;
  repr: string;
  state_keys: string[];
  device_ids: number[];
  has_dim: boolean;
  kwargs?: Record<string, Json>;
}
interface ContainerCase {
  name: string;
  kind: "container";
  seed: number;
  repr: string;
  state_keys: string[];
  state: State;
}
interface SyncCase {
  name: string;
  kind: "sync";
  args: Json[];
  kwargs: Record<string, Json>;
  repr: string;
  state: State;
  params: string[];
  process_group: null;
  error: { type: string; message: string };
}
interface ConvertCase {
  name: string;
  kind: "convert";
  seed: number;
  input: Json;
  repr: string;
  same_object: boolean;
  state: State;
  shared: string[];
}
interface ConvertRootCase {
  name: string;
  kind: "convert_root";
  repr: string;
  same_object: boolean;
}
interface ErrorCase {
  name: string;
  kind: "error";
  cls: string;
  args: Json[];
  kwargs: Record<string, Json>;
  shape: number[];
  backward: boolean;
  error: { type: string; message: string };
}
type AnyCase =
  | LazyCase
  | LoadCase
  | UninitBufferCase
  | ModuleCase
  | DataParallelCase
  | ContainerCase
  | SyncCase
  | ConvertCase
  | ConvertRootCase
  | ErrorCase;

const all = loadCases<AnyCase>("nn_last.json");
const ofKind = <K extends AnyCase["kind"]>(k: K) => all.filter((c): c is Extract<AnyCase, { kind: K }> => c.kind === k);

function build(torch: any, cls: string, args: Json[], kwargs: Record<string, Json> = {}, device: Device = "cpu"): any {
  const a = decodeValue(args, device, { torch }) as unknown[];
  const kw = decodeValue(kwargs, device, { torch }) as Record<string, unknown>;
  return new torch.nn[cls](...a, ...(Object.keys(kw).length ? [kw] : []));
}
const isUninit = (torch: any, v: unknown) => v instanceof torch.nn.UninitializedParameter || v instanceof torch.nn.UninitializedBuffer;

/** The module's state_dict against PyTorch's: same keys in the same order, same values. */
function compareState(sd: Record<string, unknown>, want: State, device: Device, what: string): void {
  expect(Object.keys(sd)).toEqual(Object.keys(want));
  for (const [k, v] of Object.entries(want)) compareValue(sd[k], v, { device }, `${what} [${device}] ${k}`);
}

onCpuAndXla("the last nn names vs PyTorch", (device: Device) => {
  for (const c of ofKind("lazy")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const m = build(torch, c.cls, c.args, c.kwargs);
      expect(m.toString()).toBe(c.repr_before);
      expect(m.named_parameters().map(([k]: [string]) => k)).toEqual(c.params);
      const sd = m.state_dict();
      expect(Object.keys(sd)).toEqual(c.state_keys);
      expect(Object.keys(sd).filter((k) => isUninit(torch, sd[k]))).toEqual(c.uninit);
      for (const k of c.uninit) expect(String(sd[k])).toBe(c.uninit_repr[k]);
      m.to(device);
      c.inputs.forEach((input, i) => {
        const x = decodeValue(input, device, { torch });
        if (i === 0 && c.grads) x.requires_grad_(true);
        const out = m(x);
        compareValue(out, c.outs[i]!, { device }, `${c.name} [${device}] forward ${i}`);
        if (i === 0) {
          expect(m.constructor.name).toBe(c.became);
          expect(m instanceof torch.nn[c.became]).toBe(true);
          for (const [, t] of [...m.named_parameters(), ...m.named_buffers()]) expect(isUninit(torch, t)).toBe(false);
        }
        if (i === 0 && c.grads) {
          out.mul(cotangentPattern(torch, out).to(out.dtype)).sum().backward();
          compareValue(x.grad, c.grads.input!, { device }, `${c.name} [${device}] input grad`);
          for (const [k, p] of m.named_parameters()) compareValue(p.grad, c.grads[k]!, { device }, `${c.name} [${device}] ${k} grad`);
        }
      });
      expect(m.toString()).toBe(c.repr_after);
      compareState(m.state_dict(), c.state_after, device, c.name);
      m.eval();
      compareValue(m(decodeValue(c.eval_input, device, { torch })), c.eval_out, { device }, `${c.name} [${device}] eval`);
    });
  }

  for (const c of ofKind("load")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const m = new torch.nn[c.cls]();
      const state = Object.fromEntries(Object.entries(c.src_state).map(([k, v]) => [k, decodeValue(v, "cpu", { torch })]));
      m.load_state_dict(state);
      expect(m.toString()).toBe(c.repr_loaded);
      m.to(device);
      m.eval();
      compareValue(m(decodeValue(c.input, device, { torch })), c.out, { device }, `${c.name} [${device}] forward`);
      expect(m.toString()).toBe(c.repr_after);
      expect(m.constructor.name).toBe(c.became);
      compareState(m.state_dict(), c.src_state, device, c.name);
    });
  }

  for (const c of ofKind("uninit_buffer")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const b = build(torch, "UninitializedBuffer", c.args, c.kwargs);
      expect(String(b)).toBe(c.before.repr);
      expect(b.requires_grad).toBe(c.before.requires_grad);
      expect(String(b.dtype)).toBe(`torch.${c.before.dtype}`);
      expect(() => b.shape).toThrow(/Can't access the shape of an uninitialized parameter or buffer/);
      b.materialize(c.shape, { device });
      expect(c.after.cls).toBe("Tensor");
      expect(b.constructor).toBe(torch.Tensor);
      expect(b).not.toBeInstanceOf(torch.nn.Parameter);
      expect([...b.shape]).toEqual(c.after.shape);
      expect(String(b.dtype)).toBe(`torch.${c.after.dtype}`);
      expect(b.requires_grad).toBe(c.after.requires_grad);
      expect(String(b.device)).toBe(String(torch.device(device)));
    });
  }

  for (const c of ofKind("module")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const m = build(torch, c.cls, c.args, c.kwargs, device);
      m.train(c.train);
      expect(m.toString()).toBe(c.repr);
      expect(Object.keys(m.state_dict())).toEqual(c.state_keys);
      const xs = c.inputs.map((v) => decodeValue(v, device, { torch }));
      if (c.grads) xs.forEach((x) => x.requires_grad_(true));
      const out = m(...xs);
      compareValue(out, c.out, { device }, `${c.name} [${device}] forward`);
      if (c.grads) {
        out.mul(cotangentPattern(torch, out).to(out.dtype)).sum().backward();
        c.grads.forEach((g, i) => compareValue(xs[i].grad, g, { device }, `${c.name} [${device}] grad ${i}`));
      }
    });
  }

  for (const c of ofKind("data_parallel")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const inner = new torch.nn.Linear(3, 2).to(device);
      const kw = c.kwargs ? [decodeValue(c.kwargs, device, { torch })] : [];
      const dp = new torch.nn.DataParallel(inner, ...kw);
      expect(dp.module).toBe(inner);
      expect(dp.device_ids).toEqual(c.device_ids);
      expect("dim" in dp).toBe(c.has_dim);
      expect(dp.toString()).toBe(c.repr);
      expect(Object.keys(dp.state_dict())).toEqual(c.state_keys);
      const x = decodeValue(c.input, device, { torch });
      compareValue(dp(x), c.out, { device }, `${c.name} [${device}] forward`);
    });
  }

  for (const c of ofKind("container")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const m = new torch.nn.Container({ fc: new torch.nn.Linear(2, 3), act: new torch.nn.ReLU() }).to(device);
      expect(m.toString()).toBe(c.repr);
      compareState(m.state_dict(), c.state, device, c.name);
    });
  }

  for (const c of ofKind("sync")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const m = build(torch, "SyncBatchNorm", c.args, c.kwargs).to(device);
      expect(m.toString()).toBe(c.repr);
      expect(m.process_group).toBe(c.process_group);
      expect(m.named_parameters().map(([k]: [string]) => k)).toEqual(c.params);
      compareState(m.state_dict(), c.state, device, c.name);
      expect(() => m(torch.zeros([2, m.num_features, 3], { device }))).toThrow(c.error.message);
      m.eval();
      expect(() => m(torch.zeros([2, m.num_features], { device }))).toThrow(c.error.message);
    });
  }

  for (const c of ofKind("convert")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const nn = torch.nn;
      torch.manual_seed(c.seed);
      const model = new nn.Sequential(
        new nn.Conv2d(2, 3, 1),
        new nn.BatchNorm2d(3, { momentum: 0.3 }),
        new nn.Sequential(new nn.ReLU(), new nn.Flatten(2), new nn.BatchNorm1d(3, { affine: false })),
      );
      model.to(device);
      model(decodeValue(c.input, device, { torch }));
      const before = model.state_dict({ keep_vars: true });
      const conv = nn.SyncBatchNorm.convert_sync_batchnorm(model);
      expect(conv === model).toBe(c.same_object);
      expect(conv.toString()).toBe(c.repr);
      const after = conv.state_dict({ keep_vars: true });
      expect(Object.keys(after).filter((k) => after[k] === before[k])).toEqual(c.shared);
      compareState(conv.state_dict(), c.state, device, c.name);
    });
  }

  for (const c of ofKind("convert_root")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const bn = new torch.nn.BatchNorm1d(2);
      const s = torch.nn.SyncBatchNorm.convert_sync_batchnorm(bn);
      expect(s === bn).toBe(c.same_object);
      expect(s.toString()).toBe(c.repr);
      expect(s.weight).toBe(bn.weight);
      expect(s.running_mean).toBe(bn.running_mean);
    });
  }

  for (const c of ofKind("error")) {
    it(`error: ${c.name}`, async () => {
      const torch = await loadTorch();
      const m = build(torch, c.cls, c.args, c.kwargs).to(device);
      const x = torch.ones(c.shape, { device, requires_grad: c.backward });
      const run = () => {
        const y = m(x);
        if (c.backward) y.sum().backward();
      };
      // PyTorch's bare assert has no message; ours says what it checks
      if (c.error.message === "") expect(run).toThrow(/CrossMapLRN2d: expected a 4D input/);
      else expect(run).toThrow(c.error.message);
    });
  }

  it("the keyword form goes through the one parser: a misspelt or repeated keyword is refused", async () => {
    const torch = await loadTorch();
    expect(() => new torch.nn.LazyBatchNorm2d({ eps: 1e-3, momentun: 0.2 })).toThrow(
      "LazyBatchNorm2d() got an unexpected keyword argument 'momentun'",
    );
    expect(() => new torch.nn.LazyInstanceNorm1d(1e-3, { eps: 1e-2 })).toThrow("got multiple values for argument 'eps'");
    expect(() => new torch.nn.CrossMapLRN2d(3, { beta: 0.5, gamma: 1 })).toThrow("unexpected keyword argument 'gamma'");
    expect(() => new torch.nn.SyncBatchNorm(3, { process_groups: null })).toThrow("unexpected keyword argument 'process_groups'");
  });
});
