// torch.Size's own map/filter/every/some/slice (shape.ts: V8's builtins are slow on an Array subclass) must do
// exactly what Array.prototype's do on the same dims: plain Array results, the same callback arguments and thisArg,
// the builtins' bounds handling and TypeErrors.
import { describe, expect, it } from "vitest";
import { Size } from "@xlatorch/core";
import * as torch from "xlatorch";

const size = (): Size => {
  const s = torch.zeros(4, 6, 16).shape;
  expect(s).toBeInstanceOf(Size);
  return s as Size;
};
const plain = [4, 6, 16];

describe("torch.Size array methods", () => {
  it("map: a plain Array, callback gets (value, index, the Size) and thisArg", () => {
    const s = size();
    const calls: unknown[][] = [];
    const ctx = { k: 10 };
    const r = s.map(function (this: { k: number }, v, i, a) {
      calls.push([v, i, a === s]);
      return v * this.k + i;
    }, ctx);
    expect(r).toEqual([40, 61, 162]);
    expect(Object.getPrototypeOf(r)).toBe(Array.prototype);
    expect(Object.isFrozen(r)).toBe(false);
    expect(calls).toEqual([
      [4, 0, true],
      [6, 1, true],
      [16, 2, true],
    ]);
  });
  it("filter, every, some match the builtins", () => {
    const s = size();
    const f = s.filter((v, i) => v > 5 || i === 0);
    expect(f).toEqual([4, 6, 16]);
    expect(s.filter((v) => v > 5)).toEqual([6, 16]);
    expect(Object.getPrototypeOf(f)).toBe(Array.prototype);
    expect(s.every((v) => v > 3)).toBe(true);
    expect(s.every((v) => v > 4)).toBe(false);
    expect(s.some((v) => v === 16)).toBe(true);
    expect(s.some((v) => v === 5)).toBe(false);
    // every/some stop at the first deciding element, as the builtins
    const seen: number[] = [];
    s.some((v) => (seen.push(v), v === 6));
    expect(seen).toEqual([4, 6]);
  });
  it("slice: the builtin's bounds (none, negative, past the end, fractional)", () => {
    const s = size();
    const cases: [number?, number?][] = [[], [1], [0, -1], [-2], [-10, 2], [1, 10], [2, 1], [0.5, 2.7], [undefined, 2]];
    for (const [a, b] of cases) {
      const r = s.slice(a, b);
      expect(r).toEqual(plain.slice(a, b));
      expect(Object.getPrototypeOf(r)).toBe(Array.prototype);
    }
    const c = s.slice();
    c[0] = 99; // a copy, not the (frozen) Size
    expect(s[0]).toBe(4);
  });
  it("reduce: with and without an initial value, callback arguments, the empty Size's TypeError", () => {
    const s = size();
    const calls: unknown[][] = [];
    expect(
      s.reduce((acc, v, i, a) => {
        calls.push([acc, v, i, a === s]);
        return acc * v;
      }, 1),
    ).toBe(384);
    expect(calls).toEqual([
      [1, 4, 0, true],
      [4, 6, 1, true],
      [24, 16, 2, true],
    ]);
    expect(s.reduce((a, b) => a + b)).toBe(26);
    expect(s.reduce((acc: string, v) => `${acc}${v},`, "")).toBe("4,6,16,");
    const e = torch.zeros([]).shape as Size;
    expect(e.reduce((a, b) => a * b, 7)).toBe(7);
    expect(() => e.reduce((a, b) => a * b)).toThrow(/Reduce of empty array with no initial value/);
  });
  it("a non-function callback throws the builtin's TypeError", () => {
    const s = size() as unknown as { map(f: unknown): unknown; filter(f: unknown): unknown };
    expect(() => s.map(3)).toThrow(TypeError);
    expect(() => s.map(3)).toThrow(/3 is not a function/);
    expect(() => s.filter(null)).toThrow(/null is not a function/);
  });
  it("the empty Size", () => {
    const e = torch.zeros([]).shape as Size;
    expect(e.map((v) => v)).toEqual([]);
    expect(e.every(() => false)).toBe(true);
    expect(e.some(() => true)).toBe(false);
    expect(e.slice()).toEqual([]);
  });
});
