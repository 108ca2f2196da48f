// torch.memory_format: the layouts PyTorch's `memory_format` arguments name
// (contiguous, channels_last, ...). A strided cpu tensor here can have any
// strides, so contiguous(memory_format=torch.channels_last) gives the NHWC
// strides PyTorch gives; the values never depend on it.
import { TorchError } from "./errors.js";
import { isContiguous } from "./shape.js";

export class memory_format {
  /** @internal use the constants below */
  constructor(readonly name: "contiguous_format" | "preserve_format" | "channels_last" | "channels_last_3d") {}
  toString(): string {
    return `torch.${this.name}`;
  }
}

export const contiguous_format = new memory_format("contiguous_format");
export const preserve_format = new memory_format("preserve_format");
export const channels_last = new memory_format("channels_last");
export const channels_last_3d = new memory_format("channels_last_3d");

/** The dim order (outermost first) of `format` for a tensor of rank `ndim`, or null for the row-major order. */
export function formatOrder(format: memory_format, ndim: number): number[] | null {
  if (format === contiguous_format) return null;
  if (format === channels_last || format === channels_last_3d) {
    const want = format === channels_last ? 4 : 5;
    // PyTorch's own words (c10's get_channels_last_strides), with no op name
    if (ndim !== want) throw new TorchError(`required rank ${want} tensor to use ${format.name} format`);
    // N, spatial..., C
    return [0, ...Array.from({ length: ndim - 2 }, (_, i) => i + 2), 1];
  }
  throw new TorchError(`${format} has no dim order (preserve_format keeps the input's)`);
}

/** Whether strides are dense in the dim order `order`, as PyTorch's is_contiguous(memory_format). */
export function denseIn(shape: readonly number[], strides: readonly number[], order: readonly number[]): boolean {
  return isContiguous(
    order.map((d) => shape[d]!),
    order.map((d) => strides[d]!),
  );
}
