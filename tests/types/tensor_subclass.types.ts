// Type-level tests of the Tensor methods on Tensor's subclasses (nn.Parameter,
// nn.UninitializedParameter, nn.UninitializedBuffer), checked by the type check
// in the test command: plain lines must compile, lines marked @ts-expect-error
// must not. The generated methods are properties typed by one interface each
// (methods_types.ts, so that the checker does not re-instantiate ~1,200
// overloads per subclass); these lines check that a subclass still has them,
// with the same call signatures, and is still a Tensor where one is expected.
import * as torch from "xlatorch";

const x = torch.ones(3, 4);
const p = new torch.nn.Parameter(x);
const b = new torch.nn.UninitializedBuffer();
const u = new torch.nn.UninitializedParameter();

// a subclass is a Tensor, and its methods return Tensors
const asTensor: torch.Tensor = p;
const tensors: torch.Tensor[] = [p, b, u, x];
const sum: torch.Tensor = p.sum(1, { keepdim: true });
p.add(x, { alpha: 2 }).mul_(p);
p.topk({ k: 2, dim: 1 });
b.masked_fill(x.gt(0), { value: 0 });
// requires_grad_ keeps the subclass (tensor.ts's `this` return)
const stillParameter: torch.nn.Parameter = p.requires_grad_(false);

// misuse through a subclass is still a compile error
// @ts-expect-error 'keepdimm' is not a parameter of sum
p.sum(1, { keepdimm: true });
// @ts-expect-error transpose takes two dims
u.transpose(0, 1, 2);
// @ts-expect-error other must be a Tensor or a number
b.add("1");
// @ts-expect-error an unknown method
p.addd(x);

void [asTensor, tensors, sum, stillParameter];
