// PyTorch-style printing: tensor([...], dtype=..., device=..., grad_fn=<...>).
import { bf16ToF32, f16ToF32, float32, get_default_dtype, int64, type DType, type HostArray } from "./dtype_all.js";
import type { Tensor } from "./tensor.js";

const PRECISION = 4, LINEWIDTH = 80, THRESHOLD = 1000, EDGE = 3;

export function hostValues(h: HostArray, dtype: DType): (number | bigint)[] {
  if (dtype.name === "float16") return Array.from(h as Uint16Array, f16ToF32);
  if (dtype.name === "bfloat16") return Array.from(h as Uint16Array, bf16ToF32);
  return Array.from(h as ArrayLike<number | bigint>);
}

/** Chooses one formatting for all elements, as torch._tensor_str._Formatter does. */
function formatter(vals: (number | bigint)[], dtype: DType): (v: number | bigint) => string {
  if (dtype.name === "bool") return (v) => (v ? "True" : "False");
  if (!dtype.is_floating_point) {
    const w = Math.max(1, ...vals.map((v) => String(v).length));
    return (v) => String(v).padStart(w);
  }
  const nums = vals as number[];
  const finite = nums.filter((v) => Number.isFinite(v));
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  let fmt: (v: number) => string;
  if (finite.length === 0) fmt = special;
  else if (finite.every((v) => v === Math.trunc(v))) {
    const absMax = Math.max(...finite.map(Math.abs));
    fmt = absMax > 1e8 ? (v) => expo(v, PRECISION) : (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
    if (absMax > 1e8) return pad(nums, (v) => (Number.isFinite(v) ? expo(v, PRECISION) : special(v)));
  } else {
    const abs = finite.map(Math.abs).filter((v) => v !== 0);
    const mx = abs.length ? Math.max(...abs) : 0, mn = abs.length ? Math.min(...abs) : 0;
    const sci = mx / mn > 1000 || mx > 1e8 || mn < 1e-4;
    fmt = (v) => (!Number.isFinite(v) ? special(v) : sci ? expo(v, PRECISION) : v.toFixed(PRECISION));
  }
  return pad(nums, fmt);
}
function pad(nums: number[], fmt: (v: number) => string): (v: number | bigint) => string {
  const w = Math.max(...nums.map((v) => fmt(v).length));
  return (v) => fmt(v as number).padStart(w);
}
function expo(v: number, p: number): string {
  const [m, e] = v.toExponential(p).split("e");
  const en = Number(e);
  return `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
}

export function formatTensor(t: Tensor): string {
  const prefix = "tensor(";
  const h = t.numel() > 0 ? hostValues(t._host(), t.dtype) : [];
  const summarize = h.length > THRESHOLD;
  const shown = summarize ? edgeValues(h, t.shape) : h;
  const f = formatter(shown.length ? shown : [0], t.dtype);
  let body: string;
  if (t.ndim === 0) body = f(h[0]!).trim();
  else body = nest(h, t.shape, 0, 0, f, prefix.length, summarize).text;
  const suffix: string[] = [];
  if (t.device.type !== "cpu") suffix.push(`device='${t.device.type}:${t.device.index ?? 0}'`);
  const implicit = t.dtype === get_default_dtype() || t.dtype === int64 || t.dtype.name === "bool";
  if (t.numel() === 0 && t.ndim > 0 && t.shape.some((s) => s === 0)) {
    if (!(t.ndim === 1)) suffix.unshift(`size=(${t.shape.join(", ")}${t.ndim === 1 ? "," : ""})`);
    if (t.dtype !== get_default_dtype()) suffix.push(`dtype=${t.dtype}`);
  } else if (!implicit || (t.dtype === float32 && get_default_dtype() !== float32)) suffix.push(`dtype=${t.dtype}`);
  if (t.grad_fn) suffix.push(`grad_fn=<${t.grad_fn.name}>`);
  else if (t.requires_grad) suffix.push("requires_grad=True");
  return prefix + body + suffix.map((s) => `, ${s}`).join("") + ")";
}

function edgeValues(h: (number | bigint)[], shape: readonly number[]): (number | bigint)[] {
  // Values that summarization shows, so the width matches PyTorch's.
  const out: (number | bigint)[] = [];
  const walk = (off: number, d: number) => {
    if (d === shape.length) { out.push(h[off]!); return; }
    const n = shape[d]!, stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const idx = n > 2 * EDGE ? [...Array(EDGE).keys(), ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    for (const i of idx) walk(off + i * stride, d + 1);
  };
  walk(0, 0);
  return out;
}

function nest(h: (number | bigint)[], shape: readonly number[], d: number, off: number, f: (v: number | bigint) => string, indent: number, summarize: boolean): { text: string } {
  const n = shape[d]!;
  const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const idx: (number | null)[] = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
  if (d === shape.length - 1) {
    const items = idx.map((i) => (i === null ? "..." : f(h[off + i]!)));
    // wrap lines at the line width like PyTorch
    const lines: string[] = [];
    let cur = "";
    const width = LINEWIDTH - indent - 1;
    for (const it of items) {
      const piece = cur ? `, ${it}` : it;
      if (cur && cur.length + piece.length > width) { lines.push(cur + ","); cur = it; }
      else cur += piece;
    }
    lines.push(cur);
    return { text: "[" + lines.join("\n" + " ".repeat(indent + 1)) + "]" };
  }
  const parts = idx.map((i) => (i === null ? "..." : nest(h, shape, d + 1, off + i * stride, f, indent + 1, summarize).text));
  const sep = ",\n" + "\n".repeat(Math.max(0, shape.length - d - 2)) + " ".repeat(indent + 1);
  return { text: "[" + parts.join(sep) + "]" };
}
