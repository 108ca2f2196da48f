// PyTorch-style printing: tensor([...], dtype=..., device=..., grad_fn=<...>).
//
// Follows torch/_tensor_str.py (PyTorch 1.13) rule for rule:
//  - one formatter for the whole tensor (or, above `threshold` elements, for the
//    edge items that summarization shows). Integer dtypes: width of the widest
//    value. Floating dtypes look only at the nonzero finite values: "int mode"
//    (`1.`) when all are integers, scientific (`1.0000e+00`) when
//    max/min > 1000 or max > 1e8 (or, outside int mode, min < 1e-4), otherwise
//    fixed `precision` decimals. nan/inf/zeros do not count towards the width.
//  - elements are right-aligned to that width; a row holds
//    floor((linewidth - indent) / (width + 2)) elements, `...` counting as one.
//  - suffixes (device, dtype / size, grad_fn / requires_grad) go on the last line
//    unless that would pass the line width, then on a new line under `tensor(`.
// Numbers are rounded exactly as Python's format() does (correct rounding, ties
// to even), not as Number#toFixed (ties away from zero).
import {
  bf16ToF32,
  f16ToF32,
  get_default_complex_dtype,
  get_default_dtype,
  int64,
  toRealValueType,
  type DType,
  type HostArray,
} from "./dtype_all.js";
import { TorchError } from "./errors.js";
import { parseArgs } from "./ops/args.js";
import type { Tensor } from "./tensor.js";

// ---- print options (torch.set_printoptions) -----------------------------------

export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** Summarize (`...`) tensors with more elements than this (default 1000). */
  threshold: number;
  /** Items shown at each end of a summarized dimension (default 3). */
  edgeitems: number;
  /** Characters per line (default 80). */
  linewidth: number;
  /** Force (true) or forbid (false) scientific notation; null: chosen per tensor. */
  sci_mode: boolean | null;
}

const PRINT_OPTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null };

const PROFILES: Record<string, Omit<PrintOptions, "sci_mode">> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

/**
 * torch.set_printoptions(precision?, threshold?, edgeitems?, linewidth?, profile?, sci_mode?),
 * positionally or as one options object. As in PyTorch, options left out keep
 * their value except sci_mode, which every call resets to null (automatic)
 * unless given; profile ("default" | "short" | "full") is applied first.
 */
export function set_printoptions(...args: unknown[]): void {
  const o = parseArgs("set_printoptions", args, ["precision", "threshold", "edgeitems", "linewidth", "profile", "sci_mode"]);
  if (o.profile != null) {
    const p = PROFILES[o.profile as string];
    if (p) Object.assign(PRINT_OPTS, p);
  }
  const int = (k: string, v: unknown): number => {
    if (typeof v !== "number" || Number.isNaN(v)) throw new TorchError(`set_printoptions: ${k} must be a number, got ${String(v)}`);
    return v;
  };
  if (o.precision != null) PRINT_OPTS.precision = int("precision", o.precision);
  if (o.threshold != null) PRINT_OPTS.threshold = int("threshold", o.threshold);
  if (o.edgeitems != null) PRINT_OPTS.edgeitems = int("edgeitems", o.edgeitems);
  if (o.linewidth != null) PRINT_OPTS.linewidth = int("linewidth", o.linewidth);
  PRINT_OPTS.sci_mode = o.sci_mode == null ? null : Boolean(o.sci_mode);
}

/** The current print options (a copy; torch._tensor_str.PRINT_OPTS). */
export function get_printoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

// ---- host values ----------------------------------------------------------------

export function hostValues(h: HostArray, dtype: DType): (number | bigint)[] {
  // complex: the real parts (callers that want both read the interleaved array themselves)
  if (dtype.is_complex) return Array.from({ length: h.length / 2 }, (_, i) => h[2 * i] as number);
  if (dtype.name === "float16") return Array.from(h as Uint16Array, f16ToF32);
  if (dtype.name === "bfloat16") return Array.from(h as Uint16Array, bf16ToF32);
  return Array.from(h as ArrayLike<number | bigint>);
}

type Value = number | bigint;
function reader(h: HostArray, dtype: DType): (i: number) => Value {
  if (dtype.name === "float16") return (i) => f16ToF32((h as Uint16Array)[i]!);
  if (dtype.name === "bfloat16") return (i) => bf16ToF32((h as Uint16Array)[i]!);
  return (i) => (h as ArrayLike<Value>)[i]!;
}

// ---- exact decimal formatting (Python's "{:.Nf}" / "{:.Ne}") --------------------

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** |x| = m * 2^e exactly, for finite nonzero x. */
function decompose(x: number): { m: bigint; e: number } {
  F64[0] = x;
  const lo = U32[LITTLE ? 0 : 1]!,
    hi = U32[LITTLE ? 1 : 0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp === 0) return { m, e: -1074 };
  m |= 1n << 52n;
  return { m, e: bexp - 1075 };
}

const P10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (P10.length <= n) P10.push(P10[P10.length - 1]! * 10n);
  return P10[n]!;
}

