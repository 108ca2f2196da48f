// Interned signatures: a node's (op, attributes, output avals) and a
// parameter's aval become small integers once per distinct text, so keying a
// graph costs integer work per node, never string printing per cut.
import type { AVal, DType } from "@xlatorch/core";

export interface Sig {
  /** Dense id, for exact comparison of graph structures in this process. */
  readonly id: number;
  /** Hash of the text (stable across processes), mixed into graph keys. */
  readonly hash: number;
  readonly text: string;
}

const table = new Map<string, Sig>();
let nextId = 0;
/**
 * Programs whose shapes keep changing (a token history growing without a crop)
 * would grow the tables forever: past this many signatures they start over.
 * Ids are never reused, so graphs keyed with old ids simply stop matching.
 */
const MAX_SIGS = 1 << 16;

export function intern(text: string): Sig {
  let s = table.get(text);
  if (!s) {
    if (table.size >= MAX_SIGS) {
      table.clear();
      byStructure.clear();
      forgetSequences();
      recentParams.length = 0;
      scalarParams.clear();
      lastScalarDtype = null;
    }
    s = { id: nextId++, hash: hashString(text), text };
    table.set(text, s);
  }
  return s;
}

export const avalText = (a: AVal): string => `${a.dtype.name}[${a.shape.join(",")}]`;

/**
 * A node's signature entry: op, attributes (JSON-like, dtypes by name) and
 * output avals, with the signature they intern to. Found by a numeric hash of
 * the structure and a structural compare, so recording an op builds no strings
 * (the text is made once per new sig).
 */
export function nodeEntry(op: string, attrs: unknown, outs: readonly AVal[]): StructEntry {
  // A periodic program makes the same signatures in the same order in every
  // period: try the one at the predicted position of the graph predicted to
  // come next (the fast path, kept small), then elsewhere (predictOrLookup).
  if (pred >= 0 && at < seqLen[pred]!) {
    const e = seqs[pred]![at]!;
    if (e.op === op && sameOuts(e.outs, outs) && sameAttr(e.attrs, attrs)) {
      at++;
      missed = 0;
      current[curLen++] = e;
      return e;
    }
  }
  const e = predictOrLookup(op, attrs, outs);
  current[curLen++] = e;
  return e;
}
/**
 * The signature entry predicted for the next recorded op, while recording
 * follows the predicted graph (an op was found at its predicted position since
 * the last miss), else null: what the graph cut last time did at this
 * position (slice_sites.ts asks it whether a slice's start moved).
 */
export function predictedEntry(): StructEntry | null {
  return pred >= 0 && missed === 0 && at > 0 && at < seqLen[pred]! ? seqs[pred]![at]! : null;
}
/**
 * The signature of an op not at its predicted position. At the first such op
 * after predicted ones, near that position in the predicted graph (ops left
 * out there shift the rest of the graph); during a run of ops not found, where
 * the prediction would resume after ops added or replaced; then at this
 * position of the other recent graphs; else looked up.
 */
function predictOrLookup(op: string, attrs: unknown, outs: readonly AVal[]): StructEntry {
  if (pred >= 0) {
    const seq = seqs[pred]!,
      n = seqLen[pred]!;
    if (missed === 0) {
      for (let d = 1; d <= RESYNC; d++) {
        const f = at + d,
          b = at - d;
        if (f < n && sameStruct(seq[f]!, op, attrs, outs)) return resync(f);
        if (b >= 0 && b < n && sameStruct(seq[b]!, op, attrs, outs)) return resync(b);
      }
    } else {
      const f = at + missed;
      if (f < n && sameStruct(seq[f]!, op, attrs, outs)) return resync(f);
    }
  }
  for (let j = 0; j < SEQS; j++) {
    if (j === pred || curLen >= seqLen[j]!) continue;
    const e = seqs[j]![curLen]!;
    if (sameStruct(e, op, attrs, outs)) {
      pred = j;
      at = curLen;
      return resync(curLen);
    }
  }
  sigStats.lookups++;
  missed++;
  return lookup(op, attrs, outs);
}
function resync(i: number): StructEntry {
  at = i + 1;
  missed = 0;
  return seqs[pred]![i]!;
}
const sameStruct = (e: StructEntry, op: string, attrs: unknown, outs: readonly AVal[]): boolean =>
  e.op === op && sameOuts(e.outs, outs) && sameAttr(e.attrs, attrs);
