// A function body under construction: instruction bytes plus a local allocator,
// so the generated kernels (elementwise_module.ts, reduce_module.ts) and the
// vector math (math_f64.ts) can ask for scratch locals as they emit code.
import { type Func, op } from "./encoder.js";

export class Body {
  readonly code: number[] = [];
  private readonly extra: number[] = [];
  constructor(private readonly params: readonly number[]) {}

  /** A fresh local of type `t`; returns its index. */
  local(t: number): number {
    this.extra.push(t);
    return this.params.length + this.extra.length - 1;
  }

  emit(...xs: readonly (readonly number[])[]): this {
    for (const x of xs) for (const b of x) this.code.push(b);
    return this;
  }

  /** `while (counter != 0) { body; counter-- }` over an i32 local. */
  countDown(counter: number, body: () => void): this {
    this.emit(op.block, op.loop, op.get(counter), op.eqz, op.brIf(1));
    body();
    this.emit(op.get(counter), op.i32(1), op.sub, op.set(counter), op.br(0), op.end, op.end);
    return this;
  }

  func(name: string, results: number[] = []): Func {
    return { name, params: [...this.params], results, locals: [...this.extra], body: [...this.code] };
  }
}
