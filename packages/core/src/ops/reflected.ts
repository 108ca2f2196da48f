// Python's reflected operators as Tensor methods: `2 - x` calls x.__rsub__(2) in
// PyTorch, and OpInfo checks them by those names. Each is what torch/_tensor.py
// (or the C++ binding) defines, composed from the op it names, so dtype
// promotion, errors, the xla device and autograd are those ops':
// __radd__/__rmul__/__rand__/__ror__/__rxor__ are the commutative op itself,
// __rsub__ is rsub, __rdiv__ is reciprocal(x) * other (int tensors give float),
// __rpow__/__rmod__/__rmatmul__ call pow/remainder/matmul with other first.
import { Tensor } from "../tensor.js";
import { rsub } from "./arith_extras.js";
import { add, bitwise_and, bitwise_or, bitwise_xor, mul, pow, reciprocal, remainder } from "./elementwise.js";
import { matmul } from "./linalg.js";

type Other = Tensor | number | boolean;
type Fn = { method(...a: unknown[]): unknown }["method"];

export const REFLECTED_METHODS: Record<string, Fn> = {
  __radd__: (self: Tensor, other: Other) => add(self, other as never),
  __rmul__: (self: Tensor, other: Other) => mul(self, other as never),
  __rsub__: (self: Tensor, other: Other) => rsub(self, other as never),
  __rdiv__: (self: Tensor, other: Other) => mul(reciprocal(self), other as never),
  // torch/_tensor.py: torch.tensor(other, dtype=result_type(other, self)) ** self, so a tensor other is
  // copied out of the graph (no gradient reaches it)
  __rpow__: (self: Tensor, other: Other) => pow((other instanceof Tensor ? other.detach() : other) as never, self),
  __rmod__: (self: Tensor, other: Other) => remainder(other as never, self),
  __rmatmul__: (self: Tensor, other: Tensor) => matmul(other, self),
  __rand__: (self: Tensor, other: Other) => bitwise_and(self, other as never),
  __ror__: (self: Tensor, other: Other) => bitwise_or(self, other as never),
  __rxor__: (self: Tensor, other: Other) => bitwise_xor(self, other as never),
};