/** How far from its predicted position an op is looked for in the predicted graph. */
const RESYNC = 8;
/** Signatures found by a structural lookup rather than predicted (tests, benchmarks). */
export const sigStats = { lookups: 0 };
/**
 * The signature sequences of the last SEQS distinct graphs, least recently cut
 * first out: a step may cut more than one graph (the step, then a read of its
 * loss), and each predicts the next graph of its kind. `current` is the graph
 * being recorded; a cut keeps its array as a sequence (handing the evicted
 * sequence's array back for the next graph) unless an equal sequence is kept
 * already, so a steady program allocates nothing here.
 */
// (nanoGPT's run cuts graphs of 10 lengths: a first step, steps, evaluations, generated tokens' steps, reads)
const SEQS = 12;
const seqs: StructEntry[][] = Array.from({ length: SEQS }, (): StructEntry[] => []);
const seqLen = new Int32Array(SEQS);
/** When each sequence was last cut (for eviction), and the sequence cut after it last time (the first guess after it). */
const seqStamp = new Float64Array(SEQS);
const seqNext = new Int32Array(SEQS).fill(-1);
let stamp = 0;
let current: StructEntry[] = [];
let curLen = 0;
/** The sequence followed while recording (-1: none), the position in it predicted next, and the one the last cut matched or kept. */
let pred = -1;
let at = 0;
/** Ops looked up since the last one predicted (the prediction is then tried where it would resume after that many replaced ops). */
let missed = 0;
let last = -1;
function forgetSequences(): void {
  for (let j = 0; j < SEQS; j++) seqs[j] = [];
  seqLen.fill(0);
  seqStamp.fill(0);
  seqNext.fill(-1);
  current = [];
  curLen = 0;
  pred = last = -1;
  at = missed = 0;
}
/** A cut: the graph just recorded becomes a sequence to predict from. */
export function sigBoundary(): void {
  if (curLen === 0) return;
  let s = -1;
  for (let j = 0; j < SEQS && s < 0; j++) if (seqLen[j] === curLen && sameSeq(seqs[j]!, current, curLen)) s = j;
  if (s < 0) {
    // a graph of a kept one's length is most likely a variant of it (the same host read of another parameter: the
    // char LSTM reads a checksum of each parameter after training, 22 two-op graphs of different shapes, which
    // pushed its 1,044-op first step and its other graphs out of the least-recently-cut slots at every run): it
    // replaces that one, so a program's other graphs stay predicted through a run of such variants; else the least
    // recently cut goes
    let victim = -1;
    for (let j = 0; j < SEQS && victim < 0; j++) if (seqLen[j] === curLen) victim = j;
    if (victim < 0) {
      victim = 0;
      for (let j = 1; j < SEQS; j++) if (seqStamp[j]! < seqStamp[victim]!) victim = j;
    }
    // a one-op graph (a read between steps, every graph in debug mode) does not push out a longer sequence
    if (curLen > 1 || seqLen[victim]! <= 1) {
      const spare = seqs[victim]!;
      seqs[victim] = current;
      seqLen[victim] = curLen;
      seqNext[victim] = -1;
      current = spare;
      s = victim;
    }
  }
  if (s >= 0) {
    seqStamp[s] = ++stamp;
    if (last >= 0 && last !== s) seqNext[last] = s;
    last = s;
    pred = seqNext[s]! >= 0 ? seqNext[s]! : s;
  } else pred = last;
  curLen = 0;
  at = missed = 0;
}
function sameSeq(a: readonly StructEntry[], b: readonly StructEntry[], n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function lookup(op: string, attrs: unknown, outs: readonly AVal[]): StructEntry {
  let h = strHash(op);
  h = hashAttr(h, attrs);
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i]!;
    h = mix(h, strHash(o.dtype.name));
    const sh = o.shape;
    h = mix(h, sh.length);
    for (let k = 0; k < sh.length; k++) h = mix(h, sh[k]!);
  }
  let bucket = byStructure.get(h);
  if (bucket) {
    for (const e of bucket) if (e.op === op && sameAttr(e.attrs, attrs) && sameOuts(e.outs, outs)) return e;
  } else byStructure.set(h, (bucket = []));
  let t = op + attrText(attrs) + "->";
  for (let i = 0; i < outs.length; i++) t += (i ? ";" : "") + avalText(outs[i]!);
  const plain = plainAttr(attrs);
  const e: StructEntry = {
    op,
    attrs: plain ? freezeAttr(cloneAttr(attrs)) : cloneAttr(attrs),
    plain,
    outs: Object.freeze(outs.map((o) => Object.freeze({ dtype: o.dtype, shape: Object.freeze(o.shape.slice()) }))) as AVal[],
    sig: intern(t),
  };
  bucket.push(e);
  return e;
}
/** A parameter's signature: its aval. A step has few distinct parameter avals, so a short recently-used list answers most. */
const recentParams: StructEntry[] = [];
/** 0-d parameters by dtype: a 0-d leaf takes a slot at every use (graph.ts), so these are most of a step's parameters. */
const scalarParams = new Map<DType, Sig>();
/** The last 0-d parameter's dtype and signature: a step's scalars are mostly of one dtype (no map lookup for those). */
let lastScalarDtype: DType | null = null;
let lastScalarSig: Sig | null = null;
export function paramSig(a: AVal): Sig {
  const shape = a.shape,
    n = shape.length;
  if (n === 0) {
    if (a.dtype === lastScalarDtype) return lastScalarSig!;
    let s = scalarParams.get(a.dtype);
    if (s === undefined) scalarParams.set(a.dtype, (s = lookup("param", undefined, [a]).sig));
    lastScalarDtype = a.dtype;
    lastScalarSig = s;
    return s;
  }
  outer: for (let i = 0; i < recentParams.length; i++) {
    const e = recentParams[i]!;
    const o = e.outs[0]!;
    if (o.dtype !== a.dtype || o.shape.length !== n) continue;
    if (o.shape !== shape) for (let k = 0; k < n; k++) if (o.shape[k] !== shape[k]) continue outer;
    return e.sig;
  }
  const e = lookup("param", undefined, [a]);
  recentParams.unshift(e);
  if (recentParams.length > 8) recentParams.pop();
  return e.sig;
}

