// A tiny WebAssembly binary encoder: just what the generated kernels need
// (one imported memory, functions over i32/v128 locals, structured loops and
// 128-bit SIMD loads/arithmetic). Modules are emitted as bytes at run time, so
// there is no prebuilt binary to keep in sync and no compiler on the user's
// machine. Opcodes are from the WebAssembly core spec (SIMD: 0xFD prefix, then
// the instruction number as LEB128 u32).

export const I32 = 0x7f,
  V128 = 0x7b;

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 range). */
export function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string): number[] => [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...u32(body.length), ...body];

/** Instructions, as byte arrays to concatenate. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...u32(depth)],
  brIf: (depth: number) => [0x0d, ...u32(depth)],
  drop: [0x1a],
  get: (i: number) => [0x20, ...u32(i)],
  set: (i: number) => [0x21, ...u32(i)],
  i32: (n: number) => [0x41, ...s32(n)],
  f32: (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
  eqz: [0x45],
  geU: [0x4f],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  // SIMD; memarg = alignment exponent (a hint), then a constant byte offset
  v128Load: (offset: number) => [0xfd, ...u32(0x00), 2, ...u32(offset)],
  load32Splat: (offset: number) => [0xfd, ...u32(0x09), 2, ...u32(offset)],
  v128Store: (offset: number) => [0xfd, ...u32(0x0b), 2, ...u32(offset)],
  f32x4Splat: [0xfd, ...u32(0x13)],
  f32x4Add: [0xfd, ...u32(0xe4)],
  f32x4Mul: [0xfd, ...u32(0xe6)],
};

export interface Func {
  /** Exported under this name. */
  name: string;
  params: number[];
  results: number[];
  /** Extra locals, after the params, one type each. */
  locals: number[];
  /** The body's instructions (without the final `end`). */
  body: number[];
}

/**
 * How the imported memory is declared: "plain" (at least 1 page, no maximum)
 * or "shared" (the threads proposal's shared limits: at least 1 page, at most
 * the 65536 pages of a 32-bit memory, so any shared memory with a maximum
 * matches; threads.ts instantiates such a module on every worker against one
 * SharedArrayBuffer-backed WebAssembly.Memory).
 */
export type MemoryImport = "plain" | "shared";

/** The import's limits bytes: flags 0x00 = min only, 0x03 = shared with min and max. */
const memoryLimits = (kind: MemoryImport): number[] => (kind === "shared" ? [0x03, ...u32(1), ...u32(65536)] : [0x00, ...u32(1)]);

/** A module importing env.memory (initial `pages`, growable) and exporting `funcs`. */
export function encodeModule(funcs: readonly Func[], importMemory = true, memory: MemoryImport = "plain"): Uint8Array<ArrayBuffer> {
  const types = section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])));
  const imports = importMemory ? section(2, vec([[...name("env"), ...name("memory"), 0x02, ...memoryLimits(memory)]])) : [];
  const fns = section(3, vec(funcs.map((_, i) => u32(i))));
  const exports = section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...u32(i)])));
  const code = section(
    10,
    vec(
      funcs.map((f) => {
        // locals as runs of one type
        const runs: number[][] = [];
        for (const t of f.locals) {
          const last = runs[runs.length - 1];
          if (last && last[1] === t) last[0]!++;
          else runs.push([1, t]);
        }
        const body = [...vec(runs.map(([n, t]) => [...u32(n!), t!])), ...f.body, ...op.end];
        return [...u32(body.length), ...body];
      }),
    ),
  );
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...fns, ...exports, ...code]);
}
