// XLATORCH_WASM, read from the environment once and kept until refreshWasmEnv().
//
// The kernels decide at every call whether the WebAssembly path may run
// (XLATORCH_WASM=off: never; =always: at every size, which the fixture suites
// use to run their small shapes through it). Reading process.env at each call
// cost 0.15-0.4 us on the bench machine (a call into C++ and a scan of the
// environment block): a third of an 8x8 add's whole time, and several reads
// per op where a kernel asked more than once. So the value is read on first
// use, like XLATORCH_BLAS (blas.ts) and XLATORCH_NUM_THREADS (threads.ts), and
// a program that changes it at run time calls refreshWasmEnv() afterwards (the
// test suite's setup file does so on every write to process.env: tests/harness/env_setup.ts).

/** "off" (off, 0, false, none, no), "always", or "auto" (unset or any other value). */
export type WasmMode = "off" | "always" | "auto";

const OFF = new Set(["off", "0", "false", "none", "no"]);
let mode: WasmMode | undefined;

function read(): WasmMode {
  const v = typeof process === "object" ? process.env?.XLATORCH_WASM?.toLowerCase() : undefined;
  return v === undefined ? "auto" : OFF.has(v) ? "off" : v === "always" ? "always" : "auto";
}

/** XLATORCH_WASM as the kernels read it (from the environment on first use, then kept). */
export const wasmMode = (): WasmMode => (mode ??= read());

/** Forget the kept value, so the next call reads XLATORCH_WASM from the environment again. */
export function refreshWasmEnv(): void {
  mode = undefined;
}
