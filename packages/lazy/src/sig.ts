// Interned signatures: a node's (op, attributes, output avals) and a
// parameter's aval become small integers once per distinct text, so keying a
// graph costs integer work per node, never string printing per cut.
import type { AVal, DType } from "@xlatorch/core";

export interface Sig {
  /** Dense id, for exact comparison of graph structures in this process. */
  readonly id: number;
  /** Hash of the text (stable across processes), mixed into graph keys. */
  readonly hash: number;
  readonly text: string;
}

const table = new Map<string, Sig>();
const byId: Sig[] = [];

export function intern(text: string): Sig {
  let s = table.get(text);
  if (!s) {
    s = { id: byId.length, hash: hashString(text), text };
    table.set(text, s);
    byId.push(s);
  }
  return s;
}
export const sigText = (id: number): string => byId[id]!.text;

export const avalText = (a: AVal): string => `${a.dtype.name}[${a.shape.join(",")}]`;

/** A node's signature: op, attributes (JSON-like, dtypes by name) and output avals. */
export function nodeSig(op: string, attrs: unknown, outs: readonly AVal[]): Sig {
  let t = op + attrText(attrs) + "->";
  for (let i = 0; i < outs.length; i++) t += (i ? ";" : "") + avalText(outs[i]!);
  return intern(t);
}
export const paramSig = (a: AVal): Sig => intern("param:" + avalText(a));

function attrText(a: unknown): string {
  switch (typeof a) {
    case "number": return Object.is(a, -0) ? "-0" : String(a);
    case "string": return JSON.stringify(a);
    case "boolean": return a ? "true" : "false";
    case "bigint": return `${a}n`;
    case "undefined": return "";
    case "object": {
      if (a === null) return "";
      if (Array.isArray(a)) {
        let s = "[";
        for (let i = 0; i < a.length; i++) s += (i ? "," : "") + attrText(a[i]);
        return s + "]";
      }
      if ("itemsize" in a) return (a as DType).name;
      let s = "{";
      for (const k in a) s += k + ":" + attrText((a as Record<string, unknown>)[k]) + ",";
      return s + "}";
    }
    default: throw new Error(`xla device: attribute of type ${typeof a} cannot be part of a graph key`);
  }
}

/** FNV-1a over UTF-16 units, then a murmur finaliser. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}
function fmix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
/** One step of the rolling graph hash (murmur3's block mix). */
export function mix(h: number, t: number): number {
  let k = Math.imul(t, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
