// default_collate: a list of samples -> one batch, recursively by the samples'
// structure (PyTorch 1.13's rules, restated for JavaScript values).
import { Tensor, bool, float64, int64, stack, tensor, TorchError, TorchTypeError } from "@xlatorch/core";

/**
 * - tensors are stacked along a new dim 0;
 * - numbers become a tensor: int64 if all are integers, else float64 (JS cannot
 *   tell Python's 1.0 from 1, so integral floats collate as int64);
 *   booleans a bool tensor, bigints int64;
 * - strings stay a list;
 * - arrays (Python tuples/lists) are collated position by position;
 * - plain objects (Python mappings) key by key.
 */
/** The batch default_collate makes of samples of type T: Tensors stacked, numbers as a Tensor, strings a list, tuples and dicts element by element. */
export type Collated<T> = T extends Tensor | number | boolean | bigint
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : unknown;

export function default_collate<T>(batch: readonly T[]): Collated<T>;
export function default_collate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return stack(batch as Tensor[], 0);
  if (typeof elem === "number") {
    const allInt = (batch as number[]).every(Number.isInteger);
    return tensor(batch as number[], { dtype: allInt ? int64 : float64 });
  }
  if (typeof elem === "boolean") return tensor(batch as boolean[], { dtype: bool });
  if (typeof elem === "bigint") return tensor(batch as bigint[], { dtype: int64 });
  if (typeof elem === "string") return [...batch];
  if (Array.isArray(elem)) {
    const n = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === n))
      throw new TorchError("each element in list of batch should be of equal size");
    return Array.from({ length: n }, (_, i) => default_collate(batch.map((b) => (b as unknown[])[i])));
  }
  if (elem !== null && typeof elem === "object" && Object.getPrototypeOf(elem) === Object.prototype) {
    return Object.fromEntries(Object.keys(elem).map((k) => [k, default_collate(batch.map((b) => (b as Record<string, unknown>)[k]))]));
  }
  throw new TorchTypeError(
    `default_collate: batch must contain tensors, numbers, dicts or lists; found ${elem === null ? "null" : typeof elem}`,
  );
}

/** Without auto-batching PyTorch converts NumPy arrays; JavaScript values pass through. */
export const default_convert = <T>(data: T): T => data;
