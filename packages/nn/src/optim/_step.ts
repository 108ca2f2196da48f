// The bookkeeping of an optimizer's per-parameter 'step' counter, shared by
// Adam-like optimizers (PyTorch 1.13 keeps it as a cpu float32 scalar tensor).
import { type Tensor, float32, float64, int64 } from "@xlatorch/core";

/** Object.keys(o).length === 0, without the array. */
export function isEmpty(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

/** Counters' values as last written here, by the version counter they had then (any other write bumps it). */
const written = new WeakMap<Tensor, { version: number; value: number }>();

/**
 * `step_t += 1; step = step_t.item()`. The usual counter (a cpu scalar: float32
 * as PyTorch makes it, float64 or int64 from a loaded state) is read and then
 * filled with the sum computed in its dtype: the same value and the same single
 * write as add_(1), without running an add kernel.
 */
export function advanceStep(t: Tensor): number {
  const d = t.dtype;
  if (t.device.type === "cpu" && t.ndim === 0 && !t.requires_grad && (d === int64 || d === float32 || d === float64)) {
    // the value this function last wrote, while the tensor's version says nothing else wrote since
    const known = written.get(t);
    const old = known !== undefined && known.version === t._version ? known.value : Number(t.item());
    const step = d === float32 ? Math.fround(old + 1) : old + 1;
    if (d !== int64 || Number.isSafeInteger(step)) {
      t.fill_(step);
      if (known !== undefined) {
        known.version = t._version;
        known.value = step;
      } else written.set(t, { version: t._version, value: step });
      return step;
    }
  }
  t.add_(1);
  return Number(t.item());
}
