// The primitive registry: each primitive has one shape/dtype rule (here), one
// CPU kernel (packages/cpu), one StableHLO lowering (packages/lazy) and one VJP
// (vjps.ts). The wide PyTorch surface in ops/ is composed from these.
import type { DType } from "./dtype.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

/** Abstract value: what a shape rule sees and produces. */
export interface AVal { shape: Shape; dtype: DType }

export type Cotangents = (Tensor | null)[];
/** inputs: all (true) or per input; outputs: all or none. */
export interface Saves { inputs?: boolean | boolean[]; outputs?: boolean }

/**
 * A function of a primitive's attributes, bivariant in them like a method: the registry holds every
 * primitive as Primitive<unknown> (dispatch passes the attributes it was given through).
 */
type AttrsFn<A, Args extends unknown[], R> = { fn(...args: [...Args, A]): R }["fn"];

export interface Primitive<A = unknown> {
  readonly name: string;
  /** Shape/dtype rule. Inputs are already validated by the op surface. */
  abstract(inputs: readonly AVal[], attrs: A): AVal[];
  /** Produces outputs that alias the (first) input's storage on eager devices. */
  readonly isView?: boolean;
  /**
   * Which forward values the VJP reads, for the saved-tensor version checks
   * (shapes alone do not count). A function gets the inputs' requires_grad
   * flags and the attributes: mul only needs x when y requires grad.
   */
  readonly saves?: Saves | AttrsFn<A, [requiresGrad: boolean[]], Saves>;
  vjp?: AttrsFn<A, [cts: Cotangents, inputs: readonly Tensor[], outputs: readonly Tensor[]], (Tensor | null)[]>;
}

const registry = new Map<string, Primitive>();

export function definePrimitive<A>(p: Primitive<A>): Primitive<A> {
  if (registry.has(p.name)) throw new Error(`primitive ${p.name} defined twice`);
  registry.set(p.name, p as Primitive);
  return p;
}

export function getPrimitive(name: string): Primitive {
  const p = registry.get(name);
  if (!p) throw new Error(`unknown primitive ${name}`);
  return p;
}

export function allPrimitives(): Primitive[] { return [...registry.values()]; }

/** Attach the VJP of a primitive (kept in vjps.ts, one table for all). */
export function defineVjp<A>(name: string, saves: Primitive<A>["saves"], vjp: NonNullable<Primitive<A>["vjp"]>): void {
  const p = getPrimitive(name) as { -readonly [K in keyof Primitive]: Primitive[K] };
  p.vjp = vjp as Primitive["vjp"];
  p.saves = saves;
}
