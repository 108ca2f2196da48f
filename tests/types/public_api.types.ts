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
void conv;
void pool;
void sched;

// wrong argument kinds to nn modules, optimizers, schedulers and functionals
// @ts-expect-error in_features must be a number
new torch.nn.Linear("3", 2);
// @ts-expect-error in_features must be a number (keyword form)
new torch.nn.Linear({ in_features: "3", out_features: 2 });
// @ts-expect-error kernel_size must be a number or numbers
new torch.nn.Conv2d(3, 6, { kernel_size: "5" });
// @ts-expect-error bias is a boolean
new torch.nn.Linear(3, 2, { bias: 1 });
// @ts-expect-error 'kernel' is not a parameter of MaxPool2d
new torch.nn.MaxPool2d({ kernel: 2 });
// @ts-expect-error lr must be a number
new torch.optim.SGD(lin.parameters(), { lr: "0.1" });
// @ts-expect-error betas are numbers
new torch.optim.Adam(lin.parameters(), { betas: ["0.9", "0.999"] });
// @ts-expect-error a scheduler takes an optimizer, not a module
new torch.optim.lr_scheduler.StepLR(lin, { step_size: 2 });
// @ts-expect-error step_size must be a number
new torch.optim.lr_scheduler.StepLR(opt, { step_size: "2" });
// @ts-expect-error kernel_size must be a number or numbers
torch.nn.functional.max_pool2d(torch.ones(1, 1, 4, 4), { kernel_size: "2" });
// @ts-expect-error reduction is a string
torch.nn.functional.mse_loss(x, x, { reduction: 1 });
// @ts-expect-error other must be a Tensor or a number
torch.add(x, "1");
// @ts-expect-error dim must be a number
x.unique({ dim: "0" });
// @ts-expect-error the value set must be a Tensor or a number
x.setitem(0, "a");

// results are Tensors (or the right tuple), never any
const t: torch.Tensor = x.add(x);
// @ts-expect-error a Tensor is not a number
const n: number = x.add(x);
const [values, indices]: torch.Tensor[] = torch.topk(x, 1);
// max/min/median: one Tensor, or (values, indices) along a dim
const whole: torch.Tensor = x.max();
const along: torch.Tensor = x.max(1).values.add(torch.min(x, { dim: 0 }).indices);
// @ts-expect-error max() over all elements has no indices
x.max().indices;
const typeName: string = x.type();
const asDouble: torch.Tensor = x.type(torch.float64);
const nested: unknown[] | number | boolean | bigint | torch.ComplexScalar = x.tolist();
void whole;
void along;
void typeName;
void asDouble;
void nested;

// internals are not part of the torch namespace
// @ts-expect-error bind is @xlatorch/core's, not torch's
torch.bind;
// @ts-expect-error the primitive table is not public
torch.P;

void t;
void n;
void values;
void indices;
