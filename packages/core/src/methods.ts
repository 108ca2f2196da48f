// Installs the op surface as Tensor methods (x.add(y), x.sum(1), x.add_(1), ...),
// plus conversions and value access. Functions and methods share one
// implementation: the method passes `this` as the first argument.
import { accumulateInto, runBackward } from "./autograd.js";
import { captureHooks } from "./capture_hooks.js";
import { device as toDevice, getBackend, type DeviceLike } from "./device.js";
import { dtypeOf, bfloat16, bool, float16, float32, float64, int16, int32, int64, int8, uint8, type DType } from "./dtype_all.js";
import { TorchError, TorchTypeError } from "./errors.js";
import { fromHost } from "./dispatch.js";
import { formatTensor, hostValues } from "./format.js";
import { bf16ToF32, f16ToF32 } from "./half.js";
import { contiguous_format, denseIn, formatOrder, type memory_format, preserve_format } from "./memory_format.js";
import { isContiguous } from "./shape.js";
import { Tensor } from "./tensor.js";
import { isKwargs, parseArgs } from "./ops/args.js";
import { convert } from "./ops/base.js";
import * as creation from "./ops/creation.js";
import * as E from "./ops/elementwise.js";
import * as I from "./ops/indexing.js";
import * as L from "./ops/linalg.js";
import * as LD from "./ops/linalg_decomp.js";
import * as LE from "./ops/linalg_eig.js";
import * as LS from "./ops/linalg_solve.js";
import * as LT from "./ops/lu_torch.js";
import * as R from "./ops/reduce.js";
import * as S from "./ops/shape.js";
import { copy_, fill_, inplace, inplaceCall, zero_ } from "./ops/inplace.js";
import * as Rnd from "./ops/random.js";
import * as Cmp from "./ops/compare.js";
import * as M from "./ops/math.js";
import * as Mx from "./ops/matrix.js";
import * as SA from "./ops/scale_add.js";
import * as Scan from "./ops/scan.js";
import * as Sct from "./ops/scatter.js";
import * as Sort from "./ops/sort.js";
import * as Sp from "./ops/special.js";
import * as Cx from "./ops/complex.js";
import * as Stft from "./ops/stft.js";
import { ones_like } from "./ops/creation.js";
import * as IM from "./ops/integer_math.js";
import * as FP from "./ops/float_parts.js";
import * as SV from "./ops/scatter_views.js";
import * as ST from "./ops/statistics.js";
import * as SE from "./ops/selection_extras.js";
import * as RE from "./ops/reshaping_extras.js";
import * as AE from "./ops/arith_extras.js";
import { REFLECTED_METHODS } from "./ops/reflected.js";
import { ALIAS_INPLACE, ALIAS_METHODS } from "./ops/alias_methods.js";
import { INPLACE_VIEW_METHODS } from "./ops/inplace_views.js";
import { fill_diagonal_ } from "./ops/fill_diagonal.js";
import { new_empty_strided } from "./ops/empty_strided.js";
import { symeig } from "./ops/symeig.js";

