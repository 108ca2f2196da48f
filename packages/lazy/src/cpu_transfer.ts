// A compiled cpu call's copies between cpu tensors and the runtime's buffers
// (capture.ts's replay, aot.ts), without the generic paths' extra copies:
//   - in: a dense cpu tensor's storage is handed to the runtime as it is (the
//     runtime reads its arguments and never writes or pools them) instead of a
//     copy of it;
//   - out: a result stored into a dense cpu tensor is one TypedArray.set from
//     the runtime's dense buffer, instead of a copy to the host, a tensor
//     around it and a strided write.
// The cpu device's payload ({data, offset, strides}) and the CPU runtime's
// buffer ({s: {data, offset, strides}}) are recognised by shape (the lazy
// package does not depend on the cpu one); anything else takes the generic path.
import { getBackend, internals, storageKey, type Tensor } from "@xlatorch/core";
import type { DeviceBuffer, Runtime } from "@xlatorch/stablehlo";

interface StridedLike {
  data: ArrayLike<unknown> & { length: number; set?: unknown; buffer?: ArrayBufferLike };
  offset: number;
  strides: readonly number[];
}

const isStrided = (x: unknown): x is StridedLike =>
  typeof x === "object" &&
  x !== null &&
  ArrayBuffer.isView((x as StridedLike).data) &&
  typeof (x as StridedLike).offset === "number" &&
  Array.isArray((x as StridedLike).strides);

/** Whether `s` is exactly a row-major array of `shape` (offset 0, nothing before or after). */
function dense(s: StridedLike, shape: readonly number[]): boolean {
  if (s.offset !== 0) return false;
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && s.strides[i] !== acc) return false;
    acc *= shape[i]!;
  }
  return s.data.length === acc;
}

/** The cpu payload of `t` when it is dense and not complex (complex storage interleaves pairs), else null. */
function densePayload(t: Tensor): StridedLike | null {
  if (t.dtype.is_complex) return null;
  const p = internals(t)._payload;
  return isStrided(p) && dense(p, t.shape) ? p : null;
}

/** The array cpuInput hands over for `t` without a copy (its dense storage), else null: what a donated cpu input is (donation.ts). */
export function storageOf(t: Tensor): (ArrayLike<unknown> & { buffer?: ArrayBufferLike }) | null {
  return densePayload(t)?.data ?? null;
}

/**
 * A runtime buffer holding cpu tensor `t`'s value. `borrowed` (when given)
 * collects the memory handed over without a copy: a result over that memory
 * (a runtime view of an argument) is copied before anything is stored.
 */
export function cpuInput(rt: Runtime, t: Tensor, borrowed?: Set<unknown>): DeviceBuffer {
  const p = densePayload(t);
  if (p) {
    borrowed?.add(storageKey(p.data));
    return rt.toDevice(p.data as Parameters<Runtime["toDevice"]>[0], t.dtype.name, t.shape);
  }
  return rt.toDevice(getBackend("cpu").toHost(t), t.dtype.name, t.shape);
}

/** Whether runtime buffer `b` can be stored into cpu tensor `t` by storeDense. */
export function canStoreDense(t: Tensor, b: DeviceBuffer, borrowed: Set<unknown>): boolean {
  const s = (b as { s?: unknown }).s;
  const p = densePayload(t);
  return (
    p !== null &&
    isStrided(s) &&
    !borrowed.has(storageKey(s.data)) &&
    s.data.constructor === p.data.constructor &&
    dense(s, t.shape) &&
    typeof p.data.set === "function"
  );
}

/** Copies runtime buffer `b` into cpu tensor `t`'s storage (canStoreDense said it can). */
export function storeDense(t: Tensor, b: DeviceBuffer): void {
  const p = internals(t)._payload as { data: { set(a: ArrayLike<unknown>): void } };
  p.data.set((b as unknown as { s: StridedLike }).s.data);
}
