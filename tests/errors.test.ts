// Bad input (API.md "Errors"): every row is a wrong call to the public API. Each
// asserts that the call itself throws, the error class PyTorch's exception maps
// to, the key words of the message (op name, offending shapes/dtypes/values,
// what was expected), and for in-place ops and setitem that the target is left
// exactly as it was (values, shape, dtype, version counter, autograd state).
//
// PyTorch's exception type and message for every row are recorded in
// tests/fixtures/errors.json by tests/fixtures/gen_errors.py (real PyTorch 1.13);
// the class asserted here comes from that file:
//   RuntimeError, ValueError -> torch.TorchError
//   TypeError                -> torch.TorchTypeError
//   IndexError               -> torch.TorchIndexError
// The regexes are written from PyTorch's messages; a few also ask for the op
// name or the offending dtype/value where PyTorch's own message leaves it out,
// because API.md asks for them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

type Tensor = torch.Tensor;
interface PyError {
  type: "RuntimeError" | "TypeError" | "IndexError" | "ValueError";
  message: string;
  unchanged?: boolean;
  note?: string;
}
const PY: Record<string, PyError> = JSON.parse(readFileSync(new URL("./fixtures/errors.json", import.meta.url), "utf8"));

const CLASS = {
  RuntimeError: torch.TorchError,
  ValueError: torch.TorchError,
  TypeError: torch.TorchTypeError,
  IndexError: torch.TorchIndexError,
} as const;

// ---- helpers ------------------------------------------------------------------

const any = (x: unknown) => x as any;
const f32 = (...v: number[]) => torch.tensor(v, { dtype: torch.float32 });
const bool = (...shape: number[]) => torch.ones(shape, { dtype: torch.bool });
const long = (v: unknown) => torch.tensor(v as any, { dtype: torch.int64 });
const M23 = () =>
  torch.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: torch.float32 },
  );

/** A call whose preparation (run first, must not throw) is separate from the failing call. */
interface Staged<S> {
  setup: () => S;
  call: (s: S) => unknown;
}
const staged = <S>(setup: () => S, call: (s: S) => unknown): Staged<S> => ({ setup, call });

/**
 * Runs `call` and returns what it threw. If it threw nothing the test fails with
 * what it returned, and what reading `probe` (default: the result) did then; on
 * the lazy device that shows an error deferred to the next sync point.
 */
function thrown(call: () => unknown, probe?: () => unknown): Error {
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    return e as Error;
  }
  expect.fail(`no error thrown; the call returned ${describeValue(result)}${probe ? `; the target is now ${describeValue(probe())}` : ""}`);
}

function describeValue(v: unknown): string {
  if (v instanceof torch.Tensor) {
    let vals: string;
    try {
      vals = JSON.stringify(v.tolist()).slice(0, 120);
    } catch (e) {
      vals = `unreadable: tolist() throws ${(e as Error).name}: ${(e as Error).message}`;
    }
    return `a ${v.dtype} tensor of shape [${v.shape.join(", ")}] on ${v.device} (${vals})`;
  }
  if (Array.isArray(v)) return `[${v.map(describeValue).join(", ")}]`;
  return String(v);
}

/** Class from PyTorch's recorded exception type, then every message regex (soft: all reported). */
function checkError(name: string, err: Error, res: readonly RegExp[]): void {
  const py = PY[name];
  expect(py, `errors.json has no case '${name}' (rerun tests/fixtures/gen_errors.py)`).toBeDefined();
  const cls = CLASS[py!.type];
  const got = `${err?.constructor?.name ?? typeof err}: ${err?.message ?? String(err)}`;
  expect.soft(err instanceof cls, `expected ${cls.name} (PyTorch raises ${py!.type}: "${py!.message}"), got ${got}`).toBe(true);
  for (const re of res) expect.soft(err?.message ?? "", `message of ${got}`).toMatch(re);
}

/** Everything an in-place op could half-apply. */
function snapshot(t: Tensor) {
  return {
    values: t.tolist(),
    shape: [...t.shape],
    dtype: String(t.dtype),
    device: String(t.device),
    version: any(t)._version ?? any(t)._vc?.v,
    requires_grad: t.requires_grad,
    is_leaf: t.is_leaf,
    grad_fn: t.grad_fn,
  };
}

// ---- out-of-place calls ---------------------------------------------------------

type Row = [name: string, call: (() => unknown) | Staged<any>, res: RegExp[]];
const dimRange = (lo: number, hi: number, got: number) =>
  new RegExp(`Dimension out of range \\(expected to be in range of \\[${lo}, ${hi}\\], but got ${got}\\)`);

