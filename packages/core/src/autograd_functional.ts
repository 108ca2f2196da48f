// torch.autograd.functional (PyTorch 1.13): jacobian, hessian, vjp, jvp, hvp,
// vhp, composed from torch.autograd.grad as PyTorch composes them. jvp and hvp
// use the double-backward trick (the gradient of a VJP with respect to its
// cotangent is the JVP), so they need no forward-mode AD. Inputs and outputs
// keep PyTorch's shapes: a Tensor where the function took/returned a Tensor, a
// list (Python's tuple) where it took/returned several.
import { grad } from "./autograd_grad.js";
import { TorchError, TorchTypeError } from "./errors.js";
import { enable_grad } from "./grad_mode.js";
import { Tensor } from "./tensor.js";
import { zeros_like } from "./ops/creation.js";
import { parseArgs, type ParsedArgs } from "./ops/args.js";
import { stack } from "./ops/shape.js";

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];
type TensorOrList = Tensor | Tensor[];
/** A jacobian/hessian: a Tensor, or lists of them nested by output then input. */
export type Nested = Tensor | Nested[];

/** Any prefix of the optional parameters P, then optionally the keyword object K (nn's Args, here in core). */
type Prefixes<P extends unknown[]> = P extends [...infer Init, unknown] ? P | Prefixes<Init> : [];
type Rest<P extends unknown[], K extends object> = Prefixes<P> extends infer Q ? (Q extends unknown[] ? Q | [...Q, K] : never) : never;

/** func and inputs (positional or named, as Python allows) and the options of one of these functions. */
function parseCall(
  op: string,
  args: unknown[],
  names: string[],
  defaults: Record<string, unknown>,
): ParsedArgs<string> & { func: Fn; inputs: TensorOrList } {
  const o = parseArgs(op, args, ["func", "inputs", ...names], defaults);
  const missing = ["func", "inputs"].filter((k) => o[k] === undefined);
  if (missing.length)
    throw new TorchTypeError(
      `${op}() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${missing.map((m) => `'${m}'`).join(" and ")}`,
    );
  if (typeof o.func !== "function") throw new TorchTypeError(`${op}(): func must be a function, got ${typeof o.func}`);
  return o as ParsedArgs<string> & { func: Fn; inputs: TensorOrList };
}

/** PyTorch's _as_tuple: [whether it was a tuple, its tensors]. */
function asTuple(x: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(x);
  const list = isTuple ? (x as unknown[]) : [x];
  list.forEach((el, i) => {
    if (!(el instanceof Tensor)) {
      const what = el === null || el === undefined ? "NoneType" : typeof el;
      throw new TorchTypeError(
        isTuple
          ? `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the value at index ${i} has type ${what}.`
          : `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the given ${argName} has type ${what}.`,
      );
    }
  });
  return [isTuple, list as Tensor[]];
}

/** PyTorch's _grad_preprocess: inputs the function is differentiated at (graph kept only with create_graph). */
function gradPreprocess(inputs: Tensor[], create_graph: boolean, need_graph: boolean): Tensor[] {
  return inputs.map((x) => (create_graph && x.requires_grad ? x.view_as(x) : x.detach().requires_grad_(need_graph)));
}

/** PyTorch's _grad_postprocess: results detached unless create_graph. */
function gradPostprocess<T extends Nested>(x: T, create_graph: boolean): T {
  if (create_graph) return x;
  return (x instanceof Tensor ? x.detach() : (x as Nested[]).map((e) => gradPostprocess(e, false))) as T;
}

function validateV(v: Tensor[], other: Tensor[], isOtherTuple: boolean): void {
  if (other.length !== v.length) {
    if (isOtherTuple) throw new TorchError(`v is a tuple of invalid length: should be ${other.length} but got ${v.length}.`);
    throw new TorchError("The given v should contain a single Tensor.");
  }
  v.forEach((el, i) => {
    const want = other[i]!.shape;
    if (el.shape.length !== want.length || el.shape.some((s, d) => s !== want[d])) {
      const size = (s: readonly number[]) => `torch.Size([${s.join(", ")}])`;
      const prepend = isOtherTuple ? `Entry ${i} in ` : "";
      throw new TorchError(`${prepend}v has invalid size: should be ${size(want)} but got ${size(el.shape)}.`);
    }
  });
}

