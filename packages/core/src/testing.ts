// torch.testing: assert_close with PyTorch 1.13's default tolerances, promotion
// rules and error messages. A testing utility, so it reads results on the host
// (a sync point on xla); the comparison itself is composed of ops.
import { promote_types, float64, int64, type DType } from "./dtype_all.js";
import { TorchTypeError } from "./errors.js";
import { Tensor } from "./tensor.js";
import { parseArgs } from "./ops/args.js";
import { convert } from "./ops/base.js";
import { abs, div, logical_not, sub, where } from "./ops/elementwise.js";
import { argmax, reducePrim } from "./ops/reduce.js";
import { reshape } from "./ops/shape.js";
import { isclose } from "./ops/compare.js";

/** Python's float repr (shortest round-trip digits; exponent form below 1e-4 and from 1e16). */
function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expS] = x.toExponential().split("e") as [string, string];
  const e = Number(expS);
  if (e < -4 || e >= 16) {
    const m = mant.includes(".") ? mant : mant;
    return `${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  let s: string;
  if (e >= 0) {
    s = digits.length <= e + 1 ? digits + "0".repeat(e + 1 - digits.length) + ".0" : `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  } else {
    s = `0.${"0".repeat(-e - 1)}${digits}`;
  }
  return (neg ? "-" : "") + s;
}

/** Raised when the inputs are not close (Python's AssertionError). */
export class AssertionError extends Error {
  override name = "AssertionError";
}
/** Raised for bad arguments, e.g. only one of rtol/atol (Python's ValueError). */
export class ValueError extends Error {
  override name = "ValueError";
}

/** (rtol, atol) per dtype, torch.testing._comparison._DTYPE_PRECISIONS; other dtypes compare exactly. */
const PRECISIONS: Record<string, [number, number]> = {
  float16: [0.001, 1e-5],
  bfloat16: [0.016, 1e-5],
  float32: [1.3e-6, 1e-5],
  float64: [1e-7, 1e-7],
};
const precision = (d: DType): [number, number] => PRECISIONS[d.name] ?? [0, 0];

interface Options {
  rtol?: number;
  atol?: number;
  equal_nan: boolean;
  check_device: boolean;
  check_dtype: boolean;
  msg?: string | ((generated: string) => string);
}

class Failure extends Error {
  constructor(
    readonly kind: "assert" | "type",
    message: string,
    readonly id: string,
  ) {
    super(message);
  }
}

/**
 * torch.testing.assert_close(actual, expected, {rtol, atol, equal_nan=false,
 * check_device=true, check_dtype=true, msg}). Tensors, numbers, arrays (compared
 * item by item) and plain objects (key by key). Throws AssertionError with
 * PyTorch's message ("Tensor-likes are not close!", mismatch count, greatest
 * absolute/relative difference and where); both rtol and atol or neither.
 * Numbers: JavaScript cannot tell 2 from 2.0, so the int/float type check of
 * Python scalars is skipped (integer-valued numbers count as ints).
 */
export function assert_close(actual: unknown, expected: unknown, ...args: unknown[]): void {
  const o = parseArgs(
    "assert_close",
    args,
    ["allow_subclasses", "rtol", "atol", "equal_nan", "check_device", "check_dtype", "check_layout", "check_stride", "msg"],
    { equal_nan: false, check_device: true, check_dtype: true },
  ) as Options;
  if ((o.rtol === undefined) !== (o.atol === undefined)) {
    throw new ValueError(
      `Both 'rtol' and 'atol' must be either specified or omitted, but got no ${o.rtol === undefined ? "rtol" : "atol"}.`,
    );
  }
  try {
    compare(actual, expected, "", o);
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    let text = e.message;
    if (o.msg === undefined || typeof o.msg === "function") {
      if (e.id) text += `\n\nThe failure occurred for item ${e.id}`;
      if (typeof o.msg === "function") text = o.msg(text);
    } else {
      text = o.msg;
    }
    throw e.kind === "type" ? new TorchTypeError(text) : new AssertionError(text);
  }
}

