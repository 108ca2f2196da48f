// narrow(input, dim, start: Tensor, length) on a device that records (xla):
// the start stays a graph value (the dynamic_slice primitive), so a loop that
// narrows at a moving position (a KV cache) compiles one graph for every
// position instead of one per value, and reads nothing back to the host.
// PyTorch's result is a view of the input; this one is too: it shares the
// input's version counter and base, and re-derives from the base by the same
// dynamic_slice, so writes through it (cache.narrow(0, t, 1).copy_(x)) reach
// the input and later writes to the input are seen (the xla device's view
// machinery, backend.ts, works from _base/_viewFn alone).
// Bounds: when the start's value is at hand without running anything (host
// data moved to the device) it is checked at the call with PyTorch's messages;
// a computed start cannot be, and is clamped into [0, size - length] as
// StableHLO's dynamic_slice does (negative starts wrap first, as PyTorch's).
import { surface } from "../autograd.js";
import { backendOf } from "../capture_hooks.js";
import { bind1, type ViewFn } from "../dispatch.js";
import { int64 } from "../dtype_all.js";
import { TorchError, TorchIndexError } from "../errors.js";
import { P } from "../prims.js";
import type { Tensor } from "../tensor.js";
import { convert, scalarOperand } from "./base.js";

/** PyTorch's narrow bounds checks on a known start (the messages of narrow with an integer start). */
export function checkNarrow(start: number, length: number, d: number, n: number): number {
  // PyTorch 1.13 words this as a dimension wrap error: its range text is kept
  if (start < -n || start > n)
    throw new TorchIndexError(
      `narrow(): start ${start} is out of range for dimension ${d} of size ${n} (expected to be in range of [${-n}, ${n - 1}], but got ${start})`,
    );
  const s = start < 0 ? start + n : start;
  if (length < 0 || s + length > n) throw new TorchError(`narrow: start (${s}) + length (${length}) exceeds dimension size (${n}).`);
  return s;
}

/** narrow along the normalised dim `d` at a 0-d integral `start` (validated), as a dynamic_slice view of `x`. */
export function narrowDynamic(x: Tensor, d: number, start: Tensor, length: number): Tensor {
  const n = x.shape[d]!;
  let s = start.device.equals(x.device) ? start : start.to(x.device);
  const host = backendOf(s.device).peekHost?.(s);
  if (host) checkNarrow(Number(host[0]!), length, d, n);
  else if (length < 0 || length > n) throw new TorchError(`narrow: length (${length}) must be in [0, ${n}], the size of dimension ${d}.`);
  return surface("SliceBackward0", () => {
    s = convert(s, int64);
    // a negative start counts from the end (PyTorch's start + size), computed in the graph
    const neg = bind1(P.compare, [s, scalarOperand(0, int64, x.device)], { direction: "LT" });
    s = bind1(P.select, [neg, bind1(P.add, [s, scalarOperand(n, int64, x.device)]), s]);
    const zero = scalarOperand(0, int64, x.device);
    const starts = x.shape.map((_, i) => (i === d ? s : zero));
    const sizes = x.shape.map((m, i) => (i === d ? length : m));
    const out = bind1(P.dynamic_slice, [x, ...starts], { sizes });
    const parentFn = x._viewFn;
    out._vc = x._vc;
    x._vc.shared = true;
    out._base = x._base ?? x;
    const fn: ViewFn = (base) => bind1(P.dynamic_slice, [parentFn ? parentFn(base) : base, ...starts], { sizes });
    // of a view that reinterprets storage (z.real): a step of its chain (core/src/view_reinterpret.ts)
    const pf = parentFn as ViewFn | null;
    if (pf?.step)
      fn.step = { prim: P.dynamic_slice, attrs: { sizes }, parent: pf, apply: (t) => bind1(P.dynamic_slice, [t, ...starts], { sizes }) };
    out._viewFn = fn;
    return out;
  });
}
