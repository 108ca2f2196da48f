// Window functions (torch.hann_window, hamming_window, blackman_window,
// bartlett_window, kaiser_window), composed of arange and elementwise ops in the
// order PyTorch's TensorFactories.cpp computes them, in the requested dtype, so
// float32 windows round as PyTorch's do. periodic=True computes N + 1 points
// and drops the last, as PyTorch does.
import { get_default_dtype } from "../dtype.js";
import type { DType } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { describe, parseArgs } from "./args.js";
import { resolveDevice, resolveDtype } from "./base.js";
import { arange, ones } from "./creation.js";
import * as E from "./elementwise.js";
import { clone, narrow } from "./shape.js";
import { i0 } from "./special.js";

const FACTORY = ["dtype", "layout", "device", "pin_memory", "requires_grad"] as const;

interface WindowSetup {
  n: number;
  periodic: boolean;
  dtype: DType;
  o: { device?: unknown; requires_grad?: boolean };
}

function setup(op: string, window_length: unknown, args: unknown[], extra: readonly string[], defaults: Record<string, unknown>) {
  const o = parseArgs(op, args, ["periodic", ...extra, ...FACTORY], { periodic: true, ...defaults });
  if (typeof window_length !== "number" || !Number.isInteger(window_length))
    throw new TorchTypeError(`${op}(): argument 'window_length' (position 1) must be int, not ${describe(window_length)}`);
  if (typeof o.periodic !== "boolean")
    throw new TorchTypeError(`${op}(): argument 'periodic' (position 2) must be bool, not ${describe(o.periodic)}`);
  const dtype = resolveDtype(o.dtype, get_default_dtype());
  if (!dtype.is_floating_point) throw new TorchError(`${op} expects floating point dtypes, got: ${dtype}`);
  if (window_length < 0) throw new TorchError(`${op} requires non-negative window_length, got window_length=${window_length}`);
  return { s: { n: window_length, periodic: o.periodic, dtype, o } as WindowSetup, o };
}

/** Runs `body` on arange(M) (M = N, or N + 1 when periodic) and trims; N = 0 and 1 as PyTorch. */
function window(s: WindowSetup, body: (n: Tensor, m: number) => Tensor): Tensor {
  const opts = { dtype: s.dtype, device: resolveDevice(s.o.device as never) };
  let w: Tensor;
  if (s.n === 0) w = arange(0, opts);
  else if (s.n === 1) w = ones([1], opts);
  else {
    const m = s.periodic ? s.n + 1 : s.n;
    w = body(arange(m, opts), m);
    if (s.periodic) w = clone(narrow(w, 0, 0, m - 1));
  }
  if (s.o.requires_grad) w.requires_grad_(true);
  return w;
}

function hamming(s: WindowSetup, alpha: number, beta: number): Tensor {
  return window(s, (n, m) => E.add(E.mul(E.cos(E.mul(n, (Math.PI * 2) / (m - 1))), -beta), alpha));
}

/** torch.hann_window(window_length, periodic=True, *, dtype, layout, device, pin_memory, requires_grad). */
export function hann_window(window_length: number, ...args: unknown[]): Tensor {
  return hamming(setup("hann_window", window_length, args, [], {}).s, 0.5, 0.5);
}

/** torch.hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype, ...). */
export function hamming_window(window_length: number, ...args: unknown[]): Tensor {
  const { s, o } = setup("hamming_window", window_length, args, ["alpha", "beta"], { alpha: 0.54, beta: 0.46 });
  return hamming(s, Number(o.alpha), Number(o.beta));
}

/** torch.blackman_window(window_length, periodic=True, *, dtype, ...). */
export function blackman_window(window_length: number, ...args: unknown[]): Tensor {
  const { s } = setup("blackman_window", window_length, args, [], {});
  return window(s, (n, m) => {
    const x = E.mul(n, Math.PI / (m - 1));
    return E.add(E.sub(E.mul(E.cos(E.mul(x, 4)), 0.08), E.mul(E.cos(E.mul(x, 2)), 0.5)), 0.42);
  });
}

/** torch.bartlett_window(window_length, periodic=True, *, dtype, ...): 2n/(M-1) rising, then 2 - 2n/(M-1). */
export function bartlett_window(window_length: number, ...args: unknown[]): Tensor {
  const { s } = setup("bartlett_window", window_length, args, [], {});
  return window(s, (n, m) => {
    const x = E.mul(n, 2 / (m - 1));
    const firstHalf = ((m - 1) >> 1) + 1;
    return E.where(E.lt(n, firstHalf), x, E.add(E.mul(x, -1), 2));
  });
}

/** torch.kaiser_window(window_length, periodic=True, beta=12.0, *, dtype, ...): i0(beta sqrt(1 - ((n - a)/a)^2)) / i0(beta), a = (M-1)/2. */
export function kaiser_window(window_length: number, ...args: unknown[]): Tensor {
  const { s, o } = setup("kaiser_window", window_length, args, ["beta"], { beta: 12.0 });
  const beta = Number(o.beta);
  return window(s, (n, m) => {
    const a = (m - 1) / 2;
    const r = E.div(E.sub(n, a), a);
    const arg = E.mul(E.sqrt(E.sub(1, E.mul(r, r))), beta);
    return E.div(i0(arg), i0(E.mul(E.add(E.mul(n, 0), 1), beta)));
  });
}