const isNum = (x: unknown): x is number | bigint | boolean => typeof x === "number" || typeof x === "bigint" || typeof x === "boolean";
const isPlain = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && Object.getPrototypeOf(x) === Object.prototype;
function pyType(x: unknown): string {
  if (x instanceof Tensor) return "<class 'torch.Tensor'>";
  if (typeof x === "number") return Number.isInteger(x) ? "<class 'int'>" : "<class 'float'>";
  if (typeof x === "bigint") return "<class 'int'>";
  if (typeof x === "boolean") return "<class 'bool'>";
  if (typeof x === "string") return "<class 'str'>";
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (Array.isArray(x)) return "<class 'list'>";
  if (isPlain(x)) return "<class 'dict'>";
  return `<class '${(x as object).constructor?.name ?? typeof x}'>`;
}
const pyKey = (k: string) => `['${k.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;

function compare(a: unknown, e: unknown, id: string, o: Options): void {
  if (Array.isArray(a) && Array.isArray(e)) {
    if (a.length !== e.length) throw new Failure("assert", `The length of the sequences mismatch: ${a.length} != ${e.length}`, id);
    a.forEach((x, i) => compare(x, e[i], `${id}[${i}]`, o));
    return;
  }
  if (isPlain(a) && isPlain(e)) {
    const ka = Object.keys(a),
      ke = Object.keys(e);
    const missing = ke.filter((k) => !ka.includes(k)).sort(),
      extra = ka.filter((k) => !ke.includes(k)).sort();
    if (missing.length || extra.length) {
      const list = (ks: string[]) => `[${ks.map((k) => `'${k}'`).join(", ")}]`;
      throw new Failure(
        "assert",
        `The keys of the mappings do not match:\nMissing keys in the actual mapping: ${list(missing)}\nAdditional keys in the actual mapping: ${list(extra)}`,
        id,
      );
    }
    for (const k of ke) compare(a[k], e[k], `${id}${pyKey(k)}`, o);
    return;
  }
  if (a instanceof Tensor && e instanceof Tensor) return compareTensors(a, e, id, o);
  if (isNum(a) && isNum(e)) return compareNumbers(a, e, id, o);
  throw new Failure("type", `No comparison pair was able to handle inputs of type ${pyType(a)} and ${pyType(e)}.`, id);
}

const isIntLike = (x: number | bigint | boolean) => typeof x !== "number" || Number.isInteger(x);

function compareNumbers(a0: number | bigint | boolean, e0: number | bigint | boolean, id: string, o: Options): void {
  const ints = isIntLike(a0) && isIntLike(e0);
  const [rtol, atol] = o.rtol !== undefined ? [o.rtol, o.atol!] : ints ? [0, 0] : [1e-7, 1e-7];
  if (typeof a0 === "bigint" && typeof e0 === "bigint") {
    if (a0 === e0) return;
    const d = a0 > e0 ? a0 - e0 : e0 - a0;
    throw new Failure("assert", scalarMsg(d.toString(), e0 === 0n ? Infinity : Number(d) / Math.abs(Number(e0)), rtol, atol), id);
  }
  const a = Number(a0),
    e = Number(e0);
  if (a === e) return;
  if (o.equal_nan && Number.isNaN(a) && Number.isNaN(e)) return;
  const d = Math.abs(a - e);
  if (Number.isFinite(d) && d <= atol + rtol * Math.abs(e)) return;
  throw new Failure("assert", scalarMsg(ints ? String(d) : pyFloat(d), e === 0 ? Infinity : d / Math.abs(e), rtol, atol), id);
}

function header(equality: boolean, what: string): string {
  return `${what} are not ${equality ? "equal" : "close"}!\n\n`;
}
function scalarMsg(absDiff: string, rel: number, rtol: number, atol: number): string {
  const eq = rtol === 0 && atol === 0;
  const tol = (t: number) => (eq ? "" : ` (up to ${pyNum(t)} allowed)`);
  return `${header(eq, "Scalars")}Absolute difference: ${absDiff}${tol(atol)}\nRelative difference: ${pyFloat(rel)}${tol(rtol)}`;
}
/** A tolerance as Python prints it (an integer-valued one as an int, as the JS number cannot say). */
const pyNum = (x: number) => (Number.isInteger(x) ? String(x) : pyFloat(x));

/** Python's f"{x:.1%}": half-even rounding of the binary value. */
function pyPercent(x: number): string {
  const v = x * 100;
  const twenty = v * 20;
  if (Number.isInteger(twenty) && twenty % 2 !== 0) {
    const lo = Math.floor(v * 10);
    return `${((lo % 2 === 0 ? lo : lo + 1) / 10).toFixed(1)}%`;
  }
  return `${v.toFixed(1)}%`;
}

function compareTensors(a: Tensor, e: Tensor, id: string, o: Options): void {
  const fail = (attr: string, x: string, y: string) => {
    throw new Failure("assert", `The values for attribute '${attr}' do not match: ${x} != ${y}.`, id);
  };
  if (a.shape.length !== e.shape.length || a.shape.some((s, i) => s !== e.shape[i]))
    fail("shape", `torch.Size([${a.shape.join(", ")}])`, `torch.Size([${e.shape.join(", ")}])`);
  if (o.check_device && !a.device.equals(e.device)) fail("device", String(a.device), String(e.device));
  if (o.check_dtype && a.dtype !== e.dtype) fail("dtype", String(a.dtype), String(e.dtype));
  let rtol: number, atol: number;
  if (o.rtol !== undefined) [rtol, atol] = [o.rtol, o.atol!];
  else {
    const [ra, aa] = precision(a.dtype),
      [re, ae] = precision(e.dtype);
    [rtol, atol] = [Math.max(ra, re), Math.max(aa, ae)];
  }
  // equalise device and dtype, then compare in float64 / int64
  let x = a,
    y = e;
  if (!x.device.equals(y.device)) {
    x = x.to("cpu");
    y = y.to("cpu");
  }
  const common = promote_types(x.dtype, y.dtype);
  const cmpDtype = common.is_floating_point ? float64 : int64;
  x = convert(x.detach(), cmpDtype);
  y = convert(y.detach(), cmpDtype);
  const matches = isclose(x, y, { rtol, atol, equal_nan: o.equal_nan });
  const n = matches.numel();
  if (n === 0) return;
  const all = (t: Tensor) => [...Array(t.ndim).keys()];
  const mismatches = logical_not(matches);
  const total = Number(reducePrim(convert(mismatches, int64), "sum", all(mismatches), false).item());
  if (total === 0) return;
  const equality = rtol === 0 && atol === 0;
  const tol = (t: number) => (equality ? "" : ` (up to ${pyNum(t)} allowed)`);
  const show = (v: number | bigint | boolean) => (cmpDtype === int64 ? String(v) : pyFloat(Number(v)));
  if (x.ndim === 0) {
    const av = x.item() as number,
      ev = y.item() as number;
    const d = Math.abs(Number(av) - Number(ev));
    const rel = Number(ev) === 0 ? Infinity : d / Math.abs(Number(ev));
    throw new Failure(
      "assert",
      `${header(equality, "Scalars")}Absolute difference: ${show(d)}${tol(atol)}\nRelative difference: ${pyFloat(rel)}${tol(rtol)}`,
      id,
    );
  }
  const fa = reshape(x, [-1]),
    fe = reshape(y, [-1]),
    fm = reshape(matches, [-1]);
  const absDiff = where(fm, 0, abs(sub(fa, fe)));
  const absIdx = Number(argmax(absDiff).item());
  const absMax = absDiff.getitem(absIdx).item() as number;
  // integer differences divide in the default float dtype (true division), as torch does
  const relDiff = where(fm, 0, div(absDiff, abs(fe)));
  const relIdx = Number(argmax(relDiff).item());
  const relMax = relDiff.getitem(relIdx).item() as number;
  const at = (flat: number) => {
    const idx: number[] = [];
    for (let k = x.ndim - 1; k >= 0; k--) {
      idx.unshift(flat % x.shape[k]!);
      flat = Math.floor(flat / x.shape[k]!);
    }
    return idx.length === 1 ? `(${idx[0]},)` : `(${idx.join(", ")})`;
  };
  throw new Failure(
    "assert",
    `${header(equality, "Tensor-likes")}Mismatched elements: ${total} / ${n} (${pyPercent(total / n)})\n` +
      `Greatest absolute difference: ${show(absMax)} at index ${at(absIdx)}${tol(atol)}\n` +
      `Greatest relative difference: ${pyFloat(Number(relMax))} at index ${at(relIdx)}${tol(rtol)}`,
    id,
  );
}