/**
 * A distinct (op, attributes, output avals) and its signature. Nodes keep the
 * entry's avals (and its attributes, where `plain`) rather than the ones their
 * op made: equal values, shared by every node of the signature, so a recorded
 * step holds one small object per node instead of fresh aval, shape and
 * attribute objects (less to copy at each young collection while a step is
 * live). They are frozen: a caller that wrote to them would change every node
 * of the signature, so it throws instead.
 */
export interface StructEntry {
  readonly op: string;
  readonly attrs: unknown;
  /** The attributes are plain data (objects, arrays, primitives, dtypes): the stored copy can stand for the op's own. */
  readonly plain: boolean;
  readonly outs: readonly AVal[];
  readonly sig: Sig;
}
const byStructure = new Map<number, StructEntry[]>();
const strHashes = new Map<string, number>();
function strHash(s: string): number {
  let h = strHashes.get(s);
  if (h === undefined) strHashes.set(s, (h = hashString(s)));
  return h;
}
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function hashAttr(h: number, a: unknown): number {
  switch (typeof a) {
    case "number":
      if ((a | 0) === a && !Object.is(a, -0)) return mix(h, a);
      f64[0] = a;
      return mix(mix(h, u32[0]!), u32[1]!);
    case "string":
      return mix(h, strHash(a));
    case "boolean":
      return mix(h, a ? 0x51 : 0x52);
    case "bigint":
      return mix(h, strHash(String(a)));
    case "undefined":
      return mix(h, 0x53);
    case "object": {
      if (a === null) return mix(h, 0x54);
      if (Array.isArray(a)) {
        h = mix(h, 0x55 + a.length);
        for (let i = 0; i < a.length; i++) h = hashAttr(h, a[i]);
        return h;
      }
      if ("itemsize" in a) return mix(h, strHash((a as DType).name));
      for (const k in a) h = hashAttr(mix(h, strHash(k)), (a as Record<string, unknown>)[k]);
      return mix(h, 0x56);
    }
    default:
      throw new Error(`xla device: attribute of type ${typeof a} cannot be part of a graph key`);
  }
}
/**
 * Attributes equal as keys: same structure, numbers equal with -0 apart from 0
 * and NaN equal to NaN. It runs at every recorded op whose attributes are a
 * fresh object (about half of them; the others are the entry's own frozen
 * object, equal at the first test), mostly a few keys holding small arrays of
 * integers: those are compared in place, without a call per key or element.
 * (Exported for tests/xla/sig_attrs.test.ts.)
 */
