// Max pooling's float32 loops (kernels/pool_fast.ts) in WebAssembly: the same
// windows in the same order with the same comparisons, but branch-free (a
// comparison and `select` per element instead of a branch that random data
// mispredicts about half the time, which made the JavaScript loops ~7 ns per
// element). `select` moves the chosen value's bits, so the results are
// bit-identical. Operands are copied into the module's memory (kept and grown
// as needed) and the result copied out, on the calling thread.
//
// fwd(x, out, planes, H, W, OH, OW, KH, KW, SH, SW, start): out[a, oh, ow] = the max over the window
// (NaN propagates: a later element v replaces acc when v > acc or v is NaN), from `start`.
// bwd(x, src, out, planes, H, W, OH, OW, KH, KW, SH, SW): for each window, the first maximum (or the
// last NaN) s receives out[s] = 0 + src (out zero elsewhere; windows must not overlap).
import { Body } from "./builder.js";
import { type Func, I32, op, V128 } from "./encoder.js";
import { growTo, type OwnMemoryModule, ownMemoryModule } from "./own_memory_module.js";
import { sop } from "./simd_ops.js";
import { wasmSimdEnabled } from "./simd_f32.js";

const F32 = 0x7d;
const raw = {
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Gt: [0x5e],
  f32Ne: [0x5c],
  f32Add: [0x92],
  or: [0x72],
  select: [0x1b],
};

// i8x16.shuffle lanes: the even / odd floats of two vectors (a window pair's left and right
// elements, four pairs), and the interleaving back (low and high halves)
const f32Lanes = (fs: number[]) => fs.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3]);
const EVEN = f32Lanes([0, 2, 4, 6]),
  ODD = f32Lanes([1, 3, 5, 7]),
  LO = f32Lanes([0, 4, 1, 5]),
  HI = f32Lanes([2, 6, 3, 7]);

/**
 * The forward (or backward) loops. With `pairs` (windows of width 2 stepping 2 along W, max_pool2d's
 * usual 2x2/2), four windows of a row go at a time on f32x4 lanes: the same elements in the same
 * order, the same comparison (v > acc or v is NaN) and a bitselect, lane by lane, so the results are
 * those of the scalar loop, which takes the row's last OW % 4 windows.
 */
