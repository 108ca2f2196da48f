import { describe, expect, it } from "vitest";
import { classifyOption } from "../src/named_values.js";

describe("client option types", () => {
  it("maps JS values to PJRT_NamedValue types", () => {
    expect(classifyOption("platform_name", "cuda")).toEqual({ type: "string", value: "cuda" });
    expect(classifyOption("preallocate", false)).toEqual({ type: "bool", value: false });
    expect(classifyOption("node_id", 3)).toEqual({ type: "int64", value: 3n });
    expect(classifyOption("big", 2n ** 40n)).toEqual({ type: "int64", value: 2n ** 40n });
    expect(classifyOption("x", 0.25)).toEqual({ type: "float", value: 0.25 });
    expect(classifyOption("visible_devices", [0, 1])).toEqual({ type: "int64list", value: [0n, 1n] });
  });

  it("keeps memory_fraction a float even when it is a whole number", () => {
    expect(classifyOption("memory_fraction", 1)).toEqual({ type: "float", value: 1 });
    expect(classifyOption("memory_fraction", 0.5)).toEqual({ type: "float", value: 0.5 });
  });

  it("lets the caller force a type", () => {
    expect(classifyOption("a", { float: 2 })).toEqual({ type: "float", value: 2 });
    expect(classifyOption("b", { int64: 7 })).toEqual({ type: "int64", value: 7n });
  });
});
