// The Lazy* modules (nn.LazyLinear, nn.LazyConv1d/2d/3d, nn.LazyConvTranspose1d/2d/3d) and
// nn.UninitializedParameter against PyTorch 1.13 (tests/fixtures/gen_lazy_modules.py writes
// lazy_modules.json), on cpu and on the xla device (the module is moved there before its first call, so
// the parameters are materialized and initialized there): repr and state_dict before the first call, the
// call's output, the class the module becomes, its parameters, float64 gradients; an optimizer built before
// the first call; load_state_dict into a lazy module; UninitializedParameter built and materialized;
// PyTorch's errors.
import { expect, it } from "vitest";
import { compareValue, cotangentPattern, decodeValue, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onCpuAndXla } from "./harness/fixture_suite";

interface LazyCase {
  name: string;
  kind: "lazy";
  cls: string;
  args: Json[];
  kwargs: Record<string, Json>;
  seed: number;
  input: Json;
  repr_before: string;
  params: string[];
  state_keys: string[];
  uninit: string[];
  out: Json;
  repr_after: string;
  became: string;
  state_after: Record<string, Json>;
  grads?: Record<string, Json>;
}
interface OptimCase {
  name: string;
  kind: "optim";
  cls: string;
  args: Json[];
  seed: number;
  input: Json;
  state_after: Record<string, Json>;
}
interface LoadCase {
  name: string;
  kind: "load";
  cls: string;
  args: Json[];
  src_cls: string;
  src_args: Json[];
  seed: number;
  input: Json;
  repr_loaded: string;
  out: Json;
  repr_after: string;
}
interface ErrorCase {
  name: string;
  kind: "error";
  cls: string;
  args: Json[];
  kwargs: Record<string, Json>;
  shape: number[];
  error: { type: string; message: string };
}
interface UninitCase {
  name: string;
  kind: "uninit";
  args: Json[];
  kwargs: Record<string, Json>;
  shape: number[];
  before: { repr: string; requires_grad: boolean; dtype: string };
  after: { cls: string; shape: number[]; dtype: string; requires_grad: boolean };
}
type AnyCase = LazyCase | OptimCase | LoadCase | ErrorCase | UninitCase;

const all = loadCases<AnyCase>("lazy_modules.json");
const ofKind = <K extends AnyCase["kind"]>(k: K) => all.filter((c): c is Extract<AnyCase, { kind: K }> => c.kind === k);

function build(torch: any, cls: string, args: Json[], kwargs: Record<string, Json> = {}): any {
  const a = decodeValue(args, "cpu", { torch }) as unknown[];
  const kw = decodeValue(kwargs, "cpu", { torch }) as Record<string, unknown>;
  return new torch.nn[cls](...a, ...(Object.keys(kw).length ? [kw] : []));
}

