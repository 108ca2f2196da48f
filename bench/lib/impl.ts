// Helpers that turn "the op, written against each library" into an Impl, so a
// case module is a few lines per peer. Each `run` forces the computation and
// reads back one value; `output` returns the whole result for the cross-check.
import type { HostInputs, Impl, PeerCtx } from "./types.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function toF32(h: ArrayLike<number>): Float32Array {
  return h instanceof Float32Array ? h : Float32Array.from(h as ArrayLike<number>);
}

/** xlatorch tensors for the inputs, on the peer's device ("cpu", or "xla" for xlatorch-xla). */
export function xlatorchInputs(ctx: PeerCtx, inputs: HostInputs): Any[] {
  const torch = ctx.lib;
  const dev = ctx.extra.device ?? "cpu";
  return Object.values(inputs).map(({ data, shape }) => {
    // torch.fromHost left the public namespace (internals are excluded from it); torch.tensor takes a Float32Array
    const t = torch.fromHost
      ? torch.fromHost(data.slice(), shape, torch.float32, torch.device("cpu"))
      : torch.tensor(data.slice(), { dtype: torch.float32 }).reshape(shape);
    return dev === "cpu" ? t : t.to(dev);
  });
}

/** Read one element back: forces a lazy tensor to be computed, costs ~µs on cpu. */
export function readOne(ctx: PeerCtx, r: Any): number {
  const torch = ctx.lib;
  if (ctx.extra.device === "xla") torch.xla.sync(r);
  return Number(r.reshape(-1).getitem(0).item());
}

/** Eager (cpu) or lazy (xla) xlatorch: `fn(torch, ...inputs)` returns the result tensor. */
export function xlatorchOp(fn: (torch: Any, ...xs: Any[]) => Any) {
  return (ctx: PeerCtx, inputs: HostInputs): Impl => {
    const xs = xlatorchInputs(ctx, inputs);
    const torch = ctx.lib;
    return {
      run: () => readOne(ctx, fn(torch, ...xs)),
      output: () =>
        toF32(
          fn(torch, ...xs)
            .to("cpu")
            ._host(),
        ),
    };
  };
}

/** TF.js (wasm or cpu backend, both eager): `fn(tf, ...inputs)` inside tf.tidy. */
export function tfjsOp(fn: (tf: Any, ...xs: Any[]) => Any) {
  return (ctx: PeerCtx, inputs: HostInputs): Impl => {
    const tf = ctx.lib;
    const xs = Object.values(inputs).map(({ data, shape }) => tf.tensor(data, shape, "float32"));
    return {
      run: () => {
        const r = tf.tidy(() => fn(tf, ...xs));
        const one = tf.tidy(() => tf.slice(tf.reshape(r, [-1]), [0], [1]));
        const v = one.dataSync()[0];
        one.dispose();
        r.dispose();
        return v;
      },
      output: () => {
        const r = tf.tidy(() => fn(tf, ...xs));
        const d = toF32(r.dataSync());
        r.dispose();
        return d;
      },
      dispose: () => xs.forEach((x: Any) => x.dispose()),
    };
  };
}

/**
 * jax-js on its wasm device, under jax.jit. `fn(np, jax, ...inputs)` must
 * follow jax-js's ownership rules (each input consumed once, or `.ref`).
 * `run` waits with blockUntilReady(), which dispatches the pending kernels and
 * waits for them (jax-js is lazy: without it nothing would be computed).
 */
export function jaxOp(fn: (np: Any, jax: Any, ...xs: Any[]) => Any, opts: { jit?: boolean } = {}) {
  return (ctx: PeerCtx, inputs: HostInputs): Impl => {
    const jax = ctx.lib;
    const np = jax.numpy;
    const xs = Object.values(inputs).map(({ data, shape }) => np.array(data.slice()).reshape(shape));
    const body = (...a: Any[]) => fn(np, jax, ...a);
    const f = opts.jit === false ? body : jax.jit(body);
    return {
      run: async () => {
        const out = f(...xs.map((x: Any) => x.ref));
        await out.blockUntilReady();
        out.dispose();
      },
      output: () => toF32(f(...xs.map((x: Any) => x.ref)).dataSync()),
      dispose: () => xs.forEach((x: Any) => x.dispose()),
    };
  };
}