const CALLS: Row[] = [
  // broadcasting
  [
    "add broadcast mismatch",
    () => torch.ones(2, 3).add(torch.ones(4)),
    [/\badd\b/, /size of tensor a \(3\) must match the size of tensor b \(4\)/, /dimension 1/],
  ],
  [
    "sub broadcast mismatch",
    () => torch.sub(torch.ones(2, 3), torch.ones(2, 2)),
    [/\bsub\b/, /size of tensor a \(3\) must match the size of tensor b \(2\)/, /dimension 1/],
  ],
  [
    "mul broadcast mismatch",
    () => torch.ones(2, 3).mul(torch.ones(2, 4)),
    [/\bmul\b/, /size of tensor a \(3\) must match the size of tensor b \(4\)/, /dimension 1/],
  ],
  [
    "where broadcast mismatch",
    () => torch.where(bool(3), torch.ones(2), torch.ones(3)),
    [/\bwhere\b/, /\(3\).*\(2\)|\(2\).*\(3\)/, /dimension 0/],
  ],
  [
    "where non-bool condition",
    () => torch.where(torch.ones(3), torch.ones(3), torch.zeros(3)),
    [/\bwhere\b/, /condition/, /bool/i, /Float|float32/],
  ],
  [
    "masked_fill mask shape",
    () => torch.ones(2, 3).masked_fill(bool(2, 2), 0),
    [/masked_fill/, /\(2\).*\(3\)|\(3\).*\(2\)/, /dimension 1/],
  ],
  ["masked_fill float mask", () => torch.ones(2, 3).masked_fill(torch.zeros(2, 3), 0), [/masked_fill/, /bool/i, /float/i]],
  ["masked_fill value tensor not 0-dim", () => torch.ones(2, 3).masked_fill(bool(2, 3), torch.ones(2)), [/masked_fill/, /0-dim/, /1 dim/]],
  ["masked_select float mask", () => torch.ones(2, 3).masked_select(torch.ones(2, 3)), [/masked_select/, /Bool/i, /float/i]],
  ["masked_select mask shape", () => torch.ones(2, 3).masked_select(bool(2, 2)), [/masked_select/, /\(2\).*\(3\)|\(3\).*\(2\)/]],
  // matmul family
  ["matmul inner dim mismatch", () => torch.ones(2, 3).matmul(torch.ones(4, 5)), [/matmul/, /cannot be multiplied/, /2x3/, /4x5/]],
  ["matmul 0-dim operand", () => torch.matmul(torch.tensor(1.0), torch.ones(3)), [/matmul/, /at least 1D/, /0D and 1D/]],
  ["matmul batched mismatch", () => torch.ones(2, 2, 3).matmul(torch.ones(2, 4, 5)), [/matmul/, /\b3\b/, /\b4\b/]],
  ["mm inner dim mismatch", () => torch.mm(torch.ones(2, 3), torch.ones(4, 5)), [/\bmm\b/, /cannot be multiplied/, /2x3/, /4x5/]],
  ["mm 3-D operand", () => torch.mm(torch.ones(2, 3, 4), torch.ones(4, 5)), [/\bmm\b/, /matrix|2-?D/i]],
  [
    "mm dtype mismatch",
    () => torch.mm(torch.ones(2, 3), torch.ones(3, 2, { dtype: torch.float64 })),
    [/\bmm\b/, /Float|float32/, /Double|float64/],
  ],
  ["bmm batch mismatch", () => torch.bmm(torch.ones(2, 3, 4), torch.ones(3, 4, 5)), [/\bbmm\b/, /batch/, /\b2\b.*\b3\b/]],
  ["bmm 2-D operand", () => torch.bmm(torch.ones(3, 4), torch.ones(4, 5)), [/\bbmm\b/, /3-?D/]],
  ["dot size mismatch", () => torch.dot(torch.ones(3), torch.ones(4)), [/\bdot\b/, /\b3\b/, /\b4\b/]],
  ["dot 2-D operand", () => torch.dot(torch.ones(2, 2), torch.ones(4)), [/\bdot\b/, /1-?D/, /2-?D/]],
  [
    "dot dtype mismatch",
    () => torch.dot(torch.ones(3), torch.ones(3, { dtype: torch.int64 })),
    [/\bdot\b/, /same dtype/, /Float|float32/, /Long|int64/],
  ],
  ["outer 2-D operand", () => torch.outer(torch.ones(2, 2), torch.ones(3)), [/\bouter\b/, /1-?D/, /2-?D/]],
  // cat / stack
  [
    "cat size mismatch",
    () => torch.cat([torch.ones(2, 3), torch.ones(2, 4)]),
    [/\bcat\b/, /Expected size 3 but got size 4/, /tensor number 1/],
  ],
  ["cat ndim mismatch", () => torch.cat([torch.ones(2, 3), torch.ones(3)]), [/\bcat\b/, /same number of dimensions/, /2 and 1/]],
  ["cat dim out of range", () => torch.cat([torch.ones(2), torch.ones(2)], { dim: 1 }), [/\bcat\b/, dimRange(-1, 0, 1)]],
  ["cat empty list", () => torch.cat([]), [/\bcat\b/, /non-empty/]],
  ["cat of a tensor, not a list", () => torch.cat(any(torch.ones(2))), [/\bcat\b/, /tensors/, /not Tensor/]],
  [
    "stack shape mismatch",
    () => torch.stack([torch.ones(2, 3), torch.ones(3, 2)]),
    [/\bstack\b/, /equal size/, /\[2, 3\] at entry 0/, /\[3, 2\] at entry 1/],
  ],
  ["stack empty list", () => torch.stack([]), [/\bstack\b/, /non-empty/]],
  // view / reshape / shape ops
  [
    "view of non-contiguous transpose",
    () => torch.ones(2, 3).t().view(6),
    [/view size is not compatible with input tensor's size and stride/, /\.reshape/],
  ],
  ["view two -1", () => torch.ones(2, 3).view(-1, -1), [/\bview\b/, /only one dimension can be inferred/]],
  ["view wrong numel", () => torch.ones(2, 3).view(4, -1), [/\bview\b/, /\[4, -1\]' is invalid for input of size 6/]],
  ["view negative size", () => torch.ones(2, 3).view(-2, 3), [/\bview\b/, /invalid shape dimension -2/]],
  ["reshape wrong numel", () => torch.ones(2, 3).reshape(4, 2), [/\breshape\b/, /\[4, 2\]' is invalid for input of size 6/]],
  ["reshape two -1", () => torch.ones(2, 3).reshape(-1, 3, -1), [/\breshape\b/, /only one dimension can be inferred/]],
  ["unflatten sizes", () => torch.ones(6).unflatten(0, [4, 2]), [/\bunflatten\b/, /\[4, 2\]/, /\(6\)|size 6/]],
  ["flatten start after end", () => torch.ones(2, 3, 4).flatten(2, 1), [/\bflatten\b/, /start_dim cannot come after end_dim/]],
  ["permute wrong count", () => torch.ones(2, 3).permute(0), [/\bpermute\b/, /dim\(\) = 2/, /len\(dims\) = 1|= 1\b/]],
  ["permute repeated dim", () => torch.ones(2, 3).permute(0, 0), [/\bpermute\b/, /duplicate|repeated|appears multiple times/]],
  ["t of 3-D", () => torch.ones(2, 3, 4).t(), [/\bt\(\)|^t\b/, /<= ?2 dimensions/, /3-?D/]],
  [
    "expand incompatible",
    () => torch.ones(2, 3).expand(2, 4),
    [/\bexpand\b/, /expanded size of the tensor \(4\) must match the existing size \(3\)/, /dimension 1/],
  ],
  [
    "expand fewer dims",
    () => torch.ones(2, 3).expand(3),
    [/\bexpand\b/, /number of sizes provided \(1\)/, /dimensions in the tensor \(2\)/],
  ],
  [
    "repeat fewer dims",
    () => torch.ones(2, 3).repeat(2),
    [/\brepeat\b/, /Number of dimensions of repeat dims.*can ?not be smaller than number of dimensions of tensor/],
  ],
  ["split sizes not summing", () => torch.ones(3).split([1, 1]), [/\bsplit/, /sum exactly to 3/, /\[1, 1\]/]],
  ["chunk(0)", () => torch.ones(3).chunk(0), [/\bchunk\b/, /greater than 0/, /got:? 0/]],
  ["narrow past end", () => torch.ones(2, 3).narrow(0, 1, 5), [/\bnarrow\b/, /start \(1\) \+ length \(5\) exceeds dimension size \(2\)/]],
  ["narrow negative length", () => torch.ones(2, 3).narrow(0, 0, -1), [/\bnarrow\b/, /length/, /-1/]],
  ["tril of 1-D", () => torch.ones(3).tril(), [/\btril\b/, /-2|2 dimensions/]],
  ["diagonal same dims", () => torch.ones(2, 3).diagonal(0, 0, 0), [/\bdiagonal\b/, /cannot be identical 0, 0/]],
  // dims out of range (IndexError)
  ["sum dim out of range", () => torch.ones(2, 3).sum(2), [/\bsum\b/, dimRange(-2, 1, 2)]],
  ["sum repeated dim", () => torch.ones(2, 3).sum([0, 0]), [/\bsum\b/, /dim 0 appears multiple times in the list of dims/]],
  ["mean dim out of range", () => torch.ones(2, 3).mean(-3), [/\bmean\b/, dimRange(-2, 1, -3)]],
  ["softmax dim out of range", () => torch.ones(2, 3).softmax(-3), [/\bsoftmax\b/, dimRange(-2, 1, -3)]],
  ["transpose dim out of range", () => torch.ones(2, 3).transpose(0, 2), [/\btranspose\b/, dimRange(-2, 1, 2)]],
  ["squeeze dim out of range", () => torch.ones(2, 3).squeeze(3), [/\bsqueeze\b/, dimRange(-2, 1, 3)]],
  ["unsqueeze dim out of range", () => torch.ones(2, 3).unsqueeze(4), [/\bunsqueeze\b/, dimRange(-3, 2, 4)]],
  ["select dim out of range", () => torch.ones(2, 3).select(2, 0), [/\bselect\b/, dimRange(-2, 1, 2)]],
  ["narrow dim out of range", () => torch.ones(2, 3).narrow(2, 0, 1), [/\bnarrow\b/, dimRange(-2, 1, 2)]],
  ["flip dim out of range", () => torch.ones(2, 3).flip(2), [/\bflip\b/, dimRange(-2, 1, 2)]],
  ["cumsum dim out of range", () => torch.ones(2, 3).cumsum(5), [/\bcumsum\b/, dimRange(-2, 1, 5)]],
  ["sort dim out of range", () => torch.ones(2, 3).sort(2), [/\bsort\b/, dimRange(-2, 1, 2)]],
  ["argmax dim out of range", () => torch.ones(2, 3).argmax(-4), [/\bargmax\b/, dimRange(-2, 1, -4)]],
  ["unbind dim out of range", () => torch.ones(2, 3).unbind(2), [/\bunbind\b/, dimRange(-2, 1, 2)]],
  [
    "gather dim out of range",
    () => torch.ones(2, 3).gather(2, torch.zeros(2, 3, { dtype: torch.int64 })),
    [/\bgather\b/, dimRange(-2, 1, 2)],
  ],
  // indices out of range, wrong index dtypes, masks
  ["getitem int out of range", () => torch.ones(3).getitem(5), [/index 5 is out of bounds for dimension 0 with size 3/]],
  ["getitem second dim out of range", () => torch.ones(2, 3).getitem(":", 7), [/index 7 is out of bounds for dimension 1 with size 3/]],
  ["getitem negative out of range", () => torch.ones(2, 3).getitem(-3), [/index -3 is out of bounds for dimension 0 with size 2/]],
  ["getitem too many indices", () => torch.ones(2, 3).getitem(0, 0, 0), [/too many indices for tensor of dimension 2/]],
  [
    "getitem tensor index out of range",
    () => torch.ones(2, 3).getitem(long([0, 5])),
    [/index 5 is out of bounds for dimension 0 with size 2/],
  ],
  ["getitem float subscript", () => torch.ones(2, 3).getitem(1.5), [/only integers, slices/, /float|1\.5/]],
  [
    "getitem float index tensor",
    () => torch.ones(2, 3).getitem(f32(0, 1)),
    [/tensors used as indices must be long/, /bool tensors/, /float/i],
  ],
  [
    "getitem mask shape",
    () => torch.ones(2, 3).getitem(bool(3)),
    [/shape of the mask \[3\] at index 0 does not match the shape of the indexed tensor \[2, 3\] at index 0/],
  ],
  ["getitem zero step", () => torch.ones(4).getitem("::0"), [/step/, /zero|\b0\b/]],
  ["getitem negative step", () => torch.ones(4).getitem("::-1"), [/step must be greater than zero/]],
  [
    "select index out of range",
    () => torch.ones(2, 3).select(0, 5),
    [/\bselect\b/, /index 5 out of range for tensor of size \[2, 3\] at dimension 0/],
  ],
  [
    "index_select index out of range",
    () => torch.ones(2, 3).index_select(0, long([3])),
    [/index_select/, /out of (range|bounds)/, /\b3\b/],
  ],
  ["index_select float index", () => torch.ones(2, 3).index_select(0, f32(0)), [/index_select/, /int32( or |\/)int64/, /float/i]],
  ["index_select 2-D index", () => torch.ones(2, 3).index_select(0, long([[0]])), [/index_select/, /vector|1-?D/]],
  [
    "gather index out of range",
    () => torch.ones(2, 3).gather(1, long([[5], [0]])),
    [/\bgather\b/, /index\b.*\b5\b.*out of bounds/, /size \[?(2, )?3\b/],
  ],
  [
    "gather int32 index",
    () => torch.ones(2, 3).gather(1, torch.zeros(2, 1, { dtype: torch.int32 })),
    [/\bgather\b/, /Expected dtype int64 for index/, /int32|Int\b/],
  ],
  ["gather index ndim mismatch", () => torch.ones(2, 3).gather(1, long([0, 1])), [/\bgather\b/, /same number of dimensions/]],
  [
    "gather index too large",
    () => torch.ones(2, 3).gather(0, torch.zeros(1, 4, { dtype: torch.int64 })),
    [/\bgather\b/, /\[1, 4\]/, /\[2, 3\]/],
  ],
  [
    "scatter index out of range",
    () => torch.zeros(2, 3).scatter(1, long([[5], [0]]), 1.0),
    [/\bscatter\b/, /index\b.*\b5\b.*out of bounds/, /size \[?(2, )?3\b/],
  ],
  [
    "scatter int32 index",
    () => torch.zeros(2, 3).scatter(1, torch.zeros(2, 1, { dtype: torch.int32 }), 1.0),
    [/\bscatter\b/, /Expected dtype int64 for index/],
  ],
  ["topk k too large", () => torch.ones(3).topk(5), [/\btopk\b/, /k out of range/, /\b5\b/]],
  ["kthvalue k out of range", () => torch.ones(3).kthvalue(4), [/\bkthvalue\b/, /k out of range/, /\b4\b/]],
  // options and argument types
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["sum unknown keyword", () => torch.ones(2, 3).sum({ dimm: 1 }), [/\bsum\b/, /dimm/]],
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["sum dim given twice", () => torch.ones(2, 3).sum(1, { dim: 1 }), [/\bsum\b/, /\bdim\b/, /multiple values|invalid combination/]],
  ["zeros unknown keyword", () => torch.zeros(2, { dtyp: torch.float32 }), [/\bzeros\b/, /dtyp\b/]],
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["transpose too many positionals", () => torch.ones(2, 3).transpose(0, 1, 0), [/\btranspose\b/, /positional|invalid combination/]],
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["softmax without dim", () => torch.ones(2, 3).softmax(), [/\bsoftmax\b/, /\bdim\b/]],
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["unsqueeze too many positionals", () => torch.ones(3).unsqueeze(0, 1), [/\bunsqueeze\b/, /positional|invalid combination/]],
  ["add string other", () => torch.add(torch.ones(2), any("a")), [/\badd\b/, /'other'/, /must be Tensor/, /\bstr(ing)?\b/]],
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["matmul string other", () => torch.ones(2).matmul("x"), [/\bmatmul\b/, /'other'/, /must be Tensor/, /\bstr(ing)?\b/]],
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["view string size", () => torch.ones(2, 3).view("a"), [/\bview\b/, /size|int/, /\bstr(ing)?\b/]],
  ["zeros float size", () => torch.zeros(2.5), [/\bzeros\b/, /'size'/, /float|2\.5/]],
  ["zeros negative size", () => torch.zeros(-1), [/\bzeros\b/, /negative dimension -1/]],
  // @ts-expect-error: the declared types reject this call too (they come from the same signatures)
  ["nonzero unknown keyword", () => torch.ones(3).nonzero({ as_tupl: true }), [/\bnonzero\b/, /as_tupl\b/]],
  [
    "div invalid rounding_mode",
    () => torch.ones(3).div(2, { rounding_mode: "round" }),
    [/\bdiv\b/, /rounding_mode/, /'trunc'/, /'floor'/, /'round'/],
  ],
  ["clamp without bounds", () => torch.ones(3).clamp(), [/\bclamp\b/, /At least one of 'min' or 'max' must not be None/]],
  ["pow int by negative int", () => torch.tensor([1, 2]).pow(-1), [/\bpow\b/, /Integers to negative integer powers are not allowed/]],
  ["bitwise_and float", () => torch.ones(2).bitwise_and(torch.ones(2)), [/bitwise_and/, /Float|float32/]],
  // autograd
  [
    "requires_grad int factory",
    () => torch.ones(2, { dtype: torch.int64, requires_grad: true }),
    [/floating point/, /require gradients/, /Long|int64/],
  ],
  ["requires_grad_ on int tensor", () => torch.tensor([1, 2]).requires_grad_(), [/floating point/, /require gradients/, /Long|int64/]],
  [
    "requires_grad_(False) on non-leaf",
    () => torch.ones(2, { requires_grad: true }).mul(2).requires_grad_(false),
    [/requires_grad flags of leaf variables/, /detach\(\)/],
  ],
  [
    "backward non-scalar",
    () => torch.ones(2, { requires_grad: true }).mul(2).backward(),
    [/grad can be implicitly created only for scalar outputs/],
  ],
  [
    "backward twice",
    staged(
      () => {
        const x = torch.ones(2, { requires_grad: true });
        const y = x.mul(x).sum();
        y.backward();
        return y;
      },
      (y: Tensor) => y.backward(),
    ),
    [/backward through the graph a second time/, /retain_graph/],
  ],
  ["backward without grad", () => torch.ones(2).sum().backward(), [/does not require grad/, /grad_fn/]],
  [
    "backward gradient shape",
    () => torch.ones(2, { requires_grad: true }).mul(2).backward(torch.ones(3)),
    [/Mismatch in shape/, /\[3\]/, /\[2\]/],
  ],
  [
    "autograd.grad input not requiring grad",
    staged(
      () => [torch.ones(2, { requires_grad: true }), torch.ones(2)],
      ([x, z]: Tensor[]) => torch.autograd.grad(x!.mul(z!).sum(), z!),
    ),
    [/One of the differentiated Tensors does not require grad/],
  ],
  [
    "autograd.grad unused input",
    staged(
      () => [torch.ones(2, { requires_grad: true }), torch.ones(2, { requires_grad: true })],
      ([x, z]: Tensor[]) => torch.autograd.grad(x!.mul(2).sum(), z!),
    ),
    [/appears to not have been used in the graph/, /allow_unused/],
  ],
  // reductions, factories, sampling, einsum, devices
  ["mean of int tensor", () => torch.tensor([1, 2, 3]).mean(), [/\bmean\b/, /floating point/, /Long|int64/]],
  ["max of empty", () => torch.zeros(0).max(), [/\bmax\b/, /numel\(\) == 0|empty/, /\bdim\b/]],
  ["argmax of empty", () => torch.zeros(0).argmax(), [/\bargmax\b/, /numel\(\) == 0|empty/]],
  ["item of multi-element", () => torch.ones(2).item(), [/one element|2 elements/]],
  ["randint low >= high", () => torch.randint(5, 5, [2]), [/randint|random_/, /from.*less than.*to|low.*high/, /\b5\b/]],
  ["randperm negative", () => torch.randperm(-1), [/\brandperm\b/, /negative/, /-1/]],
  ["multinomial too many samples", () => torch.multinomial(torch.ones(3), 4), [/\bmultinomial\b|n_sample/, /without replacement/]],
  ["arange inconsistent step", () => torch.arange(0, 10, -1), [/\barange\b/, /inconsistent with step sign/]],
  ["arange zero step", () => torch.arange(0, 10, 0), [/\barange\b/, /step must be nonzero/]],
  ["linspace negative steps", () => torch.linspace(0, 1, -1), [/\blinspace\b/, /number of steps must be non-negative/]],
  ["tensor ragged", () => torch.tensor([[1, 2], [3]]), [/\btensor\b/, /expected sequence of length 2 at dim 1 \(got 1\)/]],
  ["tensor ragged deeper", () => torch.tensor([[[1], [2]], [[3]]]), [/\btensor\b/, /expected sequence of length 2 at dim 1 \(got 1\)/]],
  ["tensor string element", () => torch.tensor(any([1, "a"])), [/\btensor\b/, /\bstr(ing)?\b/]],
  [
    "einsum too few operands",
    () => torch.einsum("ij,jk->ik", torch.ones(2, 2)),
    [/\beinsum\b/, /fewer operands|\b1 operands? were provided/],
  ],
  [
    "einsum too many operands",
    () => torch.einsum("ij->ji", torch.ones(2, 2), torch.ones(2, 2)),
    [/\beinsum\b/, /more operands|\b2 operands were provided/],
  ],
  [
    "einsum subscript count",
    () => torch.einsum("ijk->i", torch.ones(2, 2)),
    [/\beinsum\b/, /number of subscripts in the equation \(3\) does not match the number of dimensions \(2\) for operand 0/],
  ],
  ["einsum size mismatch", () => torch.einsum("ij,jk->ik", torch.ones(2, 3), torch.ones(4, 2)), [/\beinsum\b/, /\bj\b/, /\b4\b/, /\b3\b/]],
  [
    "add across devices",
    () => torch.ones(3).add(torch.ones(3).to("xla")),
    [/\badd\b/, /Expected all tensors to be on the same device/, /\bcpu\b/, /\bxla/],
  ],
  [
    "matmul across devices",
    () => torch.ones(2, 2).matmul(torch.ones(2, 2).to("xla")),
    [/\bmatmul\b/, /Expected all tensors to be on the same device/, /\bcpu\b/, /\bxla/],
  ],
];

describe("wrong calls throw PyTorch's error class with a descriptive message", () => {
  it.each(CALLS)("%s", (name, call, res) => {
    const err =
      typeof call === "function"
        ? thrown(call)
        : (() => {
            const s = call.setup();
            return thrown(() => call.call(s));
          })();
    checkError(name, err, res);
  });
});

// The same wrong calls with every tensor on the lazy device: the error must come
// at the call, not at the next sync point (regexes and class as above).
const X = (t: Tensor) => t.to("xla");
const XLA_CALLS: [name: string, call: () => unknown][] = [
  ["add broadcast mismatch", () => X(torch.ones(2, 3)).add(X(torch.ones(4)))],
  ["matmul inner dim mismatch", () => X(torch.ones(2, 3)).matmul(X(torch.ones(4, 5)))],
  ["cat size mismatch", () => torch.cat([X(torch.ones(2, 3)), X(torch.ones(2, 4))])],
  ["reshape wrong numel", () => X(torch.ones(2, 3)).reshape(4, 2)],
  ["sum dim out of range", () => X(torch.ones(2, 3)).sum(2)],
  ["getitem int out of range", () => X(torch.ones(3)).getitem(5)],
  ["getitem tensor index out of range", () => X(torch.ones(2, 3)).getitem(X(long([0, 5])))],
  ["gather index out of range", () => X(torch.ones(2, 3)).gather(1, X(long([[5], [0]])))],
  ["index_select index out of range", () => X(torch.ones(2, 3)).index_select(0, X(long([3])))],
  ["mean of int tensor", () => X(torch.tensor([1, 2, 3])).mean()],
  ["item of multi-element", () => X(torch.ones(2)).item()],
  ["backward non-scalar", () => torch.ones(2, { requires_grad: true, device: "xla" }).mul(2).backward()],
];
const CALL_RES = new Map(CALLS.map(([name, , res]) => [name, res]));

describe("wrong calls on the xla device throw at the call", () => {
  it.each(XLA_CALLS)("%s", (name, call) => checkError(name, thrown(call), CALL_RES.get(name)!));
});

// ---- in-place ops and setitem: nothing half-applied ------------------------------

type InplaceRow = [name: string, make: (device: string) => Tensor, call: (t: Tensor) => unknown, res: RegExp[]];
const on = (t: Tensor, device: string) => (device === "cpu" ? t : t.to(device));
const ints = (d: string) => on(torch.tensor([1, 2, 3]), d);
const floats = (d: string) => on(f32(1, 2, 3), d);
const m23 = (d: string) => on(M23(), d);
const other = (t: Tensor, x: Tensor) => x.to(t.device);
const CAST = (from: string, to: string) => new RegExp(`result type ${from} can't be cast to the desired output type ${to}`);

const INPLACE: InplaceRow[] = [
  ["add_ float scalar into int", ints, (t) => t.add_(1.5), [/\badd_/, CAST("Float", "Long")]],
  ["mul_ float tensor into int", ints, (t) => t.mul_(other(t, f32(0.5, 0.5, 0.5))), [/\bmul_/, CAST("Float", "Long")]],
  ["div_ int tensor", ints, (t) => t.div_(2), [/\bdiv_/, CAST("Float", "Long")]],
  ["sqrt_ int tensor", (d) => on(torch.tensor([1, 4, 9]), d), (t) => t.sqrt_(), [/\bsqrt_/, CAST("Float", "Long")]],
  ["add_ int into bool", (d) => on(torch.tensor([true, false]), d), (t) => t.add_(1), [/\badd_/, CAST("Long", "Bool")]],
  [
    "add_ grows target",
    floats,
    (t) => t.add_(other(t, torch.ones(2, 3))),
    [/\badd_/, /output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/],
  ],
  [
    "mul_ grows target",
    (d) => on(torch.tensor([[1, 2, 3]], { dtype: torch.float32 }), d),
    (t) => t.mul_(other(t, torch.ones(2, 3))),
    [/\bmul_/, /output with shape \[1, 3\] doesn't match the broadcast shape \[2, 3\]/],
  ],
  ["sub_ broadcast mismatch", floats, (t) => t.sub_(other(t, torch.ones(4))), [/\bsub_?\b/, /\(3\).*\(4\)|\(4\).*\(3\)/]],
  ["copy_ grows target", floats, (t) => t.copy_(other(t, torch.ones(2, 3))), [/\bcopy_/, /\[3\].*\[2, 3\]/]],
  ["fill_ with 1-D value", floats, (t) => t.fill_(other(t, torch.ones(3))), [/\bfill_/, /0-dim/, /1 dim/]],
  [
    "masked_fill_ mask shape",
    m23,
    (t) => t.masked_fill_(other(t, bool(2, 2)), 0),
    [/masked_fill_?/, /\(3\).*\(2\)|\(2\).*\(3\)/, /dimension 1/],
  ],
  [
    "scatter_ index out of range",
    m23,
    (t) => t.scatter_(1, other(t, long([[0], [5]])), 9.0),
    [/\bscatter_?/, /index\b.*\b5\b.*out of bounds/, /size \[?(2, )?3\b/],
  ],
  [
    "scatter_ src dtype mismatch",
    (d) =>
      on(
        torch.tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        d,
      ),
    (t) => t.scatter_(1, other(t, long([[0], [1]])), other(t, torch.tensor([[0.5], [0.5]]))),
    [/\bscatter_?/, /dtype/, /Long|int64/, /Float|float32/],
  ],
  ["pow_ int by negative int", ints, (t) => t.pow_(-1), [/\bpow_?/, /Integers to negative integer powers are not allowed/]],
  [
    "leaf requires_grad add_",
    (d) => torch.ones(2, { requires_grad: true, device: d }),
    (t) => t.add_(1),
    [/\badd_/, /a leaf Variable that requires grad is being used in an in-place operation/],
  ],
  [
    "view of leaf requires_grad mul_",
    (d) => torch.ones(2, 3, { requires_grad: true, device: d }),
    (t) => t.getitem(0).mul_(2),
    [/\bmul_/, /a view of a leaf Variable that requires grad is being used in an in-place operation/],
  ],
  [
    "setitem on leaf requires_grad",
    (d) => torch.ones(2, 3, { requires_grad: true, device: d }),
    (t) => t.setitem(0, 5.0),
    [/leaf Variable that requires grad is being used in an in-place operation/],
  ],
  ["setitem value shape mismatch", m23, (t) => t.setitem(0, other(t, torch.ones(4))), [/\(3\)/, /\(4\)|\[4\]/, /\[3\]/]],
  ["setitem index out of range", m23, (t) => t.setitem(5, 0.0), [/index 5 is out of bounds for dimension 0 with size 2/]],
  [
    "setitem tensor index out of range",
    m23,
    (t) => t.setitem(other(t, long([0, 7])), 0.0),
    [/index 7 is out of bounds for dimension 0 with size 2/],
  ],
  [
    "setitem mask shape",
    m23,
    (t) => t.setitem(other(t, bool(3)), 0.0),
    [/shape of the mask \[3\] at index 0 does not match the shape of the indexed tensor \[2, 3\] at index 0/],
  ],
  [
    "setitem advanced value shape",
    m23,
    (t) => t.setitem(other(t, long([0, 1])), other(t, torch.ones(2, 2))),
    [/shape mismatch|must match/, /\[2, 2\]/, /\[2, 3\]/],
  ],
  [
    "add_ across devices",
    ints,
    (t) => t.add_(torch.ones(3, { dtype: torch.int64 }).to("xla")),
    [/\badd_?\b/, /Expected all tensors to be on the same device/, /\bcpu\b/, /\bxla/],
  ],
];

function runInplace(name: string, device: string, make: InplaceRow[1], call: InplaceRow[2], res: RegExp[]): void {
  const t = make(device);
  const before = snapshot(t);
  const err = thrown(
    () => call(t),
    () => t,
  );
  checkError(name, err, res);
  expect(snapshot(t), "the target changed although the op failed").toEqual(before);
}

describe("failed in-place ops and setitem leave their target unchanged (cpu)", () => {
  it.each(INPLACE)("%s", (name, make, call, res) => runInplace(name, "cpu", make, call, res));
});

// The same on the lazy device: the error comes at the call (not at the next sync)
// and the target's trace is not replaced by a half-applied one.
const XLA_ROWS = new Set([
  "add_ float scalar into int",
  "mul_ float tensor into int",
  "div_ int tensor",
  "add_ grows target",
  "copy_ grows target",
  "masked_fill_ mask shape",
  "scatter_ index out of range",
  "pow_ int by negative int",
  "leaf requires_grad add_",
  "setitem value shape mismatch",
  "setitem index out of range",
  "setitem tensor index out of range",
  "setitem mask shape",
]);
describe("failed in-place ops and setitem leave their target unchanged (xla)", () => {
  it.each(INPLACE.filter((r) => XLA_ROWS.has(r[0])))("%s", (name, make, call, res) => runInplace(name, "xla", make, call, res));
});

describe("errors.json and this file agree", () => {
  it("every recorded PyTorch case has a row here, and every row a recorded case", () => {
    const rows = [...CALLS.map((r) => r[0]), ...INPLACE.map((r) => r[0])];
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual(Object.keys(PY).sort());
    for (const [name] of INPLACE) expect("unchanged" in PY[name]!, `${name} is recorded as an in-place case`).toBe(true);
  });
});
