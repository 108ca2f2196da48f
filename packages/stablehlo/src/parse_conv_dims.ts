// Convolution dimension numbers: `[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]`, written
// in stablehlo.convolution's pretty form and in `#stablehlo.conv<...>`.
import type { Cursor } from "./cursor.js";
import type { Attr, ConvDims } from "./ir.js";

/** One side's roles: `[b, 0, 1, f]`; a and b are the two letters of that side (b/f, i/o). */
function convSide(c: Cursor, letters: [string, string], what: string): { a: number; b: number; spatial: number[] } {
  c.expect("[", `to open the ${what} dimension roles`);
  const roles: string[] = [];
  if (!c.eat("]")) {
    do {
      const at = c.here();
      const t = /^[0-9]+|^[a-z]/.exec(c.text.slice(c.pos, c.pos + 12));
      if (!t) c.fail(`a dimension role (${letters.join(", ")} or a spatial index)`, at);
      c.pos += t[0].length;
      roles.push(t[0]);
    } while (c.eat(","));
    c.expect("]", `to close the ${what} dimension roles`);
  }
  const a = roles.indexOf(letters[0]),
    b = roles.indexOf(letters[1]);
  if (a < 0 || b < 0) c.error(`the ${what} dimension roles need '${letters[0]}' and '${letters[1]}'`);
  const spatial: number[] = [];
  roles.forEach((r, d) => {
    if (/^[0-9]+$/.test(r)) spatial[Number(r)] = d;
    else if (r !== letters[0] && r !== letters[1]) c.error(`unknown dimension role '${r}' in the ${what} roles`);
  });
  if (spatial.some((v) => v === undefined) || spatial.length !== roles.length - 2)
    c.error(`the ${what} spatial dimensions must be 0..${roles.length - 3}`);
  return { a, b, spatial };
}

/** `[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]`. */
export function parseConvDims(c: Cursor): ConvDims {
  const lhs = convSide(c, ["b", "f"], "input");
  c.expect("x", "between the input and kernel dimension roles");
  const rhs = convSide(c, ["i", "o"], "kernel");
  c.expect("->", "before the output dimension roles");
  const out = convSide(c, ["b", "f"], "output");
  return {
    inputBatchDimension: lhs.a,
    inputFeatureDimension: lhs.b,
    inputSpatialDimensions: lhs.spatial,
    kernelInputFeatureDimension: rhs.a,
    kernelOutputFeatureDimension: rhs.b,
    kernelSpatialDimensions: rhs.spatial,
    outputBatchDimension: out.a,
    outputFeatureDimension: out.b,
    outputSpatialDimensions: out.spatial,
  };
}

/** `#stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>` (after `#stablehlo.conv`). */
export function parseConvAttr(c: Cursor): Attr {
  c.expect("<", "after #stablehlo.conv");
  if (c.peek("raw")) c.error("the raw form of #stablehlo.conv is not supported; use [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]");
  const d = parseConvDims(c);
  c.expect(">", "to close #stablehlo.conv");
  return { kind: "conv", ...d };
}
