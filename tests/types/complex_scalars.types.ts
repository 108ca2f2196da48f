// Type-level tests of Python complex scalars ({re, im}, core's ComplexScalar) wherever PyTorch takes a
// Number/Scalar: the one parser accepts them at run time (signature.ts isScalarArg), so the generated declared
// types (tests/fixtures/gen_signatures.py) admit them too. Checked by the type check (`tsc -p tsconfig.json`):
// plain lines must compile, lines marked @ts-expect-error must not. Run-time values: tests/issue10_gaps.fixtures.test.ts.
import * as torch from "xlatorch";
import type { ComplexScalar } from "xlatorch";

const z = torch.zeros(2, { dtype: torch.complex64 });
const j: ComplexScalar = { re: 0, im: 1 };

// torch.* functions: positional and keyword forms
torch.add(z, { re: 1, im: 2 });
torch.add(z, j, { alpha: { re: 2, im: 0 } });
torch.add({ input: z, other: j });
torch.full([2], { re: 1, im: -1 });
torch.full([2], { fill_value: j, dtype: torch.complex128 });
torch.mul(z, j);
torch.where(z.abs().gt(0), z, j);
// Tensor methods
z.mul_({ re: 0, im: 1 });
z.add(j, { alpha: 2 });
z.fill_(j);
z.sub({ other: j });
z.masked_fill(z.abs().gt(0), j);
z.new_full([3], j);
// nn.functional's Number parameters
torch.nn.functional.pad(z, [1, 1]);

// still refused: a complex scalar is exactly {re, im} of numbers
// @ts-expect-error im must be a number
torch.add(z, { re: 1, im: "2" });
// @ts-expect-error 'imag' is neither a parameter of add nor a complex scalar's key
z.mul_({ re: 0, imag: 1 });
// @ts-expect-error a string is not a Scalar
torch.full([2], "1+2j");
