// The primitive registry: each primitive has one shape/dtype rule (here), one
// CPU kernel (packages/cpu), one StableHLO lowering (packages/lazy) and one VJP
// (vjps.ts). The wide PyTorch surface in ops/ is composed from these.
import type { DType } from "./dtype.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

/** Abstract value: what a shape rule sees and produces. */
export interface AVal {
  shape: Shape;
  dtype: DType;
}

export type Cotangents = (Tensor | null)[];
/** inputs and outputs: all (true) or per position. */
export interface Saves {
  inputs?: boolean | boolean[];
  outputs?: boolean | boolean[];
}

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
   * Elementwise primitives whose operands are all of the output's shape, except
   * that a 0-d operand stands for its value at every position (a scalar operand
   * needs no broadcast node; the lowering broadcasts it, the CPU kernels read
   * it once).
   */
  readonly scalarOperands?: boolean;
  /**
   * Which forward values the VJP reads, for the saved-tensor version checks
   * (shapes alone do not count). A function gets the inputs' requires_grad
   * flags and the attributes: mul only needs x when y requires grad.
   */
  readonly saves?: Saves | AttrsFn<A, [requiresGrad: boolean[]], Saves>;
  /**
   * Gradients of the inputs. `needs[i]` says whether input i's gradient is
   * wanted (it requires grad); a VJP may return null for the others instead of
   * computing them (PyTorch's output_mask), so that the backward of x @ w for
   * an input x records no product for x. (A method type: attributes compare bivariantly, as AttrsFn's.)
   */
  vjp?: {
    fn(cts: Cotangents, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: A, needs: readonly boolean[]): (Tensor | null)[];
  }["fn"];
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

export function allPrimitives(): Primitive[] {
  return [...registry.values()];
}

/** Attach the VJP of a primitive (kept in vjps.ts, one table for all). */
export function defineVjp<A>(name: string, saves: Primitive<A>["saves"], vjp: NonNullable<Primitive<A>["vjp"]>): void {
  const p = getPrimitive(name) as { -readonly [K in keyof Primitive]: Primitive[K] };
  p.vjp = vjp as Primitive["vjp"];
  p.saves = saves;
}
