// Gradient accumulation in place (autograd.ts addCt and AccumulateGrad, the
// cpu device's DeviceBackend.accumulate, packages/cpu/src/accumulate.ts):
// - cotangents handed on to two inputs (add's backward), kept by a hook,
//   retain_grad or autograd.grad keep PyTorch 1.13's values while others are
//   summed in place (tests/fixtures/gen_grad_accumulate_inplace.py), on cpu
//   and xla;
// - the sum is the out-of-place sum bit for bit (cpu with and without the
//   device's hook, and xla, which has none), float32 values that round;
// - on cpu a value read k times costs one add kernel run in the backward,
//   not k - 1, and a second backward adds into a leaf's .grad with none
//   (counted through the backend).
import fs from "node:fs";
import { getBackend, type DeviceBackend } from "@xlatorch/core";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

type T = torch.Tensor;
interface Case {
  kind: string;
  x_grad: number[];
  y_grad?: number[];
  z_grad?: number[];
  a_grad?: number[];
  same?: boolean;
  version_step?: number;
}
const fx = JSON.parse(fs.readFileSync(new URL("./fixtures/grad_accumulate_inplace.json", import.meta.url), "utf8")) as {
  x: number[];
  y: number[];
  cs: number[][];
  cases: Case[];
};
const caseOf = (kind: string) => fx.cases.find((c) => c.kind === kind)!;
const vals = (t: T) => t.detach().cpu().tolist() as number[];

describe.each(["cpu", "xla"])("accumulated cotangents keep PyTorch's values on %s", (device) => {
  const f32 = (v: number[]) => torch.tensor(v, { dtype: torch.float32 }).to(device);
  const cs = () => fx.cs.map(f32);

  /**
   * z = a + b read 3 times, a and b once more each (gen_grad_accumulate_inplace.py shared_sum): z's
   * consumers run first, so z's cotangent is a sum the engine made, handed to both a's and b's slots
   * first; a write into it when b's second cotangent arrives would change a's and the hook's.
   */
  function sharedSum(onZ?: (z: T) => void) {
    const x = f32(fx.x).requires_grad_(),
      y = f32(fx.y).requires_grad_();
    const [c0, c1, c2, c3, c4] = cs();
    const a = x.mul(2),
      b = y.mul(3);
    const z = a.add(b);
    onZ?.(z);
    const loss = a.mul(c3!).sum().add(b.mul(c4!).sum()).add(z.mul(c0!).sum()).add(z.mul(c1!).sum()).add(z.mul(c2!).sum());
    return { x, y, z, a, loss };
  }

  it("add's backward hands one sum to both operands: neither changes when the other gets more", () => {
    const { x, y, loss } = sharedSum();
    loss.backward();
    const c = caseOf("plain");
    expect(vals(x.grad!)).toEqual(c.x_grad);
    expect(vals(y.grad!)).toEqual(c.y_grad);
  });

  it("a hook's cotangent keeps its value", () => {
    let seen: T | null = null;
    const { x, y, loss } = sharedSum((z) => z.register_hook((g: T) => void (seen = g)));
    loss.backward();
    const c = caseOf("hook");
    expect(vals(seen!)).toEqual(c.z_grad);
    expect(vals(x.grad!)).toEqual(c.x_grad);
    expect(vals(y.grad!)).toEqual(c.y_grad);
  });

  it("retain_grad keeps its value", () => {
    const { x, z, loss } = sharedSum((z) => z.retain_grad());
    loss.backward();
    const c = caseOf("retain_grad");
    expect(vals(z.grad!)).toEqual(c.z_grad);
    expect(vals(x.grad!)).toEqual(c.x_grad);
  });

  it("autograd.grad's results keep their values", () => {
    const { x, z, a, loss } = sharedSum();
    const [gz, ga, gx] = torch.autograd.grad([loss], [z, a, x]) as T[];
    const c = caseOf("autograd.grad");
    expect(vals(gz!)).toEqual(c.z_grad);
    expect(vals(ga!)).toEqual(c.a_grad);
    expect(vals(gx!)).toEqual(c.x_grad);
  });

  it("x + x: one cotangent reaches one slot twice, then more are added", () => {
    const x = f32(fx.x).requires_grad_();
    const [c0, c1, c2] = cs();
    const v = x.mul(1.5);
    const w = v.add(v);
    w.mul(c0!).sum().add(v.mul(c1!).sum()).add(v.mul(c2!).sum()).backward();
    expect(vals(x.grad!)).toEqual(caseOf("x + x").x_grad);
  });

  it("a second backward adds into the leaf's .grad in place (same tensor, version + 1)", () => {
    const x = f32(fx.x).requires_grad_();
    const [c0, c1, c2] = cs();
    x.mul(c0!).sum().backward();
    const g = x.grad!;
    const v0 = g._version;
    x.mul(c1!).sum().add(x.mul(c2!).sum()).backward();
    const c = caseOf("leaf twice");
    expect(x.grad === g).toBe(c.same);
    expect(g._version - v0).toBe(c.version_step);
    expect(vals(g)).toEqual(c.x_grad);
  });
});

