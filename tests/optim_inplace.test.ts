// The fused optimizer update written in place on the eager cpu device
// (cpu/src/optim_in_place.ts, DeviceBackend.updateInPlace, taken by
// nn/src/optim/_fused_update.ts): the same bits as the out-of-place update
// (bind, then copy_) for Adam, AdamW and SGD in float32 and float64, in the
// JavaScript loop and the WebAssembly one (one chunk and several); the same
// version counter moves (a tensor saved before the step is refused after it)
// and views of the parameter see the new values; no output array is made. A
// parameter that is a view, or a gradient or state buffer that shares memory
// with the parameter or a buffer, still gets PyTorch's values
// (tests/fixtures/optim_inplace.json, written by gen_optim_inplace.py).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { adamUpdateExprs, bind, float32, float64, P, scalarTensor, type DType, type Primitive } from "@xlatorch/core";
import { fusedUpdateConfig } from "../packages/nn/src/optim/_fused_update.js";
import { cpuBackend } from "../packages/cpu/src/backend.js";
import { optimWasmStats } from "../packages/cpu/src/wasm/optim_module.js";

afterEach(() => {
  fusedUpdateConfig.inPlace = true;
});

type Opts = Record<string, unknown>;
const OPTIONS: Record<"Adam" | "AdamW" | "SGD", Opts[]> = {
  Adam: [
    { lr: 0.01 },
    { lr: 0.1, weight_decay: 0.1 },
    { lr: 0.01, amsgrad: true, maximize: true, weight_decay: 0.01 },
    { lr: 0.01, amsgrad: true },
  ],
  AdamW: [
    { lr: 0.01, weight_decay: 0.1 },
    { lr: 0.01, amsgrad: true, weight_decay: 0.05 },
    { lr: 0.05, betas: [0, 0.5], eps: 1e-3, maximize: true },
  ],
  SGD: [
    { lr: 0.1 },
    { lr: 0.1, weight_decay: 0.1, maximize: true },
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.1, momentum: 0.9, dampening: 0.1, weight_decay: 0.01 },
    { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01 },
  ],
};

const flat = (t: torch.Tensor): number[] => t.detach().reshape([-1]).tolist() as number[];
const ctor = (name: string) => torch.optim[name as "Adam"] as unknown as new (ps: torch.Tensor[], o: Opts) => torch.optim.Optimizer;
const stateOf = (opt: torch.optim.Optimizer, p: torch.Tensor) => opt.state.get(p) as Record<string, torch.Tensor | null>;

/** Counts, while `body` runs, the updates the cpu device wrote in place and the update kernels it ran out of place. */
function counting<T>(body: () => T): { value: T; inPlace: number; refused: number; kernels: number } {
  const run = cpuBackend.run,
    hook = cpuBackend.updateInPlace!;
  const c = { inPlace: 0, refused: 0, kernels: 0 };
  cpuBackend.run = (prim, ins, attrs, outs) => {
    if (prim.name === "adam_update" || prim.name === "sgd_update") c.kernels++;
    return run.call(cpuBackend, prim, ins, attrs, outs);
  };
  cpuBackend.updateInPlace = (prim: Primitive, ins, attrs, targets) => {
    const ok = hook(prim, ins, attrs, targets);
    if (ok) c.inPlace++;
    else c.refused++;
    return ok;
  };
  try {
    return { value: body(), ...c };
  } finally {
    cpuBackend.run = run;
    cpuBackend.updateInPlace = hook;
  }
}