function poolFunc(backward: boolean, pairs: boolean): Func {
  const params = backward ? Array(12).fill(I32) : [...Array(11).fill(I32), F32];
  const b = new Body(params);
  const [x, src, out] = backward ? [0, 1, 2] : [0, -1, 1];
  const base = backward ? 3 : 2;
  const [planes, H, W, OH, OW, KH, KW, SH, SW] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => base + i) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const start = 11;
  const a = b.local(I32),
    oh = b.local(I32),
    ow = b.local(I32),
    kh = b.local(I32),
    kw = b.local(I32),
    plane = b.local(I32),
    win = b.local(I32),
    p = b.local(I32),
    s = b.local(I32),
    m = b.local(I32),
    o = b.local(I32),
    acc = b.local(F32),
    v = b.local(F32);
  const vacc = b.local(V128),
    vv = b.local(V128),
    vs = b.local(V128),
    vm = b.local(V128),
    vval = b.local(V128);
  const forLoop = (i: number, limit: number, body: () => void) => {
    b.emit(op.i32(0), op.set(i), op.block, op.loop, op.get(i), op.get(limit), op.geU, op.brIf(1));
    body();
    b.emit(op.get(i), op.i32(1), op.add, op.set(i), op.br(0), op.end, op.end);
  };
  // win: the window's first element (byte address)
  const setWin = () =>
    b.emit(
      op.get(plane),
      op.get(oh),
      op.get(SH),
      op.mul,
      op.get(W),
      op.mul,
      op.get(ow),
      op.get(SW),
      op.mul,
      op.add,
      op.i32(4),
      op.mul,
      op.add,
      op.set(win),
    );
  const scalarWindow = () => {
    setWin();
    if (backward) b.emit(op.get(win), raw.f32Load, op.set(acc), op.get(win), op.set(s));
    else b.emit(op.get(start), op.set(acc));
    forLoop(kh, KH, () => {
      b.emit(op.get(win), op.get(kh), op.get(W), op.mul, op.i32(4), op.mul, op.add, op.set(p));
      forLoop(kw, KW, () => {
        b.emit(op.get(p), raw.f32Load, op.set(v));
        // m = v > acc || v != v
        b.emit(op.get(v), op.get(acc), raw.f32Gt, op.get(v), op.get(v), raw.f32Ne, raw.or, op.set(m));
        b.emit(op.get(v), op.get(acc), op.get(m), raw.select, op.set(acc));
        if (backward) b.emit(op.get(p), op.get(s), op.get(m), raw.select, op.set(s));
        b.emit(op.get(p), op.i32(4), op.add, op.set(p));
      });
    });
    if (backward) {
      // out[s - x] = 0 + src[window]
      b.emit(op.get(out), op.get(s), op.add, op.get(x), op.sub, op.f32(0), op.get(o), raw.f32Load, raw.f32Add, raw.f32Store);
    } else b.emit(op.get(o), op.get(acc), raw.f32Store);
  };
  /** vv = the left (kw 0) or right (kw 1) elements of four window pairs at byte address p */
  const loadPair = (right: boolean) =>
    b.emit(op.get(p), op.v128Load(0), op.get(p), op.v128Load(16), sop.shuffle(right ? ODD : EVEN), op.set(vv));
  /** vm = vv > vacc or vv is NaN, per lane; vacc = vm ? vv : vacc */
  const update = () => {
    b.emit(op.get(vacc), op.get(vv), sop.f32x4Lt, op.get(vv), op.get(vv), sop.f32x4Ne, sop.v128Or, op.set(vm));
    b.emit(op.get(vv), op.get(vacc), op.get(vm), sop.v128Bitselect, op.set(vacc));
  };
  const vectorWindows = () => {
    setWin();
    if (backward) {
      // the first element's values, at index 0
      b.emit(op.get(win), op.set(p));
      loadPair(false);
      b.emit(op.get(vv), op.set(vacc), op.i32(0), sop.i32x4Splat, op.set(vs));
    } else b.emit(op.get(start), op.f32x4Splat, op.set(vacc));
    forLoop(kh, KH, () => {
      b.emit(op.get(win), op.get(kh), op.get(W), op.mul, op.i32(4), op.mul, op.add, op.set(p));
      for (const right of [false, true]) {
        loadPair(right);
        update();
        // vs = vm ? 2*kh + kw : vs (the window element's index)
        if (backward)
          b.emit(
            op.get(kh),
            op.i32(1),
            sop.i32Shl,
            op.i32(right ? 1 : 0),
            op.add,
            sop.i32x4Splat,
            op.get(vs),
            op.get(vm),
            sop.v128Bitselect,
            op.set(vs),
          );
      }
    });
    if (!backward) {
      b.emit(op.get(o), op.get(vacc), op.v128Store(0));
      return;
    }
    // vval = 0 + src; each window row: vval at the selected element, 0 elsewhere, interleaved back
    b.emit(op.f32(0), op.f32x4Splat, op.get(o), op.v128Load(0), op.f32x4Add, op.set(vval));
    forLoop(kh, KH, () => {
      b.emit(op.get(out), op.get(win), op.add, op.get(x), op.sub, op.get(kh), op.get(W), op.mul, op.i32(4), op.mul, op.add, op.set(p));
      const pick = (right: boolean) =>
        b.emit(
          op.get(vval),
          op.f32(0),
          op.f32x4Splat,
          op.get(kh),
          op.i32(1),
          sop.i32Shl,
          op.i32(right ? 1 : 0),
          op.add,
          sop.i32x4Splat,
          op.get(vs),
          sop.i32x4Eq,
          sop.v128Bitselect,
        );
      for (const [at, lanes] of [
        [0, LO],
        [16, HI],
      ] as const) {
        b.emit(op.get(p));
        pick(false);
        pick(true);
        b.emit(sop.shuffle(lanes), op.v128Store(at));
      }
    });
  };
  // o: the output (or source) byte address, advancing by 4 per window
  b.emit(op.get(backward ? src : out), op.set(o));
  forLoop(a, planes, () => {
    b.emit(op.get(x), op.get(a), op.get(H), op.mul, op.get(W), op.mul, op.i32(4), op.mul, op.add, op.set(plane));
    forLoop(oh, OH, () => {
      b.emit(op.i32(0), op.set(ow));
      if (pairs) {
        // while (ow + 4 <= OW): four windows
        b.emit(op.block, op.loop, op.get(ow), op.i32(4), op.add, op.get(OW), sop.i32GtU, op.brIf(1));
        vectorWindows();
        b.emit(op.get(ow), op.i32(4), op.add, op.set(ow), op.get(o), op.i32(16), op.add, op.set(o), op.br(0), op.end, op.end);
      }
      b.emit(op.block, op.loop, op.get(ow), op.get(OW), op.geU, op.brIf(1));
      scalarWindow();
      b.emit(op.get(o), op.i32(4), op.add, op.set(o), op.get(ow), op.i32(1), op.add, op.set(ow), op.br(0), op.end, op.end);
    });
  });
  return b.func(`${backward ? "bwd" : "fwd"}${pairs ? "2" : ""}`);
}