/** A method's implementation: `this` first, then the call's arguments (each its own types: bivariant, method syntax). */
type Fn = { method(...a: unknown[]): unknown }["method"];
/** Methods that are the function of the same name with `this` first. */
export const METHOD_FUNCTIONS: Record<string, Fn> = {
  ...pick(Cx, ["angle", "conj", "conj_physical", "resolve_conj", "resolve_neg", "is_conj", "is_complex"]),
  ...pick(Stft, ["stft", "istft"]),
  ...pick(E, [
    "add",
    "sub",
    "mul",
    "div",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "pow",
    "maximum",
    "minimum",
    "atan2",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "greater",
    "less",
    "greater_equal",
    "less_equal",
    "not_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "neg",
    "negative",
    "abs",
    "absolute",
    "sign",
    "exp",
    "log",
    "log1p",
    "expm1",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tan",
    "tanh",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "sigmoid",
    "erf",
    "erfinv",
    "log2",
    "log10",
    "exp2",
    "square",
    "floor",
    "ceil",
    "trunc",
    "fix",
    "frac",
    "reciprocal",
    "round",
    "relu",
    "isnan",
    "isfinite",
    "isinf",
    "clamp",
    "clip",
    "clamp_min",
    "clamp_max",
    "lerp",
  ]),
  where: (self: Tensor, cond: Tensor, other: unknown) => E.where(cond, self, other as never),
  ...pick(R, [
    "sum",
    "prod",
    "mean",
    "max",
    "min",
    "argmax",
    "argmin",
    "amax",
    "amin",
    "any",
    "all",
    "std",
    "norm",
    "logsumexp",
    "softmax",
    "log_softmax",
    "count_nonzero",
    "aminmax",
    "nansum",
    "nanmean",
    "dist",
  ]),
  var: R.var_,
  ...pick(S, [
    "view",
    "reshape",
    "view_as",
    "reshape_as",
    "permute",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "expand",
    "expand_as",
    "broadcast_to",
    "squeeze",
    "unsqueeze",
    "narrow",
    "select",
    "flatten",
    "ravel",
    "unflatten",
    "contiguous",
    "clone",
    "split",
    "chunk",
    "unbind",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "repeat",
    "movedim",
    "moveaxis",
  ]),
  ...pick(I, [
    "getitem",
    "setitem",
    "gather",
    "index_select",
    "take_along_dim",
    "masked_fill",
    "nonzero",
    "argwhere",
    "masked_select",
    "index_put",
  ]),
  ...pick(L, ["matmul", "mm", "bmm", "dot", "inner", "outer", "ger", "mv", "kron", "cross"]),
  ...pick(LD, ["cholesky", "qr", "svd"]),
  ...pick(LE, ["geqrf", "ormqr", "orgqr"]),
  ...pick(LT, ["lu", "lu_solve"]),
  ...pick(LS, [
    "cholesky_solve",
    "cholesky_inverse",
    "triangular_solve",
    "inverse",
    "det",
    "slogdet",
    "logdet",
    "pinverse",
    "matrix_exp",
    "matrix_power",
  ]),
  ...pick(SA, ["addmm", "addmv", "addr", "addbmm", "baddbmm"]),
  copy_,
  fill_,
  zero_,
  ...pick(Rnd, ["uniform_", "normal_", "random_", "bernoulli_", "exponential_", "bernoulli", "multinomial"]),
  ...pick(Mx, ["tril", "triu", "diagonal", "diag", "diag_embed", "trace"]),
  ...pick(M, [
    "addcmul",
    "addcdiv",
    "nan_to_num",
    "hypot",
    "logaddexp",
    "logaddexp2",
    "xlogy",
    "sinc",
    "heaviside",
    "copysign",
    "deg2rad",
    "rad2deg",
    "float_power",
    "sgn",
    "logit",
    "erfc",
  ]),
  // torch.special's functions with torch.*/Tensor names (polygamma takes n first as a function, self first as a method)
  ...pick(Sp, ["lgamma", "digamma", "mvlgamma", "i0", "igamma", "igammac"]),
  polygamma: (self: Tensor, n: unknown, ...rest: unknown[]) => Sp.polygamma(parseArgs("polygamma", [n, ...rest], ["n"]).n as number, self),
  ...pick(Cmp, ["isclose", "allclose", "equal", "signbit", "isposinf", "isneginf", "isreal"]),
  ...pick(Scan, ["cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "diff"]),
  ...pick(Sort, ["sort", "argsort", "topk", "kthvalue", "median", "nanmedian", "unique", "unique_consecutive"]),
  ...pick(Sct, ["scatter", "scatter_add", "index_add", "index_fill", "index_copy", "masked_scatter", "scatter_reduce"]),
  ...pick(creation, ["type_as", "new_zeros", "new_ones", "new_empty", "new_full", "new_tensor"]),
  new_empty_strided,
  symeig,
  ...pick(S, ["tile", "rot90", "narrow_copy", "tensor_split", "hsplit", "vsplit", "dsplit"]),
  // integer math, float parts, view scatters, statistics and the other extras (ops/<concept>.ts)
  ...pick(IM, ["gcd", "lcm", "bitwise_left_shift", "bitwise_right_shift"]),
  ...pick(FP, ["fmax", "fmin", "ldexp", "frexp", "nextafter"]),
  ...pick(SV, ["select_scatter", "slice_scatter", "diagonal_scatter", "as_strided", "as_strided_scatter"]),
  ...pick(ST, ["quantile", "nanquantile", "cov", "corrcoef", "histc", "histogram", "bincount", "mode"]),
  ...pick(SE, ["take", "put", "put_", "index_reduce", "msort", "repeat_interleave"]),
  ...pick(RE, ["split_with_sizes", "sum_to_size", "unfold", "diagflat", "resize_", "resize_as_"]),
  ...pick(AE, ["positive", "renorm"]),
  // Python's reflected operators (x.__rsub__(2) is 2 - x), ops/reflected.ts
  ...REFLECTED_METHODS,
  // PyTorch's alias names (multiply, arccos, ...), in-place view ops (t_, squeeze_, ...): ops/aliases.ts, ops/inplace_views.ts
  ...ALIAS_METHODS,
  ...INPLACE_VIEW_METHODS,
  fill_diagonal_,
  /** float_power_ keeps PyTorch's rule: the result is float64, so self must be float64. */
  float_power_: (self: Tensor, e: unknown) => {
    if (self.dtype !== float64)
      throw new TorchError(
        `the base given to float_power_ has dtype ${self.dtype.scalarName} but the operation's result requires dtype Double`,
      );
    return inplace("float_power_", self, () => M.float_power(self, e as never));
  },
};

/** In-place variants: x.add_(y) computes add(x, y) and writes it into x. */
const INPLACE = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "remainder",
  "fmod",
  "neg",
  "abs",
  "sign",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "sin",
  "cos",
  "tan",
  "tanh",
  "sigmoid",
  "relu",
  "erf",
  "floor",
  "ceil",
  "trunc",
  "frac",
  "round",
  "reciprocal",
  "clamp",
  "clip",
  "clamp_min",
  "clamp_max",
  "lerp",
  "masked_fill",
  "scatter",
  "scatter_add",
  "tril",
  "triu",
  "maximum",
  "minimum",
  "logical_not",
  "logical_and",
  "logical_or",
  "square",
  "atan2",
  "floor_divide",
  "true_divide",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "addmm",
  "addmv",
  "addr",
  "addbmm",
  "baddbmm",
  "addcmul",
  "addcdiv",
  "nan_to_num",
  "hypot",
  "xlogy",
  "sinc",
  "heaviside",
  "copysign",
  "deg2rad",
  "rad2deg",
  "sgn",
  "logit",
  "erfc",
  "index_add",
  "index_fill",
  "index_copy",
  "masked_scatter",
  "scatter_reduce",
  "index_put",
  "gcd",
  "lcm",
  "bitwise_left_shift",
  "bitwise_right_shift",
  "ldexp",
  "renorm",
  "index_reduce",
  "lgamma",
  "digamma",
  "polygamma",
  "mvlgamma",
  "i0",
  "igamma",
  "igammac",
  ...ALIAS_INPLACE,
];

function pick(mod: Record<string, unknown>, names: string[]): Record<string, Fn> {
  const out: Record<string, Fn> = {};
  for (const n of names) {
    const f = mod[n];
    if (typeof f !== "function") throw new Error(`method table: ${n} is not a function`);
    out[n] = f as Fn;
  }
  return out;
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
// x.H and x.mH (attributes in PyTorch): the conjugate transpose of a matrix / of a batch of matrices
const conjOf = (t: Tensor): Tensor => {
  const conj = (t as unknown as { conj?: () => Tensor }).conj;
  return (t.dtype as { is_complex?: boolean }).is_complex && conj ? conj.call(t) : t;
};
Object.defineProperty(proto, "H", {
  get(this: Tensor) {
    if (this.ndim !== 0 && this.ndim !== 2)
      throw new TorchError(
        `tensor.H is only supported on matrices (2-D tensors). Got ${this.ndim}-D tensor.${this.ndim > 2 ? " For batches of matrices, consider using tensor.mH" : ""}`,
      );
    // a 0-d tensor is its own transpose: H is its conjugate
    return this.ndim === 0 ? conjOf(this) : conjOf(S.transpose(this, 0, 1));
  },
  configurable: true,
});
Object.defineProperty(proto, "mH", {
  get(this: Tensor) {
    // PyTorch 1.13 takes a 0-d tensor too (its conjugate), not a 1-d one
    if (this.ndim === 0) return conjOf(this);
    if (this.ndim < 2) throw new TorchError(`tensor.mH is only supported on matrices or batches of matrices. Got ${this.ndim}-D tensor.`);
    return conjOf(S.transpose(this, -2, -1));
  },
  configurable: true,
});
// x.real and x.imag are attributes in PyTorch; assigning to them writes that part of x in place
Object.defineProperty(proto, "real", {
  get(this: Tensor) {
    return Cx.real(this);
  },
  set(this: Tensor, v: Tensor | number) {
    if (!this.dtype.is_complex) copy_(this, v);
    else copy_(this, Cx.complex(E.add(E.mul(Cx.real(this), 0), v).to(Cx.real(this).dtype), Cx.imag(this)));
  },
  configurable: true,
});
Object.defineProperty(proto, "imag", {
  get(this: Tensor) {
    return Cx.imag(this);
  },
  set(this: Tensor, v: Tensor | number) {
    const im = Cx.imag(this);
    copy_(this, Cx.complex(Cx.real(this), E.add(E.mul(im, 0), v).to(im.dtype)));
  },
  configurable: true,
});
for (const [name, f] of Object.entries(METHOD_FUNCTIONS)) {
  // exact arity (functions may count their arguments), without a rest array for the common short calls
  proto[name] = function (this: Tensor) {
    switch (arguments.length) {
      case 0:
        return f(this);
      case 1:
        return f(this, arguments[0]);
      case 2:
        return f(this, arguments[0], arguments[1]);
      default:
        return f(this, ...arguments);
    }
  };
}
for (const name of INPLACE) {
  const f = METHOD_FUNCTIONS[name]!;
  const op = `${name}_`;
  proto[op] = function (this: Tensor) {
    const n = arguments.length;
    try {
      return n <= 2
        ? inplaceCall(op, this, f, n, arguments[0], arguments[1], null)
        : inplaceCall(op, this, f, n, undefined, undefined, Array.prototype.slice.call(arguments));
    } catch (e) {
      // errors raised by the out-of-place op name the in-place method the user called
      if (e instanceof Error && e.message.startsWith(name) && !e.message.startsWith(op)) e.message = `${op}${e.message.slice(name.length)}`;
      throw e;
    }
  };
}

// ---- conversions ----------------------------------------------------------------
function to(this: Tensor, ...args: unknown[]): Tensor {
  // to(dtype) | to(device) | to(device, dtype) | to(other) | to({dtype, device, copy})
  let dtype: DType | undefined,
    dev: DeviceLike | undefined,
    copy = false;
  const rest: unknown[] = [];
  for (const a of args) {
    if (a instanceof Tensor) {
      dtype = a.dtype;
      dev = a.device;
    } else if (typeof a === "string" && /^(torch\.)?(float|int|uint|bool|bfloat|half|double|long|short)/.test(a) && !/^(cpu|xla)/.test(a))
      dtype = dtypeOf(a);
    else if (a && typeof a === "object" && "itemsize" in (a as object)) dtype = a as DType;
    else if (typeof a === "string" || (a && typeof a === "object" && "type" in (a as object) && !isKwargs(a))) dev = a as DeviceLike;
    else rest.push(a);
  }
  const o = parseArgs("to", rest, ["non_blocking", "copy", "dtype", "device"], {});
  dtype = o.dtype ? dtypeOf(o.dtype) : dtype;
  dev = o.device ?? dev;
  copy = !!o.copy;
  let r: Tensor = this;
  if (dev !== undefined) {
    const d = toDevice(dev);
    if (!d.equals(this.device)) r = transfer(this, d);
  }
  if (dtype && dtype !== r.dtype) r = surface("to_copy", () => convert(r, dtype!));
  if (copy && r === this) r = S.clone(this);
  return r;
}

/** Cross-device copy: through the host, differentiable (the gradient moves back). */
function transfer(x: Tensor, d: ReturnType<typeof toDevice>): Tensor {
  // inside torch.compile's capture of d, a cpu tensor's copy is read again at each replay (capture_hooks.ts)
  const h = captureHooks();
  const y =
    h?.transferIn && x.device.type === "cpu" && h.captures(d) && !h.captures(x.device)
      ? h.transferIn(x, d)
      : fromHost(x._host(), x.shape, x.dtype, d);
  if (x.requires_grad) {
    // recorded as a custom node so backward moves the gradient to x's device
    recordTransfer(x, y);
  }
  return y;
}
import { recordCustom, surface } from "./autograd.js";
function recordTransfer(x: Tensor, y: Tensor): void {
  recordCustom("ToCopyBackward0", [x], [y], (cts) => [cts[0] ? transfer(cts[0], x.device) : null]);
}

const dtypeMethod = (d: DType) =>
  function (this: Tensor) {
    return surface("to_copy", () => convert(this, d));
  };
Object.assign(proto, {
  to,
  cpu(this: Tensor) {
    return to.call(this, "cpu");
  },
  type(this: Tensor, d?: DType | string) {
    return d === undefined ? `torch.${this.dtype.scalarName}Tensor` : convert(this, dtypeOf(d));
  },
  float: dtypeMethod(float32),
  double: dtypeMethod(float64),
  half: dtypeMethod(float16),
  bfloat16: dtypeMethod(bfloat16),
  long: dtypeMethod(int64),
  int: dtypeMethod(int32),
  short: dtypeMethod(int16),
  char: dtypeMethod(int8),
  byte: dtypeMethod(uint8),
  bool: dtypeMethod(bool),
  is_contiguous(this: Tensor, format: memory_format = contiguous_format) {
    if (format === contiguous_format || format === preserve_format) return isContiguous(this.shape, this.stride());
    return denseIn(this.shape, this.stride(), formatOrder(format, this.ndim)!);
  },
  is_floating_point(this: Tensor) {
    return this.dtype.is_floating_point;
  },
  item(this: Tensor) {
    if (this.numel() !== 1) throw new TorchError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    const h = this._host(),
      d = this.dtype;
    // a complex value is {re, im} (docs/PORTING.md: JavaScript has no complex numbers)
    if (d.is_complex) return { re: h[0] as number, im: h[1] as number };
    // hostValues(h, d)[0] without converting the whole array
    const v =
      d.name === "float16"
        ? f16ToF32((h as Uint16Array)[0]!)
        : d.name === "bfloat16"
          ? bf16ToF32((h as Uint16Array)[0]!)
          : (h as ArrayLike<number | bigint>)[0]!;
    return scalarOf(v, d);
  },
  tolist(this: Tensor) {
    const h = this._host();
    const vals: unknown[] = this.dtype.is_complex
      ? Array.from({ length: h.length / 2 }, (_, i) => ({ re: h[2 * i] as number, im: h[2 * i + 1] as number }))
      : hostValues(h, this.dtype).map((v) => scalarOf(v, this.dtype));
    const build = (d: number, off: number): unknown => {
      if (d === this.ndim) return vals[off];
      const stride = this.shape.slice(d + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[d]! }, (_, i) => build(d + 1, off + i * stride));
    };
    return build(0, 0);
  },
  toString(this: Tensor) {
    return formatTensor(this);
  },
  [Symbol.for("nodejs.util.inspect.custom")](this: Tensor) {
    return formatTensor(this);
  },
  backward(this: Tensor, ...args: unknown[]) {
    const o = parseArgs("backward", args, ["gradient", "retain_graph", "create_graph", "inputs"], {});
    const gradient = o.gradient as Tensor | null | undefined;
    if (!this.requires_grad) throw new TorchError("element 0 of tensors does not require grad and does not have a grad_fn");
    let g = gradient ?? null;
    if (!g) {
      if (this.numel() !== 1)
        throw new TorchError(`grad can be implicitly created only for scalar outputs (got shape [${this.shape.join(", ")}])`);
      if (this.dtype.is_complex) throw new TorchError("grad can be implicitly created only for real scalar outputs");
      g = ones_like(this);
    } else if (g.shape.join() !== this.shape.join()) {
      throw new TorchError(
        `backward: Mismatch in shape: grad_output[0] has a shape of [${g.shape.join(", ")}] and output[0] has a shape of [${this.shape.join(", ")}].`,
      );
    }
    const retain_graph = (o.retain_graph ?? o.create_graph) as boolean | undefined;
    const create_graph = o.create_graph as boolean | undefined;
    if (o.inputs === undefined || o.inputs === null) {
      runBackward([this], [g], { retain_graph, create_graph });
      return;
    }
    // only the tensors named get gradients (leaves or not), as PyTorch's backward(inputs=...)
    const inputs = o.inputs instanceof Tensor ? [o.inputs] : (o.inputs as Tensor[]);
    if (!Array.isArray(inputs) || !inputs.every((t) => t instanceof Tensor))
      throw new TorchTypeError("backward(): argument 'inputs' must be a Tensor or a sequence of Tensors");
    if (inputs.length === 0) throw new TorchError("'inputs' argument to backward() cannot be empty.");
    const grads = runBackward([this], [g], { retain_graph, create_graph, inputs, allow_unused: true });
    accumulateInto(inputs, grads, !!create_graph);
  },
  numpy() {
    throw new TorchTypeError("numpy(): there is no NumPy in TypeScript; use tolist() or data_async()");
  },
  get_device(this: Tensor) {
    return this.device.type === "cpu" ? -1 : (this.device.index ?? 0);
  },
  storage_backend(this: Tensor) {
    return getBackend(this.device.type).type;
  },
});

function scalarOf(v: number | bigint, d: DType): number | boolean | bigint {
  if (d.name === "bool") return v !== 0 && v !== 0n;
  if (typeof v === "bigint") return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  return v;
}

export { creation };
