// The fused optimizer updates (core's prims_optim.ts) in WebAssembly SIMD:
// one generated loop per update rule computes every output of the update
// from one read of each operand (the parameter, its gradient and its state
// buffers), each distinct subexpression once, with the eager kernels' lane
// emitters (elementwise_module.ts: float32 lane arithmetic, correctly rounded
// as the JavaScript templates), so the values are the composed update's bits.
// Operands are copied into this module's memory in chunks and the outputs
// copied out, as simd_f32.ts does for one op; optimizer tensors are small, so
// it stays on the calling thread.
import type { UpdateExpr } from "@xlatorch/core";
import { Body } from "./builder.js";
import { encodeModule, I32, op, V128 } from "./encoder.js";
import { WASM_BINARY, WASM_UNARY } from "./elementwise_module.js";
import { CONST_BYTES, constPoolImage } from "./simd_ops.js";
import { wasmSimdEnabled } from "./simd_f32.js";
import { wasmMode } from "./wasm_env.js";

/** Values per chunk and region (7 regions of 16 KiB for Adam with amsgrad: L2-resident). */
const CHUNK = 4096;
/** Bytes after each region that the last vector may read or write. */
const SLACK = 64;
const REGION = CHUNK * 4 + SLACK;
/** The scalars' 4-byte slots, after the constant pool. */
const SCALARS = CONST_BYTES;
const MAX_SCALARS = 16;
const FIRST_REGION = SCALARS + 4 * MAX_SCALARS;
/** Below this many values the JavaScript loop is as fast (the copies and the call cost a fixed ~1-2 us). */
export const OPTIM_WASM_MIN = 256;

type Fn = (...args: number[]) => void;
/** Calls that ran in WebAssembly (tests check which path ran). */
export const optimWasmStats = { calls: 0, modules: 0 };

let memory: WebAssembly.Memory | null = null;
let mem: Float32Array | null = null;
const modules = new Map<string, Fn>();

/**
 * update(ptr_0, ..., ptr_{nT-1}, out_0, ..., out_{K-1}, nvec): nvec vectors of
 * every expression, tensor operand k read at ptr_k (16 bytes a vector),
 * scalar operand j loaded once from its slot, output k stored at out_k.
 */
function updateFunc(exprs: readonly UpdateExpr[], nT: number, nS: number) {
  const K = exprs.length;
  const b = new Body(Array<number>(nT + K + 1).fill(I32));
  const nvec = nT + K;
  const leaf = Array.from({ length: nT + nS }, () => b.local(V128));
  for (let j = 0; j < nS; j++) b.emit(op.i32(SCALARS + 4 * j), op.load32Splat(0), op.set(leaf[nT + j]!));
  b.countDown(nvec, () => {
    for (let k = 0; k < nT; k++) b.emit(op.get(k), op.v128Load(0), op.set(leaf[k]!));
    const done = new Map<string, number>();
    const emit = (e: UpdateExpr): number => {
      if (typeof e === "number") return leaf[e]!;
      const key = JSON.stringify(e);
      const known = done.get(key);
      if (known !== undefined) return known;
      const [head, ...args] = e;
      const lanes = args.length === 1 ? WASM_UNARY[head] : WASM_BINARY[head];
      if (!lanes) throw new Error(`optim_module: no lanes for ${head}`);
      const locals = args.map(emit);
      const r = b.local(V128);
      lanes(b, locals);
      b.emit(op.set(r));
      done.set(key, r);
      return r;
    };
    exprs.forEach((e, k) => {
      const r = emit(e);
      b.emit(op.get(nT + k), op.get(r), op.v128Store(0));
    });
    for (let k = 0; k < nT + K; k++) b.emit(op.get(k), op.i32(16), op.add, op.set(k));
  });
  return b.func("update");
}

function moduleFor(key: string, exprs: readonly UpdateExpr[], nT: number, nS: number): Fn {
  let f = modules.get(key);
  if (f) return f;
  const bytes = FIRST_REGION + (nT + exprs.length) * REGION;
  if (!memory) {
    memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    new Uint8Array(memory.buffer).set(constPoolImage(), 0);
  } else if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  mem = new Float32Array(memory.buffer);
  const wasm = encodeModule([updateFunc(exprs, nT, nS)], true, "plain");
  f = (new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory } }).exports as Record<string, Fn>).update!;
  // the constant pool grows as code is generated: rewrite it for this module's constants
  new Uint8Array(memory.buffer).set(constPoolImage(), 0);
  modules.set(key, f);
  optimWasmStats.modules++;
  return f;
}

/**
 * outs[k][outOffsets[k] + i] = exprs[k] over `n` values, float32 throughout: tensor operand k is
 * ins[k][offsets[k] + i] (row-major), scalar j is scalars[j]. Returns false,
 * writing nothing, when WebAssembly SIMD is unavailable or off, or `n` is below
 * OPTIM_WASM_MIN (unless XLATORCH_WASM=always); `key` names the expressions.
 * A chunk's outputs are copied out after all of its operands were copied in,
 * and later chunks read only later positions, so an output may be the array
 * of an operand at the same positions (the in-place form, kernels/optim_update.ts).
 */
export function wasmUpdateF32(
  key: string,
  exprs: readonly UpdateExpr[],
  ins: readonly Float32Array[],
  offsets: readonly number[],
  scalars: readonly number[],
  outs: readonly Float32Array[],
  outOffsets: readonly number[],
  n: number,
): boolean {
  const always = wasmMode() === "always";
  if (n === 0 || (n < OPTIM_WASM_MIN && !always) || scalars.length > MAX_SCALARS || !wasmSimdEnabled()) return false;
  const nT = ins.length,
    K = outs.length;
  const f = moduleFor(key, exprs, nT, scalars.length);
  const m = mem!;
  for (let j = 0; j < scalars.length; j++) m[(SCALARS >> 2) + j] = scalars[j]!;
  const region = (k: number) => FIRST_REGION + k * REGION;
  const args = Array.from({ length: nT + K + 1 }, (_, k) => (k < nT + K ? region(k) : 0));
  optimWasmStats.calls++;
  for (let at = 0; at < n; at += CHUNK) {
    const len = Math.min(CHUNK, n - at);
    for (let k = 0; k < nT; k++) m.set(ins[k]!.subarray(offsets[k]! + at, offsets[k]! + at + len), region(k) >> 2);
    args[nT + K] = (len + 3) >> 2;
    f(...args);
    for (let k = 0; k < K; k++) outs[k]!.set(m.subarray(region(nT + k) >> 2, (region(nT + k) >> 2) + len), outOffsets[k]! + at);
  }
  return true;
}
