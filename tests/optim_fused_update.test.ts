// The fused optimizer update (core's adam_update primitive, used by
// optim.Adam/AdamW: nn/src/optim/_fused_update.ts) against the composed update
// it replaces (and sgd_update, used by optim.SGD), bit for bit: float32 and float64, with and without weight
// decay, amsgrad, maximize, beta1 = 0; tensors small enough for the
// JavaScript loop and large enough for the WebAssembly one; a transposed
// gradient; on cpu and on the xla device. The composed path's own values are
// PyTorch's (tests/optim_more.fixtures.test.ts and the other optimizer
// fixtures). On xla, a scheduler's lr and the step count are graph inputs: a
// 50-step loop compiles its step once. Also: the primitive's shape rule
// refuses mixed operands, and torch.compile replays a compiled Adam step with
// a changing lr as the eager one runs.
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { bind, float32, float64, P, scalarTensor } from "@xlatorch/core";
import { fusedUpdateConfig } from "../packages/nn/src/optim/_fused_update.js";
import { optimWasmStats } from "../packages/cpu/src/wasm/optim_module.js";

const xla = torch.xla;
afterEach(() => {
  fusedUpdateConfig.enabled = true;
});

type Opts = Record<string, unknown>;
const SGD_OPTIONS: Opts[] = [
  { lr: 0.1 },
  { lr: 0.1, weight_decay: 0.1, maximize: true },
  { lr: 0.1, momentum: 0.9 },
  { lr: 0.1, momentum: 0.9, dampening: 0.1, weight_decay: 0.01 },
  { lr: 0.1, momentum: 0.9, nesterov: true, maximize: true },
];
const OPTIONS: Opts[] = [
  { lr: 0.01 },
  { lr: 0.1, weight_decay: 0.1 },
  { lr: 0.01, amsgrad: true, maximize: true, weight_decay: 0.01 },
  { lr: 0.01, amsgrad: true },
  { lr: 0.05, betas: [0, 0.5], eps: 1e-3, maximize: true },
];

const flat = (t: torch.Tensor): number[] => t.detach().cpu().reshape([-1]).tolist() as number[];

