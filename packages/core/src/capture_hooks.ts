// What torch.compile's capture (lazy/capture.ts) must know of the host side of
// a traced call, so that a replay — which runs the compiled executable, not
// the function — leaves the program as a call would have:
//   - numbers computed on the host that change from call to call (an
//     optimizer's lr, which a scheduler changes, and its bias corrections,
//     which depend on the step count): `liveScalar`, a runtime input read
//     again at each replay instead of a constant of the graph;
//   - host state a call advances (the optimizer's step counter): `hostEffect`,
//     run again at each replay;
//   - random draws (PyTorch's CPU generator streams, drawn on the host):
//     `liveData`, drawn again at each replay, in the same order, so a compiled
//     dropout gives the numbers an eager one would;
//   - host values that chose the traced path (weight_decay != 0): `hostGuard`,
//     checked before a replay (a change recompiles);
//   - what backward and zero_grad do to `.grad`: `gradEvent`.
// Outside a capture (every eager call) these are a plain call or value: the
// same code serves eager runs and traced ones.
import { getBackend, type Device, type DeviceBackend } from "./device.js";
import type { DType, HostArray } from "./dtype.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

/**
 * What happened to a leaf's `.grad`: backward gave it one (assign: it was
 * None) or added into it (accumulate), zero_grad dropped it (reset) or zeroed
 * it in place (zero), or host code looked at it (read: an optimizer skipping a
 * parameter without one). `before` is `.grad` just before.
 */
export type GradEventKind = "assign" | "accumulate" | "reset" | "zero" | "read";

export interface CaptureHooks {
  /** Whether tensors on `device` are being captured. */
  captures(device: Device): boolean;
  /** The backend that records ops on `device` while it is captured (cpu tensors are traced by the xla device's recorder), or null. */
  backendFor(device: Device): DeviceBackend | null;
  /** A 0-d tensor holding read() now, and read() again at each replay. */
  liveScalar(read: () => number, dtype: DType, device: Device): Tensor;
  /** run() ran now; it runs again at each replay, in capture order with the other host items. */
  effect(run: () => void): void;
  /** A tensor of draw() now; draw() runs again at each replay, in order. */
  liveData(draw: () => HostArray, shape: Shape, dtype: DType, device: Device): Tensor;
  /**
   * A copy of cpu tensor `x` onto the captured `device` (`x.to("xla")` inside the call): read from x again at
   * each replay (an argument: that call's), not a constant of the graph. Optional: without it the copy is data.
   */
  transferIn?(x: Tensor, device: Device): Tensor;
  /**
   * An nn.Module's __call__ ran during the capture (`module` is its `this`). The call may have reached the module
   * through a closure, where torch.compile cannot list it before the call: the capture guards its state (its
   * attributes, submodules' included) as it guards a compiled module's. Optional: core knows nothing of nn.
   */
  moduleCall?(module: object): void;
  /** read() gave `value` when the call was traced; a replay needs the same (Object.is). */
  guard(read: () => unknown, value: unknown, what: string): void;
  /** Something the capture cannot replay happened (a graph break: fullgraph throws, else the call runs eagerly). */
  unsupported(reason: string): void;
  /** `.grad` of `leaf` was assigned (before: null), added into (before: that tensor) or set to None. */
  gradEvent(leaf: Tensor, kind: GradEventKind, before: Tensor | null): void;
}

let hooks: CaptureHooks | null = null;

/** Installs (or with null removes) the capture's hooks; returns the previous ones. */
export function setCaptureHooks(h: CaptureHooks | null): CaptureHooks | null {
  const prev = hooks;
  hooks = h;
  return prev;
}

/** The capture's hooks when a capture is in progress. */
export const captureHooks = (): CaptureHooks | null => hooks;

/**
 * read() as a number (eager), or, while tensors like `like` are captured, a
 * 0-d tensor read again at each replay. Scalars of half-precision tensors stay
 * float32, as PyTorch keeps a Python scalar in float for their kernels.
 */
export function liveScalar(read: () => number, like: Tensor): number | Tensor {
  if (!hooks?.captures(like.device)) return read();
  const h = hooks;
  const d = like.dtype;
  const dtype = d.name === "float16" || d.name === "bfloat16" ? (like.float().dtype as DType) : d;
  return h.liveScalar(() => onHost(read), dtype, like.device);
}

/** Runs `run` now, and again at each replay of a compiled call that traced it. */
export function hostEffect<T>(run: () => T): T {
  const v = onHost(run);
  hooks?.effect(() => onHost(run));
  return v;
}

/** read() now; a replay of a compiled call that traced it recompiles when read() gives something else. */
export function hostGuard<T>(read: () => T, what: string): T {
  const v = onHost(read);
  hooks?.guard(() => onHost(read), v, what);
  return v;
}

/**
 * Runs host code (an effect, a live scalar's read, a guard) outside the
 * capture: its tensor ops (an optimizer's cpu step counter) run eagerly on
 * their own device, not into the traced graph.
 */
export function onHost<T>(f: () => T): T {
  const h = hooks;
  if (!h) return f();
  hooks = null;
  try {
    return f();
  } finally {
    hooks = h;
  }
}

/** Module.__call__'s note to a capture in progress (CaptureHooks.moduleCall); nothing outside one. */
export function noteModuleCall(module: object): void {
  hooks?.moduleCall?.(module);
}

/** `p.grad`, noted as read by a capture (the replay needs the same .grad). */
export function gradOf(p: Tensor): Tensor | null {
  const g = p.grad;
  hooks?.gradEvent(p, "read", g);
  return g;
}

/** The backend running ops on `device`: its own, or the capture's recorder while torch.compile traces that device. */
export function backendOf(device: Device): DeviceBackend {
  return hooks?.backendFor(device) ?? getBackend(device.type);
}

/**
 * A cpu tensor made inside a compiled cpu call and not among its results holds
 * the recorder's payload; the cpu device asks this resolver (installed by the
 * capture) for a cpu payload when it meets one.
 */
let resolver: ((t: Tensor) => void) | null = null;
export function setPayloadResolver(r: (t: Tensor) => void): void {
  resolver = r;
}
export function resolvePayload(t: Tensor): void {
  if (!resolver) throw new Error(`a ${t.device} tensor holds another device's payload and no resolver is installed`);
  resolver(t);
}