/** round(num / den), ties to even. */
function divRound(num: bigint, den: bigint): bigint {
  const q = num / den,
    r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** round(|x| * 10^k), ties to even, for finite x (k may be negative). */
function scaledRound(x: number, k: number): bigint {
  if (x === 0) return 0n;
  const { m, e } = decompose(x);
  let num = m,
    den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= pow10(k);
  else den *= pow10(-k);
  return divRound(num, den);
}

const negative = (x: number) => x < 0 || Object.is(x, -0);

function special(x: number): string {
  return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

/** Python's "{:.{p}f}".format(x). */
export function formatFixed(x: number, p: number): string {
  if (!Number.isFinite(x)) return special(x);
  let s = scaledRound(x, p).toString();
  if (p > 0) {
    s = s.padStart(p + 1, "0");
    s = `${s.slice(0, s.length - p)}.${s.slice(s.length - p)}`;
  }
  return (negative(x) ? "-" : "") + s;
}

/** Python's "{:.{p}e}".format(x). */
export function formatExp(x: number, p: number): string {
  if (!Number.isFinite(x)) return special(x);
  let digits: bigint,
    exp = 0;
  if (x === 0) digits = 0n;
  else {
    const ax = Math.abs(x);
    exp = Math.floor(Math.log10(ax));
    // make 10^exp <= |x| < 10^(exp+1) exactly (log10 may be off by one)
    if (lessThanPow10(ax, exp)) exp--;
    else if (!lessThanPow10(ax, exp + 1)) exp++;
    digits = scaledRound(ax, p - exp);
    if (digits >= pow10(p + 1)) {
      digits /= 10n;
      exp++;
    }
  }
  const s = digits.toString().padStart(p + 1, "0");
  const mant = p > 0 ? `${s[0]}.${s.slice(1)}` : s;
  const es = String(Math.abs(exp)).padStart(2, "0");
  return `${negative(x) ? "-" : ""}${mant}e${exp < 0 ? "-" : "+"}${es}`;
}

/** |x| < 10^n, exactly. */
function lessThanPow10(ax: number, n: number): boolean {
  const { m, e } = decompose(ax);
  let lhs = m,
    rhs = 1n;
  if (e >= 0) lhs <<= BigInt(e);
  else rhs <<= BigInt(-e);
  if (n >= 0) rhs *= pow10(n);
  else lhs *= pow10(-n);
  return lhs < rhs;
}

// ---- the formatter (torch._tensor_str._Formatter) --------------------------------

class Formatter {
  private readonly floating: boolean;
  private readonly bool: boolean;
  private intMode = true;
  private sciMode = false;
  readonly width: number = 1;
  private readonly precision: number;

  constructor(vals: readonly Value[], dtype: DType, opts: PrintOptions) {
    this.floating = dtype.is_floating_point;
    this.bool = dtype.name === "bool";
    this.precision = opts.precision;
    const p = opts.precision;
    let w = 1;
    if (!this.floating) {
      for (const v of vals) w = Math.max(w, this.bool ? (v ? 4 : 5) : String(v).length);
      this.width = w;
      return;
    }
    const nz: number[] = [];
    for (const v of vals) if (Number.isFinite(v as number) && v !== 0) nz.push(v as number);
    if (nz.length === 0) return; // no valid number: int mode, width 1, sci_mode option ignored
    let mx = 0,
      mn = Infinity;
    for (const v of nz) {
      const a = Math.abs(v);
      if (a > mx) mx = a;
      if (a < mn) mn = a;
    }
    this.intMode = nz.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      if (mx / mn > 1000 || mx > 1e8) {
        this.sciMode = true;
        for (const v of nz) w = Math.max(w, formatExp(v, p).length);
      } else {
        for (const v of nz) w = Math.max(w, formatFixed(v, 0).length + 1);
      }
    } else if (mx / mn > 1000 || mx > 1e8 || mn < 1e-4) {
      this.sciMode = true;
      for (const v of nz) w = Math.max(w, formatExp(v, p).length);
    } else {
      for (const v of nz) w = Math.max(w, formatFixed(v, p).length);
    }
    this.width = w;
    if (opts.sci_mode !== null) this.sciMode = opts.sci_mode;
  }

  format(v: Value): string {
    let s: string;
    if (this.bool) s = v ? "True" : "False";
    else if (!this.floating) s = String(v);
    else {
      const x = v as number;
      if (this.sciMode) s = formatExp(x, this.precision);
      else if (this.intMode) s = Number.isFinite(x) ? `${formatFixed(x, 0)}.` : special(x);
      else s = formatFixed(x, this.precision);
    }
    return s.padStart(this.width);
  }
}

// ---- layout -------------------------------------------------------------------------

/** Indices shown along a dimension of size n (null: the `...`), as PyTorch slices them. */
function shownIndices(n: number, summarize: boolean, edge: number): (number | null)[] {
  const all = () => Array.from({ length: n }, (_, i) => i);
  if (!summarize || n <= 2 * edge) return all();
  const head = Array.from({ length: Math.min(edge, n) }, (_, i) => i);
  // self[-edge:]: with edge 0 that is the whole dimension (Python's -0 == 0)
  const tail = edge === 0 ? all() : Array.from({ length: edge }, (_, i) => n - edge + i);
  return [...head, null, ...tail];
}

interface Ctx {
  shape: readonly number[];
  strides: number[];
  summarize: boolean;
  /** One element's text, padded (a complex one: both formatters' parts and the `j`). */
  str: (off: number) => string;
  /** Its printed width (the formatter's; real + imaginary + 1 for complex, as _vector_str). */
  width: number;
  opts: PrintOptions;
}

/** The values torch._tensor_str.get_summarized_data keeps (what the formatter sees). */
function summarizedValues(c: Omit<Ctx, "str" | "width">, get: (i: number) => Value): Value[] {
  const out: Value[] = [];
  const walk = (off: number, d: number) => {
    if (d === c.shape.length) {
      out.push(get(off));
      return;
    }
    for (const i of shownIndices(c.shape[d]!, true, c.opts.edgeitems)) if (i !== null) walk(off + i * c.strides[d]!, d + 1);
  };
  walk(0, 0);
  return out;
}

function vectorStr(c: Ctx, off: number, indent: number): string {
  const n = c.shape[c.shape.length - 1]!;
  const elementLength = c.width + 2;
  const perLine = Math.max(1, Math.floor((c.opts.linewidth - indent) / elementLength));
  const data = shownIndices(n, c.summarize, c.opts.edgeitems).map((i) => (i === null ? " ..." : c.str(off + i)));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
  return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
}

function tensorStr(c: Ctx, d: number, off: number, indent: number): string {
  const dim = c.shape.length - d;
  if (dim === 0) return c.str(off);
  if (dim === 1) return vectorStr(c, off, indent);
  const slices = shownIndices(c.shape[d]!, c.summarize, c.opts.edgeitems).map((i) =>
    i === null ? "..." : tensorStr(c, d + 1, off + i * c.strides[d]!, indent + 1),
  );
  return "[" + slices.join("," + "\n".repeat(dim - 1) + " ".repeat(indent + 1)) + "]";
}

function addSuffixes(tensorStr: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [tensorStr];
  let lastLineLen = tensorStr.length - tensorStr.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > linewidth) {
      parts.push(",\n" + " ".repeat(indent) + s);
      lastLineLen = indent + s.length;
    } else {
      parts.push(", " + s);
      lastLineLen += s.length + 2;
    }
  }
  parts.push(")");
  return parts.join("");
}

