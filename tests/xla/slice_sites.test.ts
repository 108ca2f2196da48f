// A loop over data held on the device, slicing a window at a moving start
// (`data[:, i:i+T]`, or writing one: `cache[:, t] = x`), compiles twice, not
// once per window: from the second
// graph on, such slices are dynamic_slice with the starts as parameters
// (packages/lazy/src/slice_sites.ts). The losses are those of the same loop on
// the cpu device, bit for bit. The first graph's starts stay static after the
// switch, and slices of device data at fixed starts (a frozen weight split in
// two at every step) stay static slices. A parameter's moving window has its
// gradient written at the same start parameters. A window of a value computed
// in the step switches when the graph cut last time sliced it, at the same
// position, at another start; chunks of one value stay static.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "../harness/modes";
import { embeddingWindows as windows } from "./loops";

pinFused();

describe("slices of device data at moving starts", () => {
  it("a 30-window loop compiles twice, with cpu's losses bit for bit", () => {
    const before = torch.xla.metrics().uncachedCompiles;
    const xla = windows("xla", 30);
    expect(torch.xla.metrics().uncachedCompiles - before).toBe(2);
    expect(xla).toEqual(windows("cpu", 30));
    // and the same loop again (new data, new model) compiles nothing
    const again = torch.xla.metrics().uncachedCompiles;
    windows("xla", 30);
    expect(torch.xla.metrics().uncachedCompiles).toBe(again);
  });

  it("the switched slice is a dynamic_slice reading the window's elements", () => {
    const host = torch.arange(40, { dtype: torch.float32 }).reshape(4, 10);
    const d = host.to("xla");
    const first = d.getitem(":", torch.slice(2, 5)).mul(2);
    expect(torch.xla.get_stablehlo(first)).not.toContain("dynamic_slice");
    expect(Array.from(first.to("cpu")._host() as Float32Array)).toEqual(
      Array.from(host.getitem(":", torch.slice(2, 5)).mul(2)._host() as Float32Array),
    );
    for (const s of [5, 7, 0]) {
      const w = d.getitem(":", torch.slice(s, s + 3)).mul(2);
      expect(torch.xla.get_stablehlo(w)).toContain("stablehlo.dynamic_slice");
      expect(Array.from(w.to("cpu")._host() as Float32Array), `start ${s}`).toEqual(
        Array.from(
          host
            .getitem(":", torch.slice(s, s + 3))
            .mul(2)
            ._host() as Float32Array,
        ),
      );
    }
    // the first graph's start stays static after the switch: the graph compiled with it is found again
    const before = torch.xla.metrics().uncachedCompiles;
    const again = d.getitem(":", torch.slice(2, 5)).mul(2);
    expect(torch.xla.get_stablehlo(again)).not.toContain("dynamic_slice");
    expect(Array.from(again.to("cpu")._host() as Float32Array)).toEqual(Array.from(first.to("cpu")._host() as Float32Array));
    expect(torch.xla.metrics().uncachedCompiles).toBe(before);
  });

  it("strided windows (data[i:i+8:2]) and integer rows (data[i]) compile twice each, with cpu's values", () => {
    const host = torch.randn([60, 3]);
    const d = host.to("xla");
    for (const form of ["strided", "row"] as const) {
      const before = torch.xla.metrics().uncachedCompiles;
      for (let i = 0; i < 12; i++) {
        const pick = (t: torch.Tensor) => (form === "row" ? t.getitem(i) : t.getitem(torch.slice(i, i + 8, 2)));
        const got = pick(d).mul(3).sum(0);
        if (i > 0) expect(torch.xla.get_stablehlo(got), `${form} ${i}`).toContain("stablehlo.dynamic_slice");
        expect(Array.from(got.to("cpu")._host() as Float32Array), `${form} ${i}`).toEqual(
          Array.from(pick(host).mul(3).sum(0)._host() as Float32Array),
        );
      }
      expect(torch.xla.metrics().uncachedCompiles - before, form).toBe(2);
    }
  });

  it("a cache written at a moving column (cache[:, t] = x) compiles twice, with cpu's values", () => {
    const run = (device: string): number[][] => {
      const cache = torch.zeros([3, 20]).to(device);
      const out: number[][] = [];
      for (let t = 0; t < 20; t++) {
        cache.setitem(":", t, torch.full([3], t + 1).to(device));
        out.push(Array.from(cache.sum(0).to("cpu")._host() as Float32Array));
      }
      return out;
    };
    const before = torch.xla.metrics().uncachedCompiles;
    const xla = run("xla");
    expect(torch.xla.metrics().uncachedCompiles - before).toBe(2);
    expect(xla).toEqual(run("cpu"));
  });

  it.each([1, 2])(
    "a parameter's moving window W[i:i+4*step:step] (step %i) with its gradient compiles twice, with cpu's gradients",
    (step) => {
      const run = (device: string): { losses: number[]; grad: number[] } => {
        torch.manual_seed(5);
        const W = torch.randn([24, 3]).to(device).requires_grad_();
        const losses: number[] = [];
        for (let i = 0; i < 12; i++) {
          const l = W.getitem(torch.slice(i, i + 4 * step, step))
            .mul(torch.arange(1, 5).reshape(4, 1).to(device))
            .pow(2)
            .sum();
          l.backward();
          losses.push(l.item() as number);
        }
        return { losses, grad: Array.from(W.grad!.to("cpu")._host() as Float32Array) };
      };
      const before = torch.xla.metrics().uncachedCompiles;
      const xla = run("xla");
      expect(torch.xla.metrics().uncachedCompiles - before).toBe(2);
      expect(xla).toEqual(run("cpu"));
    },
  );

  it("a moving window of a value computed in the step compiles twice, with cpu's values and gradients", () => {
    const run = (device: string): number[][] => {
      torch.manual_seed(9);
      const w = torch.randn([3, 14]).to(device).requires_grad_();
      const out: number[][] = [];
      for (let i = 0; i < 10; i++) {
        const y = w.mul(2).add(1).narrow(1, i, 4);
        const l = y.pow(2).sum();
        l.backward();
        out.push([l.item() as number]);
      }
      out.push(Array.from(w.grad!.to("cpu")._host() as Float32Array));
      return out;
    };
    const before = torch.xla.metrics().uncachedCompiles;
    const xla = run("xla");
    expect(torch.xla.metrics().uncachedCompiles - before).toBe(2);
    expect(xla).toEqual(run("cpu"));
  });

  it("chunks of a computed value (fixed starts, one shape) stay static slices", () => {
    const x = torch.randn([4, 12]).to("xla");
    for (let step = 0; step < 3; step++) {
      const [a, b, c] = x.mul(1.5).chunk(3, 1) as torch.Tensor[];
      const y = a!.mul(b!).add(c!).sum();
      expect(torch.xla.get_stablehlo(y), `step ${step}`).not.toContain("dynamic_slice");
      y.item();
    }
  });

  it("a frozen weight split at fixed starts in every step stays static", () => {
    const w = torch.randn([4, 6]).to("xla");
    for (let step = 0; step < 4; step++) {
      const a = w.getitem(":", torch.slice(0, 3)),
        b = w.getitem(":", torch.slice(3, 6));
      const y = a.mul(b).sum();
      const text = torch.xla.get_stablehlo(y);
      expect(text, `step ${step}`).not.toContain("dynamic_slice");
      y.item();
    }
  });
});