/** Every value of the parameters and their state after 4 steps (one step's gradients tiny, one gradient transposed). */
function run(inPlace: boolean, Opt: string, dtype: DType, opts: Opts, n: number): number[] {
  fusedUpdateConfig.inPlace = inPlace;
  torch.manual_seed(1);
  const shapes = [[n], [7, 13], [40, 30], []];
  const ps = shapes.map((s) => torch.randn(s, { dtype }).requires_grad_(true));
  const opt = new (ctor(Opt))(ps, opts);
  for (let k = 0; k < 4; k++) {
    ps.forEach((p, i) => {
      const scale = k === 2 ? 1e-30 : 0.5;
      p.grad = i === 2 ? torch.randn([30, 40], { dtype }).mul(scale).t() : torch.randn(p.shape, { dtype }).mul(scale);
    });
    opt.step();
  }
  const out: number[] = [];
  for (const p of ps) {
    out.push(...flat(p));
    const st = stateOf(opt, p);
    for (const k of ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"]) if (st[k]) out.push(...flat(st[k]!));
  }
  return out;
}

const differing = (a: number[], b: number[]): number => {
  if (a.length !== b.length) return -1;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  return diff;
};

describe("the fused update in place: the out-of-place update's bits", () => {
  for (const dtype of [float32, float64])
    for (const Opt of ["Adam", "AdamW", "SGD"])
      it(`${dtype.name} ${Opt}`, () => {
        // float32: the JavaScript loop (5), one WebAssembly chunk (300), three with a partial vector (10001)
        for (const n of dtype === float32 ? [5, 300, 10001] : [5, 10001])
          for (const opts of OPTIONS[Opt as "Adam"]) {
            const wasm0 = optimWasmStats.calls;
            const inPlace = counting(() => run(true, Opt, dtype, opts, n));
            if (dtype === float32) expect(optimWasmStats.calls).toBeGreaterThan(wasm0);
            const copied = counting(() => run(false, Opt, dtype, opts, n));
            expect(differing(inPlace.value, copied.value), `${n} ${JSON.stringify(opts)}`).toBe(0);
            // 4 parameters x 4 steps; SGD's first momentum step makes its buffer (out of place)
            const firstStep = opts.momentum ? 4 : 0;
            expect([inPlace.inPlace, inPlace.kernels]).toEqual([16 - firstStep, firstStep]);
            expect([copied.inPlace, copied.kernels]).toEqual([0, 16]);
          }
      });
});

interface Case {
  name: string;
  opt: string;
  kwargs: Opts;
  dtype: "float32" | "float64";
  setup: "view_t" | "view_step" | "grad_is_param" | "buf_is_grad" | "avg_is_avg_sq";
  base: { shape: number[]; data: number[] };
  grads: number[][];
  out: Record<string, number[]>;
}
const FIXTURES = JSON.parse(readFileSync(fileURLToPath(new URL("./fixtures/optim_inplace.json", import.meta.url)), "utf8")) as {
  cases: Case[];
};

describe("parameters that are views, memory shared with the gradient or state: PyTorch's values", () => {
  for (const c of FIXTURES.cases)
    it(c.name, () => {
      const dtype = c.dtype === "float32" ? float32 : float64;
      const base = torch.tensor(c.base.data, { dtype }).reshape(c.base.shape);
      const p = c.setup === "view_t" ? base.t() : c.setup === "view_step" ? base.getitem(":", "::2") : base;
      p.requires_grad_(true);
      const opt = new (ctor(c.opt))([p], c.kwargs);
      const counts = counting(() => {
        for (let s = 0; s < 3; s++) {
          if (c.setup === "grad_is_param") p.grad = p.detach();
          else {
            const g = torch.tensor(c.grads[s]!, { dtype }).reshape(p.shape);
            p.grad = g;
            if (c.setup === "buf_is_grad" && s > 0) stateOf(opt, p).momentum_buffer = g;
            if (c.setup === "avg_is_avg_sq" && s > 0) stateOf(opt, p).exp_avg_sq = stateOf(opt, p).exp_avg!;
          }
          opt.step();
        }
      });
      const tol = dtype === float32 ? 2e-6 : 1e-12;
      const got: Record<string, number[]> = { base: flat(base), param: flat(p) };
      for (const [k, v] of Object.entries(stateOf(opt, p))) if (v instanceof torch.Tensor && v.ndim > 0) got[k] = flat(v);
      expect(Object.keys(got).sort()).toEqual(Object.keys(c.out).sort());
      for (const k of Object.keys(c.out)) {
        const want = c.out[k]!,
          have = got[k]!;
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(have[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
        expect(worst, `${k}`).toBeLessThan(tol);
      }
      // neither a view nor an operand sharing memory with another is written in place (nor fused: see fusable);
      // the shared Adam state is made after the first step, which has its own buffers
      expect(counts.inPlace).toBe(c.setup === "avg_is_avg_sq" ? 1 : 0);
    });
});

describe("in place as copy_ was: version counters, views, no new arrays", () => {
  it("a tensor saved before the step is refused after it, as with copy_; views see the new values", () => {
    const messages: string[] = [];
    for (const inPlace of [true, false]) {
      fusedUpdateConfig.inPlace = inPlace;
      torch.manual_seed(3);
      const p = torch.randn([300]).requires_grad_(true);
      const opt = new torch.optim.Adam([p], { lr: 0.1, amsgrad: true });
      const view = p.detach().view([10, 30]);
      const loss = p.mul(p).sum();
      loss.backward({ retain_graph: true } as never);
      const v0 = p._version;
      opt.step();
      const st = stateOf(opt, p);
      expect(p._version).toBe(v0 + 1);
      for (const k of ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]) expect(st[k]!._version, k).toBe(1);
      expect(flat(view)).toEqual(flat(p));
      try {
        loss.backward();
        messages.push("no error");
      } catch (e) {
        messages.push((e as Error).message);
      }
    }
    expect(messages[0]).toMatch(/modified by an inplace operation/);
    expect(messages[0]).toBe(messages[1]);
  });

  it("a step after the first allocates no array of the parameter's size", () => {
    for (const dtype of [float32, float64])
      for (const [Opt, opts, outputs] of [
        ["Adam", { lr: 0.01, amsgrad: true }, 4],
        ["SGD", { lr: 0.1, momentum: 0.9 }, 2],
      ] as const) {
        const n = 1000;
        const sizes = () => {
          const made: number[] = [];
          const alloc = dtype.alloc;
          (dtype as { alloc: (k: number) => unknown }).alloc = (k: number) => {
            made.push(k);
            return alloc.call(dtype, k);
          };
          return {
            count: () => made.filter((k) => k === n).length,
            restore: () => delete (dtype as { alloc?: unknown }).alloc,
          };
        };
        for (const inPlace of [true, false]) {
          fusedUpdateConfig.inPlace = inPlace;
          const p = torch.randn([n], { dtype }).requires_grad_(true);
          const opt = new (ctor(Opt))([p], opts);
          p.grad = torch.randn([n], { dtype });
          opt.step();
          const a = sizes();
          try {
            opt.step();
            opt.step();
            expect(a.count(), `${dtype.name} ${Opt} inPlace=${inPlace}`).toBe(inPlace ? 0 : 2 * outputs);
          } finally {
            a.restore();
          }
        }
      }
  });
});

describe("DeviceBackend.updateInPlace on cpu: refuses what the loops could misread, writing nothing", () => {
  const SGD = { weight_decay: false, momentum: "none", nesterov: false, maximize: false } as const;
  const ADAM = { decay: "none", amsgrad: false, maximize: false } as const;
  const adamScalars = () => adamUpdateExprs(ADAM).scalars.map((_, k) => scalarTensor(0.5 + k / 10, float32, torch.device("cpu")));
  const lr = () => scalarTensor(-0.1, float32, torch.device("cpu"));
  const hook = (prim: "adam_update" | "sgd_update", ins: torch.Tensor[], attrs: object, targets: torch.Tensor[]) =>
    cpuBackend.updateInPlace!(P[prim], ins, attrs, targets);

  it("an operand in a target's memory at other positions, a strided target, targets sharing memory, an output without a target", () => {
    const n = 300;
    const base = torch.randn([n + 1]);
    // p = base[1:], g = base[:-1]: g's element i is p's element i - 1, written one position earlier
    const p = base.getitem("1:"),
      g = base.getitem(":-1");
    const before = flat(base);
    expect(hook("sgd_update", [p, g, lr()], SGD, [p])).toBe(false);
    const t = torch.randn([20, 15]).t();
    expect(hook("sgd_update", [t, torch.randn([15, 20]), lr()], SGD, [t])).toBe(false);
    const q = torch.randn([n]),
      m = torch.zeros([n]);
    expect(hook("adam_update", [q, torch.randn([n]), m, m, ...adamScalars()], ADAM, [q, m, m])).toBe(false);
    // SGD's first momentum step: the buffer it returns has no tensor yet
    const first = { ...SGD, momentum: "first" } as const;
    expect(hook("sgd_update", [q, torch.randn([n]), lr()], first, [q])).toBe(false);
    expect(flat(base)).toEqual(before);
    expect(flat(m)).toEqual(new Array(n).fill(0));
  });

  it("an operand at exactly a target's positions (read before written), and a target at an offset: bind's values", () => {
    for (const n of [7, 300, 10001]) {
      const p0 = torch.randn([n]),
        m0 = torch.randn([n]),
        v0 = torch.rand([n]);
      const s = adamScalars();
      // the gradient is the parameter's own memory: want = the out-of-place kernel's outputs
      const want = bind(P.adam_update!, [p0, p0, m0, v0, ...s], ADAM).map(flat);
      const big = torch.zeros([n + 3]);
      const p = big.getitem("3:");
      p.copy_(p0);
      const m = m0.clone(),
        v = v0.clone();
      expect(hook("adam_update", [p, p.detach(), m, v, ...s], ADAM, [p, m, v])).toBe(true);
      expect([flat(p), flat(m), flat(v)]).toEqual(want);
      expect(flat(big.getitem(":3"))).toEqual([0, 0, 0]);
    }
  });
});
