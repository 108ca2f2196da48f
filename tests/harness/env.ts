// Runs a test body under an environment variable and puts the old value back,
// whatever the body throws (XLATORCH_WASM switches reach the kernels through env_setup.ts).
import { afterEach } from "vitest";

/** Runs f with `name` set to `value` (undefined: unset). */
export function withEnv<T>(name: string, value: string | undefined, f: () => T): T {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/** Runs f with XLATORCH_WASM set to `mode` ("always", "off", ...). */
export const withWasm = <T>(mode: string, f: () => T): T => withEnv("XLATORCH_WASM", mode, f);

/** Puts `name` back as it was when the test file loaded, after each of its tests (that set it itself). */
export function restoreEnvAfterEach(name: string): void {
  const before = process.env[name];
  afterEach(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}
