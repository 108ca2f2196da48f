// pad: constant padding by concatenation (negative pads crop); reflect,
// replicate and circular by gathering along each padded dim with host-computed
// indices. All compositions of core ops.
import { Tensor, cat, full, int64, tensor as makeTensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

type Mode = "constant" | "reflect" | "replicate" | "circular";

/** pad = [last_left, last_right, second_last_left, second_last_right, ...] as in PyTorch. */
export function pad(input: Tensor, pad: readonly number[], ...args: Args<[mode: Mode, value: number | null], { mode?: Mode; value?: number | null }>): Tensor {
  const o = parseArgs("pad", args, ["mode", "value"], { mode: "constant", value: null });
  if (pad.length % 2 !== 0) throw new Error("Padding length must be divisible by 2");
  if (pad.length / 2 > input.ndim) throw new Error(`Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${input.ndim}`);
  if (o.mode !== "constant" && o.value !== null && o.value !== 0) throw new Error(`Padding mode "${o.mode}" doesn't take in value argument`);
  let y = input;
  for (let i = 0; i < pad.length / 2; i++) {
    const d = input.ndim - 1 - i;
    const [l, r] = [pad[2 * i]!, pad[2 * i + 1]!];
    y = o.mode === "constant" ? padConstant(y, d, l, r, o.value ?? 0) : padIndexed(y, d, l, r, o.mode);
  }
  return y;
}

function padConstant(x: Tensor, d: number, l: number, r: number, value: number): Tensor {
  const n = x.shape[d]!;
  if (n + l + r < 0) throw new Error(`The input size ${n}, plus negative padding ${l} and ${r} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`);
  const lo = Math.max(0, -l), hi = n - Math.max(0, -r);
  let y = lo > 0 || hi < n ? x.narrow(d, lo, Math.max(0, hi - lo)) : x;
  const block = (k: number) => full(x.shape.map((s, j) => (j === d ? k : s)), value, { dtype: x.dtype, device: x.device });
  const parts = [...(l > 0 ? [block(l)] : []), y, ...(r > 0 ? [block(r)] : [])];
  return parts.length > 1 ? cat(parts, d) : y;
}

function padIndexed(x: Tensor, d: number, l: number, r: number, mode: Mode): Tensor {
  const n = x.shape[d]!;
  if (mode === "reflect" && (l >= n || r >= n)) throw new Error(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${r}) at dimension ${d} of input [${x.shape.join(", ")}]`);
  if (mode === "circular" && (l > n || r > n)) throw new Error("Padding value causes wrapping around more than once.");
  const source = (i: number): number => {
    if (mode === "replicate") return Math.min(Math.max(i, 0), n - 1);
    if (mode === "circular") return ((i % n) + n) % n;
    return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
  };
  const idx = Array.from({ length: n + l + r }, (_, k) => source(k - l));
  return x.index_select(d, makeTensor(idx, { dtype: int64, device: x.device }));
}