function checkRequiresGrad(xs: (Tensor | null)[], inputType: string, strict: boolean): void {
  if (!strict) return;
  xs.forEach((x, i) => {
    if (x === null)
      throw new TorchError(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (!x.requires_grad) {
      if (inputType === "hessian")
        throw new TorchError(
          `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode.`,
        );
      if (inputType === "jacobian")
        throw new TorchError(
          `The jacobian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode.`,
        );
      if (inputType === "grad_inputs")
        throw new TorchError(
          `The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`,
        );
      throw new TorchError(
        `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
      );
    }
  });
}

/** PyTorch's _autograd_grad: grad over the outputs that require grad; null for every input when none does. */
function autogradGrad(
  outputs: (Tensor | null)[],
  inputs: Tensor[],
  grad_outputs: (Tensor | null)[] | null,
  create_graph: boolean,
): (Tensor | null)[] {
  const outs: Tensor[] = [],
    gos: (Tensor | null)[] = [];
  outputs.forEach((o, i) => {
    if (o !== null && o.requires_grad) {
      outs.push(o);
      gos.push(grad_outputs ? (grad_outputs[i] ?? null) : null);
    }
  });
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, { grad_outputs: gos, create_graph, retain_graph: true, allow_unused: true });
}

/** PyTorch's _fill_in_zeros: zeros where a gradient is missing (an error in strict mode). */
function fillInZeros(grads: (Tensor | null)[], refs: Tensor[], strict: boolean, create_graph: boolean, stage: string): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        if (stage === "back")
          throw new TorchError(
            `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          );
        if (stage === "back_trick")
          throw new TorchError(
            `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`,
          );
        if (stage === "double_back")
          throw new TorchError(
            `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          );
        throw new TorchError(
          `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`,
        );
      }
      return zeros_like(refs[i]!);
    }
    if (strict && create_graph && !g.requires_grad) {
      if (!stage.includes("double"))
        throw new TorchError(
          `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`,
        );
      throw new TorchError(
        `The hessian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`,
      );
    }
    return g;
  });
}

/** PyTorch's _tuple_postprocess: unwraps what was not a tuple (one flag, or [outputs, inputs] flags). */
function tuplePost(res: Nested[], toUnpack: boolean | [boolean, boolean]): Nested {
  if (Array.isArray(toUnpack)) {
    const [outT, inT] = toUnpack;
    if (!outT && !inT) return (res[0] as Nested[])[0]!;
    if (!outT) return res[0]!;
    if (!inT) return res.map((r) => (r as Nested[])[0]!);
    return res;
  }
  return toUnpack ? res : res[0]!;
}

type HessianKw = {
  create_graph?: boolean;
  strict?: boolean;
  vectorize?: boolean;
  outer_jacobian_strategy?: "reverse-mode" | "forward-mode";
};
type JacobianKw = { create_graph?: boolean; strict?: boolean; vectorize?: boolean; strategy?: "reverse-mode" | "forward-mode" };

/**
 * The Jacobian of func at inputs: for each output and input, a tensor of shape
 * output.shape + input.shape, one reverse pass per output element.
 */
export function jacobian(
  func: Fn,
  inputs: TensorOrList,
  ...args: Rest<[create_graph: boolean, strict: boolean, vectorize: boolean, strategy: "reverse-mode" | "forward-mode"], JacobianKw>
): Nested;
export function jacobian(kwargs: { func: Fn; inputs: TensorOrList } & JacobianKw): Nested;
export function jacobian(...args: unknown[]): Nested {
  const o = parseCall("jacobian", args, ["create_graph", "strict", "vectorize", "strategy"], {
    create_graph: false,
    strict: false,
    vectorize: false,
    strategy: "reverse-mode",
  });
  const { func, inputs } = o;
  if (o.strategy !== "forward-mode" && o.strategy !== "reverse-mode")
    throw new TorchError(
      'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".',
    );
  if (o.strategy === "forward-mode")
    throw new TorchError("jacobian: strategy='forward-mode' needs forward-mode AD, which xlatorch does not have; use 'reverse-mode'");
  // vectorize (vmap over the rows) is an optimisation only: the rows are computed one by one here
  return enable_grad(() => {
    const [isInTuple, ins0] = asTuple(inputs, "inputs", "jacobian");
    const ins = gradPreprocess(ins0, o.create_graph, true);
    const [isOutTuple, outs] = asTuple(func(...ins), "outputs of the user-provided function", "jacobian");
    checkRequiresGrad(outs, "outputs", o.strict);
    const jac: Nested[] = outs.map((out) => {
      const rows: Tensor[][] = ins.map(() => []);
      const flat = out.reshape(-1);
      for (let j = 0; j < out.numel(); j++) {
        const vj = autogradGrad([flat.getitem(j)], ins, null, o.create_graph);
        vj.forEach((g, k) => {
          if (g !== null) {
            if (o.strict && o.create_graph && !g.requires_grad)
              throw new TorchError(
                `The jacobian of the user-provided function is independent of input ${k}. This is not allowed in strict mode when create_graph=True.`,
              );
            rows[k]!.push(g);
          } else {
            if (o.strict)
              throw new TorchError(
                `Output ${outs.indexOf(out)} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`,
              );
            rows[k]!.push(zeros_like(ins[k]!));
          }
        });
      }
      return rows.map((r, k) =>
        r.length ? stack(r, 0).view([...out.shape, ...ins[k]!.shape]) : zeros_like(ins[k]!).reshape([...out.shape, ...ins[k]!.shape]),
      );
    });
    return tuplePost(gradPostprocess(jac, o.create_graph), [isOutTuple, isInTuple]);
  });
}

/** The Hessian of a scalar func: the Jacobian of its gradient (with create_graph), input by input. */
export function hessian(
  func: Fn,
  inputs: TensorOrList,
  ...args: Rest<
    [create_graph: boolean, strict: boolean, vectorize: boolean, outer_jacobian_strategy: "reverse-mode" | "forward-mode"],
    HessianKw
  >
): Nested;
export function hessian(kwargs: { func: Fn; inputs: TensorOrList } & HessianKw): Nested;
export function hessian(...args: unknown[]): Nested {
  const o = parseCall("hessian", args, ["create_graph", "strict", "vectorize", "outer_jacobian_strategy"], {
    create_graph: false,
    strict: false,
    vectorize: false,
    outer_jacobian_strategy: "reverse-mode",
  });
  const { func, inputs } = o;
  const [isInTuple, ins] = asTuple(inputs, "inputs", "hessian");
  const single = (...xs: Tensor[]): Tensor => {
    const out = func(...xs);
    const [isOutTuple, t] = asTuple(out, "outputs of the user-provided function", "hessian");
    checkRequiresGrad(t, "outputs", o.strict);
    if (isOutTuple) throw new TorchError("The function given to hessian should return a single Tensor");
    if (t[0]!.numel() !== 1) throw new TorchError("The Tensor returned by the function given to hessian should contain a single element");
    return t[0]!.squeeze();
  };
  const jacFunc = (...xs: Tensor[]): Tensor | Tensor[] => {
    const jac = jacobian(single, isInTuple ? xs : xs[0]!, { create_graph: true }) as Tensor | Tensor[];
    checkRequiresGrad(Array.isArray(jac) ? jac : [jac], "jacobian", o.strict);
    return jac;
  };
  const res = jacobian(jacFunc, isInTuple ? ins : ins[0]!, {
    create_graph: o.create_graph,
    strict: o.strict,
    vectorize: o.vectorize,
    strategy: o.outer_jacobian_strategy,
  });
  // jacobian already unwrapped both levels as the inputs were given: PyTorch's _tuple_postprocess((is_inputs_tuple,) * 2)
  return res;
}

type VKw = { v?: TensorOrList | null; create_graph?: boolean; strict?: boolean };

/** Common setup of vjp/jvp/hvp/vhp: the preprocessed inputs, v, outputs. */
function setup(name: string, args: unknown[], vAgainst: "inputs" | "outputs") {
  const o = parseCall(name, args, ["v", "create_graph", "strict"], { v: null, create_graph: false, strict: false });
  const { func, inputs } = o;
  const [isInTuple, ins0] = asTuple(inputs, "inputs", name);
  const ins = gradPreprocess(ins0, o.create_graph, true);
  let v: Tensor[] | null = null;
  if (vAgainst === "inputs") {
    if (o.v !== null) {
      v = gradPreprocess(asTuple(o.v, "v", name)[1], o.create_graph, false);
      validateV(v, ins, isInTuple);
    } else if (ins.length !== 1 || ins[0]!.numel() !== 1)
      throw new TorchError(
        "The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.",
      );
  }
  const [isOutTuple, outs] = asTuple(func(...ins), "outputs of the user-provided function", name);
  checkRequiresGrad(outs, "outputs", o.strict);
  if (vAgainst === "outputs") {
    if (o.v !== null) {
      v = gradPreprocess(asTuple(o.v, "v", name)[1], o.create_graph, false);
      validateV(v, outs, isOutTuple);
    } else if (outs.length !== 1 || outs[0]!.numel() !== 1)
      throw new TorchError("The vector v can only be None if the user-provided function returns a single Tensor with a single element.");
  }
  return { o, isInTuple, ins, v, isOutTuple, outs };
}

/** Runs `fn` with grad mode on when create_graph (else as it is): PyTorch's set_grad_enabled(create_graph or is_grad_enabled()). */
const maybeGrad = <T>(create_graph: boolean, fn: () => T): T => (create_graph ? enable_grad(fn) : fn());

/** (func(inputs), v^T J): the vector-Jacobian product. */
export function vjp(
  func: Fn,
  inputs: TensorOrList,
  ...args: Rest<[v: TensorOrList | null, create_graph: boolean, strict: boolean], VKw>
): [Nested, Nested];
export function vjp(kwargs: { func: Fn; inputs: TensorOrList } & VKw): [Nested, Nested];
export function vjp(...args: unknown[]): [Nested, Nested] {
  const s = enable_grad(() => setup("vjp", args, "outputs"));
  const { o } = s;
  const res = maybeGrad(o.create_graph, () =>
    fillInZeros(autogradGrad(s.outs, s.ins, s.v, o.create_graph), s.ins, o.strict, o.create_graph, "back"),
  );
  return [tuplePost(gradPostprocess(s.outs, o.create_graph), s.isOutTuple), tuplePost(gradPostprocess(res, o.create_graph), s.isInTuple)];
}

/** (func(inputs), J v): the Jacobian-vector product, by the double-backward trick. */
export function jvp(
  func: Fn,
  inputs: TensorOrList,
  ...args: Rest<[v: TensorOrList | null, create_graph: boolean, strict: boolean], VKw>
): [Nested, Nested];
export function jvp(kwargs: { func: Fn; inputs: TensorOrList } & VKw): [Nested, Nested];
export function jvp(...args: unknown[]): [Nested, Nested] {
  const s = enable_grad(() => setup("jvp", args, "inputs"));
  const { o } = s;
  const [grad_outputs, grad_inputs] = enable_grad(() => {
    const gos = s.outs.map((out) => zeros_like(out, { requires_grad: true }));
    const gis = autogradGrad(s.outs, s.ins, gos, true);
    checkRequiresGrad(gis, "grad_inputs", o.strict);
    return [gos, gis] as const;
  });
  const res = maybeGrad(o.create_graph, () =>
    fillInZeros(autogradGrad(grad_inputs, grad_outputs, s.v, o.create_graph), s.outs, o.strict, o.create_graph, "back_trick"),
  );
  return [tuplePost(gradPostprocess(s.outs, o.create_graph), s.isOutTuple), tuplePost(gradPostprocess(res, o.create_graph), s.isOutTuple)];
}

function scalarOutput(name: string, isOutTuple: boolean, outs: Tensor[]): void {
  if (isOutTuple) throw new TorchError(`The function given to ${name} should return a single Tensor`);
  if (outs[0]!.numel() !== 1) throw new TorchError(`The Tensor returned by the function given to ${name} should contain a single element`);
}

/** (func(inputs), v^T H) of a scalar function. */
export function vhp(
  func: Fn,
  inputs: TensorOrList,
  ...args: Rest<[v: TensorOrList | null, create_graph: boolean, strict: boolean], VKw>
): [Nested, Nested];
export function vhp(kwargs: { func: Fn; inputs: TensorOrList } & VKw): [Nested, Nested];
export function vhp(...args: unknown[]): [Nested, Nested] {
  const s = enable_grad(() => setup("vhp", args, "inputs"));
  const { o } = s;
  scalarOutput("vhp", s.isOutTuple, s.outs);
  const jac = enable_grad(() => {
    const j = autogradGrad(s.outs, s.ins, null, true);
    checkRequiresGrad(j, "jacobian", o.strict);
    return j;
  });
  const res = maybeGrad(o.create_graph, () =>
    fillInZeros(autogradGrad(jac, s.ins, s.v, o.create_graph), s.ins, o.strict, o.create_graph, "double_back"),
  );
  return [tuplePost(gradPostprocess(s.outs, o.create_graph), s.isOutTuple), tuplePost(gradPostprocess(res, o.create_graph), s.isInTuple)];
}

/** (func(inputs), H v) of a scalar function, by the double-backward trick on the gradient. */
export function hvp(
  func: Fn,
  inputs: TensorOrList,
  ...args: Rest<[v: TensorOrList | null, create_graph: boolean, strict: boolean], VKw>
): [Nested, Nested];
export function hvp(kwargs: { func: Fn; inputs: TensorOrList } & VKw): [Nested, Nested];
export function hvp(...args: unknown[]): [Nested, Nested] {
  const s = enable_grad(() => setup("hvp", args, "inputs"));
  const { o } = s;
  scalarOutput("hvp", s.isOutTuple, s.outs);
  const [grad_jac, double_back] = enable_grad(() => {
    const jac = autogradGrad(s.outs, s.ins, null, true);
    checkRequiresGrad(jac, "jacobian", o.strict);
    const gj = s.ins.map((x) => zeros_like(x, { requires_grad: true }));
    const db = autogradGrad(jac, s.ins, gj, true);
    checkRequiresGrad(jac, "hessian", o.strict);
    return [gj, db] as const;
  });
  const res = maybeGrad(o.create_graph, () =>
    fillInZeros(autogradGrad(double_back, grad_jac, s.v, o.create_graph), s.ins, o.strict, o.create_graph, "double_back_trick"),
  );
  return [tuplePost(gradPostprocess(s.outs, o.create_graph), s.isOutTuple), tuplePost(gradPostprocess(res, o.create_graph), s.isInTuple)];
}
