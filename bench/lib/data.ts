// Deterministic inputs. Every peer reads the same f32 files, written once per
// run by run.ts, so outputs can be cross-checked between peers.
import fs from "node:fs";
import path from "node:path";
import type { Case, HostInputs, InputSpec } from "./types.js";

function seedOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0 || 1;
}

/** xorshift32 uniform f32 data in [lo, hi). */
export function makeData(key: string, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let x = seedOf(key);
  const scale = (hi - lo) / 4294967296;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = lo + x * scale;
  }
  return out;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export const inputFile = (dir: string, c: Case, inp: InputSpec): string => path.join(dir, `${c.id}.${inp.name}.f32`);

export function writeInputs(dir: string, cases: readonly Case[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const c of cases) {
    for (const inp of c.inputs) {
      const f = inputFile(dir, c, inp);
      if (fs.existsSync(f)) continue;
      const [lo, hi] = inp.range ?? [-1, 1];
      const d = makeData(`${c.id}.${inp.name}`, numel(inp.shape), lo, hi);
      fs.writeFileSync(f, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
  }
}

export function readInputs(dir: string, c: Case): HostInputs {
  const out: HostInputs = {};
  for (const inp of c.inputs) {
    const buf = fs.readFileSync(inputFile(dir, c, inp));
    const data = new Float32Array(numel(inp.shape));
    new Uint8Array(data.buffer).set(buf);
    out[inp.name] = { data, shape: inp.shape };
  }
  return out;
}

/** [sum, sum|x|, first, last] in f64: the cross-peer check (mirrored in torch_bench.py). */
export function checksum(x: ArrayLike<number>): number[] {
  let s = 0,
    a = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    s += v;
    a += Math.abs(v);
  }
  return [s, a, x[0] ?? NaN, x[x.length - 1] ?? NaN];
}

/** Whether two checksums agree: sum|x| and the end elements within tol (relative); sum within tol·sum|x|. */
export function checksumsAgree(a: number[], b: number[], tol: number): boolean {
  const close = (x: number, y: number, scale: number) => Math.abs(x - y) <= tol * Math.max(scale, 1e-30);
  return (
    close(a[0]!, b[0]!, Math.max(Math.abs(a[1]!), 1)) &&
    close(a[1]!, b[1]!, Math.abs(a[1]!)) &&
    close(a[2]!, b[2]!, Math.max(Math.abs(a[2]!), 1e-3)) &&
    close(a[3]!, b[3]!, Math.max(Math.abs(a[3]!), 1e-3))
  );
}
