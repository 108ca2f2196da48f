// stablehlo.convolution's pretty form
// `stablehlo.convolution(%lhs, %rhs) dim_numbers = ..., window = {stride = [..], pad = [[lo, hi], ..],
// lhs_dilate = [..], rhs_dilate = [..], reverse = [..]} {attrs} : sig`.
import type { Attr } from "./ir.js";
import { parseFunctionType } from "./parse_attrs.js";
import { parseConvDims } from "./parse_conv_dims.js";
import type { FuncParser, ParsedOp } from "./parser.js";

const ints = (values: number[]): Attr => ({ kind: "ints", values });

export function parsePrettyConvolution(p: FuncParser, name: string, at: number): ParsedOp {
  const c = p.c;
  c.expect("(", `after ${name}`);
  const operands = p.useList();
  c.expect(")", `to close the operands of ${name}`);
  const attrs: Record<string, Attr> = {};
  c.expect("dim_numbers", `in ${name}`);
  c.expect("=", "after 'dim_numbers'");
  attrs.dimension_numbers = { kind: "conv", ...parseConvDims(c) };
  if (c.eat(",")) {
    c.expect("window", `in ${name}`);
    c.expect("=", "after 'window'");
    c.expect("{", "to open the window attributes");
    if (!c.eat("}")) {
      do {
        const kat = c.here();
        const key = c.ident("a window attribute (stride, pad, lhs_dilate, rhs_dilate, reverse)");
        c.expect("=", `after '${key}'`);
        if (key === "pad") {
          c.expect("[", "to open the padding");
          const v: number[] = [];
          if (!c.eat("]")) {
            do v.push(...c.intList("a [low, high] pair"));
            while (c.eat(","));
            c.expect("]", "to close the padding");
          }
          attrs.padding = ints(v);
        } else if (key === "reverse") {
          c.expect("[", "to open the window reversal");
          const v: number[] = [];
          if (!c.eat("]")) {
            do v.push(c.eat("true") ? 1 : c.eat("false") ? 0 : c.int());
            while (c.eat(","));
            c.expect("]", "to close the window reversal");
          }
          attrs.window_reversal = ints(v);
        } else {
          const k = { stride: "window_strides", lhs_dilate: "lhs_dilation", rhs_dilate: "rhs_dilation" }[key];
          if (!k) return c.error(`unknown window attribute '${key}'`, kat);
          attrs[k] = ints(c.intList());
        }
      } while (c.eat(","));
      c.expect("}", "to close the window attributes");
    }
  }
  if (c.peek("{")) p.attrDict(attrs);
  c.expect(":", `and the type signature of ${name}`);
  const sig = parseFunctionType(c);
  p.checkTypes(name, operands, sig.inputs, at);
  return { name, operands, attrs, resultTypes: sig.results };
}
