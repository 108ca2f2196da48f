import { describe, expect, it } from "vitest";
import * as L from "../src/layout.js";
import type { StructDef } from "../src/layout.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect } from "./fake_plugin.js";

const structs = Object.values(L).filter((v): v is StructDef => typeof v === "object" && v !== null && "fields" in v && "allocSize" in v);

describe("struct layout engine", () => {
  it("aligns fields and reports PJRT_STRUCT_SIZE without tail padding", () => {
    const s = L.defineStruct("S", [
      ["a", "size_t"],
      ["b", "bool"],
      ["c", "int32"],
      ["d", "ptr"],
      ["e", "bool"],
    ]);
    expect(s.fields.b.offset).toBe(8);
    expect(s.fields.c.offset).toBe(12);
    expect(s.fields.d.offset).toBe(16);
    expect(s.fields.e.offset).toBe(24);
    expect(s.size).toBe(25);
    expect(s.allocSize).toBe(32);
  });

  it("matches the header's layouts for the structs that carry data", () => {
    expect(L.PJRT_Api_Head.fields.pjrt_api_version.offset).toBe(16);
    expect(L.FUNCTION_TABLE_OFFSET).toBe(40);
    expect(L.functionOffset("PJRT_Client_Compile")).toBe(40 + 8 * 20);
    expect(L.functionOffset("PJRT_Buffer_ToHostBuffer")).toBe(40 + 8 * 70);
    expect(L.PJRT_NamedValue.size).toBe(56);
    expect(L.PJRT_Client_BufferFromHostBuffer_Args.fields.type.offset).toBe(32);
    expect(L.PJRT_Client_BufferFromHostBuffer_Args.fields.dims.offset).toBe(40);
    expect(L.PJRT_Client_BufferFromHostBuffer_Args.size).toBe(120);
    expect(L.PJRT_ExecuteOptions.size).toBe(120);
    expect(L.PJRT_LoadedExecutable_Execute_Args.size).toBe(80);
    expect(L.PJRT_Buffer_ToHostBuffer_Args.size).toBe(56);
    expect(L.PJRT_Event_Await_Args.size).toBe(24);
    expect(L.PJRT_Plugin_Initialize_Args.size).toBe(16);
  });

  it("lists the function table in the header's slot order", () => {
    const slot = (n: L.PjrtFunctionName) => L.FUNCTION_TABLE.indexOf(n);
    expect(slot("PJRT_Error_Destroy")).toBe(0);
    expect(slot("PJRT_Plugin_Initialize")).toBe(3);
    expect(slot("PJRT_Event_Await")).toBe(8);
    expect(slot("PJRT_Client_Create")).toBe(10);
    expect(slot("PJRT_Client_BufferFromHostBuffer")).toBe(22);
    expect(slot("PJRT_Executable_NumOutputs")).toBe(44);
    expect(slot("PJRT_LoadedExecutable_Execute")).toBe(55);
    expect(slot("PJRT_Buffer_Destroy")).toBe(58);
    expect(slot("PJRT_Buffer_ToHostBuffer")).toBe(70);
    expect(slot("PJRT_Buffer_ReadyEvent")).toBe(72);
  });
});

describe.skipIf(!hasCompiler)("layout agrees with a C compiler", () => {
  it("every size and offset the fake plugin lists equals ours", () => {
    const fake = inspect(buildFakePlugin());
    let compared = 0;
    for (const s of structs) {
      const cSize = fake.layout(s.name, "");
      if (cSize >= 0) {
        expect(s.size, `${s.name} size`).toBe(cSize);
        compared++;
      }
      for (const [field, info] of Object.entries(s.fields)) {
        const cOff = fake.layout(s.name, field === "value" ? "int64_value" : field);
        if (cOff >= 0) {
          expect(info.offset, `${s.name}.${field}`).toBe(cOff);
          compared++;
        }
      }
    }
    expect(fake.layout("PJRT_Api", "fns")).toBe(L.FUNCTION_TABLE_OFFSET);
    expect(compared).toBeGreaterThan(60);
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