type Instance = OwnMemoryModule;
const instantiate = ownMemoryModule(() => [poolFunc(false, false), poolFunc(true, false), poolFunc(false, true), poolFunc(true, true)]);

/** Bytes the memory may grow to; larger calls keep the JavaScript loops. */
const MAX_BYTES = 1 << 28;

/** Calls that ran in WebAssembly (tests check which path ran). */
export const poolWasmStats = { forward: 0, backward: 0, pairs: 0 };

/** A memory of at least `bytes`, or null (unavailable, off, too large). */
function memoryFor(bytes: number): Instance | null {
  if (bytes > MAX_BYTES || !wasmSimdEnabled()) return null;
  const k = instantiate();
  if (!k) return null;
  try {
    growTo(k.memory, bytes);
  } catch {
    return null;
  }
  return k;
}

/** [planes, H, W, OH, OW, KH, KW, SH, SW] */
export type PoolGeometry = [number, number, number, number, number, number, number, number, number];

/** Max pooling forward on float32 x (n = planes*H*W values from its offset) into out; false: not taken. */
export function wasmMaxPool(x: Float32Array, xOff: number, out: Float32Array, g: PoolGeometry, start: number): boolean {
  const n = g[0] * g[1] * g[2];
  const k = memoryFor((n + out.length) * 4);
  if (!k) return false;
  const f = new Float32Array(k.memory.buffer);
  f.set(x.subarray(xOff, xOff + n), 0);
  const pairs = g[6] === 2 && g[8] === 2;
  if (pairs) poolWasmStats.pairs++;
  k.fns[pairs ? "fwd2" : "fwd"]!(0, n * 4, ...g, start);
  out.set(f.subarray(n, n + out.length));
  poolWasmStats.forward++;
  return true;
}

/** Max pooling backward (non-overlapping windows, init 0) into out (zeros, planes*H*W); false: not taken. */
export function wasmMaxPoolBackward(
  x: Float32Array,
  xOff: number,
  src: Float32Array,
  srcOff: number,
  out: Float32Array,
  g: PoolGeometry,
): boolean {
  const n = g[0] * g[1] * g[2],
    m = g[0] * g[3] * g[4];
  const k = memoryFor((2 * n + m) * 4);
  if (!k) return false;
  const f = new Float32Array(k.memory.buffer);
  f.set(x.subarray(xOff, xOff + n), 0);
  f.set(src.subarray(srcOff, srcOff + m), n);
  f.fill(0, n + m, n + m + n);
  const pairs = g[6] === 2 && g[8] === 2;
  if (pairs) poolWasmStats.pairs++;
  k.fns[pairs ? "bwd2" : "bwd"]!(0, n * 4, (n + m) * 4, ...g);
  out.set(f.subarray(n + m, n + m + n));
  poolWasmStats.backward++;
  return true;
}
