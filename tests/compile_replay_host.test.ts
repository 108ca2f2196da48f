// A compiled replay's host side (capture.ts, compile_fn.ts): the work around
// the executable. Checked here: the key found again without building it
// (same attributes replay, a changed requires_grad, shape or number argument
// recompiles and names it); a step with no tensor argument (model and batch
// in a closure) traced on the cpu device where its first call's results were,
// so it compiles instead of running eagerly; a cpu replay's undonated written
// tensors (a zeroed-then-accumulated .grad) computed straight into their
// storage by the CPU runtime (Runtime.execute's `dest`), with views of them
// kept current; the runtime's checks on those destination arrays; and live
// scalars with the upload cache full. Every compiled value is compared with
// the eager one, bit for bit.
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { internals } from "@xlatorch/core";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import type { CpuBuffer } from "../packages/cpu/src/runtime/index.js";
import { ALIASED } from "./harness/aliased_module";

const { nn, optim } = torch;
const F = nn.functional;

afterEach(() => torch._dynamo.reset());

const host = (t: torch.Tensor) => t.detach().cpu().flatten().tolist() as number[];
const reasonsOf = (f: unknown) => (f as { recompile_reasons: string[] }).recompile_reasons;

describe("the key of a call found again without building it", () => {
  it("replays for other tensors of the same attributes; a changed requires_grad, shape or number recompiles, naming it", () => {
    const w = torch.randn(3, 3);
    const f = torch.compile((x: torch.Tensor, k: number) => x.matmul(w).mul(k));
    const x1 = torch.randn(2, 3);
    const x2 = torch.randn(2, 3);
    const eager = (x: torch.Tensor, k: number) => host(x.matmul(w).mul(k));
    for (let i = 0; i < 3; i++) {
      expect(host(f(x1, 2) as torch.Tensor)).toEqual(eager(x1, 2));
      expect(host(f(x2, 2) as torch.Tensor)).toEqual(eager(x2, 2));
    }
    expect(reasonsOf(f)).toEqual([]);
    expect(host(f(x2, 3) as torch.Tensor)).toEqual(eager(x2, 3));
    expect(reasonsOf(f).at(-1)).toMatch(/argument 1: number 2 -> argument 1: number 3/);
    x2.requires_grad_(true);
    expect(host(f(x2, 3) as torch.Tensor)).toEqual(eager(x2, 3));
    expect(reasonsOf(f).at(-1)).toMatch(/requiring grad/);
    const x3 = torch.randn(4, 3);
    expect(host(f(x3, 3) as torch.Tensor)).toEqual(eager(x3, 3));
    expect(reasonsOf(f).at(-1)).toMatch(/float32\[2, 3\] on cpu requiring grad -> argument 0: float32\[4, 3\] on cpu/);
    // back to an earlier key: found by the key, not traced again
    const n = reasonsOf(f).length;
    expect(host(f(x1, 2) as torch.Tensor)).toEqual(eager(x1, 2));
    expect(reasonsOf(f).length).toBe(n);
  });
});

