// Grad mode: torch.no_grad(fn) / torch.enable_grad(fn) / set_grad_enabled.
let enabled = true;
export function is_grad_enabled(): boolean {
  return enabled;
}
export function set_grad_enabled(mode: boolean): void {
  enabled = mode;
}

function withGrad<T>(mode: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** `with torch.no_grad():` becomes `torch.no_grad(() => ...)`; with a function of args it wraps it (decorator form). */
export function no_grad<T>(fn: () => T): T {
  return withGrad(false, fn);
}
export function enable_grad<T>(fn: () => T): T {
  return withGrad(true, fn);
}
/** Decorator-like form: `const f = torch.no_grad_fn((x) => ...)`. */
export function no_grad_fn<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
  return (...a) => withGrad(false, () => fn(...a));
}