export function sameAttr(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== "number" || a !== 0 || Object.is(a, b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null)
    return typeof a === "number" && Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) return sameArray(a, b);
  // (two different dtypes, singletons, differ in their enumerable fields, so they need no test of their own)
  if (Array.isArray(b)) return false;
  // no key arrays: this runs for every recorded op
  let n = 0;
  for (const k in a) {
    const x = (a as Record<string, unknown>)[k],
      y = (b as Record<string, unknown>)[k];
    if (x === y) {
      // a key `b` lacks reads as undefined; 0 and -0 differ
      if (x === undefined ? !(k in b) : x === 0 && !Object.is(x, y)) return false;
    } else if (typeof x === "object" && x !== null ? (Array.isArray(x) ? !sameArray(x, y) : !sameAttr(x, y)) : !bothNaN(x, y)) return false;
    n++;
  }
  for (const _k in b) n--;
  return n === 0;
}
function sameArray(a: readonly unknown[], b: unknown): boolean {
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = b[i];
    if (x === y ? x === 0 && !Object.is(x, y) : typeof x === "object" && x !== null ? !sameAttr(x, y) : !bothNaN(x, y)) return false;
  }
  return true;
}
const bothNaN = (x: unknown, y: unknown): boolean => typeof x === "number" && x !== x && y !== y;
function deepFrozen(a: object): boolean {
  if (!Object.isFrozen(a)) return false;
  for (const v of Object.values(a)) if (typeof v === "object" && v !== null && !("itemsize" in v) && !deepFrozen(v)) return false;
  return true;
}
function sameOuts(a: readonly AVal[], b: readonly AVal[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!;
    const xs = x.shape,
      ys = y.shape;
    if (x.dtype !== y.dtype || xs.length !== ys.length) return false;
    if (xs !== ys) for (let k = 0; k < xs.length; k++) if (xs[k] !== ys[k]) return false;
  }
  return true;
}
/** Plain data only: primitives, dtypes, arrays and objects of Object.prototype (or none), all the way down. */
function plainAttr(a: unknown): boolean {
  if (typeof a !== "object" || a === null) return typeof a !== "function";
  if ("itemsize" in a) return true;
  if (Array.isArray(a)) {
    if (Object.getPrototypeOf(a) !== Array.prototype) return false;
    for (let i = 0; i < a.length; i++) if (!plainAttr(a[i])) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in a) if (!plainAttr((a as Record<string, unknown>)[k])) return false;
  return true;
}
/** Deep-freezes a plain attribute copy (dtypes, shared singletons, are left as they are). */
function freezeAttr(a: unknown): unknown {
  if (typeof a !== "object" || a === null || "itemsize" in a || Object.isFrozen(a)) return a;
  for (const k in a) freezeAttr((a as Record<string, unknown>)[k]);
  return Object.freeze(a);
}
/** The stored copy is never mutated by callers that reuse their attribute objects (frozen ones are kept: then `===` matches). */
function cloneAttr(a: unknown): unknown {
  if (typeof a !== "object" || a === null || "itemsize" in a || deepFrozen(a)) return a;
  if (Array.isArray(a)) return a.map(cloneAttr);
  const o: Record<string, unknown> = {};
  for (const k in a) o[k] = cloneAttr((a as Record<string, unknown>)[k]);
  return o;
}

function attrText(a: unknown): string {
  switch (typeof a) {
    case "number":
      return Object.is(a, -0) ? "-0" : String(a);
    case "string":
      return JSON.stringify(a);
    case "boolean":
      return a ? "true" : "false";
    case "bigint":
      return `${a}n`;
    case "undefined":
      return "";
    case "object": {
      if (a === null) return "";
      if (Array.isArray(a)) {
        let s = "[";
        for (let i = 0; i < a.length; i++) s += (i ? "," : "") + attrText(a[i]);
        return s + "]";
      }
      if ("itemsize" in a) return (a as DType).name;
      let s = "{";
      for (const k in a) s += k + ":" + attrText((a as Record<string, unknown>)[k]) + ",";
      return s + "}";
    }
    default:
      throw new Error(`xla device: attribute of type ${typeof a} cannot be part of a graph key`);
  }
}

/** FNV-1a over UTF-16 units, then a murmur finaliser. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
/** One step of the rolling graph hash (murmur3's block mix). */
export function mix(h: number, t: number): number {
  let k = Math.imul(t, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