/** A seeded MLP trained `steps` times by a step that reads everything from its closure (no arguments). */
function trainClosure(device: string, compiled: boolean, steps: number) {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(6, 8), new nn.Tanh(), new nn.Linear(8, 3)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const x = torch.randn(5, 6).to(device);
  const y = torch.randn(5, 3).to(device);
  const step = () => {
    opt.zero_grad();
    const loss = F.mse_loss(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  const f = compiled ? torch.compile(step) : step;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((f() as torch.Tensor).item() as number);
  return { losses, params: model.parameters().map(host) };
}

describe.each(["cpu", "xla"])("a compiled step with no tensor argument (%s)", (device) => {
  it("compiles and replays on its tensors' device, donating, with eager's values", () => {
    const eager = trainClosure(device, false, 8);
    const m0 = torch.xla.metrics();
    const comp = trainClosure(device, true, 8);
    const m1 = torch.xla.metrics();
    expect(comp.losses).toEqual(eager.losses);
    expect(comp.params).toEqual(eager.params);
    // the first call runs eagerly, the second is traced, the rest replay
    expect(m1.compiledEagerCalls - m0.compiledEagerCalls).toBe(1);
    expect(m1.compiledReplays - m0.compiledReplays).toBe(6);
    // (xla: the traced call's results become donors at the first replay)
    expect(m1.donatedBuffers - m0.donatedBuffers).toBe(12 * (device === "cpu" ? 6 : 5));
    if (device === "cpu") expect(m1.donatedInPlace - m0.donatedInPlace).toBe(12 * 6);
  });
});

describe("a cpu replay computes an undonated written tensor in its own storage", () => {
  function train(compiled: boolean, steps: number, probe?: (w: torch.Tensor) => void) {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const x = torch.randn(5, 6);
    const y = torch.randn(5, 3);
    const step = (xb: torch.Tensor, yb: torch.Tensor) => {
      opt.zero_grad(false);
      const loss = F.mse_loss(model(xb), yb);
      loss.backward();
      opt.step();
      return loss;
    };
    const f = compiled ? torch.compile(step) : step;
    const w = model.parameters()[0]!;
    const grads: number[][] = [];
    for (let i = 0; i < steps; i++) {
      f(x, y);
      grads.push(host(w.grad!));
      probe?.(w);
    }
    return { grads, params: model.parameters().map(host) };
  }

  it("the .grad (zeroed, then accumulated) is computed where it is: same tensor, same storage, views current", () => {
    const eager = train(false, 8);
    const m0 = torch.xla.metrics();
    let grad: torch.Tensor | null = null;
    let storage: unknown = null;
    let view: torch.Tensor | null = null;
    const seen: [number[], number[]][] = [];
    const comp = train(true, 8, (w) => {
      if (grad === null) {
        grad = w.grad!;
        storage = (internals(grad)._payload as { data: unknown }).data;
        view = grad.view(-1).narrow(0, 2, 5);
      }
      expect(w.grad).toBe(grad);
      expect((internals(w.grad!)._payload as { data: unknown }).data).toBe(storage);
      seen.push([host(view!), host(w.grad!).slice(2, 7)]);
    });
    const m1 = torch.xla.metrics();
    expect(comp.grads).toEqual(eager.grads);
    expect(comp.params).toEqual(eager.params);
    for (const [v, g] of seen) expect(v).toEqual(g);
    // 4 .grad per replay (6 replays), and the 12 donated parameters and moments
    expect(m1.storedInPlace - m0.storedInPlace).toBe(4 * 6);
    expect(m1.donatedInPlace - m0.donatedInPlace).toBe(12 * 6);
  });
});

describe("CPU runtime: a destination array receives a loop's result", () => {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(ALIASED));
  const arg = (v: number[]) => rt.toDevice(new Float32Array(v), "float32", [4]);
  const values = (b: CpuBuffer) => Array.from(rt.toHost(b) as Float32Array);

  it("computes result k in dest[k] when it is a whole array of its type and size that no argument shares", () => {
    const p = arg([1, 2, 3, 4]);
    const g = arg([1, 1, 2, 2]);
    const dest = new Float32Array(4).fill(7);
    const out = rt.execute(exe, [p, g], undefined, [null, dest]) as CpuBuffer[];
    expect(out[1]!.s.data).toBe(dest);
    expect(Array.from(dest)).toEqual([1, 1, 4, 4]);
    expect(values(out[0]!)).toEqual([0, 1, -1, 0]);
    expect(values(p)).toEqual([1, 2, 3, 4]);
  });

  it("refuses an argument's memory, a wrong type or size, and one array given twice; values stay right", () => {
    const p = arg([1, 2, 3, 4]);
    const g = arg([1, 1, 2, 2]);
    const gData = (g as CpuBuffer).s.data;
    const shared = rt.execute(exe, [p, g], undefined, [null, gData]) as CpuBuffer[];
    expect(shared[1]!.s.data).not.toBe(gData);
    expect(values(g)).toEqual([1, 1, 2, 2]);
    expect(values(shared[1]!)).toEqual([1, 1, 4, 4]);
    expect(values(shared[0]!)).toEqual([0, 1, -1, 0]);
    for (const wrong of [new Float64Array(4), new Float32Array(5)]) {
      const out = rt.execute(exe, [p, g], undefined, [null, wrong]) as CpuBuffer[];
      expect(out[1]!.s.data).not.toBe(wrong);
      expect(Array.from(wrong).every((v) => v === 0)).toBe(true);
      expect(values(out[1]!)).toEqual([1, 1, 4, 4]);
    }
    const twice = new Float32Array(4);
    const out = rt.execute(exe, [p, g], undefined, [twice, twice]) as CpuBuffer[];
    expect(out[0]!.s.data === twice && out[1]!.s.data === twice).toBe(false);
    expect(values(out[0]!)).toEqual([0, 1, -1, 0]);
    expect(values(out[1]!)).toEqual([1, 1, 4, 4]);
  });

  it("a donated argument keeps the result aliased to it", () => {
    const p = arg([1, 2, 3, 4]);
    const g = arg([1, 1, 2, 2]);
    const dest = new Float32Array(4);
    const out = rt.execute(exe, [p, g], [true, false], [dest, null]) as CpuBuffer[];
    expect(out[0]!.s.data).toBe((p as CpuBuffer).s.data);
    expect(Array.from(dest)).toEqual([0, 0, 0, 0]);
    expect(values(out[0]!)).toEqual([0, 1, -1, 0]);
  });
});

describe("live scalars with the upload cache full", () => {
  it("a compiled xla step with lr changing every step gives eager's values", () => {
    // fill the xla device's upload cache (256 values) with values no step uses
    const z = torch.zeros(2).to("xla");
    for (let i = 0; i < 300; i++) z.add_(i + 0.25);
    torch.xla.sync();
    const run = (compiled: boolean) => {
      torch.manual_seed(0);
      const model = new nn.Linear(4, 2).to("xla");
      const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
      const sched = new optim.lr_scheduler.ExponentialLR(opt, { gamma: 0.9 });
      const x = torch.randn(3, 4).to("xla");
      const step = (xb: torch.Tensor) => {
        opt.zero_grad();
        const loss = model(xb).pow(2).mean();
        loss.backward();
        opt.step();
        return loss;
      };
      const f = compiled ? torch.compile(step) : step;
      const losses: number[] = [];
      for (let i = 0; i < 12; i++) {
        losses.push((f(x) as torch.Tensor).item() as number);
        sched.step();
      }
      return { losses, params: model.parameters().map(host) };
    };
    const eager = run(false);
    const m0 = torch.xla.metrics().compiledReplays;
    const comp = run(true);
    expect(torch.xla.metrics().compiledReplays - m0).toBe(10);
    expect(comp.losses).toEqual(eager.losses);
    expect(comp.params).toEqual(eager.params);
  });
});
