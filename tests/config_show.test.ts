// torch.__config__: show() names the cpu device's kernels as XLATORCH_WASM
// selects them, and refresh_env() is what makes a change of XLATORCH_WASM at
// run time reach the kernels (it is read once, wasm/wasm_env.ts).
import { wasmMode } from "@xlatorch/cpu";
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

describe("torch.__config__", () => {
  const saved = process.env.XLATORCH_WASM;
  afterEach(() => {
    if (saved === undefined) delete process.env.XLATORCH_WASM;
    else process.env.XLATORCH_WASM = saved;
    torch.__config__.refresh_env();
  });

  it("show() names the kernels and the thread count", () => {
    process.env.XLATORCH_WASM = "off";
    torch.__config__.refresh_env();
    expect(torch.__config__.show()).toContain("cpu device: JavaScript kernels (XLATORCH_WASM=off)");
    process.env.XLATORCH_WASM = "always";
    torch.__config__.refresh_env();
    const text = torch.__config__.show();
    expect(text).toMatch(/cpu device: WebAssembly SIMD kernels \(XLATORCH_WASM=always\)/);
    expect(text).toContain(`, ${torch.get_num_threads()} threads`);
  });

  it("refresh_env() re-reads XLATORCH_WASM", () => {
    process.env.XLATORCH_WASM = "off";
    expect(wasmMode()).toBe("off");
    // defineProperty passes the suite's setup-file proxy (which refreshes on plain writes):
    // the kept value stays until refresh_env
    Object.defineProperty(process.env, "XLATORCH_WASM", { value: "always", writable: true, enumerable: true, configurable: true });
    expect(wasmMode()).toBe("off");
    torch.__config__.refresh_env();
    expect(wasmMode()).toBe("always");
  });
});
