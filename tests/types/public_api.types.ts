// Type-level tests of the public API as users import it, checked by the type
// check in the test command (`tsc -p tsconfig.json`): plain lines must
// compile, lines marked @ts-expect-error must not. The declared types of
// torch.* functions and Tensor methods come from PyTorch's signatures
// (packages/core/src/signatures.json), as the runtime parser does.
import * as torch from "xlatorch";

const x = torch.ones(3, 4);
const mask = x.gt(0);

// positional and keyword forms of the same call
torch.topk(x, 1);
torch.topk(x, { k: 1 });
torch.topk(x, 1, { dim: 0, largest: false });
x.topk({ k: 2, dim: 1 });
x.masked_fill(mask, { value: 0 });
x.transpose({ dim0: 0, dim1: 1 });
x.sum(1, { keepdim: true });
torch.masked_fill(x, mask, 0);

// unknown option names, wrong kinds and wrong arities
// @ts-expect-error 'kk' is not a parameter of topk
torch.topk(x, { kk: 1 });
// @ts-expect-error k must be a number
torch.topk(x, "a");
// @ts-expect-error 'keepdimm' is not a parameter of sum
x.sum(1, { keepdimm: true });
// @ts-expect-error transpose takes two dims
x.transpose(0, 1, 2);
// @ts-expect-error masked_fill needs its value
x.masked_fill(mask);

// nn modules, optimizers and schedulers in the keyword form
const conv = new torch.nn.Conv2d(3, 6, { kernel_size: 5 });
const lin = new torch.nn.Linear({ in_features: 3, out_features: 2 });
const pool = new torch.nn.MaxPool2d({ kernel_size: 2, stride: 2 });
const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
const sched = new torch.optim.lr_scheduler.StepLR(opt, { step_size: 2, gamma: 0.5 });
torch.nn.functional.max_pool2d(torch.ones(1, 1, 4, 4), { kernel_size: 2, stride: 2 });
torch.nn.utils.clip_grad_norm_(lin.parameters(), { max_norm: 1 });
void conv; void pool; void sched;

// results are Tensors (or the right tuple), never any
const t: torch.Tensor = x.add(x);
// @ts-expect-error a Tensor is not a number
const n: number = x.add(x);
const [values, indices]: torch.Tensor[] = torch.topk(x, 1);

// internals are not part of the torch namespace
// @ts-expect-error bind is @xlatorch/core's, not torch's
torch.bind;
// @ts-expect-error the primitive table is not public
torch.P;

void t; void n; void values; void indices;