onCpuAndXla("Lazy modules vs PyTorch", (device: Device) => {
  for (const c of ofKind("lazy")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const m = build(torch, c.cls, c.args, c.kwargs);
      expect(m.toString()).toBe(c.repr_before);
      expect(m.named_parameters().map(([k]: [string]) => k)).toEqual(c.params);
      const sd = m.state_dict();
      expect(Object.keys(sd)).toEqual(c.state_keys);
      expect(Object.keys(sd).filter((k) => sd[k] instanceof torch.nn.UninitializedParameter)).toEqual(c.uninit);
      for (const k of c.uninit) expect(String(sd[k])).toBe("<UninitializedParameter>");
      m.to(device);
      const x = decodeValue(c.input, device, { torch });
      if (c.grads) x.requires_grad_(true);
      const out = m(x);
      compareValue(out, c.out, { device }, `${c.name} [${device}] forward`);
      expect(m.toString()).toBe(c.repr_after);
      expect(m.constructor.name).toBe(c.became);
      expect(m instanceof torch.nn[c.became]).toBe(true);
      for (const [, p] of m.named_parameters()) {
        expect(p).toBeInstanceOf(torch.nn.Parameter);
        expect(p).not.toBeInstanceOf(torch.nn.UninitializedParameter);
      }
      const after = m.state_dict();
      expect(Object.keys(after)).toEqual(Object.keys(c.state_after));
      for (const [k, v] of Object.entries(c.state_after)) compareValue(after[k], v, { device }, `${c.name} [${device}] ${k}`);
      if (c.grads) {
        out.mul(cotangentPattern(torch, out)).sum().backward();
        compareValue(x.grad, c.grads.input!, { device }, `${c.name} [${device}] input grad`);
        for (const [k, p] of m.named_parameters()) compareValue(p.grad, c.grads[k]!, { device }, `${c.name} [${device}] ${k} grad`);
      }
    });
  }

  for (const c of ofKind("optim")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const m = build(torch, c.cls, c.args).to(device);
      const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
      const x = decodeValue(c.input, device, { torch });
      for (let i = 0; i < 2; i++) {
        opt.zero_grad();
        m(x).pow(2).sum().backward();
        opt.step();
      }
      const sd = m.state_dict();
      for (const [k, v] of Object.entries(c.state_after)) compareValue(sd[k], v, { device }, `${c.name} [${device}] ${k}`);
    });
  }

  for (const c of ofKind("load")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const src = build(torch, c.src_cls, c.src_args);
      const m = build(torch, c.cls, c.args);
      m.load_state_dict(src.state_dict());
      expect(m.toString()).toBe(c.repr_loaded);
      m.to(device);
      compareValue(m(decodeValue(c.input, device, { torch })), c.out, { device }, `${c.name} [${device}] forward`);
      expect(m.toString()).toBe(c.repr_after);
    });
  }

  for (const c of ofKind("error")) {
    it(`error: ${c.name}`, async () => {
      const torch = await loadTorch();
      const m = build(torch, c.cls, c.args, c.kwargs).to(device);
      expect(() => m(torch.zeros(c.shape, { device }))).toThrow(c.error.message);
    });
  }

  for (const c of ofKind("uninit")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const p = build(torch, "UninitializedParameter", c.args, c.kwargs);
      expect(String(p)).toBe(c.before.repr);
      expect(p.requires_grad).toBe(c.before.requires_grad);
      expect(String(p.dtype)).toBe(`torch.${c.before.dtype}`);
      p.materialize(c.shape, { device });
      expect(p).toBeInstanceOf(torch.nn.Parameter);
      expect(p).not.toBeInstanceOf(torch.nn.UninitializedParameter);
      expect(c.after.cls).toBe("Parameter");
      expect([...p.shape]).toEqual(c.after.shape);
      expect(String(p.dtype)).toBe(`torch.${c.after.dtype}`);
      expect(p.requires_grad).toBe(c.after.requires_grad);
      expect(String(p.device)).toBe(String(torch.device(device)));
    });
  }

  it("an uninitialized parameter refuses ops and shape reads; state_dict round trip before the first call", async () => {
    const torch = await loadTorch();
    const m = new torch.nn.LazyLinear(3).to(device);
    expect(() => torch.add(m.weight, 1)).toThrow(/uninitialized parameter/);
    expect(() => m.weight.shape).toThrow(/Can't access the shape of an uninitialized parameter/);
    expect(String(m.weight.device)).toBe(String(torch.device(device)));
    // loading a lazy state into a lazy module leaves it lazy; into an initialized one it is PyTorch's shape error
    const fresh = new torch.nn.LazyLinear(3);
    fresh.load_state_dict(m.state_dict());
    expect(fresh.toString()).toBe("LazyLinear(in_features=0, out_features=3, bias=True)");
    expect(() => new torch.nn.Linear(4, 3).load_state_dict(m.state_dict())).toThrow(/Can't access the shape/);
    expect(() => new torch.nn.LazyLinear(3)(torch.tensor(1.0))).toThrow(/LazyLinear/);
  });
});
