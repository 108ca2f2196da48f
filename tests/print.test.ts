// Printing (String(t), t.toString(), util.inspect(t)) against PyTorch's repr(t).
//
// tests/fixtures/print.json is written by tests/fixtures/gen_print.py from real
// PyTorch 1.13 (see its docstring for the case format). Each case is built here
// exactly as there: torch.tensor(values, {dtype}).reshape(shape), then the view
// steps, requires_grad_(), and the ops that give the grad_fn; print options and
// the default dtype are set around the case. Cases marked "xla" are also built
// on the xla device (moved right after construction) and compared with
// "repr_xla" (PyTorch's repr with device='xla:0', as PyTorch/XLA prints it).
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

type Step = [string, ...unknown[]];
interface PrintCase {
  name: string;
  dtype: string;
  shape: number[];
  data: (string | number | boolean)[] | { arange: number; scale: number; offset: number };
  view?: Step[];
  requires_grad?: boolean;
  ops?: Step[];
  printoptions?: Record<string, unknown>;
  default_dtype?: string;
  xla?: boolean;
  repr: string;
  repr_xla?: string;
}

const CASES: PrintCase[] = JSON.parse(readFileSync(new URL("./fixtures/print.json", import.meta.url), "utf8"));
const tz = torch as any;

function values(c: PrintCase): (number | bigint | boolean)[] {
  const dtype = tz[c.dtype] as torch.DType;
  if (!Array.isArray(c.data)) {
    const { arange, scale, offset } = c.data;
    const v = Array.from({ length: arange }, (_, i) => (i + offset) * scale);
    return dtype === torch.int64 ? v.map((x) => BigInt(x)) : v;
  }
  return c.data.map((v) => {
    if (typeof v !== "string") return v;
    if (dtype === torch.int64) return BigInt(v);
    return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);
  });
}

function build(c: PrintCase, device: "cpu" | "xla"): torch.Tensor {
  let x: any = torch.tensor(values(c) as any, { dtype: tz[c.dtype] }).reshape(c.shape);
  if (device !== "cpu") x = x.to(device);
  for (const [m, ...args] of c.view ?? []) x = x[m](...args);
  if (c.requires_grad) x.requires_grad_();
  for (const [m, ...args] of c.ops ?? []) x = x[m](...args);
  return x;
}

function withCase<T>(c: PrintCase, fn: () => T): T {
  if (c.default_dtype) torch.set_default_dtype(tz[c.default_dtype]);
  if (c.printoptions) tz.set_printoptions(c.printoptions);
  try {
    return fn();
  } finally {
    tz.set_printoptions({ profile: "default" });
    torch.set_default_dtype(torch.float32);
  }
}

describe("printing matches PyTorch's repr", () => {
  it("has the fixture", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
  });
  for (const c of CASES) {
    it(`cpu: ${c.name}`, () => {
      withCase(c, () => {
        const t = build(c, "cpu");
        expect(String(t)).toBe(c.repr);
      });
    });
  }
  for (const c of CASES.filter((c) => c.xla)) {
    it(`xla: ${c.name}`, () => {
      withCase(c, () => {
        const t = build(c, "xla");
        expect(String(t)).toBe(c.repr_xla);
      });
    });
  }
});

describe("printing entry points", () => {
  afterEach(() => tz.set_printoptions({ profile: "default" }));
  const t = torch.tensor([
    [1.5, -2],
    [3, 4],
  ]);
  const expected = "tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]])";
  it("String, toString, template literal and util.inspect agree", () => {
    expect(String(t)).toBe(expected);
    expect(t.toString()).toBe(expected);
    expect(`${t}`).toBe(expected);
    expect(inspect(t)).toBe(expected);
  });
  it("set_printoptions takes positional arguments too, and resets sci_mode when not given", () => {
    tz.set_printoptions(2);
    expect(String(torch.tensor([1.12345]))).toBe("tensor([1.12])");
    tz.set_printoptions({ sci_mode: true });
    expect(String(torch.tensor([1.5]))).toBe("tensor([1.50e+00])");
    tz.set_printoptions({ linewidth: 80 }); // sci_mode back to automatic, precision kept
    expect(String(torch.tensor([1.5]))).toBe("tensor([1.50])");
    tz.set_printoptions({ profile: "default" });
    expect(String(torch.tensor([1.12345]))).toBe("tensor([1.1235])");
    expect(tz.get_printoptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null });
  });
});
