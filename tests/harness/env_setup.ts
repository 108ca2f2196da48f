// vitest setup file (vitest.config.ts setupFiles): tests switch XLATORCH_WASM
// at run time (withEnv, or process.env writes around a call), but the kernels
// read it once and keep it (packages/cpu/src/wasm/wasm_env.ts: a process.env
// read per kernel call was a third of a small op's time). So process.env is
// wrapped here, in test processes only, to have every write or delete of
// XLATORCH_WASM followed by refreshWasmEnv(): a test sees the value it set.
import { refreshWasmEnv } from "@xlatorch/cpu";

const env = process.env;
const watched = (key: string | symbol) => key === "XLATORCH_WASM";
process.env = new Proxy(env, {
  set(target, key, value) {
    const ok = Reflect.set(target, key, value);
    if (watched(key)) refreshWasmEnv();
    return ok;
  },
  deleteProperty(target, key) {
    const ok = Reflect.deleteProperty(target, key);
    if (watched(key)) refreshWasmEnv();
    return ok;
  },
});
