// The Tensor methods of PyTorch's alias names (x.multiply, x.arccos, ...),
// x.ndimension/cdouble/cfloat, and the names whose in-place `_` form methods.ts
// installs. Kept apart from aliases.ts, whose exports are torch.* functions.
import { complex128, complex64 } from "../dtype_all.js";
import type { Tensor } from "../tensor.js";
import {
  adjoint,
  arccos,
  arccosh,
  arcsin,
  arcsinh,
  arctan,
  arctan2,
  arctanh,
  divide,
  is_nonzero,
  is_same_size,
  is_signed,
  multiply,
  subtract,
} from "./aliases.js";
import { convert } from "./base.js";

/** Tensor.ndimension(): dim(). */
const ndimension = (self: Tensor): number => self.ndim;
const cdouble = (self: Tensor): Tensor => convert(self, complex128);
const cfloat = (self: Tensor): Tensor => convert(self, complex64);

type Fn = { method(...a: unknown[]): unknown }["method"];
/** Tensor methods of these names (methods.ts installs them with `this` first). */
export const ALIAS_METHODS: Record<string, Fn> = {
  multiply,
  divide,
  subtract,
  arccos,
  arcsin,
  arctan,
  arccosh,
  arcsinh,
  arctanh,
  arctan2,
  is_signed,
  is_nonzero,
  is_same_size,
  adjoint,
  ndimension,
  cdouble,
  cfloat,
};

/** Methods whose in-place `_` form methods.ts installs (computed out of place, then written). */
export const ALIAS_INPLACE = [
  "acos",
  "asin",
  "atan",
  "acosh",
  "asinh",
  "atanh",
  "cosh",
  "sinh",
  "erfinv",
  "exp2",
  "log10",
  "log2",
  "cumsum",
  "cumprod",
  "bitwise_and",
  "bitwise_or",
  "bitwise_xor",
  "bitwise_not",
  "logical_xor",
  "nextafter",
  "conj_physical",
  "arccos",
  "arcsin",
  "arctan",
  "arccosh",
  "arcsinh",
  "arctanh",
  "arctan2",
  "multiply",
  "divide",
  "subtract",
  "negative",
  "absolute",
  "fix",
  "greater",
  "greater_equal",
  "less",
  "less_equal",
  "not_equal",
];
