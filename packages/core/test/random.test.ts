// PyTorch 1.13 CPU random streams, checked against tests/fixtures/rng.json
// (made by tests/fixtures/gen_rng.py with real PyTorch; see its docstring for the format).
//
// Adapter: how a fixture step maps onto this layer, and onto the Tensor API.
// Every case starts from g = new Generator().manual_seed(case.seed) (PyTorch:
// torch.Generator().manual_seed(seed); torch.manual_seed(seed) on the default
// generator is the same stream) and runs its steps in order on that g. Each
// step's "call" is the exact PyTorch expression; "op" + "args" is this table:
//
//   op             host level (packages/core/src/random)          Tensor level (PyTorch spelling)
//   uniform        uniform(g, n, dtype, from, to)                  torch.rand(n, dtype, generator=g) when from=0, to=1,
//                                                                  else torch.empty(n, dtype).uniform_(from, to, generator=g)
//   normal         normal(g, n, dtype, mean, std, {contiguous})    torch.randn(n, dtype) / t.normal_(mean, std) / torch.normal(mean, std, (n,));
//                                                                  contiguous: false for a strided view (t[::2].normal_()): scalar path
//   normal_tensor  normalTensor(g, mean, std, dtype)               torch.normal(M, S) / torch.normal(M, 1.5) / torch.normal(0.5, S)
//   randint        randint(g, n, dtype, low, high)                 torch.randint(low, high, (n,), dtype=dtype, generator=g)
//   random_        random_(g, n, dtype, from?, to?)                t.random_() / t.random_(from, to) / t.random_(from, None) (to: null)
//   randperm       randperm(g, n, dtype)                           torch.randperm(n, dtype=dtype, generator=g)
//   bernoulli      bernoulli(g, p, n, dtype)                       number p: t.bernoulli_(p) / torch.bernoulli(t, p);
//                                                                  tensor p: torch.bernoulli(P) (dtype = P's) / t.bernoulli_(P)
//   exponential    exponential(g, n, dtype, lambd)                 t.exponential_(lambd, generator=g)
//   multinomial    multinomial(g, probs, k, num_samples, repl.)    torch.multinomial(P, num_samples, replacement, generator=g)
//   get_state      g.get_state() (5056 bytes, PyTorch's layout)    g.get_state()
//   set_state      g.set_state(bytes of the step saved as args.state)
//   manual_seed    g.manual_seed(args.seed)
//   initial_seed   g.initial_seed() === BigInt(step.out_scalar)
// Integer-valued args may be strings (decimal int64). Outputs compare as raw
// little-endian bytes (float16/bfloat16 bits, bool as 0/1 bytes); long outputs
// by their first/last 50 elements and the sha256 of the whole buffer.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  Generator,
  bernoulli,
  default_generator,
  exponential,
  get_rng_state,
  manual_seed,
  multinomial,
  normal,
  normalTensor,
  randint,
  random_,
  randperm,
  set_rng_state,
  uniform,
  initial_seed,
  type FloatDType,
  type RandomDType,
  type RandomHostArray,
} from "../src/random/index.js";

interface FixtureArray {
  dtype: string;
  shape: number[];
  hex?: string;
  head_hex?: string;
  tail_hex?: string;
  sha256?: string;
  trimmed?: number;
  values?: string[];
}
interface Step {
  call: string;
  op: string;
  args: Record<string, unknown>;
  inputs?: Record<string, string>;
  out?: FixtureArray;
  out_scalar?: string;
  save?: string;
}
interface Case {
  name: string;
  seed: number | string;
  steps: Step[];
}
interface Fixture {
  meta: Record<string, string>;
  tensors: Record<string, FixtureArray>;
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(new URL("../../../tests/fixtures/rng.json", import.meta.url), "utf8")) as Fixture;

