// PyTorch's `out=` keyword against PyTorch 1.13 (tests/fixtures/gen_out_args.py):
// the one parser takes it for every function whose PyTorch signature does
// (core/src/out_arg.ts), on cpu and xla. The given tensors hold the result and
// are returned (tuples keep their names); a differing shape is resized, with
// PyTorch's warning when the tensor had elements; refusals throw PyTorch's
// error naming the op, with the given tensors unchanged.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as torch from "xlatorch";

type Spec = unknown;
interface Case {
  name: string;
  fn: string;
  args: Spec[];
  kwargs: Record<string, Spec>;
  out: Spec;
  ok: boolean;
  returns_out?: boolean;
  names?: string[];
  warned?: boolean;
  results?: { values: unknown; shape: number[]; dtype: string }[];
  base_after?: unknown;
  type?: string;
  error?: string;
  exact?: boolean;
}
const { cases } = JSON.parse(readFileSync(new URL("./fixtures/out_args.json", import.meta.url), "utf8")) as { cases: Case[] };

const DT: Record<string, torch.DType> = {
  float32: torch.float32,
  float64: torch.float64,
  int64: torch.int64,
  bool: torch.bool,
  int32: torch.int32,
};

function build(spec: Spec, device: string): unknown {
  if (Array.isArray(spec)) return spec.map((s) => build(s, device));
  if (spec === null || typeof spec !== "object") return spec;
  const s = spec as Record<string, unknown>;
  if ("view" in s) {
    let v = build(s.view, device) as torch.Tensor;
    if (s.t) v = v.t();
    if (typeof s.index === "string") v = v.getitem(s.index);
    if (s.expand) v = v.expand(...(s.expand as number[]));
    return v;
  }
  const opts = { dtype: DT[s.dtype as string]!, device, requires_grad: Boolean(s.requires_grad) };
  if ("empty" in s) return torch.zeros(s.empty as number[], opts);
  return torch.tensor(s.t as never, opts);
}

function fn(path: string): (...a: unknown[]) => unknown {
  let f: unknown = torch;
  for (const p of path.split(".")) f = (f as Record<string, unknown>)[p];
  return f as (...a: unknown[]) => unknown;
}

const close = (got: unknown, want: unknown): void => {
  if (Array.isArray(want)) {
    expect(Array.isArray(got)).toBe(true);
    expect((got as unknown[]).length).toBe(want.length);
    want.forEach((w, i) => close((got as unknown[])[i], w));
  } else if (typeof want === "number") expect(got as number).toBeCloseTo(want, 5);
  else expect(got).toEqual(want);
};

describe.each(["cpu", "xla"])("out= on %s", (device) => {
  afterEach(() => vi.restoreAllMocks());
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const args = c.args.map((a) => build(a, device));
    const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, build(v, device)]));
    const out = build(c.out, device);
    const call = () => fn(c.fn)(...args, { ...kwargs, out });
    if (!c.ok) {
      const before = out instanceof torch.Tensor ? out.tolist() : null;
      let err: unknown = null;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err, "PyTorch refuses this call").toBeInstanceOf(Error);
      expect(err instanceof TypeError, (err as Error).message).toBe(c.type === "TypeError");
      if (c.exact) expect((err as Error).message).toContain(c.error);
      // the refused call named its op and wrote nothing
      expect((err as Error).message).toContain(c.fn.split(".").at(-1));
      if (before !== null && (out as torch.Tensor).numel() > 0) expect((out as torch.Tensor).tolist()).toEqual(before);
      return;
    }
    const r = call();
    const outs = (c.out === null ? [r] : Array.isArray(out) ? out : [out]) as torch.Tensor[];
    if (c.out !== null) {
      if (Array.isArray(out)) {
        (out as torch.Tensor[]).forEach((o, i) => expect((r as torch.Tensor[])[i]).toBe(o));
        for (const [i, name] of (c.names ?? []).entries()) expect((r as unknown as Record<string, torch.Tensor>)[name]).toBe(outs[i]);
      } else expect(r).toBe(out);
    }
    c.results!.forEach((want, i) => {
      const o = outs[i]!;
      expect([...o.shape]).toEqual(want.shape);
      expect(o.dtype).toBe(DT[want.dtype]);
      expect(o.device.type).toBe(device);
      close(o.tolist(), want.values);
    });
    if (c.base_after !== undefined) close((out as torch.Tensor)._base!.tolist(), c.base_after);
    const warned = warn.mock.calls.some((a) => String(a[0]).includes("was resized"));
    // the warning is given once per op in a process (Python's default filter): only its absence is certain here
    if (!c.warned) expect(warned).toBe(false);
  });
});

describe("out= in the parser", () => {
  it("is refused, as PyTorch refuses it, by a Tensor method and by a function without it", () => {
    const x = torch.ones(2);
    expect(() => (x.add as (...a: unknown[]) => unknown)(x, { out: torch.empty(2) })).toThrow(
      "add() got an unexpected keyword argument 'out'",
    );
    expect(() => (torch.clone as (...a: unknown[]) => unknown)(x, { out: torch.empty(2) })).toThrow(
      "clone() got an unexpected keyword argument 'out'",
    );
  });
  it("is typed for torch.* functions (a compile error where PyTorch has no out=)", () => {
    const o = torch.empty(2);
    const r: torch.Tensor = torch.tanh(torch.tensor([0, 1]), { out: o });
    expect(r).toBe(o);
    expect(o.tolist()).toEqual([0, Math.tanh(1)].map((v) => Math.fround(v)));
    // @ts-expect-error: torch.clone takes no out=
    expect(() => torch.clone(o, { out: o })).toThrow("clone() got an unexpected keyword argument 'out'");
  });
  it("warns about resizing a tensor that had elements", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    torch.sigmoid(torch.ones(2, 2), { out: torch.empty(3) });
    expect(warn.mock.calls.some((a) => String(a[0]).includes("An output with one or more elements was resized"))).toBe(true);
    warn.mockRestore();
  });
  it("is allowed under no_grad for a tensor that requires grad, and its values are the result's", () => {
    const q = torch.zeros(2, { requires_grad: true });
    torch.no_grad(() => torch.mul(torch.tensor([1, 2]), 3, { out: q }));
    expect(q.tolist()).toEqual([3, 6]);
  });
});
