// The V8 growing factor the CPU package sets (packages/cpu/src/heap_growth.ts): 2 (100 percent) unless
// XLATORCH_HEAP_GROWING_PERCENT says otherwise or node was given its own --heap-growing-percent.
import { describe, expect, it } from "vitest";
import { heapGrowingPercent, heapGrowingPercentFor } from "../packages/cpu/src/heap_growth.js";
import "xlatorch";

describe("heap growing factor", () => {
  it("is 100 percent by default", () => {
    expect(heapGrowingPercentFor({}, [])).toBe(100);
    expect(heapGrowingPercentFor({ XLATORCH_HEAP_GROWING_PERCENT: "" }, [])).toBe(100);
  });
  it("takes the variable's percent, and none for 0, off or a non-integer", () => {
    expect(heapGrowingPercentFor({ XLATORCH_HEAP_GROWING_PERCENT: "50" }, [])).toBe(50);
    expect(heapGrowingPercentFor({ XLATORCH_HEAP_GROWING_PERCENT: " 300 " }, [])).toBe(300);
    for (const v of ["0", "off", "OFF", "-5", "1.5", "abc"])
      expect(heapGrowingPercentFor({ XLATORCH_HEAP_GROWING_PERCENT: v }, [])).toBe(0);
  });
  it("leaves node's own --heap-growing-percent", () => {
    expect(heapGrowingPercentFor({}, ["--heap-growing-percent=20"])).toBe(0);
    expect(heapGrowingPercentFor({ NODE_OPTIONS: "--max-old-space-size=4096 --heap-growing-percent=20" }, [])).toBe(0);
    expect(heapGrowingPercentFor({ NODE_OPTIONS: "--max-old-space-size=4096" }, [])).toBe(100);
  });
  it("was set when the cpu device loaded (this process gives node no flag of its own)", () => {
    const own = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) => a.includes("heap-growing-percent"));
    expect(heapGrowingPercent).toBe(own ? 0 : heapGrowingPercentFor(process.env, process.execArgv));
    if (!own && process.env.XLATORCH_HEAP_GROWING_PERCENT === undefined) expect(heapGrowingPercent).toBe(100);
  });
});