function fromHex(hex: string): Uint8Array {
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

function bytesOf(a: RandomHostArray | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function decodeInput(a: FixtureArray): RandomHostArray {
  const b = fromHex(a.hex!);
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  switch (a.dtype) {
    case "float32":
      return new Float32Array(buf);
    case "float64":
      return new Float64Array(buf);
    case "float16":
    case "bfloat16":
      return new Uint16Array(buf);
    case "int64":
      return new BigInt64Array(buf);
    case "int32":
      return new Int32Array(buf);
    default:
      return new Uint8Array(buf);
  }
}

const num = (v: unknown): number => Number(v);
const int = (v: unknown): number | bigint => (typeof v === "string" ? BigInt(v) : (v as number));

/** Runs one fixture step on g; returns the host array it produced (or null). */
function runStep(g: Generator, st: Step, saved: Map<string, Uint8Array>): RandomHostArray | Uint8Array | null {
  const a = st.args;
  const input = (name: string): RandomHostArray => decodeInput(fixture.tensors[st.inputs![name]]);
  const numOrInput = (v: unknown): number | RandomHostArray => (typeof v === "string" ? input(v) : (v as number));
  switch (st.op) {
    case "uniform":
      return uniform(g, num(a.n), a.dtype as RandomDType, num(a.from), num(a.to));
    case "normal":
      return normal(g, num(a.n), a.dtype as RandomDType, num(a.mean), num(a.std), { contiguous: a.contiguous !== false });
    case "normal_tensor":
      return normalTensor(g, numOrInput(a.mean) as number, numOrInput(a.std) as number, a.dtype as FloatDType);
    case "randint":
      return randint(g, num(a.n), a.dtype as RandomDType, int(a.low), int(a.high));
    case "random_":
      return random_(
        g,
        num(a.n),
        a.dtype as RandomDType,
        a.from === undefined ? undefined : int(a.from),
        a.to === undefined ? undefined : a.to === null ? null : int(a.to),
      );
    case "randperm":
      return randperm(g, num(a.n), a.dtype as RandomDType);
    case "bernoulli":
      return bernoulli(g, numOrInput(a.p) as number | Float32Array | Float64Array | Uint16Array, num(a.n), a.dtype as RandomDType);
    case "exponential":
      return exponential(g, num(a.n), a.dtype as RandomDType, num(a.lambd));
    case "multinomial":
      return multinomial(
        g,
        input(a.probs as string) as Float32Array | Float64Array | Uint16Array,
        num(a.k),
        num(a.num_samples),
        a.replacement as boolean,
      );
    case "get_state": {
      const s = g.get_state();
      if (st.save) saved.set(st.save, s);
      return s;
    }
    case "set_state":
      g.set_state(saved.get(a.state as string)!);
      return null;
    case "manual_seed":
      g.manual_seed(num(a.seed));
      return null;
    case "initial_seed":
      expect(g.initial_seed()).toBe(BigInt(st.out_scalar!));
      return null;
    default:
      throw new Error(`unknown op ${st.op}`);
  }
}

function elemSize(dtype: string): number {
  return (
    { float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, uint8: 1, int16: 2, int32: 4, int64: 8, bool: 1 } as Record<string, number>
  )[dtype];
}

/** Compares an output to the fixture; returns a message on mismatch. */
function compare(got: RandomHostArray | Uint8Array, want: FixtureArray): string | null {
  const b = bytesOf(got);
  const es = elemSize(want.dtype);
  const n = want.shape.reduce((x, y) => x * y, 1);
  if (b.length !== n * es) return `size ${b.length} bytes, want ${n * es}`;
  if (want.hex !== undefined) return toHex(b) === want.hex ? null : firstDiff(toHex(b), want.hex, es);
  const t = want.trimmed!;
  const head = toHex(b.subarray(0, t * es));
  if (head !== want.head_hex) return "head: " + firstDiff(head, want.head_hex!, es);
  const tail = toHex(b.subarray(b.length - t * es));
  if (tail !== want.tail_hex) return "tail: " + firstDiff(tail, want.tail_hex!, es);
  const sha = createHash("sha256").update(b).digest("hex");
  return sha === want.sha256 ? null : "sha256 of the whole output differs";
}

function firstDiff(got: string, want: string, es: number): string {
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  const el = Math.floor(i / (2 * es));
  let count = 0;
  for (let k = 0; k < Math.min(got.length, want.length); k += 2 * es) {
    if (got.slice(k, k + 2 * es) !== want.slice(k, k + 2 * es)) count++;
  }
  return `${count} element(s) differ, first at ${el}: got ${got.slice(el * 2 * es, el * 2 * es + 2 * es)}, want ${want.slice(el * 2 * es, el * 2 * es + 2 * es)}`;
}

function runCase(c: Case): string[] {
  const g = new Generator().manual_seed(BigInt(c.seed));
  const saved = new Map<string, Uint8Array>();
  const errors: string[] = [];
  for (const st of c.steps) {
    const got = runStep(g, st, saved);
    if (st.out && got) {
      const msg = compare(got, st.out);
      if (msg) errors.push(`${st.call}: ${msg}`);
    }
  }
  return errors;
}

const groups = new Map<string, Case[]>();
for (const c of fixture.cases) {
  const key = c.name.split("/").slice(0, 2).join("/");
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key)!.push(c);
}

describe(`PyTorch ${fixture.meta.torch} CPU streams (${fixture.cases.length} fixture cases)`, () => {
  for (const [key, cases] of groups) {
    it(key, () => {
      const errors: string[] = [];
      for (const c of cases) for (const e of runCase(c)) errors.push(`${c.name}: ${e}`);
      expect(errors).toEqual([]);
    });
  }
});

describe("Generator", () => {
  it("get_state / set_state round-trip, cached normal included", () => {
    const g = new Generator().manual_seed(3);
    normal(g, 3, "float64"); // leaves a cached sample
    expect(g.nextDoubleNormal).not.toBeNull();
    g.nextFloatNormal = 0.25;
    const s = g.get_state();
    expect(s.length).toBe(5056);
    const a = normal(g, 5, "float64");
    const h = new Generator().set_state(s);
    expect(h.nextFloatNormal).toBe(0.25);
    expect(h.initial_seed()).toBe(3n);
    expect(Array.from(normal(h, 5, "float64"))).toEqual(Array.from(a));
    expect(toHex(h.get_state())).toBe(toHex(g.get_state()));
  });

  it("rejects bad states", () => {
    const g = new Generator();
    expect(() => g.set_state(new Uint8Array(10))).toThrow(/size 5056/);
    const s = g.get_state();
    s[8] = 0; // left = 0 is invalid
    expect(() => g.set_state(s)).toThrow(/Invalid mt19937 state/);
  });

  it("seeds: uint64, negative wraps, nondeterministic seed()", () => {
    const g = new Generator();
    expect(g.initial_seed()).toBe(67280421310721n);
    expect(g.manual_seed(-1).initial_seed()).toBe(2n ** 64n - 1n);
    expect(() => g.manual_seed(2n ** 64n)).toThrow(RangeError);
    const s = g.seed();
    expect(g.initial_seed()).toBe(s);
    expect(new Generator().seed()).not.toBe(s);
  });

  it("default generator: manual_seed, initial_seed, get/set_rng_state", () => {
    manual_seed(0);
    expect(initial_seed()).toBe(0n);
    const st = get_rng_state();
    const a = Array.from(uniform(default_generator, 3));
    // torch.manual_seed(0); torch.rand(3) -> [0.4963, 0.7682, 0.0885]
    expect(a.map((x) => x.toFixed(4))).toEqual(["0.4963", "0.7682", "0.0885"]);
    set_rng_state(st);
    expect(Array.from(uniform(default_generator, 3))).toEqual(a);
  });

  it("clone is independent", () => {
    const g = new Generator().manual_seed(9);
    normal(g, 1, "float64");
    const c = g.clone();
    expect(Array.from(normal(c, 4, "float64"))).toEqual(Array.from(normal(g, 4, "float64")));
  });
});
