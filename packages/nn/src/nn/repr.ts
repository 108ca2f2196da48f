// Python-style rendering of values in module reprs (`bias=True`, `eps=1e-05`,
// `normalized_shape=(4,)`), so printed models read like PyTorch's.

/** repr() of a Python scalar, None, bool or tuple as PyTorch prints it in extra_repr. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return pyFloatOrInt(v);
  if (typeof v === "string") return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(", ")})`;
  return String(v);
}

/**
 * A JS number as Python would print it. JS cannot tell 1 from 1.0, so callers
 * that know a value is a float (eps, momentum, p) use `pyFloat`.
 */
function pyFloatOrInt(v: number): string {
  return Number.isInteger(v) ? String(v) : pyFloat(v);
}

/** Python's repr of a float: shortest round-trip digits, exponent from 1e16 / below 1e-4. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const abs = Math.abs(v);
  if (abs >= 1e16 || abs < 1e-4) {
    const [m, e] = v.toExponential().split("e");
    const en = Number(e);
    return `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return String(v);
}

/** `torch.Size([2, 3])`, as PyTorch's error messages print shapes. */
export const sizeRepr = (shape: readonly number[]): string => `torch.Size([${shape.join(", ")}])`;

/** Indents every line but the first (torch.nn.modules.module._addindent). */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split("\n");
  if (lines.length === 1) return s;
  const pad = " ".repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join("\n");
}
