// pad: constant mode is torch.constant_pad_nd, as PyTorch 1.13's native
// at::pad calls it (negative pads crop by narrow, positive ones are one pad
// primitive, the result is never a view of the input); reflect, replicate and
// circular gather along each padded dim with host-computed indices. All
// compositions of core ops.
import { Tensor, TorchError, constant_pad_nd, int64, tensor as makeTensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

type Mode = "constant" | "reflect" | "replicate" | "circular";

/** pad = [last_left, last_right, second_last_left, second_last_right, ...] as in PyTorch. */
export function pad(
  input: Tensor,
  pad: readonly number[],
  ...args: Args<[mode: Mode, value: number | null], { mode?: Mode; value?: number | null }>
): Tensor {
  const o = parseArgs("pad", args, ["mode", "value"], { mode: "constant", value: null });
  if (pad.length % 2 !== 0) throw new TorchError("Padding length must be divisible by 2");
  if (pad.length / 2 > input.ndim)
    throw new TorchError(
      `Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${input.ndim}`,
    );
  if (o.mode !== "constant" && o.value !== null && o.value !== 0)
    throw new TorchError(`Padding mode "${o.mode}" doesn't take in value argument`);
  if (o.mode === "constant") return constant_pad_nd(input, pad, o.value ?? 0);
  if (o.mode === "circular") return padCircular(input, pad);
  let y = input;
  for (let i = 0; i < pad.length / 2; i++) {
    const d = input.ndim - 1 - i;
    y = padIndexed(y, d, pad[2 * i]!, pad[2 * i + 1]!, o.mode);
  }
  return y;
}

function padIndexed(x: Tensor, d: number, l: number, r: number, mode: Mode): Tensor {
  const n = x.shape[d]!;
  if (mode === "reflect" && (l >= n || r >= n))
    throw new TorchError(
      `Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${r}) at dimension ${d} of input [${x.shape.join(", ")}]`,
    );
  const source = (i: number): number => {
    if (mode === "replicate") return Math.min(Math.max(i, 0), n - 1);
    return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
  };
  const idx = Array.from({ length: n + l + r }, (_, k) => source(k - l));
  return x.index_select(d, makeTensor(idx, { dtype: int64, device: x.device }));
}

/**
 * PyTorch 1.13's _pad_circular: batched input only ([N, C, *spatial], one pad
 * pair per spatial dim). Negative pads crop first; the positive pads then wrap
 * around the cropped tensor (its copies read the already cropped output).
 */
function padCircular(input: Tensor, pad: readonly number[]): Tensor {
  const k = pad.length / 2,
    nd = input.ndim;
  if (!(k >= 1 && k <= 3 && (nd === k + 1 || nd === k + 2)))
    throw new TorchError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  if (nd !== k + 2) throw new TorchError(`Invalid padding size, expected ${2 * (nd - 2)} but got ${pad.length}`);
  const pairs = Array.from({ length: k }, (_, i) => [pad[2 * i]!, pad[2 * i + 1]!] as const); // pairs[i]: dim nd-1-i
  for (let s = 0; s < k; s++) {
    const [l, r] = pairs[k - 1 - s]!;
    const n = input.shape[2 + s]!;
    if (l > n || r > n) throw new TorchError("Padding value causes wrapping around more than once.");
    if (n + l + r < 0) throw new TorchError("Negative padding value is resulting in an empty dimension");
  }
  for (const [i, [l, r]] of pairs.entries()) {
    const m = input.shape[nd - 1 - i]! - Math.max(-l, 0) - Math.max(-r, 0);
    // ATen copies from the output into itself here; a wrap longer than the cropped size overlaps.
    if ((l > 0 && l > m) || (r > 0 && r > m)) {
      throw new TorchError(
        "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.",
      );
    }
  }
  let y = input;
  for (const [i, [l, r]] of pairs.entries()) {
    const d = nd - 1 - i,
      n = y.shape[d]!;
    const lo = Math.max(-l, 0),
      m = n - lo - Math.max(-r, 0);
    const L = Math.max(l, 0),
      R = Math.max(r, 0);
    if (L === 0 && R === 0) {
      if (m !== n) y = y.narrow(d, lo, m);
      continue;
    }
    const idx = Array.from({ length: m + L + R }, (_, j) => lo + ((((j - L) % m) + m) % m));
    y = y.index_select(d, makeTensor(idx, { dtype: int64, device: y.device }));
  }
  return y;
}
