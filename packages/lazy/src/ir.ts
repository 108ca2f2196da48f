// The lazy IR: nodes are primitive applications or device data; a tensor's
// payload points at one output of a node and is replaced by in-place writes.
import type { AVal, HostArray } from "@xlatorch/core";
import type { DeviceBuffer } from "@xlatorch/stablehlo";

export interface LazyNode {
  readonly id: number;
  /** Primitive name, or "data" for host data awaiting upload. */
  readonly op: string;
  /** Cleared once every output is materialised, so old graphs can be collected. */
  inputs: readonly LazyValue[];
  readonly attrs: unknown;
  readonly outs: readonly AVal[];
  /** Device buffers of the outputs once computed: the node is then device data. */
  results?: DeviceBuffer[];
  /** For "data": host values awaiting upload. */
  host?: HostArray;
  /** Cached key fragment (op and attributes), computed on first keying. */
  keyPart?: string;
}

export interface LazyValue { readonly node: LazyNode; readonly index: number }

/** The xla device's tensor payload. */
export interface XlaPayload {
  value: LazyValue;
  /** For views: the version of the base this value was derived at. */
  seen: number;
  /** Written in place at least once: state (parameters, optimizer buffers) that sync materialises. */
  mutated: boolean;
}

let nextId = 0;
export function makeNode(op: string, inputs: readonly LazyValue[], attrs: unknown, outs: readonly AVal[]): LazyNode {
  return { id: nextId++, op, inputs, attrs, outs };
}
/** A value that is a parameter of any computation using it (device data or pending host data). */
export const isLeaf = (v: LazyValue): boolean => v.node.results !== undefined || v.node.op === "data";
export const avalOf = (v: LazyValue): AVal => v.node.outs[v.index]!;
