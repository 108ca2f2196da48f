// Writes through views on the xla device agree with the cpu device in every
// execution mode. The cpu device aliases storage (strided views share a host
// array); the xla device holds values and turns a write through a view into a
// scatter into the base, re-deriving other views from it. Which results alias
// their input (reshape of an expanded or transposed tensor, contiguous(),
// repeat()) is decided by strides, so the xla device must report the strides a
// strided device would have: with contiguous strides everywhere, repeat() of a
// tensor aliased it on xla and an in-place write to the repeat changed the
// original (instance_norm's repeated running stats). A seeded random program
// generator builds view chains, writes into them and reads every tensor back.
import { afterAll, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

type T = torch.Tensor;
const MODES = ["debug", "strict", "fused", "lazy"] as const;
const atStart = torch.xla.get_execution_mode();
afterAll(() => torch.xla.set_execution_mode(atStart));

/** mulberry32: the same choices on every device, since they depend only on shapes. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <U>(xs: readonly U[]) => xs[int(xs.length)]! };
}

/** True when two elements of t share one memory location (a stride-0 dim of size > 1): PyTorch refuses most writes there. */
const overlaps = (t: T) => t.stride().some((s, d) => s === 0 && t.shape[d]! > 1);

const numbered = (shape: number[], dev: string, from = 1) =>
  torch
    .arange(shape.reduce((a, b) => a * b, 1))
    .to(torch.float32)
    .add(from)
    .reshape(shape)
    .to(dev);

/** One random program of views, in-place writes and reads; returns everything it read, in order. */
function program(seed: number, dev: string): unknown[] {
  const r = rng(seed);
  const log: unknown[] = [];
  const shapes = [[2, 3, 4], [4, 6], [6], [3, 1, 4], [2, 2, 3]];
  const base = numbered(r.pick(shapes), dev);
  // sometimes the base is itself computed (a pending value on xla), not data
  const pool: T[] = [r.next() < 0.5 ? base : base.mul(1)];
  const fresh = (shape: readonly number[]) => numbered([...shape], dev, 100 + r.int(50));

  const views: ((x: T) => T | null)[] = [
    (x) => (x.ndim >= 2 ? x.transpose(r.int(x.ndim), r.int(x.ndim)) : null),
    (x) => {
      const perm = [...Array(x.ndim).keys()].sort(() => r.next() - 0.5);
      return x.permute(perm);
    },
    (x) => x.reshape(-1),
    (x) => {
      const n = x.numel();
      const ds = [1, 2, 3, 4, 6].filter((d) => n % d === 0);
      return x.reshape([r.pick(ds), -1]);
    },
    (x) => {
      // view() throws when the strides do not allow it: the message is part of the log
      const n = x.numel();
      const ds = [2, 3].filter((d) => n % d === 0);
      return ds.length ? x.view([-1, r.pick(ds)]) : x.view(-1);
    },
    (x) => {
      if (x.ndim === 0) return null;
      const d = r.int(x.ndim);
      const n = x.shape[d]!;
      if (n < 2) return null;
      const start = r.int(n - 1);
      return x.narrow(d, start, 1 + r.int(n - start));
    },
    (x) => {
      if (x.ndim === 0) return null;
      const subs: string[] = x.shape.map(() => ":");
      subs[r.int(x.ndim)] = r.pick(["::2", "1::2", "1:", ":-1"]);
      return x.getitem(...subs);
    },
    (x) => (x.ndim > 0 && x.shape[0]! > 0 ? x.select(r.int(x.ndim), 0) : null),
    (x) => x.unsqueeze(r.int(x.ndim + 1)),
    (x) => x.squeeze(),
    (x) => (x.ndim > 0 ? x.unsqueeze(0).expand([2, ...x.shape]) : null),
    (x) => x.repeat(x.shape.map(() => 1 + r.int(2))),
    (x) => x.repeat(x.shape.map(() => 1)),
    (x) => x.contiguous(),
    (x) => x.clone(),
    (x) => x.flatten(),
    (x) => (x.ndim === 2 ? x.t() : x.ndim >= 2 ? x.movedim(0, -1) : null),
    (x) => x.detach(),
    (x) => x.mul(1),
  ];
  const writes: ((x: T) => unknown)[] = [
    (x) => x.mul_(r.pick([2, -1])),
    (x) => x.add_(r.int(5)),
    (x) => x.add_(fresh(x.shape)),
    (x) => (x.ndim > 0 ? x.sub_(fresh([x.shape[x.ndim - 1]!])) : x.sub_(3)),
    (x) => x.copy_(fresh(x.shape)),
    (x) => x.copy_(fresh(x.shape).t()),
    (x) => x.fill_(r.int(9)),
    (x) => x.zero_(),
    (x) => x.clamp_(3, 20),
    (x) => x.neg_(),
    (x) => (x.ndim > 0 && x.shape[0]! > 0 ? x.setitem(0, -7) : x.setitem(-7)),
    (x) => (x.ndim > 0 ? x.setitem("::2", fresh(x.getitem("::2").shape)) : null),
  ];
  const read = (tag: string, x: T) =>
    log.push([tag, x.shape.slice(), x.stride(), x.storage_offset(), x.is_contiguous(), x._version, x.tolist()]);

  for (let step = 0; step < 14; step++) {
    const k = r.next();
    const x = r.pick(pool);
    try {
      if (k < 0.5) {
        const y = r.pick(views)(x);
        if (y) pool.push(y);
      } else if (k < 0.85) {
        if (!overlaps(x)) r.pick(writes)(x);
      } else read(`read@${step}`, x);
    } catch (e) {
      log.push(`error@${step}: ${(e as Error).message}`);
    }
  }
  pool.forEach((t, i) => read(`end${i}`, t));
  return log;
}

describe("writes through views: xla equals cpu", () => {
  it("repeat() is a new tensor: writing into it leaves the original (and its other views) alone", () => {
    for (const dev of ["cpu", "xla"]) {
      for (const n of [1, 2, 3]) {
        const base = torch.tensor([1, 2, 3], { dtype: torch.float32 }).to(dev);
        const other = base.view(3, 1);
        const x = base.repeat(n);
        x.mul_(2);
        expect(base.tolist(), `${dev} repeat(${n})`).toEqual([1, 2, 3]);
        expect(other.tolist()).toEqual([[1], [2], [3]]);
        expect(x.tolist()).toEqual(Array(n).fill([2, 4, 6]).flat());
      }
      // a one-element tensor repeated: reshape of the expansion alone would alias it
      const one = torch.tensor([5], { dtype: torch.float32 }).to(dev);
      one.repeat(3).add_(torch.tensor([1, 2, 3], { dtype: torch.float32 }).to(dev));
      expect(one.tolist()).toEqual([5]);
    }
  });

  it("the instance_norm pattern: batch_norm's running-stat update into repeated stats", () => {
    const out = (dev: string) => {
      const rm = torch.tensor([0.5, -1], { dtype: torch.float32 }).to(dev);
      const rv = torch.tensor([2, 3], { dtype: torch.float32 }).to(dev);
      const [rrm, rrv] = [rm.repeat(3), rv.repeat(3)];
      const x = numbered([1, 6, 4], dev).mul(0.25);
      torch.nn.functional.batch_norm(x, rrm, rrv, null, null, true, 0.1, 1e-5);
      return [rm.tolist(), rv.tolist(), rrm.tolist(), rrv.tolist()];
    };
    const cpu = out("cpu");
    expect(cpu[0]).toEqual([0.5, -1]);
    for (const mode of MODES) {
      torch.xla.set_execution_mode(mode);
      const xla = out("xla") as number[][];
      xla.forEach((v, i) => v.forEach((e, j) => expect(e, `${mode} ${i}`).toBeCloseTo((cpu[i] as number[])[j]!, 5)));
    }
  });

  it("strides, offsets and contiguity of view chains are the cpu device's", () => {
    const chains: ((x: T) => T)[] = [
      (x) => x.transpose(0, 1),
      (x) => x.getitem(":", "1::2"),
      (x) => x.unsqueeze(1).expand(4, 5, 6),
      (x) => x.t().reshape(-1),
      (x) => x.narrow(1, 2, 3).t(),
      (x) => x.getitem(1).unsqueeze(0).expand(3, 6).getitem(":", "::3"),
    ];
    for (const f of chains) {
      const [c, x] = ["cpu", "xla"].map((d) => f(numbered([4, 6], d)));
      expect([x!.stride(), x!.storage_offset(), x!.is_contiguous()]).toEqual([c!.stride(), c!.storage_offset(), c!.is_contiguous()]);
    }
    expect(() => numbered([4, 6], "xla").t().view(24)).toThrow(/view size is not compatible with input tensor's size and stride/);
  });

  // 40 seeded programs, each on cpu and in the four xla execution modes
  for (const mode of MODES) {
    it(`random view/in-place programs (${mode})`, () => {
      torch.xla.set_execution_mode(mode);
      for (let seed = 1; seed <= 40; seed++) {
        const want = program(seed, "cpu");
        const got = program(seed, "xla");
        expect(got, `seed ${seed}`).toEqual(want);
      }
    });
  }
});