export function formatTensor(t: Tensor): string {
  const opts = PRINT_OPTS;
  const prefix = "tensor(";
  const indent = prefix.length;
  const suffixes: string[] = [];
  if (t.device.type !== "cpu") suffixes.push(`device='${t.device.type}:${t.device.index ?? 0}'`);
  const dflt = get_default_dtype();
  let body: string;
  if (t.numel() === 0) {
    // the shape is shown unless it is (0,); the dtype unless it is the default float
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(", ")})`);
    if (t.dtype !== dflt) suffixes.push(`dtype=${t.dtype}`);
    body = "[]";
  } else {
    if (!(t.dtype === dflt || t.dtype === get_default_complex_dtype() || t.dtype === int64 || t.dtype.name === "bool"))
      suffixes.push(`dtype=${t.dtype}`);
    const shape = t.shape;
    const strides = new Array<number>(shape.length);
    for (let d = shape.length - 1, s = 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d]!;
    }
    const summarize = t.numel() > opts.threshold;
    const base = { shape, strides, summarize, opts };
    const formatterOf = (get: (i: number) => Value, d: DType) =>
      new Formatter(summarize ? summarizedValues(base, get) : Array.from({ length: t.numel() }, (_, i) => get(i)), d, opts);
    let c: Ctx;
    if (t.dtype.is_complex) {
      // _tensor_str: one formatter for the real parts, one for the imaginary parts; `a+bj` / `a-bj`
      const h = t._host() as Float32Array | Float64Array;
      const re = (i: number) => h[2 * i]!,
        im = (i: number) => h[2 * i + 1]!;
      const part = toRealValueType(t.dtype);
      const fr = formatterOf(re, part),
        fi = formatterOf(im, part);
      const str = (off: number) => {
        const a = fr.format(re(off));
        const b = `${fi.format(im(off))}j`.trimStart();
        return b[0] === "+" || b[0] === "-" ? a + b : `${a}+${b}`;
      };
      c = { ...base, str, width: fr.width + fi.width + 1 };
    } else {
      const get = reader(t._host(), t.dtype);
      const f = formatterOf(get, t.dtype);
      c = { ...base, str: (off) => f.format(get(off)), width: f.width };
    }
    body = tensorStr(c, 0, 0, indent);
  }
  if (t.grad_fn) suffixes.push(`grad_fn=<${t.grad_fn.name}>`);
  else if (t.requires_grad) suffixes.push("requires_grad=True");
  return addSuffixes(prefix + body, suffixes, indent, opts.linewidth);
}