/** A leaf read `k` times through one intermediate (v = w * 2): v's slot sums k cotangents of shape `shape`. */
function readKTimes(device: string, k: number, shape: number[], dtype: torch.DType, seed: number) {
  torch.manual_seed(seed);
  const w = torch.randn(shape, { dtype }).to(device).requires_grad_();
  const cs = Array.from({ length: k }, () => torch.randn(shape, { dtype }).mul(3).to(device));
  return () => {
    const v = w.mul(2);
    let loss = v.mul(cs[0]!).sum();
    for (let i = 1; i < k; i++) loss = loss.add(v.mul(cs[i]!).sum());
    loss.backward();
    return w;
  };
}

const bits = (t: T): string[] => {
  const a = t.detach().cpu();
  if (a.dtype === torch.float64) return Array.from(new BigUint64Array(Float64Array.from(a.flatten().tolist() as number[]).buffer), String);
  return Array.from(new Uint32Array(Float32Array.from(a.float().flatten().tolist() as number[]).buffer), String);
};

/** Runs fn with the cpu device's accumulate hook switched off (autograd's out-of-place adds). */
function withoutHook<R>(fn: () => R): R {
  const cpu = getBackend("cpu") as { accumulate?: DeviceBackend["accumulate"] };
  const hook = cpu.accumulate;
  cpu.accumulate = undefined;
  try {
    return fn();
  } finally {
    cpu.accumulate = hook;
  }
}

describe("in-place accumulation: the out-of-place sum's bits", () => {
  // [40, 64]: WebAssembly's float32 add (above its size threshold); [5, 7]: the JavaScript loop
  const sizes: [number[], torch.DType][] = [
    [[40, 64], torch.float32],
    [[5, 7], torch.float32],
    [[5, 7], torch.float64],
    [[40, 64], torch.bfloat16],
  ];
  for (const [shape, dtype] of sizes) {
    it(`${dtype} ${JSON.stringify(shape)}: cpu in place = cpu out of place = xla, over two backward calls`, () => {
      const run = (device: string) => {
        const step = readKTimes(device, 6, shape, dtype, 11);
        step();
        const once = bits(step().grad!);
        return once;
      };
      const inPlace = run("cpu");
      const outOfPlace = withoutHook(() => run("cpu"));
      expect(inPlace).toEqual(outOfPlace);
      expect(run("xla")).toEqual(inPlace);
    });
  }
});

describe("in-place accumulation makes no new array on cpu", () => {
  it("a value read 5 times: one add kernel run (the first sum), 3 adds in place; a second backward adds into .grad in place", () => {
    const cpu = getBackend("cpu");
    const run = cpu.run,
      hook = cpu.accumulate!;
    let adds = 0,
      inPlace = 0;
    cpu.run = (prim, ...rest) => {
      if (prim.name === "add") adds++;
      return run.call(cpu, prim, ...rest);
    };
    cpu.accumulate = (acc, g) => {
      const ok = hook.call(cpu, acc, g);
      if (ok) inPlace++;
      return ok;
    };
    try {
      const step = readKTimes("cpu", 5, [8, 16], torch.float32, 3);
      // the forward's adds (the loss's 0-d sums) are counted too: one backward's count is the difference
      const counted = () => {
        const a0 = adds,
          i0 = inPlace;
        const w = step();
        return { adds: adds - a0, inPlace: inPlace - i0, w };
      };
      const first = counted();
      expect(first.inPlace).toBe(3);
      // 4 forward adds (the loss) and the first sum of v's cotangents
      expect(first.adds).toBe(4 + 1);
      const g = first.w.grad!;
      const second = counted();
      // v's 3 and the leaf's .grad
      expect(second.inPlace).toBe(4);
      expect(second.adds).toBe(4 + 1);
      expect(second.w.grad).toBe(g);
    } finally {
      cpu.run = run;
      cpu.accumulate = hook;
    }
  });

  it("nothing is written in place under create_graph (the sum is recorded)", () => {
    const cpu = getBackend("cpu");
    const hook = cpu.accumulate!;
    let calls = 0;
    cpu.accumulate = (acc, g) => {
      calls++;
      return hook.call(cpu, acc, g);
    };
    try {
      const x = torch.tensor([0.5, -1.25, 2], { requires_grad: true });
      const v = x.mul(x);
      const loss = v.mul(3).sum().add(v.mul(5).sum()).add(v.mul(7).sum());
      const [gx] = torch.autograd.grad([loss], [x], { create_graph: true }) as T[];
      expect(calls).toBe(0);
      // d/dx (15 x^2) = 30 x; its own derivative 30
      expect(gx!.tolist()).toEqual([15, -37.5, 60]);
      const [ggx] = torch.autograd.grad([gx!.sum()], [x]) as T[];
      expect(ggx!.tolist()).toEqual([30, 30, 30]);
    } finally {
      cpu.accumulate = hook;
    }
  });
});