/** Every value of the parameters and their state after 4 steps (grads of varied scale, one step's tiny), as plain numbers. */
function run(fused: boolean, Opt: "Adam" | "AdamW" | "SGD", dtype: torch.DType, opts: Opts, dev: string, n: number): number[] {
  fusedUpdateConfig.enabled = fused;
  torch.manual_seed(1);
  const shapes = [[n], [7, 13], [40, 30], []];
  const ps = shapes.map((s) => torch.randn(s, { dtype }).to(dev).requires_grad_(true));
  const Ctor = torch.optim[Opt] as unknown as new (ps: torch.Tensor[], o: Opts) => torch.optim.Optimizer;
  const opt = new Ctor(ps, opts);
  for (let k = 0; k < 4; k++) {
    ps.forEach((p, i) => {
      const scale = k === 2 ? 1e-30 : 0.5;
      // the [40, 30] parameter gets a transposed (non-contiguous) gradient
      p.grad = i === 2 ? torch.randn([30, 40], { dtype }).mul(scale).t().to(dev) : torch.randn(p.shape, { dtype }).mul(scale).to(dev);
    });
    opt.step();
  }
  const out: number[] = [];
  for (const p of ps) {
    out.push(...flat(p));
    const st = opt.state.get(p) as Record<string, torch.Tensor>;
    for (const k of ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"]) if (st[k]) out.push(...flat(st[k]!));
  }
  return out;
}

function sameBits(a: number[], b: number[]): number {
  if (a.length !== b.length) return -1;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  return diff;
}

describe("adam_update, sgd_update: the same bits as the composed Adam/AdamW/SGD update", () => {
  for (const dev of ["cpu", "xla"])
    for (const dtype of [float32, float64])
      for (const Opt of ["Adam", "AdamW", "SGD"] as const)
        it(`${dev} ${dtype.name} ${Opt}`, () => {
          // float32 on cpu: below and above the WebAssembly loop's threshold (256 values)
          for (const opts of Opt === "SGD" ? SGD_OPTIONS : OPTIONS)
            for (const n of dev === "cpu" && dtype === float32 ? [5, 3000] : [300]) {
              const wasmBefore = optimWasmStats.calls;
              const got = run(true, Opt, dtype, opts, dev, n);
              // float32 tensors of 256+ values take the WebAssembly loop on cpu (where WebAssembly SIMD is on)
              if (dev === "cpu" && dtype === float32 && process.env.XLATORCH_WASM !== "off")
                expect(optimWasmStats.calls).toBeGreaterThan(wasmBefore);
              const want = run(false, Opt, dtype, opts, dev, n);
              expect(sameBits(got, want), `${JSON.stringify(opts)} n=${n}`).toBe(0);
            }
        });

  it("special values (inf, nan, -0, huge and denormal gradients) give the composed update's bits", () => {
    const specials = [Infinity, -Infinity, NaN, -0, 0, 1e38, -1e38, 1e-45, -3e-39, 1, -1];
    for (const dtype of [float32, float64])
      for (const Opt of ["Adam", "AdamW"] as const) {
        const go = (fused: boolean) => {
          fusedUpdateConfig.enabled = fused;
          const vals = Array.from({ length: 600 }, (_, i) => specials[i % specials.length]! * (1 + (i % 7) / 3));
          const p = torch
            .tensor(
              vals.map((v, i) => (i % 5 === 0 ? v : i / 100)),
              { dtype },
            )
            .requires_grad_(true);
          const opt = new torch.optim[Opt]([p], { lr: 0.01, weight_decay: 0.1, amsgrad: true });
          for (let k = 0; k < 3; k++) {
            p.grad = torch.tensor(
              vals.map((_, i) => vals[(i * 7 + k) % vals.length]!),
              { dtype },
            );
            opt.step();
          }
          const st = opt.state.get(p) as Record<string, torch.Tensor>;
          return [p, st.exp_avg!, st.exp_avg_sq!, st.max_exp_avg_sq!].flatMap(flat);
        };
        expect(sameBits(go(true), go(false)), `${dtype.name} ${Opt}`).toBe(0);
      }
  });
});

describe("adam_update on the xla device", () => {
  it("a 50-step AdamW loop with a StepLR scheduler compiles its step once (lr and step count are graph inputs)", () => {
    torch.manual_seed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(8, 16), new torch.nn.Tanh(), new torch.nn.Linear(16, 2)).to("xla");
    const opt = new torch.optim.AdamW(model.parameters(), { lr: 0.01 });
    const sched = new torch.optim.lr_scheduler.StepLR(opt, 5, { gamma: 0.5 });
    const x = torch.randn([4, 8]).to("xla");
    const compiles: number[] = [];
    for (let i = 0; i < 50; i++) {
      opt.zero_grad();
      model(x).pow(2).mean().backward();
      opt.step();
      sched.step();
      xla.sync();
      compiles.push(xla.metrics().uncachedCompiles);
    }
    // the first steps differ (no grads yet, state made on the first step); after that nothing compiles
    expect(compiles[49]).toBe(compiles[3]);
  });

  it("torch.compile replays an Adam step with a changing lr as the eager step runs", () => {
    const train = (compiled: boolean) => {
      torch.manual_seed(0);
      const model = new torch.nn.Linear(6, 3).to("xla");
      const opt = new torch.optim.Adam(model.parameters(), { lr: 0.05, weight_decay: 0.01 });
      const sched = new torch.optim.lr_scheduler.ExponentialLR(opt, 0.9);
      const x = torch.randn([5, 6]).to("xla");
      const step = () => {
        opt.zero_grad();
        const loss = model(x).pow(2).sum();
        loss.backward();
        opt.step();
        return loss.detach();
      };
      const f = compiled ? torch.compile(step) : step;
      const losses: number[] = [];
      for (let i = 0; i < 8; i++) {
        losses.push(f().item() as number);
        sched.step();
      }
      return { losses, w: model.weight.detach().cpu().tolist() as number[][] };
    };
    const want = train(false);
    const got = train(true);
    expect(got.losses).toEqual(want.losses);
    expect(got.w).toEqual(want.w);
  });
});

describe("adam_update's shape rule", () => {
  // without weight decay adam_update reads 7 hyperparameters (no decay operand)
  const attrs = { decay: "none", amsgrad: false, maximize: false };
  const s = (dt: torch.DType) => Array.from({ length: 7 }, () => scalarTensor(0.5, dt, torch.device("cpu")));
  it("refuses operands of another shape or dtype, and dtypes other than float32/float64", () => {
    const p = torch.zeros([3]);
    expect(() => bind(P.adam_update, [p, torch.zeros([4]), p, p, ...s(float32)], attrs)).toThrow(/adam_update: operand 1/);
    expect(() => bind(P.adam_update, [p, p.double(), p, p, ...s(float32)], attrs)).toThrow(/adam_update: operand 1/);
    expect(() => bind(P.adam_update, [p, p, p, p, ...s(float64)], attrs)).toThrow(/adam_update: operand 4/);
    const h = torch.zeros([3], { dtype: torch.float16 });
    expect(() => bind(P.adam_update, [h, h, h, h, ...s(torch.float16)], attrs)).toThrow(/float32 or float64/);
    expect(() => bind(P.adam_update, [p, p, p, p], attrs)).toThrow(/adam_update: expected 11 operands/);
  });
});
