// A recorded op takes the signature entry whose attributes equal its own
// (packages/lazy/src/sig.ts sameAttr), and from then on the entry's attributes
// stand for its own: a wrong "equal" runs another op's lowering, a silent wrong
// value. sameAttr is checked against the plain recursive definition on the
// cases that differ only in a corner (0 and -0, NaN, a missing key against an
// undefined one, an extra key, an array against an object, dtypes) and on
// random attribute objects and their one-place mutations; and the recorder
// keeps ops apart whose attributes differ only in the sign of a zero.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { sameAttr } from "../../packages/lazy/src/sig";
import { pinFused } from "../harness/modes";

pinFused();

/** The definition: same structure; numbers equal as Object.is sees them (0 and -0 apart, NaN equal); dtypes by identity or fields. */
function reference(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") return Object.is(a, b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => reference(x, bb[i]));
  }
  const ka = Object.keys(a),
    kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => k in b && reference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe("sameAttr", () => {
  const cases: [string, unknown, unknown][] = [
    ["0 and -0", { value: 0 }, { value: -0 }],
    ["-0 in an array", { low: [0, -0] }, { low: [0, 0] }],
    ["-0 alone", -0, 0],
    ["NaN", { value: NaN }, { value: NaN }],
    ["NaN in an array", [1, NaN], [1, NaN]],
    ["NaN against a number", { value: NaN }, { value: 1 }],
    ["undefined against missing", { a: 1, b: undefined }, { a: 1, c: undefined }],
    ["undefined both", { a: 1, b: undefined }, { a: 1, b: undefined }],
    ["extra key", { dim: 0 }, { dim: 0, keepdim: true }],
    ["fewer keys", { dim: 0, keepdim: true }, { dim: 0 }],
    ["key order", { start: [0], limit: [4] }, { limit: [4], start: [0] }],
    ["array against object", { shape: [1, 2] }, { shape: { 0: 1, 1: 2 } }],
    ["object against array", { 0: 1 }, [1]],
    ["longer array", { perm: [1, 0] }, { perm: [1, 0, 2] }],
    ["string against number", { dim: "0" }, { dim: 0 }],
    ["null against undefined", { v: null }, { v: undefined }],
    ["nested", { a: { b: [1, { c: -0 }] } }, { a: { b: [1, { c: 0 }] } }],
    ["nested equal", { a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } }],
    ["dtypes", { dtype: torch.float32 }, { dtype: torch.float64 }],
    ["same dtype", { dtype: torch.float32, dims: [] }, { dtype: torch.float32, dims: [] }],
    ["bigint", { v: 1n }, { v: 1n }],
    ["bigint apart", { v: 1n }, { v: 2n }],
    ["booleans", { amsgrad: false }, { amsgrad: 0 }],
  ];
  it.each(cases)("%s: as the definition, both ways", (_name, a, b) => {
    expect(sameAttr(a, b)).toBe(reference(a, b));
    expect(sameAttr(b, a)).toBe(reference(b, a));
    expect(sameAttr(a, a)).toBe(true);
  });
  it("the corner cases give both answers (the table can fail)", () => {
    const answers = cases.map(([, a, b]) => sameAttr(a, b));
    expect(answers.filter((x) => x).length).toBe(7);
    expect(answers.filter((x) => !x).length).toBe(cases.length - 7);
  });

  it("random attributes and their one-place mutations: as the definition", () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const leaves: unknown[] = [0, -0, 1, 2, NaN, 0.5, "sum", "EQ", true, false, null, undefined, torch.float32, torch.int64];
    const make = (depth: number): unknown => {
      const r = rnd(depth > 2 ? 1 : 4);
      if (r === 0) return leaves[rnd(leaves.length)];
      if (r === 1) return Array.from({ length: rnd(4) }, () => (rnd(3) ? rnd(5) : make(depth + 1)));
      const o: Record<string, unknown> = {};
      for (let k = rnd(4); k > 0; k--) o[["start", "limit", "step", "dims", "value", "op"][rnd(6)]!] = make(depth + 1);
      return o;
    };
    // the same structure again, with one leaf, key or length changed at random (or none)
    const mutate = (a: unknown): unknown => {
      if (typeof a !== "object" || a === null || "itemsize" in a) return rnd(3) ? a : leaves[rnd(leaves.length)];
      if (Array.isArray(a)) {
        const b = a.map((x) => (rnd(4) ? structuredCopy(x) : mutate(x)));
        if (!rnd(8)) b.push(0);
        return b;
      }
      const b: Record<string, unknown> = {};
      for (const k in a)
        if (rnd(10)) b[k] = rnd(4) ? structuredCopy((a as Record<string, unknown>)[k]) : mutate((a as Record<string, unknown>)[k]);
      if (!rnd(8)) b.extra = undefined;
      return b;
    };
    const structuredCopy = (a: unknown): unknown => {
      if (typeof a !== "object" || a === null || "itemsize" in a) return a;
      if (Array.isArray(a)) return a.map(structuredCopy);
      const o: Record<string, unknown> = {};
      for (const k in a) o[k] = structuredCopy((a as Record<string, unknown>)[k]);
      return o;
    };
    let equal = 0,
      apart = 0;
    for (let i = 0; i < 4000; i++) {
      const a = make(0);
      const b = mutate(a);
      const want = reference(a, b);
      expect(
        sameAttr(a, b),
        JSON.stringify([a, b], (_k, v) => (Object.is(v, -0) ? "-0" : v)),
      ).toBe(want);
      expect(sameAttr(b, a)).toBe(reference(b, a));
      if (want) equal++;
      else apart++;
    }
    expect(equal).toBeGreaterThan(500);
    expect(apart).toBeGreaterThan(500);
  });

  it("pad by 0 and by -0 in the same graph position: each op keeps its own value", () => {
    const x = torch.ones(2).to("xla");
    const signs: number[][] = [];
    for (const v of [0, -0, 0, -0, -0, 0]) {
      const y = torch.nn.functional.pad(x, [1, 1], "constant", v);
      const h = Array.from(y.to("cpu")._host() as Float32Array);
      signs.push([h[0]!, h[3]!].map((e) => (Object.is(e, -0) ? -1 : 1)));
    }
    expect(signs).toEqual([
      [1, 1],
      [-1, -1],
      [1, 1],
      [-1, -1],
      [-1, -1],
      [1, 1],
    ]);
  });
});
